/**
 * `cutover guard NAME`: the seed's release script in one command. Wait for the rollout with a
 * deadline and undo it on failure; then watch the metrics for a window and undo on a breach.
 * Exit codes: 0 the release held, 1 it was rolled back (or the rollback itself failed: the message
 * says so), 2 usage, 3 not judged (inconclusive figures, metrics unreadable): nothing was undone.
 */
import { parseArgs } from 'node:util';
import { AppsV1Api, type KubeConfig } from '@kubernetes/client-node';
import { ActionError } from '../actions/client.js';
import { GUARD_OPTIONS, describeLimits, describeMeasurement as describe, guardRollbackPlan, metricsSource, parseDuration as parseDurationOr, parseGuardFlags, watchWindow, type GuardSettings } from '../actions/guard.js';
import { ActionService } from '../actions/service.js';
import { findRelease, loadState } from '../actions/state.js';
import { ConfigError, connect } from '../kube/config.js';
import { apiMessage } from '../kube/errors.js';
import { releaseSides, type ReleaseSides } from '../metrics/sides.js';
import { guardHeld, type Measurement } from '../model/guard.js';
import { rolloutStatus } from '../model/rolloutStatus.js';
import { RealClock } from '../sim/clock.js';
import { CONNECT_OPTIONS, resolveTarget } from './connectFlags.js';
import { UsageError } from './errors.js';

export const GUARD_HELP = `Usage: cutover guard NAME [--timeout 5m] [--for 5m] [--interval 10s] [--max-error-rate 1%]
                    [--max-p95 300ms] [--prometheus URL] [--json] [-n NS] [--kubeconfig FILE] [--context NAME]

Waits for the rollout of release NAME (every Deployment in it) up to --timeout and undoes it when
it fails; then reads the new side's metrics every --interval for --for and undoes the release as
soon as a figure breaks: error rate over --max-error-rate, p95 over --max-p95, or clearly worse
than the old side (error rate more than 1 point above it, p95 more than twice it). The undo is
the release's own: rollout undo (rolling), canary abort (canary), flip back (blue-green), audited
as an Event that names the figure. An empty or NaN figure is inconclusive and never passes.

Metrics: each pod's /metrics through the API server (needs get on pods/proxy; port and path from
the prometheus.io/port|path annotations, or --metrics-port/--metrics-path), or --prometheus URL
(PromQL, per-Deployment overrides by annotation cutover.io/metric.<error-rate|p95|p99|request-rate>).

Exit codes: 0 held, 1 rolled back, 2 usage error, 3 not judged (inconclusive; nothing undone).
`;

export const EXIT = { held: 0, rolledBack: 1, usage: 2, notJudged: 3 } as const;

/** Time as the guard sees it: real, or the embedded cluster's (a fast or virtual clock). */
export interface GuardClock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export interface GuardIO {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  clock?: GuardClock;
  /** Journal and audit JSONL directory (default: the state directory). */
  stateDir?: string;
}

const realClock: GuardClock = { now: Date.now, sleep: (ms) => new Promise((r) => setTimeout(r, ms)) };

/** `300ms`, `10s`, `5m`, `1h`, or a plain number of seconds. */
export function parseDuration(flag: string, text: string | undefined, fallbackMs: number): number {
  const ms = parseDurationOr(flag, text, fallbackMs);
  if (typeof ms === 'string') throw new UsageError(ms);
  return ms;
}

const OPTIONS = {
  ...CONNECT_OPTIONS,
  timeout: { type: 'string' },
  ...GUARD_OPTIONS,
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

interface Settings {
  name: string;
  timeoutMs: number;
  guard: GuardSettings;
  json: boolean;
}

type Values = ReturnType<typeof parseArgs<{ args: string[]; options: typeof OPTIONS; allowPositionals: true; strict: true }>>['values'];

function settings(argv: string[]): { s: Settings; values: Values } | 'help' {
  const { values, positionals } = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
  if (values.help) return 'help';
  if (positionals.length !== 1) throw new UsageError(`cutover guard takes one release or Deployment NAME, got ${positionals.length}`);
  if (values['all-namespaces']) throw new UsageError('cutover guard watches one release: use -n NAMESPACE, not -A');
  const guard = parseGuardFlags(values);
  if (typeof guard === 'string') throw new UsageError(guard);
  const s: Settings = { name: positionals[0], timeoutMs: parseDuration('--timeout', values.timeout, 300_000), guard, json: values.json ?? false };
  return { s, values };
}

export function describeMeasurement(m: Measurement, sides: ReleaseSides): string {
  return describe(m, { candidate: sides.candidate.label, ...(sides.baseline ? { baseline: sides.baseline.label } : {}) });
}

interface Outcome {
  outcome: 'held' | 'rolled-back' | 'rollback-failed' | 'not-judged';
  reason: string;
  measurements: { at: string; state: string; line: string }[];
  rollback?: { plan: string; ok: boolean; lines: string[] };
}

export async function runGuard(argv: string[], ioIn: Partial<GuardIO> = {}): Promise<number> {
  const io = { stdout: process.stdout, stderr: process.stderr, ...ioIn };
  let s: Settings;
  let values: Values;
  try {
    const parsed = settings(argv);
    if (parsed === 'help') {
      io.stdout.write(GUARD_HELP);
      return 0;
    }
    ({ s, values } = parsed);
  } catch (err) {
    const e = err as { code?: string; message: string };
    if (err instanceof UsageError || e.code?.startsWith('ERR_PARSE_ARGS')) {
      io.stderr.write(`cutover guard: ${e.message}\nUsage: cutover guard NAME [options] (see cutover guard --help)\n`);
      return EXIT.usage;
    }
    throw err;
  }
  const target = await resolveTarget(values);
  const sim = target.sim;
  const speed = sim?.clock instanceof RealClock ? sim.clock.speed : 1;
  const clock = io.clock ?? (sim ? { now: () => sim.clock.now(), sleep: (ms: number) => realClock.sleep(ms / speed) } : realClock);
  const say = (line: string) => (s.json ? io.stderr : io.stdout).write(line + '\n');
  const done = (o: Outcome, code: number) => {
    say(`guard ${s.name}: ${o.outcome === 'held' ? 'held' : o.outcome === 'rolled-back' ? 'rolled back' : o.outcome === 'rollback-failed' ? 'the rollback FAILED' : 'not judged'}: ${o.reason}`);
    if (s.json) io.stdout.write(JSON.stringify({ release: s.name, ...o }, null, 2) + '\n');
    return code;
  };
  try {
    let namespace: string;
    try {
      namespace = connect(target.kc, { context: values.context, namespace: values.namespace }).namespace!;
    } catch (err) {
      if (err instanceof ConfigError) {
        io.stderr.write(`cutover guard: ${err.message}\n`);
        return EXIT.usage;
      }
      throw err;
    }
    const measurements: Outcome['measurements'] = [];
    const load = async () => {
      const input = await loadState(target.kc, namespace, clock.now());
      const release = findRelease(input, s.name);
      if (!release) throw new UsageError(`no release or Deployment named "${s.name}" in namespace ${namespace}`);
      return { input, release };
    };
    const rollBack = async (why: string): Promise<number> => {
      const { input, release } = await load();
      const titled = guardRollbackPlan(input, release, why);
      const plan = { ...titled, title: titled.title.slice(titled.title.indexOf('): ') + 3) };
      say(`guard ${s.name}: rolling back: ${plan.title}`);
      const service = new ActionService(target.kc, { context: target.kc.getCurrentContext(), user: target.kc.getCurrentUser()?.name ?? 'unknown', ...(io.stateDir ? { dir: io.stateDir } : {}) });
      const report = await service.run(titled, { onProgress: (l) => say(`  ${l}`) });
      for (const l of report.lines) say(`  ${l}`);
      if (report.auditError) io.stderr.write(`cutover guard: warning: ${report.auditError}\n`);
      const rollback = { plan: titled.title, ok: report.result.ok, lines: report.lines };
      if (!report.result.ok) return done({ outcome: 'rollback-failed', reason: `${why}; the undo did not complete: ${report.result.error ?? plan.refusal}`, measurements, rollback }, EXIT.rolledBack);
      return done({ outcome: 'rolled-back', reason: why, measurements, rollback }, EXIT.rolledBack);
    };

    const first = await load();
    const g = s.guard;
    const source = metricsSource(target.kc, g, clock.now);

    // 1. The rollout, as kubectl rollout status --timeout: every Deployment of the release.
    say(`guard ${s.name}: waiting for the rollout of ${first.release.deployments.map((d) => d.name).join(', ')} (deadline ${Math.round(s.timeoutMs / 1000)} s)`);
    const rollout = await waitForRollout(target.kc, namespace, first.release.deployments.map((d) => d.name), s.timeoutMs, clock, (l) => say(`  ${l}`));
    if (rollout !== true) return await rollBack(`rollout failed: ${rollout}`);

    // 2. The watch window.
    const { release } = await load();
    const start = releaseSides(release, g.scrape);
    const denied = await source.start(start);
    if (denied) return done({ outcome: 'not-judged', reason: denied, measurements }, EXIT.notJudged);
    say(
      `guard ${s.name}: rollout done; watching ${start.candidate.label}${start.baseline ? ` against ${start.baseline.label}` : ''} for ${Math.round(g.windowMs / 1000)} s every ${Math.round(g.intervalMs / 1000)} s (${source.description}); ` +
        `limits: ${describeLimits(g.thresholds)}`,
    );
    const { run, sides } = await watchWindow({
      source,
      settings: g,
      clock,
      started: true,
      load: async () => (await load()).release,
      onMeasure: (m, r, sd, elapsed) => {
        const line = `${r.state === 'breached' ? 'BREACHED' : r.state}: ${describeMeasurement(m, sd)}${r.reason && r.state !== 'ok' ? ` (${r.reason})` : ''}`;
        measurements.push({ at: new Date(m.at).toISOString(), state: r.state, line });
        say(`  [${Math.round(elapsed / 1000)} s] ${line}`);
      },
    });
    if (run.final && run.state === 'breached') return await rollBack(`${sides.candidate.label}: ${run.reason}`);
    if (guardHeld(run)) return done({ outcome: 'held', reason: `${run.measurements} measurements, ${run.failures} breaches, last ${describeMeasurement(run.last!, sides)}`, measurements }, EXIT.held);
    return done({ outcome: 'not-judged', reason: `${run.state === 'no-data' ? 'no data' : 'inconclusive'}${run.reason ? `: ${run.reason}` : ''}; nothing was undone, a human decides`, measurements }, EXIT.notJudged);
  } catch (err) {
    if (err instanceof UsageError) {
      io.stderr.write(`cutover guard: ${err.message}\n`);
      return EXIT.usage;
    }
    if (err instanceof ActionError) {
      io.stderr.write(`cutover guard: ${err.message}\n`);
      return EXIT.notJudged;
    }
    throw err;
  } finally {
    await sim?.stop();
  }
}

/** true when every Deployment finished its rollout; else why not (progress deadline, --timeout). */
async function waitForRollout(kc: KubeConfig, namespace: string, names: string[], timeoutMs: number, clock: GuardClock, progress: (l: string) => void): Promise<true | string> {
  const api = kc.makeApiClient(AppsV1Api);
  const deadline = clock.now() + timeoutMs;
  let last = '';
  for (;;) {
    const statuses = await Promise.all(
      names.map((name) =>
        api.readNamespacedDeployment({ name, namespace }).then(
          (d) => rolloutStatus(d),
          (err) => ({ text: `cannot read deployment ${name}: ${apiMessage(err)}`, done: false, failed: false }),
        ),
      ),
    );
    const failed = statuses.find((x) => x.failed);
    if (failed) return failed.text;
    const pending = statuses.filter((x) => !x.done);
    if (pending.length === 0) return true;
    if (pending[0].text !== last) progress((last = pending[0].text));
    if (clock.now() >= deadline) return `timed out after ${Math.round(timeoutMs / 1000)} s: ${last}`;
    await clock.sleep(Math.min(1000, Math.max(1, deadline - clock.now())));
  }
}
