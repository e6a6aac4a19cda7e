/**
 * The metric-guard part of the store: per release, the guard state the row shows, the figures'
 * history the detail view draws, the watch window after a change and the countdown before an
 * automatic rollback. Pure data; the engine's GuardEngine moves it, views/ draws it.
 */
import type { Breach, GuardState, Measurement, Thresholds } from '../model/guard.js';

export interface GuardPoint {
  at: number;
  /** Share of 5xx, 0..1; undefined: not measured. */
  errorRate?: number;
  p95Ms?: number;
  rps?: number;
}

export interface GuardSeries {
  /** `canary`, `stable`, `live blue`, `new ReplicaSet web-5d8f`... */
  label: string;
  points: GuardPoint[];
}

export interface GuardCountdown {
  /** When the rollback runs (engine clock). */
  until: number;
  secondsLeft: number;
  /** The figure that broke and by how much. */
  why: string;
  /** What will run: `canary cart: abort...`. */
  plan: string;
}

export interface GuardView {
  state: GuardState;
  /** One line: what broke, why inconclusive, or why there is no data. */
  reason?: string;
  breaches: Breach[];
  thresholds: Thresholds;
  candidate: GuardSeries;
  baseline?: GuardSeries;
  /** Start of the history (the change watched, or when sampling began). */
  since: number;
  last?: Measurement;
  /** `pod scrape via the API server (pods/proxy)` or `Prometheus at URL`. */
  source: string;
  /** The watch window after a change made here: a breach in it rolls the change back. */
  watch?: { until: number; title: string };
  countdown?: GuardCountdown;
  /** The last thing the guard did: held, rolled back, a cancelled countdown. */
  outcome?: { at: number; text: string; level: 'good' | 'warn' | 'bad' };
}

export interface GuardsState {
  byRelease: Record<string, GuardView>;
  intervalMs: number;
  windowMs: number;
  countdownMs: number;
}

export const initialGuards = (): GuardsState => ({ byRelease: {}, intervalMs: 10_000, windowMs: 300_000, countdownMs: 10_000 });

/** The countdowns running now, soonest first. */
export function activeCountdowns(g: GuardsState): { releaseKey: string; countdown: GuardCountdown }[] {
  return Object.entries(g.byRelease)
    .flatMap(([releaseKey, v]) => (v.countdown ? [{ releaseKey, countdown: v.countdown }] : []))
    .sort((a, b) => a.countdown.until - b.countdown.until);
}
