/**
 * Measurements from a Prometheus server's HTTP API (`GET /api/v1/query`): one PromQL query per
 * figure and side, from templates with `{{namespace}}`, `{{deployment}}`, `{{pods}}` and
 * `{{interval}}`, overridable per Deployment by the annotation `cutover.io/metric.<name>`.
 * The series are expected with `namespace` and `pod` labels (the usual kubernetes_sd relabelling).
 */
import type { Measurement, SideFigures } from '../model/guard.js';
import { podsRegex, type ReleaseSides, type SideTarget } from './sides.js';
import type { MetricsSource } from './source.js';

export type MetricName = 'error-rate' | 'p95' | 'p99' | 'request-rate';

export const METRIC_ANNOTATION_PREFIX = 'cutover.io/metric.';

const sel = (extra = '') => `namespace="{{namespace}}",pod=~"{{pods}}"${extra}`;
const rate = (extra = '') => `rate(http_requests_total{${sel(extra)}}[{{interval}}])`;
const quantile = (q: number) => `histogram_quantile(${q}, sum by (le) (rate(http_request_duration_seconds_bucket{${sel()}}[{{interval}}])))`;

/** Defaults: 5xx share (by a `code` or `status` label), p95/p99 in seconds, requests per second. */
export const DEFAULT_QUERIES: Record<MetricName, string> = {
  'error-rate': `(sum(${rate(',code=~"5.."')}) or sum(${rate(',status=~"5.."')}) or vector(0)) / sum(${rate()})`,
  p95: quantile(0.95),
  p99: quantile(0.99),
  'request-rate': `sum(${rate()})`,
};

/** Prometheus' duration syntax for a number of milliseconds: `10s`, `1m30s`... whole seconds, at least 1s. */
export function promDuration(ms: number): string {
  return `${Math.max(1, Math.round(ms / 1000))}s`;
}

export function renderQuery(template: string, vars: { namespace: string; deployment: string; pods: string; interval: string }): string {
  return template.replace(/\{\{\s*(namespace|deployment|pods|interval)\s*\}\}/g, (_, k: keyof typeof vars) => vars[k]);
}

interface PromResponse {
  status: 'success' | 'error';
  data?: { resultType: string; result: unknown };
  errorType?: string;
  error?: string;
}

export class PrometheusSource implements MetricsSource {
  readonly description: string;
  private readonly base: string;

  constructor(
    url: string,
    private readonly intervalMs: number,
    private readonly now: () => number = Date.now,
  ) {
    this.base = url.replace(/\/+$/, '');
    this.description = `Prometheus at ${this.base}`;
  }

  async start(): Promise<string | undefined> {
    return undefined;
  }

  async measure(sides: ReleaseSides): Promise<Measurement> {
    const at = this.now();
    try {
      const [candidate, baseline] = await Promise.all([this.side(sides.namespace, sides.candidate), sides.baseline ? this.side(sides.namespace, sides.baseline) : undefined]);
      return { at, candidate, ...(baseline ? { baseline } : {}) };
    } catch (err) {
      return { at, candidate: {}, error: (err as Error).message };
    }
  }

  /** The query for one figure of one side, as sent. */
  query(namespace: string, side: SideTarget, metric: MetricName): string {
    const template = side.annotations[`${METRIC_ANNOTATION_PREFIX}${metric}`] ?? DEFAULT_QUERIES[metric];
    return renderQuery(template, { namespace, deployment: side.deployment, pods: podsRegex(side), interval: promDuration(this.intervalMs) });
  }

  private async side(namespace: string, side: SideTarget): Promise<SideFigures> {
    if (side.pods.length === 0) return { requests: 0 };
    const [errorRate, p95, p99, rps] = await Promise.all((['error-rate', 'p95', 'p99', 'request-rate'] as const).map((m) => this.value(this.query(namespace, side, m))));
    return { errorRate, p95Ms: p95 * 1000, p99Ms: p99 * 1000, rps, ...(rps === 0 ? { requests: 0 } : {}) };
  }

  /** The query's one number; NaN for an empty result (inconclusive, never a pass). */
  async value(query: string): Promise<number> {
    const url = `${this.base}/api/v1/query?${new URLSearchParams({ query })}`;
    let res: Response;
    try {
      res = await fetch(url, { signal: AbortSignal.timeout(10_000) });
    } catch (err) {
      const cause = (err as { cause?: { code?: string; message?: string } }).cause;
      throw new Error(`cannot reach ${this.description} (${cause?.code ?? cause?.message ?? (err as Error).message})`);
    }
    let body: PromResponse;
    try {
      body = (await res.json()) as PromResponse;
    } catch {
      throw new Error(`${this.description} answered ${res.status} without a Prometheus API response: is the URL the server's root?`);
    }
    if (body.status !== 'success' || !body.data) throw new Error(`${this.description}: ${body.errorType ?? `HTTP ${res.status}`}: ${body.error ?? 'query failed'} (query: ${query})`);
    const { resultType, result } = body.data;
    if (resultType === 'scalar') return Number((result as [number, string])[1]);
    if (resultType !== 'vector') throw new Error(`${this.description}: the query returned a ${resultType}, not one number; wrap it in sum() (query: ${query})`);
    const vector = result as { value: [number, string] }[];
    if (vector.length === 0) return NaN;
    if (vector.length > 1) throw new Error(`${this.description}: the query returned ${vector.length} series, not one number; aggregate it with sum() (query: ${query})`);
    return Number(vector[0].value[1]);
  }
}
