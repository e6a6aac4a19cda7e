/**
 * Prometheus HTTP service discovery for the sim (`GET /sim/prometheus/targets`, a sim-only path):
 * one target per Running pod that declares a port, scraped through the API server's pod proxy,
 * so a real Prometheus reads the same /metrics cutover reads. Debian's Prometheus is built
 * without kubernetes_sd_configs; http_sd_configs works with every build (2.28 and later).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { runningSince } from '../metrics.js';
import { R } from '../resources.js';
import type { SimContext } from '../runtime.js';
import { sendJson } from './http.js';

export const TARGETS_PATH = '/sim/prometheus/targets';

export function servePrometheusTargets(ctx: SimContext, req: IncomingMessage, res: ServerResponse): void {
  const host = req.headers.host ?? '';
  const groups = ctx.store
    .list(R.pods, undefined, (p) => runningSince(p) !== undefined)
    .flatMap((p) => {
      const ann = p.metadata.annotations ?? {};
      const port = ann['prometheus.io/port'] ?? (p.spec?.containers ?? []).flatMap((c: any) => c.ports ?? [])[0]?.containerPort;
      if (port === undefined) return [];
      const path = (ann['prometheus.io/path'] ?? '/metrics').replace(/^\//, '');
      return [{ targets: [host], labels: { __metrics_path__: `/api/v1/namespaces/${p.metadata.namespace}/pods/${p.metadata.name}:${port}/proxy/${path}`, namespace: p.metadata.namespace!, pod: p.metadata.name! } }];
    });
  sendJson(res, 200, groups);
}

/** A scrape config for a Prometheus next to the sim: discovery and scrapes with the sim's CA and a token. */
export function prometheusScrapeConfig(apiUrl: string, caFile: string, token: string, scrapeInterval = '15s'): string {
  const auth = (indent: string) => `${indent}tls_config: { ca_file: ${JSON.stringify(caFile)} }\n${indent}authorization: { type: Bearer, credentials: ${JSON.stringify(token)} }`;
  return [
    'global:',
    `  scrape_interval: ${scrapeInterval}`,
    `  evaluation_interval: ${scrapeInterval}`,
    'scrape_configs:',
    '  - job_name: cutover-sim-pods',
    '    scheme: https',
    auth('    '),
    '    http_sd_configs:',
    `      - url: ${JSON.stringify(apiUrl + TARGETS_PATH)}`,
    '        refresh_interval: 1s',
    auth('        '),
    '',
  ].join('\n');
}
