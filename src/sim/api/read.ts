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

/** Index of the first item whose namespace/name sorts after `start` (items are sorted by it). */
function firstAfter(items: Obj[], start: string): number {
  let lo = 0;
  let hi = items.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (`${items[mid].metadata.namespace ?? ''}/${items[mid].metadata.name}` > start) hi = mid;
    else lo = mid + 1;
  }
  return lo;
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

/**
 * The sorted items of paginated lists in progress, by kind, namespace, selectors and the list's
 * resourceVersion: every page of one list reads the same moment, as the API server reads etcd
 * at the list's revision, and the kind is sorted once per list, not once per page (500-item
 * pages of 250,000 Events). Stored objects are frozen, so holding them is a snapshot.
 */
const pagedLists = new WeakMap<Store, Map<string, Obj[]>>();
const PAGED_LISTS_HELD = 8;

/** The list's snapshot and a function that forgets it (after its last page). */
function listSnapshot(store: Store, rt: ResourceType, namespace: string | undefined, q: URLSearchParams, rv: number): { items: Obj[]; done: () => void } {
  const selectors = new URLSearchParams(q);
  for (const k of ['continue', 'limit', 'resourceVersion', 'resourceVersionMatch', 'timeoutSeconds']) selectors.delete(k);
  const key = `${storageKey(rt)}\u0000${namespace ?? ''}\u0000${selectors}\u0000${rv}`;
  let lists = pagedLists.get(store);
  if (!lists) pagedLists.set(store, (lists = new Map()));
  let items = lists.get(key);
  if (!items) {
    items = selectItems(store, rt, namespace, q);
    if (lists.size >= PAGED_LISTS_HELD) lists.delete(lists.keys().next().value!);
    lists.set(key, items);
  }
  return { items, done: () => lists.delete(key) };
}

export function listBody(store: Store, rt: ResourceType, namespace: string | undefined, q: URLSearchParams, opts: ReadOptions): unknown {
  const limit = Number(q.get('limit') ?? 0);
  const cont = q.get('continue');
  let rv = store.resourceVersion;
  let all: Obj[];
  let from = 0;
  let done = () => {};
  if (cont) {
    const t = decodeContinue(cont);
    rv = t.rv;
    const list = listSnapshot(store, rt, namespace, q, rv);
    all = list.items;
    from = firstAfter(all, t.start);
    done = list.done;
  } else if (limit > 0) {
    const list = listSnapshot(store, rt, namespace, q, rv);
    all = list.items;
    done = list.done;
  } else {
    all = selectItems(store, rt, namespace, q);
  }
  const meta: Record<string, unknown> = { resourceVersion: String(rv) };
  // One page is copied out of the snapshot, never the rest of it.
  const to = limit > 0 ? Math.min(all.length, from + limit) : all.length;
  const items = from === 0 && to === all.length ? all : all.slice(from, to);
  if (to < all.length) {
    const last = items[items.length - 1];
    meta.continue = Buffer.from(JSON.stringify({ rv, start: `${last.metadata.namespace ?? ''}/${last.metadata.name}` })).toString('base64url');
    meta.remainingItemCount = all.length - to;
  } else done();
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
