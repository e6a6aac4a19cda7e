/**
 * The simulator's Kubernetes API over plain HTTP/1.1: discovery, get/list/watch, writes, patches,
 * subresources and server-side tables, enough for @kubernetes/client-node and kubectl unchanged.
 */
import { createServer, type IncomingMessage, type RequestListener, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { parse as parseYaml } from 'yaml';
import { ApiError, badRequest } from '../errors.js';
import type { SimContext } from '../runtime.js';
import { R, type ResourceType } from '../resources.js';
import { authenticate, authorize, selfSubjectAccessReview, type Auth, type User } from './authz.js';
import { SERVER_VERSION, apiGroup, apiGroupList, apiResourceList, apiVersions } from './discovery.js';
import { mediaType, parseJsonObject, readBody, sendError, sendJson, wantsPartialMetadata, wantsTable } from './http.js';
import { serveLogs } from './logs.js';
import { serveOpenApi } from './openapi.js';
import { matchPodProxy, servePodProxy } from './podProxy.js';
import { TARGETS_PATH, servePrometheusTargets } from './promTargets.js';
import { decodeKubernetesProtobuf } from './protobuf.js';
import { getBody, listBody } from './read.js';
import { route, type ResourceRoute } from './router.js';
import { serveWatch, type WatchListSupport } from './watch.js';
import { PATCH_TYPES, create, parsePatchBody, patch, remove, removeCollection, scaleVerb, update, type WriteResult } from './write.js';

export interface ApiServerOptions {
  /** Real-time interval between watch bookmarks (when the client allows them). */
  bookmarkIntervalMs?: number;
  /**
   * Serve HTTPS with this key and certificate (see tls.ts selfSignedServingCert). kubectl only
   * sends bearer tokens to https servers (client-go clientcmd drops credentials for http).
   */
  tls?: { key: string; cert: string };
  /** Streaming lists: served (default), refused (false, 422 as on 1.33) or 'ignored' (before 1.27). */
  watchList?: WatchListSupport;
}

const methodNotAllowed = () => new ApiError(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource');
const notFoundPath = () => new ApiError(404, 'NotFound', 'the server could not find the requested resource');

export function createApiServer(ctx: SimContext, auth: Auth, options: ApiServerOptions = {}): Server {
  const { listener, closeWatches } = createApiHandler(ctx, auth, options);
  const server: Server = options.tls
    ? (createHttpsServer({ key: options.tls.key, cert: options.tls.cert, noDelay: true, keepAlive: true }, listener) as unknown as Server)
    : createServer({ noDelay: true, keepAlive: true }, listener);
  server.on('close', closeWatches);
  return server;
}

/** The request handler alone, to mount on another server (for example an https one next to the http one). */
export function createApiHandler(ctx: SimContext, auth: Auth, options: ApiServerOptions = {}): { listener: RequestListener; closeWatches: () => void } {
  const watches = new Set<ServerResponse>();
  const listener: RequestListener = (req, res) => {
    handle(ctx, auth, req, res, watches, options).catch((err) => {
      if (!(err instanceof ApiError)) ctx.log(`api: ${req.method} ${req.url}: ${(err as Error)?.stack ?? err}`);
      if (res.headersSent) res.end();
      else sendError(res, err);
    });
  };
  return {
    listener,
    closeWatches: () => {
      for (const w of [...watches]) w.end();
    },
  };
}

async function handle(ctx: SimContext, auth: Auth, req: IncomingMessage, res: ServerResponse, watches: Set<ServerResponse>, options: ApiServerOptions): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://sim.local');
  const q = url.searchParams;
  let segments: string[];
  try {
    segments = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
  } catch {
    throw badRequest('malformed path');
  }
  const method = req.method ?? 'GET';
  const first = segments[0];

  if (first === 'healthz' || first === 'livez' || first === 'readyz') {
    res.writeHead(200, { 'Content-Type': 'text/plain' }).end('ok');
    return;
  }
  if (first === 'version' && segments.length === 1) {
    if (method !== 'GET') throw methodNotAllowed();
    return sendJson(res, 200, SERVER_VERSION);
  }
  const user = authenticate(req, auth);
  const proxied = matchPodProxy(segments);
  if (proxied) return servePodProxy(ctx, user, req, res, proxied);
  if (url.pathname === TARGETS_PATH) return servePrometheusTargets(ctx, req, res);

  if (first === 'openapi') return serveOpenApi(req, res, segments);
  if (first === 'api' && segments.length === 1) return sendJson(res, 200, apiVersions(req.headers.host ?? ''));
  if (first === 'apis' && segments.length === 1) return sendJson(res, 200, apiGroupList());

  const r = route(segments);
  if (r.type === 'notfound') throw notFoundPath();
  if (r.type === 'group') {
    if (method !== 'GET') throw methodNotAllowed();
    return sendJson(res, 200, apiGroup(r.group));
  }
  if (r.type === 'groupversion') {
    if (method !== 'GET') throw methodNotAllowed();
    return sendJson(res, 200, apiResourceList(r.group, r.version));
  }
  return handleResource(ctx, user, req, res, r.route, q, method, watches, options);
}

async function body(req: IncomingMessage): Promise<any> {
  const raw = await readBody(req);
  const type = mediaType(req.headers['content-type']);
  if (raw.length === 0) return undefined;
  if (type === 'application/yaml' || type === 'application/x-yaml') {
    try {
      return parseYaml(raw.toString('utf8'));
    } catch (err) {
      throw badRequest(`error decoding YAML: ${(err as Error).message}`);
    }
  }
  if (type === 'application/vnd.kubernetes.protobuf') return decodeKubernetesProtobuf(raw);
  if (type && type !== 'application/json' && type !== '*/*')
    throw new ApiError(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: application/json, application/yaml`);
  return parseJsonObject(raw);
}

async function handleResource(
  ctx: SimContext,
  user: User,
  req: IncomingMessage,
  res: ServerResponse,
  rr: ResourceRoute,
  q: URLSearchParams,
  method: string,
  watches: Set<ServerResponse>,
  options: ApiServerOptions,
): Promise<void> {
  const { rt, name, subresource } = rr;
  const store = ctx.store;
  // A cluster-scoped kind never has a namespace; for namespaced kinds `undefined` means all namespaces.
  const namespace = rt.namespaced ? rr.namespace : undefined;
  const attrs = { resource: rt.resource, group: rt.group, subresource, namespace, name };
  const read = { table: wantsTable(req.headers.accept), partial: wantsPartialMetadata(req.headers.accept), now: ctx.clock.now() };
  const send = (r: WriteResult) => sendJson(res, r.code, r.body);

  if (rt.createOnly) {
    if (method !== 'POST' || name) throw methodNotAllowed();
    const b = await body(req);
    if (rt.resource === 'selfsubjectaccessreviews') return sendJson(res, 201, selfSubjectAccessReview(user, b));
    throw methodNotAllowed();
  }

  if (!name) {
    if (subresource) throw notFoundPath();
    const isWatch = rr.legacyWatch || q.get('watch') === 'true' || q.get('watch') === '1';
    if (method === 'GET') {
      authorize(user, { verb: isWatch ? 'watch' : 'list', ...attrs });
      if (isWatch)
        return serveWatch(store, req, res, rt, namespace, q, {
          table: read.table,
          now: () => ctx.clock.now(),
          bookmarkIntervalMs: options.bookmarkIntervalMs ?? 1000,
          registry: watches,
          watchList: options.watchList ?? true,
        });
      return sendJson(res, 200, listBody(store, rt, namespace, q, read));
    }
    if (method === 'POST') {
      if (rt.namespaced && !namespace) throw methodNotAllowed();
      authorize(user, { verb: 'create', ...attrs });
      return send(create(store, rt, namespace, await body(req), q));
    }
    if (method === 'DELETE') {
      authorize(user, { verb: 'deletecollection', ...attrs });
      return send(removeCollection(store, rt, namespace, q, await body(req)));
    }
    throw methodNotAllowed();
  }

  if (rt.namespaced && !namespace) throw notFoundPath();

  if (subresource) {
    if (!rt.subresources.includes(subresource)) throw notFoundPath();
    if (subresource === 'log') {
      if (method !== 'GET') throw methodNotAllowed();
      authorize(user, { verb: 'get', ...attrs });
      return serveLogs(ctx, res, namespace!, name, q);
    }
    const verb = method === 'GET' ? 'get' : method === 'PUT' ? 'update' : method === 'PATCH' ? 'patch' : undefined;
    if (!verb) throw methodNotAllowed();
    authorize(user, { verb, ...attrs });
    if (subresource === 'scale') {
      const ct = mediaType(req.headers['content-type']);
      let parsed: any;
      if (method === 'PUT') parsed = await body(req);
      else if (method === 'PATCH') parsed = parsePatchBody(checkPatchType(ct), await readBody(req));
      return send(scaleVerb(store, rt, namespace, name, method, q, () => parsed, ct));
    }
    // status
    if (method === 'GET') return sendJson(res, 200, getBody(store, rt, namespace, name, q, read));
    if (method === 'PUT') return send(update(store, rt, namespace, name, await body(req), q, 'status'));
    const ct = checkPatchType(mediaType(req.headers['content-type']));
    return send(patch(store, rt, namespace, name, ct, parsePatchBody(ct, await readBody(req)), q, 'status'));
  }

  switch (method) {
    case 'GET': {
      if (rr.legacyWatch || q.get('watch') === 'true' || q.get('watch') === '1') {
        authorize(user, { verb: 'watch', ...attrs });
        const wq = new URLSearchParams(q);
        const fs = wq.get('fieldSelector');
        wq.set('fieldSelector', fs ? `${fs},metadata.name=${name}` : `metadata.name=${name}`);
        return serveWatch(store, req, res, rt, namespace, wq, { table: read.table, now: () => ctx.clock.now(), bookmarkIntervalMs: options.bookmarkIntervalMs ?? 1000, registry: watches, watchList: options.watchList ?? true });
      }
      authorize(user, { verb: 'get', ...attrs });
      return sendJson(res, 200, getBody(store, rt, namespace, name, q, read));
    }
    case 'PUT':
      authorize(user, { verb: 'update', ...attrs });
      return send(update(store, rt, namespace, name, await body(req), q));
    case 'PATCH': {
      authorize(user, { verb: 'patch', ...attrs });
      const ct = checkPatchType(mediaType(req.headers['content-type']));
      return send(patch(store, rt, namespace, name, ct, parsePatchBody(ct, await readBody(req)), q));
    }
    case 'DELETE':
      authorize(user, { verb: 'delete', ...attrs });
      return send(remove(store, rt, namespace, name, q, await body(req)));
    default:
      throw methodNotAllowed();
  }
}

function checkPatchType(ct: string): string {
  if (!PATCH_TYPES.includes(ct) || ct === 'application/apply-patch+cbor')
    throw new ApiError(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: ${PATCH_TYPES.slice(0, 4).join(', ')}`);
  return ct;
}

export type { ResourceType };
export { R };
