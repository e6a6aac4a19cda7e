/**
 * Reads an app's Prometheus text exposition into the counters a guard needs: requests, 5xx
 * responses and the latency histogram, summed over every other label. The lexing (escapes,
 * timestamps, NaN) is parse-prometheus-text-format's; its histogram grouping keeps one series per
 * family only, so `# TYPE` lines are dropped and `_bucket` series are read as plain samples.
 */
import parsePrometheusTextFormat from 'parse-prometheus-text-format';

export const REQUESTS_METRIC = 'http_requests_total';
export const DURATION_METRIC = 'http_request_duration_seconds';
/** The label that carries the HTTP status, in the order tried. */
const STATUS_LABELS = ['code', 'status', 'status_code'];

export interface AppCounters {
  requests: number;
  errors: number;
  /** Cumulative latency buckets (seconds), +Inf last; empty when the app has no histogram. */
  buckets: { le: number; count: number }[];
}

const isServerError = (labels: Record<string, string>): boolean => {
  const key = STATUS_LABELS.find((k) => k in labels);
  return key !== undefined && /^5\d\d$/.test(labels[key]);
};

export function readCounters(text: string, names = { requests: REQUESTS_METRIC, duration: DURATION_METRIC }): AppCounters {
  const families = parsePrometheusTextFormat(text.split('\n').filter((l) => !l.startsWith('# TYPE')).join('\n'));
  const out: AppCounters = { requests: 0, errors: 0, buckets: [] };
  const buckets = new Map<number, number>();
  for (const f of families) {
    for (const s of f.metrics) {
      const v = Number(s.value);
      if (!Number.isFinite(v)) continue;
      const labels = s.labels ?? {};
      if (f.name === names.requests) {
        out.requests += v;
        if (isServerError(labels)) out.errors += v;
      } else if (f.name === `${names.duration}_bucket` && labels.le !== undefined) {
        const le = labels.le === '+Inf' ? Infinity : Number(labels.le);
        if (!Number.isNaN(le)) buckets.set(le, (buckets.get(le) ?? 0) + v);
      }
    }
  }
  out.buckets = [...buckets].map(([le, count]) => ({ le, count })).sort((a, b) => a.le - b.le);
  return out;
}

/** What happened between two readings of one container; a counter that went down was reset (restart). */
export function counterDelta(before: AppCounters | undefined, now: AppCounters): AppCounters {
  if (!before || now.requests < before.requests) return now;
  const prior = new Map(before.buckets.map((b) => [b.le, b.count]));
  return {
    requests: now.requests - before.requests,
    errors: Math.max(0, now.errors - before.errors),
    buckets: now.buckets.map((b) => ({ le: b.le, count: Math.max(0, b.count - (prior.get(b.le) ?? 0)) })),
  };
}

export function addCounters(a: AppCounters, b: AppCounters): AppCounters {
  const sum = new Map(a.buckets.map((x) => [x.le, x.count]));
  for (const x of b.buckets) sum.set(x.le, (sum.get(x.le) ?? 0) + x.count);
  return { requests: a.requests + b.requests, errors: a.errors + b.errors, buckets: [...sum].map(([le, count]) => ({ le, count })).sort((x, y) => x.le - y.le) };
}
