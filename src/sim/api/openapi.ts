/**
 * The least OpenAPI kubectl 1.32 needs. `kubectl apply/create` (default --validate=strict) asks
 * /openapi/v3 whether the server supports the `fieldValidation` query parameter for the kind's
 * PATCH operation; if yes it validates server-side and needs no schemas. With /openapi/v3 and v2
 * both 404 it fails with `failed to download openapi`. The PATCH request bodies list no
 * strategic-merge content type, so `kubectl apply` computes its patch from its compiled-in types
 * (as with a server without schemas) instead of looking for schemas we do not serve.
 * /openapi/v2 stays 404: kubectl copes.
 */
import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApiError } from '../errors.js';
import { RESOURCES } from '../resources.js';
import { groups } from './discovery.js';
import { sendJson } from './http.js';

const notFound = () => new ApiError(404, 'NotFound', 'the server could not find the requested resource');

function gvPaths(): string[] {
  return ['api/v1', ...groups().flatMap((g) => g.versions.map((v) => `apis/${g.name}/${v}`))];
}

function gvDocument(gvPath: string): unknown {
  const [prefix, a, b] = gvPath.split('/');
  const group = prefix === 'api' ? '' : a;
  const version = prefix === 'api' ? a : b;
  const paths: Record<string, unknown> = {};
  const param = (name: string) => ({ name, in: 'query', schema: { type: 'string', uniqueItems: true } });
  for (const rt of RESOURCES) {
    if (rt.group !== group || rt.version !== version || rt.createOnly) continue;
    const base = `/${gvPath}${rt.namespaced ? '/namespaces/{namespace}' : ''}/${rt.resource}/{name}`;
    const gvk = { group, version, kind: rt.kind };
    const op = (verb: string) => ({
      operationId: `${verb}${rt.kind}`,
      'x-kubernetes-action': verb,
      'x-kubernetes-group-version-kind': gvk,
      parameters: [param('dryRun'), param('fieldManager'), param('fieldValidation')],
      requestBody: { content: { '*/*': { schema: { type: 'object' } } } },
      responses: { '200': { description: 'OK' } },
    });
    paths[base] = {
      get: { operationId: `read${rt.kind}`, 'x-kubernetes-action': 'get', 'x-kubernetes-group-version-kind': gvk, responses: { '200': { description: 'OK' } } },
      put: op('put'),
      patch: {
        ...op('patch'),
        requestBody: {
          content: {
            'application/json-patch+json': { schema: { type: 'object' } },
            'application/merge-patch+json': { schema: { type: 'object' } },
            'application/apply-patch+yaml': { schema: { type: 'object' } },
          },
        },
      },
    };
    paths[base.replace('/{name}', '')] = { post: op('post') };
  }
  return { openapi: '3.0.0', info: { title: 'Kubernetes', version: 'v1.35.0-cutover-sim' }, paths, components: { schemas: {} } };
}

let cache: { root: unknown; docs: Map<string, string> } | undefined;

function build() {
  if (cache) return cache;
  const docs = new Map<string, string>();
  const rootPaths: Record<string, unknown> = {};
  for (const p of gvPaths()) {
    const text = JSON.stringify(gvDocument(p));
    docs.set(p, text);
    const hash = createHash('sha512').update(text).digest('hex').slice(0, 128).toUpperCase();
    rootPaths[p] = { serverRelativeURL: `/openapi/v3/${p}?hash=${hash}` };
  }
  cache = { root: { paths: rootPaths }, docs };
  return cache;
}

export function serveOpenApi(req: IncomingMessage, res: ServerResponse, segments: string[]): void {
  if (req.method !== 'GET') throw new ApiError(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource');
  if (segments[1] !== 'v3') throw notFound();
  const { root, docs } = build();
  if (segments.length === 2) return sendJson(res, 200, root);
  const doc = docs.get(segments.slice(2).join('/'));
  if (!doc) throw notFound();
  sendJson(res, 200, doc);
}
