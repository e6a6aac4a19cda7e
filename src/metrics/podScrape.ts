/**
 * Measurements from the pods themselves: each Running pod's exposition read through the API
 * server's pod proxy (GET pods/proxy, no Prometheus needed), rates from counter deltas between two
 * readings, summed per release side.
 */
import { AuthorizationV1Api, CoreV1Api, type KubeConfig } from '@kubernetes/client-node';
import { apiMessage, statusCode } from '../kube/errors.js';
import { histogramQuantile, type Measurement, type SideFigures } from '../model/guard.js';
import { addCounters, counterDelta, readCounters, type AppCounters } from './exposition.js';
import type { ReleaseSides, SideTarget } from './sides.js';
import type { MetricsSource } from './source.js';

/** Thrown for a 403 on pods/proxy: the one line says which permission is missing. */
export class MetricsForbidden extends Error {}

export const podProxyForbidden = (namespace: string, detail?: string) =>
  `reading pod metrics needs get on pods/proxy in namespace ${namespace}${detail ? ` (${detail})` : ''}; ask for it, or pass --prometheus URL`;

/** Asks the API server whether the current user may GET pods/proxy; undefined when allowed (or when the review is unavailable). */
export async function checkPodProxyAccess(kc: KubeConfig, namespace: string): Promise<string | undefined> {
  try {
    const review = await kc.makeApiClient(AuthorizationV1Api).createSelfSubjectAccessReview({
      body: { apiVersion: 'authorization.k8s.io/v1', kind: 'SelfSubjectAccessReview', spec: { resourceAttributes: { verb: 'get', group: '', resource: 'pods', subresource: 'proxy', namespace } } },
    });
    if (review.status?.allowed === true && review.status?.denied !== true) return undefined;
    return podProxyForbidden(namespace, review.status?.reason || undefined);
  } catch {
    return undefined; // the scrape itself will meet the real authorizer
  }
}

interface Reading {
  counters: AppCounters;
  at: number;
}

export class PodScrapeSource implements MetricsSource {
  readonly description = 'pod scrape via the API server (pods/proxy)';
  private readonly api: CoreV1Api;
  private readonly previous = new Map<string, Reading>();

  constructor(
    private readonly kc: KubeConfig,
    /** Time of a reading; the sim's clock in tests. */
    private readonly now: () => number = Date.now,
  ) {
    this.api = kc.makeApiClient(CoreV1Api);
  }

  async start(sides: ReleaseSides): Promise<string | undefined> {
    const denied = await checkPodProxyAccess(this.kc, sides.namespace);
    if (denied) return denied;
    try {
      await this.measure(sides);
    } catch (err) {
      if (err instanceof MetricsForbidden) return err.message;
      throw err;
    }
    return undefined;
  }

  async measure(sides: ReleaseSides): Promise<Measurement> {
    const at = this.now();
    const current = new Set([sides.candidate, ...(sides.baseline ? [sides.baseline] : [])].flatMap((s) => s.pods.map((p) => `${sides.namespace}/${p.name}`)));
    for (const key of this.previous.keys()) if (!current.has(key)) this.previous.delete(key);
    try {
      const [candidate, baseline] = await Promise.all([this.side(sides.namespace, sides.candidate, at), sides.baseline ? this.side(sides.namespace, sides.baseline, at) : undefined]);
      return { at, candidate, ...(baseline ? { baseline } : {}) };
    } catch (err) {
      if (err instanceof MetricsForbidden) throw err;
      return { at, candidate: {}, error: (err as Error).message };
    }
  }

  private async side(namespace: string, side: SideTarget, at: number): Promise<SideFigures> {
    const results = await Promise.all(side.pods.map((p) => this.read(namespace, p.proxyId, p.path).then((c) => ({ pod: p.name, c }))));
    const reachable = results.filter((r): r is { pod: string; c: AppCounters } => r.c !== undefined);
    if (side.pods.length > 0 && reachable.length === 0) throw new Error(`no ${side.label} pod answered on its metrics endpoint (${side.pods.map((p) => `${p.proxyId}${p.path}`).join(', ')})`);
    let total: AppCounters = { requests: 0, errors: 0, buckets: [] };
    let seconds = 0;
    let compared = 0;
    for (const { pod, c } of reachable) {
      const key = `${namespace}/${pod}`;
      const before = this.previous.get(key);
      this.previous.set(key, { counters: c, at });
      if (!before) continue; // a pod's first reading only starts its rate
      total = addCounters(total, counterDelta(before.counters, c));
      seconds = Math.max(seconds, (at - before.at) / 1000);
      compared++;
    }
    if (compared === 0) return {};
    const q = (p: number) => histogramQuantile(p, total.buckets) * 1000;
    return {
      requests: total.requests,
      rps: seconds > 0 ? total.requests / seconds : NaN,
      errorRate: total.requests > 0 ? total.errors / total.requests : NaN,
      p95Ms: q(0.95),
      p99Ms: q(0.99),
    };
  }

  /** One pod's counters; undefined when the pod does not answer (not running any more, wrong port). */
  private async read(namespace: string, proxyId: string, path: string): Promise<AppCounters | undefined> {
    try {
      const text = await this.api.connectGetNamespacedPodProxyWithPath({ name: proxyId, namespace, path: path.replace(/^\//, '') });
      return readCounters(String(text));
    } catch (err) {
      const code = statusCode(err);
      if (code === 403) throw new MetricsForbidden(podProxyForbidden(namespace, apiMessage(err)));
      if (code === 404 || code === 503 || code === 400) return undefined;
      throw new Error(`cannot read metrics of pod ${namespace}/${proxyId}: ${apiMessage(err)}`);
    }
  }
}
