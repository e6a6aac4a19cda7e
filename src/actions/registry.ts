/**
 * The action registry: every release action in one entry. The cockpit's keymap and help, the
 * ActionController (prompts, picker, planning), the disabled-key reasons, undo-last and the CLI's
 * action commands all read it. A new release action is one entry here plus its planner.
 *
 * Each entry holds its key(s), help text, the permission its write needs, what it acts on (one
 * Deployment of the release, chosen by `actionTarget`; the release; or this session's journal),
 * the prompt and its parser, `plan(request, input)` receiving the ReleaseView (never a name to
 * look up again), which plan actions' undo it re-plans, and its CLI command(s).
 */
import type { ParseArgsOptionsConfig } from 'node:util';
import type { ReleaseView } from '../derive/derive.js';
import { describePermission, type AccessMap, type Permission } from '../kube/access.js';
import type { Release } from '../model/index.js';
import { parseCanarySteps, planCanary, planCanaryUndo, type CanaryMove } from './canary.js';
import { planRestore } from './execute.js';
import { planFlip, planFlipUndo, planScaleIdle } from './flip.js';
import { checkGuard, type GuardReading } from './guard.js';
import type { JournalEntry } from './journal.js';
import { planMigration } from './migrate.js';
import { parseImageArg, parseReplicas } from './parse.js';
import { planPause, planRestart, planResume, planScale, planSetImage, withRolloutWait } from './rollout.js';
import { planUndoToRevision } from './rolloutUndo.js';
import type { PlanInput } from './state.js';
import { actionTarget, targetLabel, type Target } from './target.js';
import { refuse, type ActionName, type Plan, type UndoSpec } from './types.js';
import { planUndoLastAction, type ReplanContext } from './undoLast.js';

/** Every release action a key can ask for. */
export type ActionKey =
  | 'stepUp'
  | 'stepDown'
  | 'promote'
  | 'abort'
  | 'flip'
  | 'scaleIdle'
  | 'migrate'
  | 'pauseResume'
  | 'restart'
  | 'setImage'
  | 'scale'
  | 'undoRevision'
  | 'undoLast';

/** What to plan, as the cockpit asks for it: the key, the release, and what a prompt or the picker added. */
export interface ActionRequest {
  key: ActionKey;
  /** ReleaseView.key; undefined for undoLast. */
  releaseKey?: string;
  /** The Deployment the user pointed at (the detail view's pod cursor); else actionTarget's default. */
  side?: string;
  /** Typed into a prompt: `[CONTAINER=]IMAGE` or a replica count. */
  value?: string;
  /** Picked in the revision picker. */
  revision?: number;
  /** Reason a closed gate is overridden with (audited). */
  override?: string;
  /** Reason a freeze window is overridden with (audited). */
  freezeOverride?: string;
  /** undoLast: the journal entry being undone. */
  entryId?: number;
}

/** Options the CLI's flags (and the cockpit's --steps) add to a plan. */
export interface PlanOptions {
  /** The canary ladder (--steps). */
  steps?: number[];
  /** Also wait for the final state (--wait). */
  wait?: boolean;
  timeoutMs?: number;
  /** flip --scale-old N. */
  scaleOldTo?: number;
  /** migrate --migration FILE, parsed. */
  manifest?: unknown;
  /** migrate --for-image. */
  forImage?: string;
  /** The CLI's pause and resume; the cockpit's p toggles. */
  mode?: 'pause' | 'resume';
  /** The CLI's canary commands refuse a rolling release (the cockpit's + and - scale it by one). */
  canaryOnly?: boolean;
}

/** What a planner gets: the release resolved once, and what the user added. */
export interface PlanRequest {
  release?: ReleaseView;
  side?: string;
  value?: string;
  revision?: number;
  override?: string;
  /** undoLast: the entry to undo. */
  entry?: JournalEntry;
  options?: PlanOptions;
  /** The release's latest metric figures, for a guarded action (the cockpit's engine, the CLI's --guard). */
  guard?: GuardReading;
}

export interface PromptSpec {
  purpose: 'image' | 'replicas';
  label: string;
  /** Whether the action asks at all on this release (scale-idle plans its refusal directly elsewhere). */
  applies?(release: ReleaseView): boolean;
  title(t: Target, release: ReleaseView): string;
  /** Pre-filled text. */
  text(t: Target): string;
  hint(t: Target): string;
  /** The typed text's problem, or undefined: checked on Enter, before planning. */
  check(text: string): string | undefined;
}

export type CliValues = Record<string, unknown>;

export interface CliFlags extends PlanOptions {
  revision?: number;
}

export interface CliSpec {
  /** The command words, e.g. `canary step`. */
  command: string;
  usage: string;
  summary: string;
  /** Positionals: the first names the release or a Deployment; a second is the prompt's value. */
  args: string[];
  /** What the first positional names: a release (its Service or either Deployment) or a Deployment. */
  names: 'release' | 'deployment';
  options?: ParseArgsOptionsConfig;
  /** The command's flags as plan options (and a revision), or the line saying what is wrong. */
  flags?(values: CliValues): CliFlags | string;
  /** Options this command always has. */
  fixed?: PlanOptions;
  /** Takes the metric guard's flags (--guard, --max-error-rate, --for...): checked before, watched after. */
  guard?: boolean;
}

export type Scope = 'deployment' | 'release' | 'session';

export interface ActionSpec {
  key: ActionKey;
  /** Keys in the cockpit; messages name the action by the first. */
  keys: string[];
  /** The help line. */
  help: string;
  /**
   * Writes to the cluster (the default): before it fires, the driver lock is claimed (refused while
   * someone else drives the release), freezes refuse it unless overridden, and the cancel window runs.
   */
  mutates?: boolean;
  /** What the write needs (undoLast: whatever the undone action needed; its write checks). */
  permission?: Permission;
  /** deployment: one Deployment of the release (actionTarget decides which); release: the release; session: the journal. */
  scope: Scope;
  prompt?: PromptSpec;
  /** Asks for a revision in the picker first. */
  picker?: boolean;
  plan(req: PlanRequest, input: PlanInput): Plan;
  /**
   * The release kind on which this action is metric-guarded: planAction refuses it with the figures
   * while the guard is breached (an override runs it, audited), and the change is watched after.
   */
  guard?: Release['kind'];
  /** The plan actions whose UndoSpec this entry re-plans (UndoSpec.action). */
  undoes?: readonly ActionName[];
  replanUndo?(input: PlanInput, undo: UndoSpec, ctx: ReplanContext): Plan;
  cli?: readonly CliSpec[];
}

// ---------- shared pieces ----------

const COMMON_SUMMARY_CANARY = `Moves replicas between the stable and the canary Deployment of RELEASE (the Service's name
or either Deployment's), keeping the total constant. The side that grows is scaled first and
must be available before the other side shrinks.
  step      next step of the ladder (default 10,30,50,100 percent of the total)
  back      previous step of the ladder
  promote   canary 100%, stable 0 (the stable Deployment keeps its template)
  abort     canary 0%, stable takes all replicas

Options:
  --steps LIST           the ladder in percent, e.g. 5,25,50,100 (default: the canary
                         Deployment's cutover.io/canary-steps annotation, else 10,30,50,100)`;

function canaryCli(move: CanaryMove, guard = false): CliSpec {
  return {
    ...(guard ? { guard } : {}),
    command: `canary ${move}`,
    usage: `cutover canary ${move} RELEASE [--steps 10,30,50,100]${guard ? ' [--guard [--for 5m] [--max-error-rate 1%]]' : ''} [options]`,
    summary: COMMON_SUMMARY_CANARY,
    args: ['RELEASE'],
    names: 'release',
    options: { steps: { type: 'string' } },
    fixed: { canaryOnly: true },
    flags(values) {
      if (values.steps === undefined) return {};
      const steps = parseCanarySteps(String(values.steps));
      return typeof steps === 'string' ? `--steps: ${steps}` : { steps };
    },
  };
}

/** The release of a release-scoped request; a request without one is a bug of the caller. */
function releaseOf(req: PlanRequest): ReleaseView {
  if (!req.release) throw new Error('no release for a release action');
  return req.release;
}

const targetOf = (req: PlanRequest): Target => actionTarget(releaseOf(req), req.side);

const base = (req: PlanRequest, action: ActionName, title: string) => {
  const r = releaseOf(req);
  return { action, title, namespace: r.namespace, subject: r.name };
};

function canaryMove(move: CanaryMove): (req: PlanRequest, input: PlanInput) => Plan {
  return (req, input) => {
    const release = releaseOf(req);
    const o = req.options ?? {};
    const t = targetOf(req);
    if (release.release.kind === 'rolling' && !o.canaryOnly && (move === 'step' || move === 'back')) {
      return planScale(input, t.deployment.name, t.deployment.desired + (move === 'step' ? 1 : -1));
    }
    return planCanary(input, release, move, {
      ...(o.steps ? { steps: o.steps } : {}),
      ...(o.wait ? { wait: true } : {}),
      ...(o.timeoutMs !== undefined ? { timeoutMs: o.timeoutMs } : {}),
      ...(req.override ? { override: req.override } : {}),
    });
  };
}

const replanCanary = (input: PlanInput, undo: UndoSpec, ctx: ReplanContext): Plan =>
  planCanaryUndo(input, undo, { ...(ctx.timeoutMs ? { timeoutMs: ctx.timeoutMs } : {}), ...(ctx.wait ? { wait: true } : {}), override: `undo of #${ctx.entryId}` });

const replanFlip = (input: PlanInput, undo: UndoSpec, ctx: ReplanContext): Plan =>
  planFlipUndo(input, undo, { ...(ctx.timeoutMs ? { timeoutMs: ctx.timeoutMs } : {}), ...(ctx.wait ? { wait: true } : {}), override: `undo of #${ctx.entryId}` });

const undoArgs = (undo: UndoSpec) => undo.args as Record<string, unknown>;
const undoDeployment = (undo: UndoSpec) => String(undoArgs(undo).deployment ?? '');

const replicasPrompt = (title: (t: Target, release: ReleaseView) => string, applies?: (release: ReleaseView) => boolean): PromptSpec => ({
  purpose: 'replicas',
  label: 'replicas',
  ...(applies ? { applies } : {}),
  title,
  text: () => '',
  hint: () => 'type a whole number; Enter plans it, Esc cancels',
  check: (text) => {
    const n = parseReplicas(text);
    return typeof n === 'string' ? n : undefined;
  },
});

/** The typed replica count of a request, or the refusal text. */
function replicasOf(req: PlanRequest): number | string {
  return parseReplicas(req.value ?? '');
}

// ---------- the registry ----------

export const REGISTRY: Record<ActionKey, ActionSpec> = {
  stepUp: {
    key: 'stepUp',
    keys: ['+'],
    help: 'canary: next traffic step (grow canary, wait, shrink stable); rolling: scale up by one',
    permission: 'patchDeployments',
    scope: 'release',
    plan: canaryMove('step'),
    guard: 'canary',
    undoes: ['canary-step'],
    replanUndo: replanCanary,
    cli: [canaryCli('step', true)],
  },
  stepDown: {
    key: 'stepDown',
    keys: ['-'],
    help: 'canary: previous traffic step; rolling: scale down by one',
    permission: 'patchDeployments',
    scope: 'release',
    plan: canaryMove('back'),
    undoes: ['canary-back'],
    replanUndo: replanCanary,
    cli: [canaryCli('back')],
  },
  promote: {
    key: 'promote',
    keys: ['P'],
    help: 'promote the canary to stable',
    permission: 'patchDeployments',
    scope: 'release',
    plan: canaryMove('promote'),
    guard: 'canary',
    undoes: ['canary-promote'],
    replanUndo: replanCanary,
    cli: [canaryCli('promote', true)],
  },
  abort: {
    key: 'abort',
    keys: ['A'],
    help: 'abort the canary (canary to 0%, stable takes all)',
    permission: 'patchDeployments',
    scope: 'release',
    plan: canaryMove('abort'),
    undoes: ['canary-abort'],
    replanUndo: replanCanary,
    cli: [canaryCli('abort')],
  },
  flip: {
    key: 'flip',
    keys: ['f'],
    help: 'blue-green: flip the Service to the idle colour (again = flip back)',
    permission: 'patchServices',
    scope: 'release',
    plan: (req, input) => {
      const o = req.options ?? {};
      return planFlip(input, releaseOf(req), {
        ...(o.scaleOldTo !== undefined ? { scaleOldTo: o.scaleOldTo } : {}),
        ...(o.wait ? { wait: true } : {}),
        ...(o.timeoutMs !== undefined ? { timeoutMs: o.timeoutMs } : {}),
        ...(req.override ? { override: req.override } : {}),
      });
    },
    guard: 'bluegreen',
    undoes: ['flip'],
    replanUndo: replanFlip,
    cli: [
      {
        command: 'flip',
        guard: true,
        usage: 'cutover flip RELEASE [--scale-old N] [--guard [--for 5m] [--max-error-rate 1%]] [options]',
        summary: `Switches the Service of the blue-green RELEASE (the Service's name or either colour's
Deployment) to the idle colour, after checking that colour is fully rolled out with at least as
many ready pods as the live one, then waits until the Service's ready endpoints are all on the new
colour. Run it again to flip back. The old colour keeps its replicas as the instant way back.

Options:
  --scale-old N          after the endpoints moved, also scale the old colour to N replicas`,
        args: ['RELEASE'],
        names: 'release',
        options: { 'scale-old': { type: 'string' } },
        flags(values) {
          if (values['scale-old'] === undefined) return {};
          const n = parseReplicas(String(values['scale-old']));
          return typeof n === 'string' ? `--scale-old: ${n}` : { scaleOldTo: n };
        },
      },
    ],
  },
  scaleIdle: {
    key: 'scaleIdle',
    keys: ['S'],
    help: 'blue-green: scale the idle colour (asks for replicas)',
    permission: 'patchDeployments',
    scope: 'release',
    prompt: replicasPrompt(
      (t, release) => `scale the idle colour ${t.deployment.name} of ${release.name} (now ${t.deployment.desired} replicas)`,
      (release) => release.release.kind === 'bluegreen',
    ),
    plan: (req, input) => {
      const release = releaseOf(req);
      const o = req.options ?? {};
      if (release.release.kind !== 'bluegreen') return planScaleIdle(input, release, 0);
      const n = replicasOf(req);
      if (typeof n === 'string') return refuse(base(req, 'scale-idle', `scale idle of ${release.name}`), n);
      return planScaleIdle(input, release, n, { ...(req.side ? { side: req.side } : {}), ...(o.wait ? { wait: true } : {}), ...(o.timeoutMs !== undefined ? { timeoutMs: o.timeoutMs } : {}) });
    },
    undoes: ['scale-idle'],
    replanUndo: replanFlip,
    cli: [
      {
        command: 'scale-idle',
        usage: 'cutover scale-idle RELEASE REPLICAS [options]',
        summary: `Scales the idle colour of the blue-green RELEASE to REPLICAS (down to free capacity after a
flip, or back up before flipping back). Scaling down first checks that the Service sends no traffic
to the idle colour. Naming the live colour's Deployment is refused.`,
        args: ['RELEASE', 'REPLICAS'],
        names: 'release',
      },
    ],
  },
  migrate: {
    key: 'migrate',
    keys: ['m'],
    help: 'run the migration Job; follow its state and log tail',
    permission: 'createJobs',
    scope: 'release',
    plan: (req, input) => {
      const o = req.options ?? {};
      return planMigration(input, releaseOf(req), {
        ...(o.manifest !== undefined ? { manifest: o.manifest } : {}),
        ...(o.forImage ? { forImage: o.forImage } : {}),
        ...(o.timeoutMs !== undefined ? { timeoutMs: o.timeoutMs } : {}),
      });
    },
    cli: [
      {
        command: 'migrate',
        usage: 'cutover migrate RELEASE [--migration FILE] [--for-image IMAGE] [options]',
        summary: `Runs the migration of RELEASE before its new version: creates a new Job from the release's
template (a suspended Job labelled cutover.io/migration-for=RELEASE) or from --migration FILE,
unsuspended, backoffLimit 0 unless set, annotated cutover.io/for-image, then follows it to
Complete or Failed and prints its log tail. Traffic and image changes toward that image wait
for a completed run (the migration gate).

Options:
  --migration FILE       a Job (or CronJob) manifest to run instead of the template
  --for-image IMAGE      the image the migration prepares for (default: the template's
                         cutover.io/target-image, its own image, else the release's new image)`,
        args: ['RELEASE'],
        names: 'release',
        options: { migration: { type: 'string' }, 'for-image': { type: 'string' } },
        // --migration FILE is read by the CLI (a file), which puts the manifest into the options.
        flags: (values) => (values['for-image'] ? { forImage: String(values['for-image']) } : {}),
      },
    ],
  },
  pauseResume: {
    key: 'pauseResume',
    keys: ['p'],
    help: 'pause the rollout, or resume it when paused',
    permission: 'patchDeployments',
    scope: 'deployment',
    plan: (req, input) => {
      const d = targetOf(req).deployment;
      const mode = req.options?.mode ?? (d.paused ? 'resume' : 'pause');
      if (mode === 'pause') return planPause(input, d.name);
      return withRolloutWait(planResume(input, d.name), input, d.name, req.options ?? {});
    },
    undoes: ['pause', 'resume'],
    replanUndo: (input, undo) => (undo.action === 'pause' ? planPause(input, undoDeployment(undo)) : planResume(input, undoDeployment(undo))),
    cli: [
      {
        command: 'pause',
        usage: 'cutover pause DEPLOYMENT [options]',
        summary: 'Pauses the rollout of DEPLOYMENT (spec.paused true, as kubectl rollout pause): no new\nReplicaSet until resume; scaling still works.',
        args: ['DEPLOYMENT'],
        names: 'deployment',
        fixed: { mode: 'pause' },
      },
      {
        command: 'resume',
        usage: 'cutover resume DEPLOYMENT [--wait] [options]',
        summary: 'Resumes a paused rollout (spec.paused false, as kubectl rollout resume).',
        args: ['DEPLOYMENT'],
        names: 'deployment',
        fixed: { mode: 'resume' },
      },
    ],
  },
  restart: {
    key: 'restart',
    keys: ['r'],
    help: 'rollout restart (new revision, every pod replaced)',
    permission: 'patchDeployments',
    scope: 'deployment',
    plan: (req, input) => {
      const d = targetOf(req).deployment;
      return withRolloutWait(planRestart(input, d.name), input, d.name, req.options ?? {});
    },
    undoes: ['restart'],
    replanUndo: (input, undo) => planRestart(input, undoDeployment(undo), { restore: { restartedAt: (undoArgs(undo).restartedAt as string | null | undefined) ?? null } }),
    cli: [
      {
        command: 'restart',
        usage: 'cutover restart DEPLOYMENT [--wait] [options]',
        summary: 'Replaces every pod under the rolling-update budget (template annotation\nkubectl.kubernetes.io/restartedAt, as kubectl rollout restart): a new revision.',
        args: ['DEPLOYMENT'],
        names: 'deployment',
      },
    ],
  },
  setImage: {
    key: 'setImage',
    keys: ['i'],
    help: 'set image (asks [CONTAINER=]IMAGE)',
    permission: 'patchDeployments',
    scope: 'deployment',
    prompt: {
      purpose: 'image',
      label: 'image',
      title: (t) => `set image of ${targetLabel(t)} (now ${t.deployment.images.join(', ') || 'none'})`,
      text: (t) => t.deployment.images[0] ?? '',
      hint: (t) => {
        const containers = (t.deployment.deployment.spec?.template?.spec?.containers ?? []).map((c) => c.name);
        return `type [CONTAINER=]IMAGE${containers.length > 1 ? ` (containers: ${containers.join(', ')})` : ''}; Enter plans it, Esc cancels`;
      },
      check: (text) => {
        const arg = parseImageArg(text);
        return typeof arg === 'string' ? arg : undefined;
      },
    },
    plan: (req, input) => {
      const d = targetOf(req).deployment;
      const arg = parseImageArg(req.value ?? '');
      if (typeof arg === 'string') return refuse(base(req, 'set-image', `set image ${d.name}`), arg);
      return withRolloutWait(planSetImage(input, d.name, arg.container, arg.image, req.override ? { override: req.override } : {}), input, d.name, req.options ?? {});
    },
    undoes: ['set-image'],
    replanUndo: (input, undo, ctx) => {
      const a = undoArgs(undo);
      return planSetImage(input, undoDeployment(undo), a.container as string | undefined, String(a.image ?? ''), { skipGate: `undo of #${ctx.entryId}` });
    },
    cli: [
      {
        command: 'set-image',
        usage: 'cutover set-image DEPLOYMENT [CONTAINER=]IMAGE [--wait] [--override REASON] [options]',
        summary: `Sets the image of one container (as kubectl set image): a new revision. CONTAINER may be
left out when the Deployment has one container. IMAGE must be a valid image reference. When the
release has a migration template, the latest migration run for IMAGE must have completed first
(cutover migrate RELEASE), unless --override REASON.`,
        args: ['DEPLOYMENT', 'IMAGE'],
        names: 'deployment',
      },
    ],
  },
  scale: {
    key: 'scale',
    keys: ['s'],
    help: 'scale to a number (asks for replicas)',
    permission: 'patchDeployments',
    scope: 'deployment',
    prompt: replicasPrompt((t) => `scale ${targetLabel(t)} (now ${t.deployment.desired} replicas)`),
    plan: (req, input) => {
      const d = targetOf(req).deployment;
      const n = replicasOf(req);
      if (typeof n === 'string') return refuse(base(req, 'scale', `scale ${d.name}`), n);
      return withRolloutWait(planScale(input, d.name, n), input, d.name, req.options ?? {}, n);
    },
    undoes: ['scale'],
    replanUndo: (input, undo) => planScale(input, undoDeployment(undo), Number(undoArgs(undo).replicas)),
    cli: [
      {
        command: 'scale',
        usage: 'cutover scale DEPLOYMENT REPLICAS [--wait] [options]',
        summary: 'Sets spec.replicas of DEPLOYMENT (0 to 2147483647). For one side of a canary pair, prefer\ncutover canary step|back (it keeps the total and orders the writes).',
        args: ['DEPLOYMENT', 'REPLICAS'],
        names: 'deployment',
      },
    ],
  },
  undoRevision: {
    key: 'undoRevision',
    keys: ['U'],
    help: 'rollout undo: pick a revision (image, change-cause, template diff)',
    permission: 'patchDeployments',
    scope: 'deployment',
    picker: true,
    plan: (req, input) => {
      const d = targetOf(req).deployment;
      return withRolloutWait(planUndoToRevision(input, d.name, req.revision ?? 0), input, d.name, req.options ?? {});
    },
    undoes: ['undo-revision'],
    replanUndo: (input, undo) => planUndoToRevision(input, undoDeployment(undo), Number(undoArgs(undo).toRevision ?? 0)),
    cli: [
      {
        command: 'undo',
        usage: 'cutover undo RELEASE|DEPLOYMENT [--to-revision N] [--wait] [options]',
        summary: `Rolls DEPLOYMENT back to its previous revision, or to revision N, exactly as
kubectl rollout undo does (same target, same JSON patch of /spec/template and
/metadata/annotations, same errors). See the revisions with: cutover history DEPLOYMENT.
Undoing the last cutover action is the cockpit's u key (it reads the journal in the state
directory, also entries an earlier cockpit left unfinished).

Options:
  --to-revision N        the revision to go back to (default: the previous one)`,
        args: ['DEPLOYMENT'],
        names: 'deployment',
        options: { 'to-revision': { type: 'string' } },
        flags(values) {
          const v = values['to-revision'];
          if (v === undefined) return {};
          return /^\d+$/.test(String(v)) ? { revision: Number(v) } : `--to-revision needs a whole number, got "${String(v)}"`;
        },
      },
    ],
  },
  undoLast: {
    key: 'undoLast',
    keys: ['u'],
    help: 'undo your last cutover action on this context, also one an earlier cockpit left unfinished (re-planned; refused if the world changed)',
    scope: 'session',
    plan: (req, input) => planUndoLast(input, req.entry, req.options ?? {}),
    // An unfinished action's entry: put its writes back.
    undoes: ['undo-action'],
    replanUndo: (input, undo) => planRestore(input.namespace, undo) ?? refuse({ action: 'undo-action', title: undo.description, namespace: input.namespace, subject: '' }, 'the journal entry holds no writes to put back'),
  },
};

export const ACTION_KEYS = Object.keys(REGISTRY) as ActionKey[];

/** Whether the entry writes (so the driver lock, freezes and the cancel window apply). */
export const mutates = (key: ActionKey): boolean => REGISTRY[key].mutates !== false;

/**
 * The plan for a request, as the cockpit and the CLI both make it: the entry's plan, then, on a
 * guarded action, the metric guard's word (a refusal with the figures while breached, unless
 * overridden with a reason; else a note).
 */
export function planAction(spec: ActionSpec, req: PlanRequest, input: PlanInput): Plan {
  const plan = spec.plan(req, input);
  const release = req.release;
  if (plan.refusal || !spec.guard || !release || release.release.kind !== spec.guard) return plan;
  const g = checkGuard(release, req.guard, req.override);
  if ('refusal' in g) return { ...plan, steps: [], undo: undefined, refusal: g.refusal };
  return g.notes.length ? { ...plan, notes: [...plan.notes, ...g.notes] } : plan;
}

/** The key as messages name it (`+`, `f`). */
export const keyWord = (key: ActionKey): string => REGISTRY[key].keys[0];

/** The entry that re-plans an UndoSpec of this plan action. */
export function undoPlanner(action: ActionName): ActionSpec | undefined {
  return ACTION_KEYS.map((k) => REGISTRY[k]).find((s) => s.undoes?.includes(action));
}

/** Undo the last action: the journal entry's inverse, re-planned by the entry the registry names for it. */
export function planUndoLast(input: PlanInput, entry: JournalEntry | undefined, opts: { timeoutMs?: number; wait?: boolean } = {}): Plan {
  return planUndoLastAction(input, entry, (i, undo, ctx) => undoPlanner(undo.action)?.replanUndo?.(i, undo, ctx), opts);
}

/**
 * Why a key cannot be used now, or undefined: read-only mode, or a permission the access reviews
 * denied. The one place that decides it; the key's notice and help's DISABLED say the same.
 */
export function disabledReason(key: ActionKey, o: { readonly?: boolean; access?: AccessMap }): string | undefined {
  if (o.readonly) return 'read-only (--readonly): release actions are off';
  const need = REGISTRY[key].permission;
  const a = need ? o.access?.[need] : undefined;
  return a && !a.allowed ? (a.reason ?? `${describePermission(need!)} is not allowed`) : undefined;
}

/**
 * What a production context asks to type before a plan runs: the first Deployment or Service the
 * plan writes, else the release. The cockpit and the CLI ask for the same name.
 */
export function confirmTarget(plan: Plan): { kind: string; name: string } {
  for (const s of plan.steps) if (s.kind !== 'wait' && (s.target.kind === 'Deployment' || s.target.kind === 'Service')) return { kind: s.target.kind, name: s.target.name };
  return { kind: 'release', name: plan.subject };
}

/** A CLI command's entry and its spec, by the command words (`canary step`, `scale`). */
export function cliCommand(command: string): { spec: ActionSpec; cli: CliSpec } | undefined {
  for (const key of ACTION_KEYS) {
    const cli = REGISTRY[key].cli?.find((c) => c.command === command);
    if (cli) return { spec: REGISTRY[key], cli };
  }
  return undefined;
}
