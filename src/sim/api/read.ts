/** get and list, with selectors, pagination and Table output. */
import { ApiError } from '../errors.js';
import { apiVersionOf, storageKey, type ResourceType } from '../resources.js';
import type { Obj, Store } from '../store.js';
import { makeFilter, matches } from './selectors.js';
import { parseIncludeObject, toTable } from './tables.js';
import { presentAs } from './convert.js';

export interface ReadOptions {
  table: boolean;
  partial: boolean;
  now: number;
}

/** Items of a kind matching a filter, sorted by namespace and name, without copying. */
export function selectItems(store: Store, rt: ResourceType, namespace: string | undefined, q: URLSearchParams): Obj[] {
  const filter = makeFilter(namespace, q);
  const out: Obj[] = [];
  for (const o of store.scan(rt, namespace)) if (matches(filter, o)) out.push(o);
  const key = (o: Obj) => `${o.metadata.namespace ?? ''}/${o.metadata.name}`;
  out.sort((a, b) => {
    const ka = key(a);
    const kb = key(b);
    return ka < kb ? -1 : ka > kb ? 1 : 0;
  });
  return out;
}

interface ContinueToken {
  rv: number;
  start: string;
}

function decodeContinue(token: string): ContinueToken {
  try {
    const t = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
    if (typeof t.rv === 'number' && typeof t.start === 'string') return t;
  } catch {
    /* fall through */
  }
  throw new ApiError(400, 'BadRequest', 'continue key is not valid: illegal base64 data at input byte 0');
}

export function listBody(store: Store, rt: ResourceType, namespace: string | undefined, q: URLSearchParams, opts: ReadOptions): unknown {
  let items = selectItems(store, rt, namespace, q);
  let rv = store.resourceVersion;
  const cont = q.get('continue');
  if (cont) {
    const t = decodeContinue(cont);
    rv = t.rv;
    items = items.filter((o) => `${o.metadata.namespace ?? ''}/${o.metadata.name}` > t.start);
  }
  const limit = Number(q.get('limit') ?? 0);
  const meta: Record<string, unknown> = { resourceVersion: String(rv) };
  if (limit > 0 && items.length > limit) {
    const rest = items.length - limit;
    items = items.slice(0, limit);
    const last = items[items.length - 1];
    meta.continue = Buffer.from(JSON.stringify({ rv, start: `${last.metadata.namespace ?? ''}/${last.metadata.name}` })).toString('base64url');
    meta.remainingItemCount = rest;
  }
  const converted = storageKey(rt) === 'events' && rt.group ? items.map((o) => presentAs(rt, o)) : items;
  if (opts.table) return toTable(rt, converted, opts.now, parseIncludeObject(q.get('includeObject')), meta);
  if (opts.partial)
    return {
      kind: 'PartialObjectMetadataList',
      apiVersion: 'meta.k8s.io/v1',
      metadata: meta,
      items: converted.map((o) => ({ kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: o.metadata })),
    };
  return { kind: `${rt.kind}List`, apiVersion: apiVersionOf(rt), metadata: meta, items: converted };
}

export function getBody(store: Store, rt: ResourceType, namespace: string | undefined, name: string, q: URLSearchParams, opts: ReadOptions): unknown {
  const o = presentAs(rt, store.mustGet(rt, namespace, name));
  if (opts.table) return toTable(rt, [o], opts.now, parseIncludeObject(q.get('includeObject')), { resourceVersion: o.metadata.resourceVersion });
  if (opts.partial) return { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: o.metadata };
  return o;
}
