/**
 * What a simulated pod's app serves on /metrics: a Prometheus text exposition whose counters grow
 * with the simulator's clock since the container started, steered by pod annotations. The numbers
 * are a pure function of the pod and the time, so tests can predict them:
 *   requests(t) = floor(rps * seconds running), errors = floor(requests * error-rate / 100),
 *   latencies spread evenly between 0.5x and 1.5x latency-ms (median = latency-ms).
 */
import type { Obj } from './store.js';

export const METRICS_ANN = {
  errorRate: 'sim.cutover.io/error-rate',
  latencyMs: 'sim.cutover.io/latency-ms',
  rps: 'sim.cutover.io/rps',
} as const;

/** A healthy app: 50 requests per second per pod, no errors, 40 ms median. */
export const HEALTHY_APP = { errorRate: 0, latencyMs: 40, rps: 50 } as const;

/** Finer than client_golang's defaults around typical web latencies, so p95 reads close to the truth. */
export const LATENCY_BUCKETS: readonly number[] = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.5, 0.75, 1, 2.5, 5, 10];

export interface AppProfile {
  /** Percent of responses that are 500s. */
  errorRate: number;
  latencyMs: number;
  rps: number;
}

function num(ann: Record<string, string>, key: string, def: number, max = Infinity): number {
  const raw = ann[key];
  if (raw === undefined) return def;
  const n = Number(raw.trim().replace(/%$/, ''));
  return Number.isFinite(n) && n >= 0 && n <= max ? n : def;
}

export function appProfile(pod: Obj): AppProfile {
  const ann = pod.metadata.annotations ?? {};
  return {
    errorRate: num(ann, METRICS_ANN.errorRate, HEALTHY_APP.errorRate, 100),
    latencyMs: num(ann, METRICS_ANN.latencyMs, HEALTHY_APP.latencyMs),
    rps: num(ann, METRICS_ANN.rps, HEALTHY_APP.rps),
  };
}

/** When the pod's first running container started (ms), or undefined when none runs. */
export function runningSince(pod: Obj): number | undefined {
  if (pod.status?.phase !== 'Running') return undefined;
  for (const s of pod.status?.containerStatuses ?? []) {
    const at = s?.state?.running?.startedAt;
    if (at) return Date.parse(at);
  }
  return undefined;
}

/** Share of requests at or under `seconds` for latencies uniform on [0.5, 1.5] x median. */
function shareUnder(seconds: number, medianMs: number): number {
  const lo = (0.5 * medianMs) / 1000;
  const hi = (1.5 * medianMs) / 1000;
  if (hi <= lo) return seconds >= lo ? 1 : 0;
  return Math.min(1, Math.max(0, (seconds - lo) / (hi - lo)));
}

const fmt = (n: number) => (Number.isInteger(n) ? String(n) : n.toFixed(6).replace(/0+$/, ''));

/** The exposition of a pod running since `since` (ms), at `now` (ms). */
export function exposition(profile: AppProfile, since: number, now: number): string {
  const seconds = Math.max(0, (now - since) / 1000);
  const requests = Math.floor(profile.rps * seconds);
  const errors = Math.floor((requests * profile.errorRate) / 100);
  const lines = [
    '# HELP http_requests_total Total HTTP requests by status code.',
    '# TYPE http_requests_total counter',
    `http_requests_total{code="200"} ${requests - errors}`,
    `http_requests_total{code="500"} ${errors}`,
    '# HELP http_request_duration_seconds HTTP request latency.',
    '# TYPE http_request_duration_seconds histogram',
    ...LATENCY_BUCKETS.map((le) => `http_request_duration_seconds_bucket{le="${le}"} ${Math.floor(requests * shareUnder(le, profile.latencyMs))}`),
    `http_request_duration_seconds_bucket{le="+Inf"} ${requests}`,
    `http_request_duration_seconds_sum ${fmt((requests * profile.latencyMs) / 1000)}`,
    `http_request_duration_seconds_count ${requests}`,
    '# HELP process_start_time_seconds Start time of the process since unix epoch in seconds.',
    '# TYPE process_start_time_seconds gauge',
    `process_start_time_seconds ${Math.floor(since / 1000)}`,
  ];
  return lines.join('\n') + '\n';
}
