/**
 * The API server's pod proxy, `/api/v1/namespaces/NS/pods/NAME[:PORT]/proxy/PATH` (subresource
 * pods/proxy), in front of the simulated app: it serves its Prometheus exposition (src/sim/metrics.ts)
 * on the `prometheus.io/path` path (default /metrics) of every declared container port. Errors are
 * the API server's: 400 for a pod without an address, 503 when nothing listens behind it.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApiError, badRequest } from '../errors.js';
import { appProfile, exposition, runningSince } from '../metrics.js';
import { R } from '../resources.js';
import type { SimContext } from '../runtime.js';
import type { Obj } from '../store.js';
import { authorize } from './authz.js';
import { sendText } from './http.js';
import type { User } from './authz.js';

export interface PodProxyRequest {
  namespace: string;
  name: string;
  port?: string;
  /** Path behind the pod, starting with `/`. */
  path: string;
}

/** Matches `api/v1/namespaces/NS/pods/ID/proxy[/...]`; ID is `name`, `name:port` or `scheme:name:port`. */
export function matchPodProxy(segments: string[]): PodProxyRequest | undefined {
  const [a, v, nsWord, namespace, pods, id, proxy, ...rest] = segments;
  if (a !== 'api' || v !== 'v1' || nsWord !== 'namespaces' || pods !== 'pods' || proxy !== 'proxy' || !namespace || !id) return undefined;
  const parts = id.split(':');
  if (parts.length > 3 || parts.some((p) => p === '') || (parts.length === 3 && !['http', 'https'].includes(parts[0]))) throw badRequest(`invalid pod request "${id}"`);
  const [name, port] = parts.length === 3 ? [parts[1], parts[2]] : [parts[0], parts[1]];
  return { namespace, name, ...(port ? { port } : {}), path: `/${rest.join('/')}` };
}

/** The ports the simulated app listens on: every declared container port, and `prometheus.io/port`. */
function listeningPorts(pod: Obj): string[] {
  const declared: string[] = (pod.spec?.containers ?? []).flatMap((c: any) => (c.ports ?? []).map((p: any) => String(p.containerPort)));
  const scrape = pod.metadata.annotations?.['prometheus.io/port'];
  return scrape ? [...declared, scrape] : declared;
}

export function servePodProxy(ctx: SimContext, user: User, req: IncomingMessage, res: ServerResponse, r: PodProxyRequest): void {
  const verb = req.method === 'GET' || req.method === 'HEAD' ? 'get' : undefined;
  if (!verb) throw new ApiError(405, 'MethodNotAllowed', 'the simulated app answers GET only');
  authorize(user, { verb, resource: 'pods', group: '', subresource: 'proxy', namespace: r.namespace, name: r.name });
  const pod = ctx.store.mustGet(R.pods, r.namespace, r.name);
  const ip: string | undefined = pod.status?.podIP;
  if (!ip) throw badRequest('address not allowed');
  const ports = listeningPorts(pod);
  const port = r.port ?? ports[0] ?? '80';
  const since = runningSince(pod);
  if (since === undefined || !ports.includes(port)) {
    throw new ApiError(503, 'ServiceUnavailable', `error trying to reach service: dial tcp ${ip}:${port}: connect: connection refused`);
  }
  const metricsPath = pod.metadata.annotations?.['prometheus.io/path'] ?? '/metrics';
  if (r.path === metricsPath) return sendText(res, 200, exposition(appProfile(pod), since, ctx.clock.now()), 'text/plain; version=0.0.4; charset=utf-8');
  if (r.path === '/' || r.path.startsWith('/health')) return sendText(res, 200, 'ok\n');
  sendText(res, 404, '404 page not found\n');
}
