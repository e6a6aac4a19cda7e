/**
 * Watches: one JSON object per line over a chunked 200 response, flushed per event. Follows the
 * apiserver's watch cache: selector-aware ADDED/DELETED transitions, 410 Expired as an ERROR
 * event followed by the end of the stream, bookmarks, sendInitialEvents and timeoutSeconds.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApiError } from '../errors.js';
import { apiVersionOf, storageKey, type ResourceType } from '../resources.js';
import type { Obj, Store, StoreEvent } from '../store.js';
import { makeFilter, matches, type Filter } from './selectors.js';
import { parseIncludeObject, tableRow, printerFor, type IncludeObject } from './tables.js';
import { presentAs } from './convert.js';
import { selectItems } from './read.js';

export interface WatchOptions {
  table: boolean;
  now: () => number;
  /** Real-time interval between bookmarks when the client allows them. */
  bookmarkIntervalMs: number;
  /** Watches still open; the server closes them on shutdown. */
  registry: Set<ServerResponse>;
  /** Whether streaming lists (sendInitialEvents) are served, refused (422) or unknown to the server. */
  watchList: WatchListSupport;
}

/** true: streaming lists served; false: refused with 422 (the WatchList feature off); 'ignored': a server before 1.27. */
export type WatchListSupport = boolean | 'ignored';

/** JSON of frozen stored objects, computed once and shared by every watcher. */
const jsonCache = new WeakMap<object, string>();
function objectJson(o: Obj): string {
  let s = jsonCache.get(o);
  if (s === undefined) {
    s = JSON.stringify(o);
    if (Object.isFrozen(o)) jsonCache.set(o, s);
  }
  return s;
}

/** Every open watch stream's close function (test hook: endAllWatches). */
const OPEN_WATCHES = new Set<() => void>();

/** Ends every open watch stream cleanly, as a server-side timeout would; returns how many. Tests use it to exercise reconnects. */
export function endAllWatches(): number {
  const all = [...OPEN_WATCHES];
  for (const close of all) close();
  return all.length;
}

/** Slow watchers are dropped once this much output is queued, as the apiserver drops unresponsive ones. */
const MAX_BUFFERED = 64 * 1024 * 1024;
/** The initial state waits for the socket to drain past this much. */
const INITIAL_HIGH_WATER = 1024 * 1024;

/** Resolves once the response drained its buffer or closed (both listeners go either way). */
function drainedOrClosed(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done).on('close', done);
  });
}

export function serveWatch(
  store: Store,
  req: IncomingMessage,
  res: ServerResponse,
  rt: ResourceType,
  namespace: string | undefined,
  q: URLSearchParams,
  opts: WatchOptions,
): void {
  const filter: Filter = makeFilter(namespace, q);
  const rvParam = q.get('resourceVersion') ?? '';
  const sendInitial = opts.watchList !== 'ignored' && q.get('sendInitialEvents') === 'true';
  const bookmarks = q.get('allowWatchBookmarks') === 'true' || q.get('allowWatchBookmarks') === '1';
  if (sendInitial && (!opts.watchList || q.get('resourceVersionMatch') !== 'NotOlderThan'))
    throw new ApiError(422, 'Invalid', `ListOptions.meta.k8s.io "" is invalid: sendInitialEvents: Forbidden: sendInitialEvents is forbidden for watch unless the WatchList feature gate is enabled and resourceVersionMatch is set to NotOlderThan`);
  let startRv: number | undefined;
  if (rvParam && rvParam !== '0') {
    if (!/^\d+$/.test(rvParam)) throw new ApiError(400, 'BadRequest', `resourceVersion: Invalid value: "${rvParam}": strconv.ParseUint: parsing "${rvParam}": invalid syntax`);
    startRv = Number(rvParam);
  }
  const include: IncludeObject = parseIncludeObject(q.get('includeObject'));
  const key = storageKey(rt);
  const convert = key === 'events' && !!rt.group;
  let sentColumns = false;

  res.writeHead(200, {
    'Content-Type': 'application/json',
    'Cache-Control': 'no-cache, private',
    'Transfer-Encoding': 'chunked',
  });
  res.socket?.setNoDelay(true);
  // Send the headers now: client-node's Watch resolves only once they arrive.
  res.flushHeaders();
  let open = true;
  let lastRv = store.resourceVersion;

  const write = (line: string) => {
    if (!open || res.writableEnded || res.destroyed) return;
    res.write(line);
    if (res.writableLength > MAX_BUFFERED) close();
  };

  const encode = (type: string, o: Obj): string => {
    if (opts.table) {
      const obj = convert ? presentAs(rt, o) : o;
      const table: Record<string, unknown> = {
        kind: 'Table',
        apiVersion: 'meta.k8s.io/v1',
        metadata: { resourceVersion: o.metadata.resourceVersion },
        columnDefinitions: sentColumns ? null : printerFor(rt).columns,
        rows: [tableRow(rt, obj, opts.now(), include)],
      };
      sentColumns = true;
      return `{"type":"${type}","object":${JSON.stringify(table)}}\n`;
    }
    if (convert) return `{"type":"${type}","object":${JSON.stringify(presentAs(rt, o))}}\n`;
    return `{"type":"${type}","object":${objectJson(o)}}\n`;
  };

  const bookmark = (initialEnd: boolean) => {
    const meta: Record<string, unknown> = { resourceVersion: String(lastRv) };
    if (initialEnd) meta.annotations = { 'k8s.io/initial-events-end': 'true' };
    write(`{"type":"BOOKMARK","object":${JSON.stringify({ kind: rt.kind, apiVersion: apiVersionOf(rt), metadata: meta })}}\n`);
  };

  const deliver = (ev: StoreEvent) => {
    if (ev.rv <= lastRv) return;
    lastRv = Math.max(lastRv, ev.rv);
    const nowMatch = matches(filter, ev.object);
    if (ev.type === 'ADDED') {
      if (nowMatch) write(encode('ADDED', ev.object));
    } else if (ev.type === 'DELETED') {
      if (nowMatch || (ev.old && matches(filter, ev.old))) write(encode('DELETED', ev.object));
    } else {
      const wasMatch = ev.old ? matches(filter, ev.old) : false;
      if (nowMatch && wasMatch) write(encode('MODIFIED', ev.object));
      else if (nowMatch) write(encode('ADDED', ev.object));
      else if (wasMatch) write(encode('DELETED', ev.object));
    }
  };

  let unsubscribe: (() => void) | undefined;
  let timeoutTimer: NodeJS.Timeout | undefined;
  let bookmarkTimer: NodeJS.Timeout | undefined;
  function close() {
    if (!open) return;
    open = false;
    unsubscribe?.();
    clearTimeout(timeoutTimer);
    clearTimeout(bookmarkTimer);
    OPEN_WATCHES.delete(close);
    opts.registry.delete(res);
    if (!res.writableEnded) res.end();
  }
  opts.registry.add(res);
  OPEN_WATCHES.add(close);
  res.on('close', close);
  void req;

  // Initial state, taken synchronously with the subscription below, so no store event can slip in
  // between; it is written as the socket drains (50,000 pods are more than a watcher may queue),
  // and the events meanwhile wait for it.
  let initial: Obj[] | undefined;
  let held: StoreEvent[] | undefined;
  if (startRv === undefined || sendInitial) {
    lastRv = store.resourceVersion;
    initial = selectItems(store, rt, namespace, q);
    held = [];
  } else {
    // An RV beyond the store's can only come from an earlier simulator on this address (a restart
    // starts the counter afresh). The apiserver would answer "Too large resource version" (504),
    // which stops client-node informers; 410 makes them relist, which is what a restart needs.
    const changes = startRv > store.resourceVersion ? 'expired' : store.changesSince(rt, startRv);
    if (changes === 'expired') {
      const status = new ApiError(410, 'Expired', `too old resource version: ${startRv} (${store.oldestResumable(rt)})`).toStatus();
      write(`{"type":"ERROR","object":${JSON.stringify(status)}}\n`);
      close();
      return;
    }
    lastRv = startRv;
    for (const ev of changes) if (storageKey(ev.rt) === key) deliver(ev);
    lastRv = Math.max(lastRv, store.resourceVersion);
  }
  if (!open) return;
  unsubscribe = store.subscribe((ev) => {
    if (storageKey(ev.rt) !== key) return;
    if (held) held.push(ev);
    else deliver(ev);
  });
  if (initial) {
    const items = initial;
    void (async () => {
      for (const o of items) {
        if (!open) return;
        res.write(encode('ADDED', o));
        if (res.writableLength > INITIAL_HIGH_WATER) await drainedOrClosed(res);
      }
      if (sendInitial) bookmark(true);
      const waiting = held ?? [];
      held = undefined;
      for (const ev of waiting) deliver(ev);
    })();
  }

  const timeout = Number(q.get('timeoutSeconds') ?? 0);
  if (timeout > 0) timeoutTimer = setTimeout(close, timeout * 1000);
  if (bookmarks) {
    const tick = () => {
      if (!open) return;
      // Not while the initial state is still going out: the events held meanwhile come first.
      if (!held) {
        lastRv = Math.max(lastRv, store.resourceVersion);
        bookmark(false);
      }
      bookmarkTimer = setTimeout(tick, opts.bookmarkIntervalMs);
    };
    bookmarkTimer = setTimeout(tick, opts.bookmarkIntervalMs);
  }
}
