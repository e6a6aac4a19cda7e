/**
 * Metric guards as actions use them, in the cockpit and headless alike: the settings and their
 * flags, the check a guarded action (canary step, promote, flip) makes before it plans, the undo
 * that fits a release when a guard breaks, and the watch window that measures after a change.
 */
import type { KubeConfig } from '@kubernetes/client-node';
import type { ReleaseView } from '../derive/derive.js';
import { PodScrapeSource } from '../metrics/podScrape.js';
import { PrometheusSource } from '../metrics/prometheus.js';
import { releaseSides, type ReleaseSides, type ScrapeOptions } from '../metrics/sides.js';
import type { MetricsSource } from '../metrics/source.js';
import { DEFAULT_LIMITS, DEFAULT_THRESHOLDS, advanceGuard, judge, startGuard, type GuardLimits, type GuardRun, type Measurement, type SideFigures, type Thresholds } from '../model/guard.js';
import { planCanary } from './canary.js';
import { planFlip } from './flip.js';
import { planUndoToRevision } from './rolloutUndo.js';
import type { PlanInput } from './state.js';
import type { Plan } from './types.js';

export interface GuardSettings {
  thresholds: Thresholds;
  limits: GuardLimits;
  /** How often figures are read (the seed's 10 s). */
  intervalMs: number;
  /** How long a change is watched after it is made (the seed's 5 min). */
  windowMs: number;
  /** Prometheus' base URL; else each pod's exposition through the API server. */
  prometheus?: string;
  scrape: ScrapeOptions;
}

export const DEFAULT_GUARD: GuardSettings = { thresholds: DEFAULT_THRESHOLDS, limits: DEFAULT_LIMITS, intervalMs: 10_000, windowMs: 300_000, scrape: {} };

/** The cockpit's countdown before an automatic rollback runs, cancellable by a key. */
export const DEFAULT_COUNTDOWN_MS = 10_000;

export function metricsSource(kc: KubeConfig, s: Pick<GuardSettings, 'prometheus' | 'intervalMs'>, now: () => number = Date.now): MetricsSource {
  return s.prometheus ? new PrometheusSource(s.prometheus, s.intervalMs, now) : new PodScrapeSource(kc, now);
}

// ---------- flags (the same on cutover guard, canary step|promote and flip) ----------

/** `300ms`, `10s`, `5m`, `1h`, or a plain number of seconds; a string says what is wrong. */
export function parseDuration(flag: string, text: string | undefined, fallbackMs: number): number | string {
  if (text === undefined) return fallbackMs;
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text.trim());
  const ms = m ? Number(m[1]) * { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[(m[2] ?? 's') as 'ms' | 's' | 'm' | 'h'] : NaN;
  return ms > 0 ? ms : `${flag} needs a duration like 300ms, 10s or 5m, got "${text}"`;
}

/** `1%`, `0.5%` or `1` (percent either way) -> a share; a string says what is wrong. */
export function parsePercent(flag: string, text: string | undefined, fallback: number): number | string {
  if (text === undefined) return fallback;
  const n = Number(text.trim().replace(/%$/, ''));
  return Number.isFinite(n) && n >= 0 && n <= 100 ? n / 100 : `${flag} needs a percentage like 1%, got "${text}"`;
}

export const GUARD_OPTIONS = {
  for: { type: 'string' },
  interval: { type: 'string' },
  'max-error-rate': { type: 'string' },
  'max-p95': { type: 'string' },
  prometheus: { type: 'string' },
  'metrics-port': { type: 'string' },
  'metrics-path': { type: 'string' },
} as const;

export const GUARD_OPTIONS_HELP = `Metric guard (--guard, or any of the options below):
  --guard                check the metrics first (refused when they break; --override REASON
                         runs anyway, audited), then watch them for --for and undo on a breach
  --for 5m               how long to watch after the change (default 5m)
  --interval 10s         how often to read the figures (default 10s)
  --max-error-rate 1%    highest 5xx share of the new side (default 1%)
  --max-p95 300ms        highest p95 latency of the new side (default: only against the old side)
  --prometheus URL       read the figures from Prometheus (default: each pod's /metrics through
                         the API server, which needs get on pods/proxy)
  --metrics-port N, --metrics-path PATH   where the pods serve /metrics (default: prometheus.io/* annotations)
Exit codes with a guard: 0 held, 1 refused, failed or rolled back, 3 not judged (nothing undone).`;

type FlagValues = Record<string, unknown>;
const str = (v: unknown) => (v === undefined ? undefined : String(v));

/** Whether the flags ask for a guard: --guard, or any guard option. */
export const guardRequested = (values: FlagValues): boolean => values.guard === true || Object.keys(GUARD_OPTIONS).some((k) => values[k] !== undefined);

/** The guard settings the flags give, or the line saying what is wrong. */
export function parseGuardFlags(values: FlagValues): GuardSettings | string {
  const prometheus = str(values.prometheus);
  if (prometheus !== undefined && !/^https?:\/\/[^/]/.test(prometheus)) return `--prometheus needs an http(s) URL, got "${prometheus}"`;
  const port = str(values['metrics-port']);
  if (port !== undefined && !/^\d+$/.test(port)) return `--metrics-port needs a port number, got "${port}"`;
  const intervalMs = parseDuration('--interval', str(values.interval), DEFAULT_GUARD.intervalMs);
  if (typeof intervalMs === 'string') return intervalMs;
  const windowMs = parseDuration('--for', str(values.for), DEFAULT_GUARD.windowMs);
  if (typeof windowMs === 'string') return windowMs;
  if (intervalMs > windowMs) return `--interval (${str(values.interval)}) is longer than the window --for (${str(values.for) ?? '5m'})`;
  const maxErrorRate = parsePercent('--max-error-rate', str(values['max-error-rate']), DEFAULT_THRESHOLDS.maxErrorRate);
  if (typeof maxErrorRate === 'string') return maxErrorRate;
  const maxP95 = values['max-p95'] === undefined ? undefined : parseDuration('--max-p95', str(values['max-p95']), 0);
  if (typeof maxP95 === 'string') return maxP95;
  const path = str(values['metrics-path']);
  return {
    ...DEFAULT_GUARD,
    intervalMs,
    windowMs,
    thresholds: { ...DEFAULT_THRESHOLDS, maxErrorRate, ...(maxP95 !== undefined ? { maxP95Ms: maxP95 } : {}) },
    ...(prometheus ? { prometheus } : {}),
    scrape: { ...(port ? { port } : {}), ...(path ? { path } : {}) },
  };
}

// ---------- figures as lines ----------

const fmtPct = (v: number | undefined) => (v === undefined || !Number.isFinite(v) ? '-' : `${(v * 100).toFixed(1)}%`);
const fmtMs = (v: number | undefined) => (v === undefined || !Number.isFinite(v) ? '-' : `${Math.round(v)} ms`);
const fmtRps = (v: number | undefined) => (v === undefined || !Number.isFinite(v) ? '-' : `${v.toFixed(1)} req/s`);
export const describeFigures = (label: string, f: SideFigures | undefined) => `${label}: 5xx ${fmtPct(f?.errorRate)}, p95 ${fmtMs(f?.p95Ms)}, ${fmtRps(f?.rps)}`;

export function describeMeasurement(m: Measurement, labels: { candidate: string; baseline?: string }): string {
  if (m.error !== undefined) return `metrics error: ${m.error}`;
  return [describeFigures(labels.candidate, m.candidate), ...(labels.baseline ? [describeFigures(labels.baseline, m.baseline)] : [])].join(' | ');
}

export const describeLimits = (t: Thresholds) => `error rate <= ${fmtPct(t.maxErrorRate)}${t.maxP95Ms !== undefined ? `, p95 <= ${fmtMs(t.maxP95Ms)}` : ''}`;

// ---------- the check before a guarded action ----------

/** The latest figures of a release, as the caller measured them (the cockpit's engine, the CLI's --guard). */
export interface GuardReading {
  measurement: Measurement;
  thresholds: Thresholds;
  labels: { candidate: string; baseline?: string };
}

/** Refusals of a guarded action start with this; an override (typed, audited) lets the action run. */
export const GUARD_REFUSAL = 'metric guard breached';

/**
 * The guard's word on an action, from the latest reading: a refusal with the figures when the side
 * the action sends more traffic to breaks its limits, else a note for the plan. A flip sends traffic
 * to the idle colour, so the idle colour is judged (against the live one); a canary move judges the
 * canary. No reading, or an inconclusive one, never refuses: only a breach does.
 */
export function checkGuard(release: ReleaseView, reading: GuardReading | undefined, override?: string): { refusal: string } | { notes: string[] } {
  if (!reading) return { notes: [] };
  const flip = release.release.kind === 'bluegreen';
  const m = reading.measurement;
  const judged: Measurement = flip ? { at: m.at, candidate: m.baseline ?? {}, ...(m.baseline ? { baseline: m.candidate } : {}), ...(m.error ? { error: m.error } : {}) } : m;
  const side = flip ? (reading.labels.baseline ?? 'the idle colour') : reading.labels.candidate;
  const j = judge(judged, reading.thresholds);
  const figures = describeFigures(side, judged.candidate);
  if (j.state !== 'breached') return { notes: j.state === 'ok' ? [`metric guard ok: ${figures}`] : [] };
  const why = `${side}: ${j.breaches.map((b) => b.text).join('; ')} (${figures})`;
  if (override) return { notes: [`metric guard overridden (${override}): ${why}`] };
  return { refusal: `${GUARD_REFUSAL}: ${why} (press ! to override with a reason, or pass --override REASON)` };
}

// ---------- the undo when a guard breaks ----------

/** The undo that fits the release: rollout undo (rolling), canary abort (canary), a flip back (blue-green). */
export function releaseRollbackPlan(input: PlanInput, release: ReleaseView): Plan {
  switch (release.release.kind) {
    case 'canary':
      return planCanary(input, release, 'abort');
    case 'bluegreen':
      return planFlip(input, release);
    default:
      return planUndoToRevision(input, release.release.deployment, 0);
  }
}

/** The rollback a guard runs, titled with why (the audit Event's message names the figure and by how much). */
export function guardRollbackPlan(input: PlanInput, release: ReleaseView, why: string): Plan {
  const plan = releaseRollbackPlan(input, release);
  return { ...plan, title: `guard rollback of ${release.name} (${why}): ${plan.title}` };
}

// ---------- the watch window ----------

export interface WatchClock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export interface WatchResult {
  run: GuardRun;
  sides: ReleaseSides;
  /** Why nothing could be measured at all (no pods/proxy access). */
  denied?: string;
}

/**
 * Reads the release's figures every interval for the window (or until the guard decides), as
 * `cutover guard` and the actions' --guard do. `load` re-reads the release each time (pods change).
 */
export async function watchWindow(o: {
  source: MetricsSource;
  settings: GuardSettings;
  clock: WatchClock;
  load: () => Promise<ReleaseView>;
  onMeasure?: (m: Measurement, run: GuardRun, sides: ReleaseSides, elapsedMs: number) => void;
  /** Readings already started (the check before the action): skip source.start. */
  started?: boolean;
}): Promise<WatchResult> {
  const { source, settings: s, clock } = o;
  let sides = releaseSides(await o.load(), s.scrape);
  if (!o.started) {
    const denied = await source.start(sides);
    if (denied) return { run: startGuard(), sides, denied };
  }
  let run = startGuard();
  const start = clock.now();
  while (clock.now() - start < s.windowMs) {
    await clock.sleep(s.intervalMs);
    sides = releaseSides(await o.load(), s.scrape);
    const m = await source.measure(sides);
    run = advanceGuard(run, m, s.thresholds, s.limits);
    o.onMeasure?.(m, run, sides, clock.now() - start);
    if (run.final) break;
  }
  return { run, sides };
}
