/** Command-line dispatch for `cutover` and `kubectl cutover`; the cockpit itself is rendered by bin/. */
import { parseArgs } from 'node:util';
import { CONNECT_OPTIONS, currentServer, resolveTarget, type Target } from './connectFlags.js';
import { SHELLS, completionScript } from './completion.js';
import { UsageError, formatError } from './errors.js';
import { OUTPUT_OPTIONS } from './output.js';
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
  cutover [--demo] [--readonly] [--dry-run] [--steps 10,30,50,100] [global flags]
                                         open the cockpit (--demo: on an embedded simulated cluster;
                                         --readonly: no release keys; --dry-run: every action is a
                                         server-side dry run; --steps: the canary ladder of + and -)
          [--grace 5s] [--lock-seconds 60] [--freeze-config FILE]
                                         steering as a pair: the cancel window before an action fires,
                                         the driver lock's lifetime, recurring freeze windows
  cutover status [NAME] [-o json|yaml|wide|name] [--watch]
                                         print releases, budgets, verdicts and the checklist
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
  cutover history DEPLOYMENT [--diff] [-o json|yaml|name]
                                         revisions with images, change-cause and template diffs
  cutover migrate RELEASE [--migration FILE] [--for-image IMAGE]
                                         run the migration Job and follow it to Complete/Failed
  cutover guard NAME [--for 5m] [--max-error-rate 1%] [--max-p95 300ms] [--prometheus URL]
                                         wait for the rollout, watch its metrics, undo on a breach
                                         actions take -y/--yes, --dry-run, --json, --wait, --override REASON
  cutover completion bash|zsh|fish       shell completion (source <(cutover completion bash))
  cutover help | --version

Global flags (before or after the command, as kubectl cutover -n shop status):
  -n, --namespace NS         namespace (default: the context's)
  -A, --all-namespaces       every namespace (cockpit and status)
  --context NAME             kubeconfig context
  --kubeconfig FILE          kubeconfig (default: KUBECONFIG, then ~/.kube/config, then in-cluster)
  --as USER, --as-group GROUP
                             impersonate a user (and one group), as kubectl
  --request-timeout DURATION bound on each API request (0 none, 5s, 1m; default none)

Exit codes: 0 done; 1 refused, failed or cluster error (status --watch: the rollout failed or
missed its progress deadline); 2 bad usage.
Run "cutover COMMAND --help" for a command's options.
`;

export const VERSION = '0.1.0';

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

const COMMANDS: Record<string, (args: string[]) => Promise<number>> = {
  status: runStatus,
  sim: runSim,
  canary: runCanary,
  flip: runFlip,
  'scale-idle': runScaleIdle,
  pause: (args) => runRollout('pause', args),
  resume: (args) => runRollout('resume', args),
  restart: (args) => runRollout('restart', args),
  'set-image': (args) => runRollout('set-image', args),
  scale: (args) => runRollout('scale', args),
  undo: runUndo,
  history: runHistory,
  migrate: runMigrate,
  guard: runGuard,
  completion: async (args) => {
    if (args.includes('-h') || args.includes('--help')) {
      process.stdout.write('Usage: cutover completion bash|zsh|fish\n\n  bash: source <(cutover completion bash)\n  zsh:  source <(cutover completion zsh)\n  fish: cutover completion fish | source\n');
      return 0;
    }
    const shells = args.filter((a) => !a.startsWith('-'));
    if (shells.length !== 1) throw new UsageError(`completion needs one shell: ${SHELLS.join(', ')}`);
    process.stdout.write(completionScript(shells[0], { commands: [...Object.keys(COMMANDS), 'help'], globalFlags: GLOBAL_FLAGS, valueFlags: VALUE_FLAGS }));
    return 0;
  },
};

/** The cockpit's own flags (no command word). */
const COCKPIT_OPTIONS = { ...CONNECT_OPTIONS, readonly: { type: 'boolean' }, 'dry-run': { type: 'boolean' }, steps: { type: 'string' }, ...COCKPIT_PAIR_OPTIONS, help: { type: 'boolean', short: 'h' }, version: { type: 'boolean' } } as const;
/** Options that may stand before the command word; only their values must be known to find it. */
const LEADING_OPTIONS = { ...COCKPIT_OPTIONS, ...OUTPUT_OPTIONS } as const;
const flagNames = (options: Record<string, { type: string; short?: string }>, type?: string) =>
  Object.entries(options)
    .filter(([, o]) => !type || o.type === type)
    .flatMap(([long, o]) => ['--' + long, ...(o.short ? ['-' + o.short] : [])]);
const GLOBAL_FLAGS = flagNames(CONNECT_OPTIONS);
const VALUE_FLAGS = flagNames(LEADING_OPTIONS, 'string');

/**
 * The command word is the first positional; flags before it (`-n shop status`) move after the
 * command's own arguments, where its parser reads them.
 */
export function splitCommand(argv: string[]): { command?: string; args: string[] } {
  const { tokens } = parseArgs({ args: argv, options: LEADING_OPTIONS, strict: false, allowPositionals: true, tokens: true });
  const first = tokens.find((t) => t.kind === 'positional' || t.kind === 'option-terminator');
  if (!first || first.kind === 'option-terminator') return { args: argv };
  const before = argv.slice(0, first.index);
  const after = argv.slice(first.index + 1);
  const end = after.indexOf('--');
  const args = end < 0 ? [...after, ...before] : [...after.slice(0, end), ...before, ...after.slice(end)];
  return { command: argv[first.index], args };
}

/** Runs a headless command (returns its exit code) or says to open the cockpit. */
export async function main(argv: string[]): Promise<number | CockpitLaunch> {
  const { command, args } = splitCommand(argv);
  if (command === 'help') {
    process.stdout.write(HELP);
    return 0;
  }
  if (command !== undefined) {
    const run = COMMANDS[command];
    if (run) return run(args);
    // Any other release action's command, straight from the action registry.
    if (cliCommand(command)) return runAct(actCommand(command), args);
    throw new UsageError(`unknown command "${command}"; run cutover help`);
  }
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: COCKPIT_OPTIONS,
  });
  if (values.help) {
    process.stdout.write(HELP);
    return 0;
  }
  if (values.version) {
    process.stdout.write(`cutover ${VERSION}\n`);
    return 0;
  }
  if (positionals.length) throw new UsageError(`unexpected argument "${positionals[0]}" after --; run cutover help`);
  let steps: number[] | undefined;
  if (values.steps !== undefined) {
    const parsed = parseCanarySteps(values.steps);
    if (typeof parsed === 'string') throw new UsageError(`--steps: ${parsed}`);
    steps = parsed;
  }
  const pair = cockpitPairFlags(values);
  return { target: await resolveTarget(values, { preflight: false }), readonly: values.readonly ?? false, dryRun: values['dry-run'] ?? false, ...(steps ? { steps } : {}), pair };
}

/** Prints any error as one line (see formatError) and returns the exit code. */
export function reportError(err: unknown, stderr: NodeJS.WritableStream = process.stderr): number {
  const { line, exitCode } = formatError(err, currentServer());
  stderr.write(`cutover: ${line}\n`);
  return exitCode;
}
