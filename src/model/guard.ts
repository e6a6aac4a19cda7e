/**
 * Metric guards, judged the way Argo Rollouts and Flagger judge analysis: each measurement of the
 * new side (and the old side, when it serves) is ok, breached or inconclusive; an empty or NaN
 * figure is inconclusive and never passes; the provider's own errors are tolerated up to a
 * consecutive-error limit; breaches up to a failure limit. Pure: no I/O, no clock.
 */

/** What the release row shows. */
export type GuardState = 'ok' | 'breached' | 'inconclusive' | 'no-data';

/** Figures of one release side over one interval; NaN or undefined means not measured. */
export interface SideFigures {
  /** Requests counted in the interval, when the source counts them (pod scrape does). */
  requests?: number;
  rps?: number;
  /** Share of 5xx responses, 0..1. */
  errorRate?: number;
  p95Ms?: number;
  p99Ms?: number;
}

export interface Measurement {
  /** ms since the epoch. */
  at: number;
  /** The new side: the canary, the live colour after a flip, the new ReplicaSet. */
  candidate: SideFigures;
  /** The old side (stable, idle colour, old ReplicaSets), when it still serves. */
  baseline?: SideFigures;
  /** The provider failed (unreachable, forbidden, bad query): no figures at all. */
  error?: string;
}

export interface Thresholds {
  /** Highest acceptable 5xx share of the new side, 0..1 (the seed's 1%). */
  maxErrorRate: number;
  /** Highest acceptable p95 of the new side; undefined: not checked against a fixed value. */
  maxP95Ms?: number;
  /** The new side may exceed the old side's error rate by at most this much (share, 0..1). */
  errorRateMargin: number;
  /** The new side's p95 may be at most this many times the old side's. */
  latencyRatio: number;
}

export const DEFAULT_THRESHOLDS: Thresholds = { maxErrorRate: 0.01, errorRateMargin: 0.01, latencyRatio: 2 };

export interface GuardLimits {
  /** Breached measurements tolerated before the guard fails (Argo's failureLimit, default 0). */
  failureLimit: number;
  /** Provider errors in a row tolerated (Argo's consecutiveErrorLimit, default 4). */
  consecutiveErrorLimit: number;
}

export const DEFAULT_LIMITS: GuardLimits = { failureLimit: 0, consecutiveErrorLimit: 4 };

export type GuardMetric = 'error-rate' | 'p95';

/** One figure that broke: which, on what, the limit, and by how much. */
export interface Breach {
  metric: GuardMetric;
  value: number;
  limit: number;
  /** Against a fixed threshold, or against the old side. */
  against: 'threshold' | 'baseline';
  /** One line: `error rate 5.0% > 1.0% (by 4.0 points)`. */
  text: string;
}

export interface Judgement {
  state: 'ok' | 'breached' | 'inconclusive' | 'error';
  breaches: Breach[];
  /** Why inconclusive, or the provider's error. */
  reason?: string;
}

const measured = (v: number | undefined): v is number => typeof v === 'number' && Number.isFinite(v);
const pct = (share: number) => `${(share * 100).toFixed(1)}%`;
const ms = (v: number) => `${Math.round(v)} ms`;

function errorRateBreaches(c: SideFigures, b: SideFigures | undefined, t: Thresholds): Breach[] {
  const out: Breach[] = [];
  const v = c.errorRate!;
  if (v > t.maxErrorRate) out.push({ metric: 'error-rate', value: v, limit: t.maxErrorRate, against: 'threshold', text: `error rate ${pct(v)} > ${pct(t.maxErrorRate)} (by ${((v - t.maxErrorRate) * 100).toFixed(1)} points)` });
  if (b && measured(b.errorRate)) {
    const limit = b.errorRate + t.errorRateMargin;
    if (v > limit) out.push({ metric: 'error-rate', value: v, limit, against: 'baseline', text: `error rate ${pct(v)} > old side's ${pct(b.errorRate)} + ${pct(t.errorRateMargin)} (by ${((v - limit) * 100).toFixed(1)} points)` });
  }
  return out;
}

function latencyBreaches(c: SideFigures, b: SideFigures | undefined, t: Thresholds): Breach[] {
  const out: Breach[] = [];
  const v = c.p95Ms!;
  if (t.maxP95Ms !== undefined && v > t.maxP95Ms) out.push({ metric: 'p95', value: v, limit: t.maxP95Ms, against: 'threshold', text: `p95 ${ms(v)} > ${ms(t.maxP95Ms)} (by ${ms(v - t.maxP95Ms)})` });
  if (b && measured(b.p95Ms) && b.p95Ms > 0) {
    const limit = b.p95Ms * t.latencyRatio;
    if (v > limit) out.push({ metric: 'p95', value: v, limit, against: 'baseline', text: `p95 ${ms(v)} > ${t.latencyRatio} x old side's ${ms(b.p95Ms)} (by ${ms(v - limit)})` });
  }
  return out;
}

/** One measurement against the thresholds. A figure that broke wins over a figure that is missing. */
export function judge(m: Measurement, t: Thresholds = DEFAULT_THRESHOLDS): Judgement {
  if (m.error !== undefined) return { state: 'error', breaches: [], reason: m.error };
  const c = m.candidate;
  const missing: string[] = [];
  if (c.requests === 0) missing.push('no requests reached the new side');
  const breaches: Breach[] = [];
  if (measured(c.errorRate) && c.requests !== 0) breaches.push(...errorRateBreaches(c, m.baseline, t));
  else if (c.requests !== 0) missing.push('no error rate for the new side (empty or NaN result)');
  const latencyJudged = t.maxP95Ms !== undefined || (m.baseline !== undefined && measured(m.baseline.p95Ms));
  if (measured(c.p95Ms) && c.requests !== 0) breaches.push(...latencyBreaches(c, m.baseline, t));
  else if (latencyJudged && c.requests !== 0) missing.push('no p95 for the new side (empty or NaN result)');
  if (breaches.length) return { state: 'breached', breaches };
  if (missing.length) return { state: 'inconclusive', breaches: [], reason: missing.join('; ') };
  return { state: 'ok', breaches: [] };
}

/** A guard watching one release: the judgements so far and what they add up to. */
export interface GuardRun {
  state: GuardState;
  /** The guard has decided: breached beyond the failure limit, or the provider failing beyond its limit. */
  final: boolean;
  measurements: number;
  failures: number;
  consecutiveErrors: number;
  inconclusive: number;
  /** The figures that broke in the latest breached measurement. */
  breaches: Breach[];
  /** One line on the state: what broke, why inconclusive, or the provider's error. */
  reason?: string;
  last?: Measurement;
}

export const startGuard = (): GuardRun => ({ state: 'no-data', final: false, measurements: 0, failures: 0, consecutiveErrors: 0, inconclusive: 0, breaches: [] });

/** Folds one measurement into the run. A final run does not change any more. */
export function advanceGuard(run: GuardRun, m: Measurement, t: Thresholds = DEFAULT_THRESHOLDS, limits: GuardLimits = DEFAULT_LIMITS): GuardRun {
  if (run.final) return run;
  const j = judge(m, t);
  const base = { ...run, measurements: run.measurements + 1, last: m };
  switch (j.state) {
    case 'error': {
      const consecutiveErrors = run.consecutiveErrors + 1;
      if (consecutiveErrors > limits.consecutiveErrorLimit)
        return { ...base, consecutiveErrors, state: 'inconclusive', final: true, reason: `the metrics source failed ${consecutiveErrors} times in a row: ${j.reason}` };
      return { ...base, consecutiveErrors, reason: `metrics source error ${consecutiveErrors}/${limits.consecutiveErrorLimit} tolerated: ${j.reason}` };
    }
    case 'breached': {
      const failures = run.failures + 1;
      return { ...base, consecutiveErrors: 0, failures, state: 'breached', final: failures > limits.failureLimit, breaches: j.breaches, reason: j.breaches.map((b) => b.text).join('; ') };
    }
    case 'inconclusive':
      return { ...base, consecutiveErrors: 0, inconclusive: run.inconclusive + 1, state: 'inconclusive', reason: j.reason };
    case 'ok':
      return { ...base, consecutiveErrors: 0, state: 'ok', reason: undefined };
  }
}

/** The release held only when the window ends on a conclusive ok: inconclusive never passes. */
export const guardHeld = (run: GuardRun): boolean => run.state === 'ok' && !run.final;

/**
 * p-quantile (0..1) from cumulative histogram buckets, as Prometheus' histogram_quantile does:
 * linear inside the bucket, the lowest bucket starting at 0, the +Inf bucket answered with the
 * highest finite bound. NaN without observations.
 */
export function histogramQuantile(q: number, buckets: readonly { le: number; count: number }[]): number {
  const sorted = [...buckets].sort((a, b) => a.le - b.le);
  if (sorted.length < 2 || sorted[sorted.length - 1].le !== Infinity) return NaN;
  const total = sorted[sorted.length - 1].count;
  if (!(total > 0)) return NaN;
  const rank = q * total;
  let i = sorted.findIndex((b) => b.count >= rank);
  if (i < 0) i = sorted.length - 1;
  if (sorted[i].le === Infinity) return sorted[sorted.length - 2].le;
  const lower = i === 0 ? 0 : sorted[i - 1].le;
  const below = i === 0 ? 0 : sorted[i - 1].count;
  const inBucket = sorted[i].count - below;
  if (inBucket <= 0) return sorted[i].le;
  return lower + (sorted[i].le - lower) * ((rank - below) / inBucket);
}
