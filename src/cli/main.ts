/** Command-line dispatch for `cutover` and `kubectl cutover`; the cockpit itself is rendered by bin/. */
import { parseArgs } from 'node:util';
import { CONNECT_OPTIONS, resolveTarget, type Target } from './connectFlags.js';
import { UsageError } from './errors.js';
import { runCanary } from './canary.js';
import { parseCanarySteps } from '../actions/canary.js';
import { cliCommand } from '../actions/registry.js';
import { actCommand, runAct } from './act.js';
import { runFlip, runScaleIdle } from './flip.js';
import { runMigrate } from './migrate.js';
import { runRollout } from './rollout.js';
import { runHistory, runUndo } from './undo.js';
import { runSim } from './sim.js';
import { runStatus } from './status.js';
import { runGuard } from './guard.js';
import { COCKPIT_PAIR_OPTIONS, cockpitPairFlags } from './pair.js';
import type { PairOptions } from '../engine/controller.js';

export const HELP = `cutover: a terminal cockpit for zero-downtime Kubernetes releases

Usage:
  cutover [--demo] [--kubeconfig FILE] [--context NAME] [-n NS | -A] [--readonly] [--dry-run]
          [--steps 10,30,50,100]         open the cockpit (--demo: on an embedded simulated cluster;
                                         --readonly: no release keys; --dry-run: every action is a
                                         server-side dry run; --steps: the canary ladder of + and -)
          [--grace 5s] [--lock-seconds 60] [--freeze-config FILE]
                                         steering as a pair: the cancel window before an action fires,
                                         the driver lock's lifetime, recurring freeze windows
  cutover status [NAME] [--json] [--watch]  print releases, budgets, verdicts and the checklist
  cutover sim [--port N] [--scenario NAME] [--speed X] [--pods N]
                                         run the embedded simulated cluster for kubectl and cutover
  cutover canary step|back|promote|abort RELEASE [--steps 10,30,50,100]
                                         move a canary release along its ladder (grow, wait, shrink)
  cutover flip RELEASE [--scale-old N]   switch a blue-green Service to the idle colour (again: back)
  cutover scale-idle RELEASE REPLICAS    scale the idle colour of a blue-green release
  cutover pause|resume|restart DEPLOYMENT
                                         pause or resume a rollout; restart every pod (new revision)
  cutover set-image DEPLOYMENT [CONTAINER=]IMAGE
                                         set a container's image (waits for the migration gate)
  cutover scale DEPLOYMENT REPLICAS      set a Deployment's replicas
  cutover undo DEPLOYMENT [--to-revision N]
                                         roll back as kubectl rollout undo does
  cutover history DEPLOYMENT [--diff]    revisions with images, change-cause and template diffs
  cutover migrate RELEASE [--migration FILE] [--for-image IMAGE]
                                         run the migration Job and follow it to Complete/Failed
  cutover guard NAME [--for 5m] [--max-error-rate 1%] [--max-p95 300ms] [--prometheus URL]
                                         wait for the rollout, watch its metrics, undo on a breach
                                         actions take -y/--yes, --dry-run, --json, --wait, --override REASON
  cutover help | --version

Run "cutover COMMAND --help" for a command's options.
`;

export interface CockpitLaunch {
  target: Target;
  readonly: boolean;
  /** Every action a server-side dry run. */
  dryRun: boolean;
  /** The canary ladder for + and - (--steps). */
  steps?: number[];
  /** Steering as a pair: --grace, --lock-seconds, --freeze-config. */
  pair?: Partial<PairOptions>;
}

/** Runs a headless command (returns its exit code) or says to open the cockpit. */
export async function main(argv: string[]): Promise<number | CockpitLaunch> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'sim':
      return runSim(rest);
    case 'status':
      return runStatus(rest);
    case 'canary':
      return runCanary(rest);
    case 'flip':
      return runFlip(rest);
    case 'scale-idle':
      return runScaleIdle(rest);
    case 'pause':
    case 'resume':
    case 'restart':
    case 'set-image':
    case 'scale':
      return runRollout(command, rest);
    case 'undo':
      return runUndo(rest);
    case 'history':
      return runHistory(rest);
    case 'migrate':
      return runMigrate(rest);
    case 'guard':
      return runGuard(rest);
    case 'help':
    case '--help':
    case '-h':
      process.stdout.write(HELP);
      return 0;
    case '--version':
      process.stdout.write('cutover 0.1.0\n');
      return 0;
  }
  // Any other release action's command, straight from the action registry.
  if (command !== undefined && cliCommand(command)) return runAct(actCommand(command), rest);
  if (command !== undefined && !command.startsWith('-')) throw new UsageError(`unknown command "${command}"; run cutover help`);
  const { values } = parseArgs({ args: argv, options: { ...CONNECT_OPTIONS, readonly: { type: 'boolean' }, 'dry-run': { type: 'boolean' }, steps: { type: 'string' }, ...COCKPIT_PAIR_OPTIONS } });
  let steps: number[] | undefined;
  if (values.steps !== undefined) {
    const parsed = parseCanarySteps(values.steps);
    if (typeof parsed === 'string') throw new UsageError(`--steps: ${parsed}`);
    steps = parsed;
  }
  const pair = cockpitPairFlags(values);
  return { target: await resolveTarget(values), readonly: values.readonly ?? false, dryRun: values['dry-run'] ?? false, ...(steps ? { steps } : {}), pair };
}

/** One line for the user, never a stack trace for expected failures. */
export function reportError(err: unknown, stderr: NodeJS.WritableStream = process.stderr): number {
  const e = err as { code?: string; message?: string; exitCode?: number; stack?: string };
  if (err instanceof UsageError) {
    stderr.write(`cutover: ${e.message}\n`);
    return e.exitCode ?? 2;
  }
  if (typeof e?.code === 'string' && e.code.startsWith('ERR_PARSE_ARGS')) {
    stderr.write(`cutover: ${e.message}; run cutover help\n`);
    return 2;
  }
  stderr.write(`cutover: unexpected error: ${e?.stack ?? String(err)}\n`);
  return 1;
}
