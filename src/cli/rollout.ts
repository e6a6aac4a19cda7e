/** `cutover pause|resume|restart DEPLOYMENT`, `cutover set-image DEPLOYMENT [CONTAINER=]IMAGE`, `cutover scale DEPLOYMENT N`. */
import { lookupDeployment, planPause, planRestart, planResume, planScale, planSetImage } from '../actions/rollout.js';
import type { PlanInput } from '../actions/state.js';
import type { Plan, WaitStep } from '../actions/types.js';
import { runAct, type ActCommand, type ActContext, type ActIO } from './act.js';
import { UsageError } from './errors.js';

const DEFAULT_WAIT_MS = 600_000;

/** With --wait: the plan ends waiting until DEPLOYMENT has `replicas` updated, available pods. */
export function withRolloutWait(plan: Plan, input: PlanInput, deployment: string, ctx: Pick<ActContext, 'wait' | 'timeoutMs'>, replicas?: number): Plan {
  if (!ctx.wait || plan.refusal) return plan;
  const found = lookupDeployment(input, deployment);
  if ('error' in found) return plan;
  const d = found.view.deployment;
  const want = replicas ?? d.spec?.replicas ?? 1;
  const deadline = (d.spec?.progressDeadlineSeconds ?? 600) * 1000;
  const wait: WaitStep = {
    kind: 'wait',
    description: `waiting for ${deployment} to have ${want} updated, available replicas`,
    until: { type: 'deployment-available', namespace: input.namespace, name: deployment, replicas: want },
    timeoutMs: ctx.timeoutMs ?? Math.max(deadline, DEFAULT_WAIT_MS),
  };
  return { ...plan, steps: [...plan.steps, wait] };
}

export const PAUSE: ActCommand = {
  name: 'pause',
  usage: 'cutover pause DEPLOYMENT [options]',
  summary: 'Pauses the rollout of DEPLOYMENT (spec.paused true, as kubectl rollout pause): no new\nReplicaSet until resume; scaling still works.',
  args: ['DEPLOYMENT'],
  plan: ({ input, args }) => planPause(input, args[0]),
};

export const RESUME: ActCommand = {
  name: 'resume',
  usage: 'cutover resume DEPLOYMENT [--wait] [options]',
  summary: 'Resumes a paused rollout (spec.paused false, as kubectl rollout resume).',
  args: ['DEPLOYMENT'],
  plan: (ctx) => withRolloutWait(planResume(ctx.input, ctx.args[0]), ctx.input, ctx.args[0], ctx),
};

export const RESTART: ActCommand = {
  name: 'restart',
  usage: 'cutover restart DEPLOYMENT [--wait] [options]',
  summary: 'Replaces every pod under the rolling-update budget (template annotation\nkubectl.kubernetes.io/restartedAt, as kubectl rollout restart): a new revision.',
  args: ['DEPLOYMENT'],
  plan: (ctx) => withRolloutWait(planRestart(ctx.input, ctx.args[0]), ctx.input, ctx.args[0], ctx),
};

/** `[CONTAINER=]IMAGE` -> container (undefined when omitted) and image. */
export function parseImageArg(arg: string): { container?: string; image: string } {
  const eq = arg.indexOf('=');
  const container = eq >= 0 ? arg.slice(0, eq) : undefined;
  const image = eq >= 0 ? arg.slice(eq + 1) : arg;
  if (!image || (eq >= 0 && !container)) throw new UsageError(`"${arg}" is not [CONTAINER=]IMAGE`);
  return { ...(container ? { container } : {}), image };
}

export const SET_IMAGE: ActCommand = {
  name: 'set-image',
  usage: 'cutover set-image DEPLOYMENT [CONTAINER=]IMAGE [--wait] [--override REASON] [options]',
  summary: `Sets the image of one container (as kubectl set image): a new revision. CONTAINER may be
left out when the Deployment has one container. When the release has a migration template, the
latest migration run for IMAGE must have completed first (cutover migrate RELEASE), unless
--override REASON.`,
  args: ['DEPLOYMENT', 'IMAGE'],
  validate: (args) => void parseImageArg(args[1]),
  plan: (ctx) => {
    const { container, image } = parseImageArg(ctx.args[1]);
    return withRolloutWait(planSetImage(ctx.input, ctx.args[0], container, image, ctx.override ? { override: ctx.override } : {}), ctx.input, ctx.args[0], ctx);
  },
};

export function parseReplicas(text: string): number {
  if (!/^\d+$/.test(text)) throw new UsageError(`replicas must be a whole number of 0 or more, got "${text}"`);
  return Number(text);
}

export const SCALE: ActCommand = {
  name: 'scale',
  usage: 'cutover scale DEPLOYMENT REPLICAS [--wait] [options]',
  summary: 'Sets spec.replicas of DEPLOYMENT. For one side of a canary pair, prefer cutover canary\nstep|back (it keeps the total and orders the writes).',
  args: ['DEPLOYMENT', 'REPLICAS'],
  validate: (args) => void parseReplicas(args[1]),
  plan: (ctx) => {
    const n = parseReplicas(ctx.args[1]);
    return withRolloutWait(planScale(ctx.input, ctx.args[0], n), ctx.input, ctx.args[0], ctx, n);
  },
};

export const ROLLOUT_COMMANDS: Record<string, ActCommand> = { pause: PAUSE, resume: RESUME, restart: RESTART, 'set-image': SET_IMAGE, scale: SCALE };

export function runRollout(command: keyof typeof ROLLOUT_COMMANDS | string, argv: string[], io?: Partial<ActIO>): Promise<number> {
  const cmd = ROLLOUT_COMMANDS[command];
  if (!cmd) throw new UsageError(`unknown command "${command}"`);
  return runAct(cmd, argv, io);
}
