/**
 * The shared headless action runner: every mutating `cutover` subcommand goes through `runAct`.
 *
 * The release actions' commands come from the action registry (src/actions/registry.ts):
 * `registryCommand` turns an entry's CLI spec into an `ActCommand` (usage, flags, the value
 * positional parsed by the entry's own parser, the name resolved once, the entry's plan). `runAct`
 * does the rest, identically for every action:
 *
 *   parse flags -> connect (context, namespace) -> loadState -> cmd.plan(ctx) -> print the plan
 *   -> refuse / confirm (TTY y/N, --yes, prod contexts type the Deployment or Service name) -> ActionService.run
 *   (live progress) -> print the result (and, after a partial failure, what changed and how to
 *   restore it) -> exit code.
 *
 * Common flags (every command gets them; `commonHelp()` prints them):
 *   -n/--namespace NS, --kubeconfig FILE, --context NAME, --demo, --yes, --dry-run, --json, --wait,
 *   --override REASON, --confirm-name NAME, --timeout SECONDS (read by plans through ctx), -h/--help.
 *
 * Exit codes: 0 done (or dry run done), 1 refused / declined / failed / cluster error, 2 usage.
 * With --json, stdout carries exactly one JSON document `{plan, result, lines, refusal?, auditError?}`
 * and everything else (plan text, prompts, progress) goes to stderr.
 */
import { createInterface } from 'node:readline/promises';
import { parseArgs, type ParseArgsOptionsConfig } from 'node:util';
import type { KubeConfig } from '@kubernetes/client-node';
import { ActionError, describeRef } from '../actions/client.js';
import { resolveName } from '../actions/names.js';
import { GUARD_OPTIONS, GUARD_OPTIONS_HELP, guardRequested, parseGuardFlags, type GuardReading, type WatchClock } from '../actions/guard.js';
import { cliCommand, confirmTarget, planAction, type ActionSpec, type CliFlags, type CliSpec, type PlanOptions } from '../actions/registry.js';
import { ActionService } from '../actions/service.js';
import { restoreCommands } from '../actions/execute.js';
import { loadState, type PlanInput } from '../actions/state.js';
import { formatChanges, type ActionResult, type Plan, type Step } from '../actions/types.js';
import { ConfigError, connect, isProductionContext } from '../kube/config.js';
import { CONNECT_OPTIONS, resolveTarget } from './connectFlags.js';
import { UsageError, parsePositiveNumber } from './errors.js';
import { HeadlessPair, PAIR_HELP, PAIR_OPTIONS, pairFlags, type PairFlags } from './pair.js';
import { guardClock, readBefore, watchAfter, GUARD_EXIT, type GuardedRun } from './guardedAct.js';

/** What a command's planner gets. */
export interface ActContext {
  input: PlanInput;
  /** The positionals after the command words, exactly `cmd.args.length` of them. */
  args: string[];
  /** Every parsed flag (common and the command's own). */
  values: Record<string, string | boolean | string[] | boolean[] | undefined>;
  /** --wait: the plan should end with a wait for the final state. */
  wait: boolean;
  /** --override REASON: the reason a gate may be overridden with (the audit records it). */
  override?: string;
  /** --timeout in ms for wait steps, when given. */
  timeoutMs?: number;
  kc: KubeConfig;
  context: string;
  namespace: string;
  /** Set by the planner: the release the plan acts on (its driver lock and freezes apply). */
  releaseKey?: string;
  /** --guard: the figures read before planning. */
  guard?: GuardReading;
}

export interface ActCommand {
  /** The command words as typed, e.g. `canary step`; used in messages. */
  name: string;
  /** One usage line, e.g. `cutover canary step RELEASE [--steps 10,30,50,100]`. */
  usage: string;
  /** A few lines on what the command does (shown by --help, before the common flags). */
  summary: string;
  /** Names of the required positionals, e.g. ['RELEASE'] or ['RELEASE', 'REPLICAS']. */
  args: string[];
  /** The command's own flags (parseArgs config), merged with the common ones. */
  options?: ParseArgsOptionsConfig;
  /** Checks flags and positionals before connecting; throw UsageError for bad input (exit 2). */
  validate?(args: string[], values: ActContext['values']): void;
  /** Writes to the cluster: the driver lock, freezes and the cancel window apply (registry entries). */
  mutates?: boolean;
  /** Builds the plan. Throw ActionError for "no such release" and the like (exit 1). */
  plan(ctx: ActContext): Plan | Promise<Plan>;
  /** Takes the metric guard's flags (--guard, --for, --max-error-rate...). */
  guard?: boolean;
}

/**
 * The command of a registry entry's CLI spec. `extra` adds options the CLI itself must produce
 * (a file read from --migration).
 */
export function registryCommand(spec: ActionSpec, cli: CliSpec, extra?: (ctx: ActContext) => PlanOptions): ActCommand {
  const flags = (values: ActContext['values']): CliFlags => {
    const f = cli.flags?.(values) ?? {};
    if (typeof f === 'string') throw new UsageError(f);
    return f;
  };
  return {
    name: cli.command,
    usage: cli.usage,
    summary: cli.summary,
    args: cli.args,
    mutates: spec.mutates !== false,
    ...(cli.options || cli.guard ? { options: { ...cli.options, ...(cli.guard ? { ...GUARD_OPTIONS, guard: { type: 'boolean' } } : {}) } } : {}),
    ...(cli.guard ? { guard: true, summary: `${cli.summary.trimEnd()}

${GUARD_OPTIONS_HELP}` } : {}),
    validate(args, values) {
      flags(values);
      if (cli.guard && guardRequested(values)) {
        const g = parseGuardFlags(values);
        if (typeof g === 'string') throw new UsageError(g);
      }
      const problem = args[1] === undefined ? undefined : spec.prompt?.check(args[1]);
      if (problem) throw new UsageError(`${cli.args[1]}: ${problem}`);
    },
    plan(ctx) {
      const { release, side } = resolveName(ctx.input, ctx.args[0], cli.names);
      ctx.releaseKey = release.key;
      const { revision, ...options } = flags(ctx.values);
      return planAction(
        spec,
        {
          release,
          ...(ctx.guard ? { guard: ctx.guard } : {}),
          ...(side ? { side } : {}),
          ...(ctx.args[1] !== undefined ? { value: ctx.args[1] } : {}),
          ...(revision !== undefined ? { revision } : {}),
          ...(ctx.override ? { override: ctx.override } : {}),
          options: { ...cli.fixed, ...options, ...extra?.(ctx), wait: ctx.wait, ...(ctx.timeoutMs !== undefined ? { timeoutMs: ctx.timeoutMs } : {}) },
        },
        ctx.input,
      );
    },
  };
}

/** The command named `words` (`scale`, `canary step`) from the registry; throws for a name it does not hold. */
export function actCommand(words: string): ActCommand {
  const found = cliCommand(words);
  if (!found) throw new Error(`no action command "${words}" in the registry`);
  return registryCommand(found.spec, found.cli);
}

/** Where runAct reads and writes; tests pass their own. */
export interface ActIO {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  stdin: NodeJS.ReadableStream;
  /** Interactive terminal: asks for confirmation, progress on one updating line. */
  isTTY: boolean;
  /** Asks one question and resolves with the answer (default: readline on stdin/stderr). */
  ask?(question: string): Promise<string>;
  /** Directory of the journal and audit JSONL (default: the state directory). */
  stateDir?: string;
  /** The metric guard's clock (tests: the sim's); default real time, or the --demo cluster's. */
  clock?: WatchClock;
}

export const COMMON_OPTIONS = {
  ...CONNECT_OPTIONS,
  yes: { type: 'boolean', short: 'y' },
  'dry-run': { type: 'boolean' },
  json: { type: 'boolean' },
  wait: { type: 'boolean' },
  override: { type: 'string' },
  'confirm-name': { type: 'string' },
  timeout: { type: 'string' },
  ...PAIR_OPTIONS,
  help: { type: 'boolean', short: 'h' },
} as const satisfies ParseArgsOptionsConfig;

export function commonHelp(): string {
  return `Common options:
  -n, --namespace NS     namespace (default: the context's)
  --kubeconfig FILE      kubeconfig to use (default: KUBECONFIG, then ~/.kube/config)
  --context NAME         kubeconfig context
  -y, --yes              do not ask for confirmation (needed without a terminal)
  --dry-run              send the writes as a server-side dry run; nothing changes, no confirmation
  --json                 print {plan, result} as JSON on stdout
  --wait                 also wait until the final state is reached
  --timeout SECONDS      how long each wait may take (default: the plan's)
  --override REASON      run although a gate (migration) is closed; the reason is audited
  --confirm-name NAME    on a context named like "prod": the Deployment (or Service) name, typed ahead
  --demo                 run against an in-process simulated cluster
${PAIR_HELP}`;
}

export function actHelp(cmd: ActCommand): string {
  return `Usage: ${cmd.usage}\n\n${cmd.summary.trimEnd()}\n\n${commonHelp()}`;
}

/** The plan as the confirm dialog and --dry-run show it: object, field, before -> after, notes. */
export function formatPlan(plan: Plan): string[] {
  const lines = [plan.title];
  plan.steps.forEach((s, i) => lines.push(`  ${i + 1}. ${describeStep(s)}`));
  if (plan.notes.length) {
    lines.push('notes:');
    for (const n of plan.notes) lines.push(`  - ${n}`);
  }
  if (plan.undo && !plan.refusal) lines.push(`undo: ${plan.undo.description}`);
  if (plan.refusal) lines.push(`refused: ${plan.refusal}`);
  return lines;
}

export function describeStep(s: Step): string {
  if (s.kind === 'wait') return `wait: ${s.description} (up to ${Math.round(s.timeoutMs / 1000)} s)`;
  if (s.kind === 'create') return `create ${describeRef(s.target)}${s.changes.length ? `: ${formatChanges(s.changes)}` : ''}`;
  return `${describeRef(s.target)}: ${formatChanges(s.changes)}`;
}

function defaultIO(): ActIO {
  return { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, isTTY: !!(process.stdin.isTTY && process.stdout.isTTY) };
}

/** Runs one headless action; returns the exit code (never throws for expected failures). */
export async function runAct(cmd: ActCommand, argv: string[], ioIn: Partial<ActIO> = {}): Promise<number> {
  const io: ActIO = { ...defaultIO(), ...ioIn };
  const usage = (msg: string) => {
    io.stderr.write(`cutover ${cmd.name}: ${msg}\nUsage: ${cmd.usage} (see cutover ${cmd.name} --help)\n`);
    return 2;
  };

  let values: ActContext['values'];
  let args: string[];
  let pairing: PairFlags;
  try {
    const parsed = parseArgs({ args: argv, allowPositionals: true, strict: true, options: { ...COMMON_OPTIONS, ...cmd.options } });
    values = parsed.values as ActContext['values'];
    args = parsed.positionals;
    if (values.help) {
      io.stdout.write(actHelp(cmd));
      return 0;
    }
    if (values['all-namespaces']) throw new UsageError('actions work on one namespace; use -n NAMESPACE, not -A');
    if (args.length !== cmd.args.length) throw new UsageError(`needs ${cmd.args.join(' ') || 'no arguments'}, got ${args.length ? args.map((a) => `"${a}"`).join(' ') : 'none'}`);
    if (values.override !== undefined && String(values.override).trim() === '') throw new UsageError('--override needs a reason');
    cmd.validate?.(args, values);
    pairing = pairFlags(values);
  } catch (err) {
    const e = err as { code?: string; message: string };
    if (err instanceof UsageError || e.code?.startsWith('ERR_PARSE_ARGS')) return usage(e.message);
    throw err;
  }

  const json = values.json === true;
  const out = json ? io.stderr : io.stdout; // human-readable text
  const say = (line: string) => out.write(line + '\n');
  const fail = (msg: string) => {
    io.stderr.write(`cutover ${cmd.name}: ${msg}\n`);
    return 1;
  };

  let target: Awaited<ReturnType<typeof resolveTarget>>;
  try {
    target = await resolveTarget(values as Parameters<typeof resolveTarget>[0]);
  } catch (err) {
    if (err instanceof UsageError) return err.exitCode === 2 ? usage(err.message) : fail(err.message);
    throw err;
  }
  try {
    let conn;
    try {
      conn = connect(target.kc, { context: values.context as string | undefined, namespace: values.namespace as string | undefined });
    } catch (err) {
      if (err instanceof ConfigError) return fail(err.message);
      throw err;
    }
    const timeoutMs = values.timeout === undefined ? undefined : parsePositiveNumber('--timeout', values.timeout as string, 0) * 1000;
    let input: PlanInput;
    let plan: Plan;
    const ctxBase = { kc: target.kc, context: conn.context, namespace: conn.namespace!, args, values, wait: values.wait === true, override: values.override as string | undefined, timeoutMs };
    let ctx: ActContext;
    let guarded: GuardedRun | undefined;
    try {
      input = await loadState(target.kc, conn.namespace!);
      ctx = { ...ctxBase, input };
      const settings = cmd.guard && guardRequested(values) ? parseGuardFlags(values) : undefined;
      if (settings !== undefined && typeof settings !== 'string' && values['dry-run'] !== true) {
        const before = await readBefore(target.kc, input, args[0], settings, io.clock ?? guardClock(target.sim), say);
        if ('denied' in before) {
          io.stderr.write(`cutover ${cmd.name}: not judged: ${before.denied}; nothing was changed\n`);
          return GUARD_EXIT.notJudged;
        }
        guarded = before.run;
        ctx = { ...ctx, ...(before.reading ? { guard: before.reading } : {}) };
      }
      plan = await cmd.plan(ctx);
    } catch (err) {
      if (err instanceof ActionError || err instanceof UsageError) return fail(err.message);
      throw err;
    }

    const printJson = (doc: Record<string, unknown>) => io.stdout.write(JSON.stringify({ plan, ...doc }, null, 2) + '\n');
    for (const l of formatPlan(plan)) say(l);
    if (plan.refusal) {
      if (json) printJson({ result: null, lines: [`refused: ${plan.refusal}`], refusal: plan.refusal });
      return 1;
    }
    if (ctx.override) say(`gate override: ${ctx.override} (recorded in the audit)`);
    const refused = (line: string) => {
      if (json) printJson({ result: null, lines: [line], refusal: line });
      return fail(`${line}; nothing was changed`);
    };

    const dryRun = values['dry-run'] === true;
    const user = target.kc.getCurrentUser()?.name ?? 'unknown';
    const service = new ActionService(target.kc, { context: conn.context, user, dryRun, ...(io.stateDir ? { dir: io.stateDir } : {}) });
    const pair = !dryRun && cmd.mutates && ctx.releaseKey ? new HeadlessPair(target.kc, { user, context: conn.context, auditLog: service.auditLog }, ctx.releaseKey, pairing) : undefined;
    try {
      const early = await pair?.check();
      if (early) return refused(early);
      if (!dryRun) {
        const answer = await confirm(plan, ctx, values, io, say);
        if (answer !== true) {
          if (json) printJson({ result: null, lines: [answer], refusal: answer });
          return fail(answer);
        }
      }
      const abort = new AbortController();
      const onSigint = () => abort.abort();
      process.once('SIGINT', onSigint);
      let report;
      const progress = progressWriter(out, io.isTTY && !json);
      try {
        const claimed = await pair?.claim();
        if (claimed && !claimed.ok) return refused(claimed.refusal);
        for (const n of claimed?.notes ?? []) io.stderr.write(`cutover ${cmd.name}: ${n}\n`);
        const override = [ctx.override, claimed?.override].filter(Boolean).join('; ');
        if (pair && pairing.graceMs > 0) {
          say(`fires in ${Math.round(pairing.graceMs / 1000)} s (Ctrl-C cancels; the countdown shows on the driver Lease): ${plan.title}`);
          if ((await pair.grace({ action: plan.action, title: plan.title }, abort.signal)) === 'cancelled') return refused('cancelled in the cancel window');
        }
        report = await service.run(plan, { onProgress: progress.line, signal: abort.signal, ...(override ? { override } : {}) });
      } finally {
        process.off('SIGINT', onSigint);
        progress.end();
      }
      for (const l of report.lines) say(l);
      if (report.auditError) io.stderr.write(`cutover ${cmd.name}: warning: ${report.auditError}\n`);
      if (!report.result.ok && report.result.rollback?.length) say(restoreHint(report.result));
      if (json) printJson({ result: report.result, lines: report.lines, ...(report.auditError ? { auditError: report.auditError } : {}) });
      // The lock stays held through the guard's watch window: its rollback is this run's to make.
      if (report.result.ok && guarded && !report.result.dryRun) return await watchAfter(target.kc, conn.namespace!, guarded, service, say);
      return report.result.ok ? 0 : 1;
    } finally {
      await pair?.stop();
    }
  } finally {
    await target.sim?.stop();
  }
}

/** true, or the one-line reason the action does not run. */
async function confirm(plan: Plan, ctx: ActContext, values: ActContext['values'], io: ActIO, say: (l: string) => void): Promise<true | string> {
  const prod = isProductionContext(ctx.context);
  const ask = io.ask ?? ((q: string) => askLine(io, q));
  if (prod) {
    const { kind, name } = confirmTarget(plan);
    const given = values['confirm-name'] as string | undefined;
    if (given !== undefined) {
      if (given !== name) return `--confirm-name "${given}" does not match "${name}" (context ${ctx.context} is a production context); nothing was changed`;
    } else {
      if (!io.isTTY) return `context ${ctx.context} is a production context: pass --confirm-name ${name} (and --yes) to run without a terminal; nothing was changed`;
      const typed = (await ask(`context ${ctx.context} is production: type the ${kind} name (${name}) to continue: `)).trim();
      if (typed !== name) return `"${typed}" is not "${name}"; nothing was changed`;
      return true; // typing the name is the confirmation
    }
  }
  if (values.yes === true) return true;
  if (!io.isTTY) return 'not a terminal: pass --yes to run without confirmation (or --dry-run to only try it); nothing was changed';
  const a = (await ask(`${plan.title}: run it? [y/N] `)).trim().toLowerCase();
  if (a === 'y' || a === 'yes') return true;
  say('cancelled');
  return 'cancelled; nothing was changed';
}

async function askLine(io: ActIO, question: string): Promise<string> {
  const rl = createInterface({ input: io.stdin, output: io.stderr, terminal: io.isTTY });
  try {
    return await rl.question(question);
  } finally {
    rl.close();
  }
}

function progressWriter(out: NodeJS.WritableStream, tty: boolean): { line: (l: string) => void; end: () => void } {
  let open = false;
  return {
    line(l) {
      if (tty) {
        out.write(`\r\x1b[2K${l}`);
        open = true;
      } else out.write(`  ${l}\n`);
    },
    end() {
      if (open) out.write('\r\x1b[2K');
      open = false;
    },
  };
}

function restoreHint(r: ActionResult): string {
  return `restore with:\n${restoreCommands(r).map((c) => `  ${c}`).join('\n')}`;
}
