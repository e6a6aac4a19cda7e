/**
 * One kind's list + watch, writing into a Map the cockpit reads (each object stored once,
 * trimmed at the edge by keepForKind). Keys are namespace/name, so a recreated object (new UID)
 * replaces the old one and two objects can never share a row; a relist replaces the whole map,
 * so whatever the server no longer returns is gone.
 *
 * The state comes as a streaming list (a watch with sendInitialEvents, Kubernetes 1.27+ where the
 * WatchList feature is on: every object as an event, then a bookmark that ends the initial state,
 * then changes from there on one stream), or, where the server refuses it (422 on 1.33, where the
 * feature is off by default), as a paginated list and a watch from its resourceVersion. A server
 * before 1.27 takes the request for a plain watch (the state as ADDED events, then changes): its
 * first bookmark, about a minute later, ends the initial state, and later lists are paginated. The stream
 * leaves no gap between list and watch, and no list page to parse in one piece: a page of 5,000
 * pods from a real server is 20 MB of JSON, a stall of the cockpit; and a list that takes longer
 * than the server's watch history (minutes of pages on a busy server) ends in 410 on its watch.
 *
 * The informer does not retry on its own: on failure it reports and waits for `relist()`
 * (ClusterWatch decides when, from one reachability probe for all kinds). A watch the server
 * closes normally resumes from its resourceVersion; 410 Gone relists at once.
 */
import { Watch, type KubeConfig, type KubernetesObject } from '@kubernetes/client-node';
import { HttpStatusError, type ApiGetter } from './http.js';
import type { WatchedKind } from './kinds.js';
import { boundForKind, keepForKind, type KindBound } from './transform.js';

export interface InformerEvents {
  /** The map changed. */
  changed(): void;
  /**
   * A list was applied and the watch from its resourceVersion is open: the map equals the cluster
   * and follows it. Not before the watch opens: until then nothing that changed after the list
   * reaches the map, while other kinds, listed later, may already show those changes.
   */
  synced(): void;
  /** The list or watch failed; nothing happens until relist(). */
  failed(err: unknown): void;
}

export interface InformerOptions {
  /** false: always a paginated list and a watch, never a streaming list (tests of paging). */
  streamingList?: boolean;
  /** Items per list page (limit + continue; default PAGE_SIZE). */
  pageSize?: number;
  /** A watch that says nothing for this long is restarted from its resourceVersion (bookmarks come about once a minute from a real server). */
  inactivityMs?: number;
  now?: () => number;
}

interface ListBody {
  metadata?: { resourceVersion?: string; continue?: string; remainingItemCount?: number };
  items?: KubernetesObject[];
}

/**
 * Objects per list page: a page's JSON text and its parsed form are garbage once trimmed, so the
 * page size sets the peak memory of a list (5,000 pods from a real API server: RSS 284-296 MiB at
 * 5,000 per page, 230-232 MiB at 500 as kubectl asks; the list took as long). A long list asks
 * for bigger pages (see nextPageSize): each page is a round trip to a server that may be busy
 * (50,000 pods from a loaded sim took 92 s in pages of 500).
 */
export const PAGE_SIZE = 500;
const MAX_PAGE_SIZE = 5000;

/** The page size after the first page: about ten pages for what the server says remains, within PAGE_SIZE..MAX_PAGE_SIZE. */
export function nextPageSize(first: number, remaining: number | undefined): number {
  if (remaining === undefined) return first;
  return Math.max(first, Math.min(MAX_PAGE_SIZE, Math.ceil(remaining / 10)));
}

/** A watch that ends this soon with nothing said is not resumed at once (no tight loop on a server that closes at once). */
const MIN_QUIET_WATCH_MS = 1000;

/** The annotation of the bookmark that ends a streaming list's initial events. */
const INITIAL_EVENTS_END = 'k8s.io/initial-events-end';

/** What a streaming list's watch hands over until its initial state is whole. */
interface InitialEvents {
  initialEvent(type: 'ADDED' | 'MODIFIED' | 'DELETED', obj: KubernetesObject): void;
  /** The initial state is whole; `streamed`: ended by the annotated bookmark (else the server ignored the request's streaming). */
  initialEnd(streamed: boolean): void;
  /** The server answered the streaming list with this error status (4xx): the informer lists instead. */
  refused(code: number): void;
}

export const keyOf = (o: KubernetesObject): string => `${o.metadata?.namespace ?? ''}/${o.metadata?.name ?? ''}`;

export class KindInformer {
  /** Bumped by every relist and stop: callbacks of an older run are ignored. */
  private generation = 0;
  private abort?: AbortController;
  private resourceVersion = '';
  private stopped = false;
  private listedOnce = false;
  private resumeTimer?: NodeJS.Timeout;
  /** When the server last said something on this kind's watch, or answered its list. */
  lastHeard = 0;
  /** Listing (pages or initial events on their way), watching, or stopped after a failure. */
  phase: 'listing' | 'watching' | 'failed' = 'listing';
  /** Whether the server streams lists (unknown until it answers one; false once it refused). */
  private streaming: boolean | undefined;
  private readonly bound?: KindBound;

  constructor(
    private readonly kind: WatchedKind,
    private readonly kc: KubeConfig,
    private readonly getter: ApiGetter,
    private readonly path: string,
    private readonly map: Map<string, KubernetesObject>,
    private readonly events: InformerEvents,
    private readonly opts: InformerOptions = {},
  ) {
    this.bound = boundForKind(kind);
  }

  /** Lists (streamed, or every page) and replaces the map, then watches on. Cancels whatever ran before. */
  relist(): void {
    const gen = this.restart();
    this.listThenWatch(gen);
  }

  stop(): void {
    this.stopped = true;
    this.restart();
  }

  private restart(): number {
    clearTimeout(this.resumeTimer);
    this.abort?.abort();
    this.abort = new AbortController();
    return ++this.generation;
  }

  private get now(): number {
    return (this.opts.now ?? Date.now)();
  }

  private listThenWatch(gen: number): void {
    this.phase = 'listing';
    if (this.streaming !== false && this.opts.streamingList !== false) this.streamList(gen);
    else void this.pagesThenWatch(gen);
  }

  /** A paginated list, then a watch from its resourceVersion. */
  private async pagesThenWatch(gen: number): Promise<void> {
    this.phase = 'listing';
    let rv: string;
    try {
      rv = await this.list(gen);
    } catch (err) {
      if (gen === this.generation && !this.stopped) this.fail(err);
      return;
    }
    if (gen !== this.generation || this.stopped) return;
    this.watchFrom(rv, gen, () => this.events.synced());
  }

  /** Every page into a fresh map, then one swap; the first list of a kind fills the map page by page (nothing to keep). */
  private async list(gen: number): Promise<string> {
    const signal = this.abort!.signal;
    const progressive = !this.listedOnce && this.map.size === 0;
    for (;;) {
      const fresh = new Map<string, KubernetesObject>();
      let cont: string | undefined;
      let rv = '';
      try {
        let limit = this.opts.pageSize ?? PAGE_SIZE;
        let first = true;
        do {
          const q = new URLSearchParams({ limit: String(limit) });
          if (cont) q.set('continue', cont);
          const page = await this.getter.json<ListBody>(`${this.path}?${q}`, signal);
          if (gen !== this.generation) throw new Error('superseded');
          for (const item of page.items ?? []) {
            const key = keyOf(item);
            const kept = keepForKind(this.kind, item);
            fresh.set(key, kept);
            if (progressive) this.map.set(key, kept);
          }
          this.trim(fresh);
          if (progressive) this.trim(this.map);
          if (progressive && page.items?.length) this.events.changed();
          cont = page.metadata?.continue || undefined;
          rv = page.metadata?.resourceVersion ?? '';
          if (first && !this.opts.pageSize) limit = nextPageSize(PAGE_SIZE, page.metadata?.remainingItemCount);
          first = false;
        } while (cont);
      } catch (err) {
        // The continue token outlived the server's history: list again from the start.
        if (cont && err instanceof HttpStatusError && err.statusCode === 410) continue;
        throw err;
      }
      this.lastHeard = this.now;
      this.replaceAll(fresh);
      this.listedOnce = true;
      return rv;
    }
  }

  /**
   * The state as a streaming list: the server's initial events go to a fresh map (and straight to
   * the map on a kind's first fill, so the first rows show before the last object arrives); the
   * bookmark that ends them swaps it in and the stream goes on as this kind's watch.
   */
  private streamList(gen: number): void {
    const progressive = !this.listedOnce && this.map.size === 0;
    const fresh = new Map<string, KubernetesObject>();
    this.watchFrom('', gen, {
      initialEvent: (type, obj) => {
        const key = keyOf(obj);
        if (type === 'DELETED') {
          fresh.delete(key);
          if (progressive && this.map.delete(key)) this.events.changed();
          return;
        }
        const kept = keepForKind(this.kind, obj);
        fresh.set(key, kept);
        this.trim(fresh);
        if (progressive) {
          this.map.set(key, kept);
          this.trim(this.map);
          this.events.changed();
        }
      },
      initialEnd: (streamed) => {
        this.streaming = streamed;
        this.lastHeard = this.now;
        this.replaceAll(fresh);
        fresh.clear();
        this.listedOnce = true;
        this.events.synced();
      },
      refused: (code) => {
        // Refused before its initial state was whole: a paginated list instead, whose error (if it
        // fails too) names what the user may not do. 400 or 422: this server does not stream lists
        // (the WatchList feature is off), so not again.
        if (code === 400 || code === 422) this.streaming = false;
        void this.pagesThenWatch(gen);
      },
    });
  }

  /** The map becomes `fresh`; objects whose resourceVersion did not change keep their identity (derive caches by it). */
  private replaceAll(fresh: Map<string, KubernetesObject>): void {
    let changed = false;
    for (const key of this.map.keys()) {
      if (!fresh.has(key)) {
        this.map.delete(key);
        changed = true;
      }
    }
    for (const [key, o] of fresh) {
      const old = this.map.get(key);
      if (old && old.metadata?.uid === o.metadata?.uid && old.metadata?.resourceVersion === o.metadata?.resourceVersion) continue;
      this.map.set(key, o);
      changed = true;
    }
    if (changed) this.events.changed();
  }

  /**
   * Holds a bounded kind to its bound: once it is a quarter over, the oldest unpinned objects go
   * (one sort per quarter of the bound added, not one per object). A later change of a dropped
   * object brings it back; its deletion finds nothing to delete.
   */
  private trim(map: Map<string, KubernetesObject>): void {
    const bound = this.bound;
    if (!bound || map.size <= bound.max + (bound.max >> 2)) return;
    const byAge: [number, string][] = [];
    for (const [key, o] of map) if (!bound.pinned(o)) byAge.push([bound.time(o), key]);
    byAge.sort((a, b) => a[0] - b[0]);
    const excess = Math.min(map.size - bound.max, byAge.length);
    for (let i = 0; i < excess; i++) map.delete(byAge[i][1]);
  }

  private fail(err: unknown): void {
    this.phase = 'failed';
    this.events.failed(err);
  }

  /**
   * Watches from `rv`; `opened` runs once the server answered (its events since `rv` follow). With
   * `stream`, a streaming list: no `rv`, the initial events and their end go to `stream`.
   */
  private watchFrom(rv: string, gen: number, opened?: () => void): void;
  private watchFrom(rv: '', gen: number, stream: InitialEvents): void;
  private watchFrom(rv: string, gen: number, then?: (() => void) | InitialEvents): void {
    const opened = typeof then === 'function' ? then : undefined;
    let stream = typeof then === 'object' ? then : undefined;
    this.phase = stream ? 'listing' : 'watching';
    this.resourceVersion = rv;
    const started = this.now;
    let said = false;
    let expired = false;
    let errorStatus: { code?: number; message?: string } | undefined;
    const watch = new Watch(this.kc);
    // client-node's inactivity limit (30 s) is private in its typings; a quiet kind would churn at 30 s.
    (watch as unknown as { requestTimeoutMs: number }).requestTimeoutMs = this.opts.inactivityMs ?? 75_000;
    const query = {
      ...(stream ? { sendInitialEvents: true, resourceVersionMatch: 'NotOlderThan' } : { resourceVersion: rv }),
      allowWatchBookmarks: true,
      // As client-go: the server ends the watch after 5 to 10 minutes and we resume from the resourceVersion.
      timeoutSeconds: 300 + Math.floor(Math.random() * 300),
    };
    const onEvent = (type: string, obj: KubernetesObject & { code?: number; message?: string }) => {
      if (gen !== this.generation) return;
      said = true;
      this.lastHeard = this.now;
      if (type === 'ERROR') {
        if (obj.code === 410) expired = true;
        else errorStatus = obj;
        return;
      }
      const rvNow = obj.metadata?.resourceVersion;
      if (rvNow) this.resourceVersion = rvNow;
      if (stream) {
        if (type === 'BOOKMARK') {
          // A bookmark without the annotation: the server took the request for a plain watch (it
          // predates 1.27), whose ADDED events of the whole state came before any bookmark.
          const ended = stream;
          stream = undefined;
          this.phase = 'watching';
          ended.initialEnd(obj.metadata?.annotations?.[INITIAL_EVENTS_END] === 'true');
        } else if (type === 'ADDED' || type === 'MODIFIED' || type === 'DELETED') stream.initialEvent(type, obj);
        return;
      }
      if (type === 'ADDED' || type === 'MODIFIED') {
        this.map.set(keyOf(obj), keepForKind(this.kind, obj));
        this.trim(this.map);
        this.events.changed();
      } else if (type === 'DELETED') {
        const key = keyOf(obj);
        // A late delete of an object already replaced by its successor (same name, new UID) is not the successor's.
        if (this.map.get(key)?.metadata?.uid === obj.metadata?.uid && this.map.delete(key)) this.events.changed();
      }
    };
    const onDone = (err: unknown) => {
      if (gen !== this.generation || this.stopped) return;
      const code = (err as { statusCode?: number } | null)?.statusCode ?? errorStatus?.code;
      if (stream && code !== undefined && code >= 400 && code < 500 && code !== 410 && code !== 429) return stream.refused(code);
      if (expired || code === 410) return this.relist();
      if (errorStatus) return this.fail(new HttpStatusError(errorStatus.code ?? 500, errorStatus));
      if (err && (err as Error).name !== 'TimeoutError') return this.fail(err);
      // Closed before the initial state was whole: stream it again.
      if (stream) return this.relist();
      // Closed by the server (its timeout), or silent past the inactivity limit: resume where we were.
      const resume = () => gen === this.generation && !this.stopped && this.watchFrom(this.resourceVersion, gen);
      if (!said && this.now - started < MIN_QUIET_WATCH_MS) this.resumeTimer = setTimeout(resume, MIN_QUIET_WATCH_MS);
      else resume();
    };
    const signal = this.abort!.signal;
    watch
      .watch(this.path, query, onEvent, onDone)
      .then((controller) => {
        // The request only returns its controller once the server answered; a relist meanwhile cancels it.
        if (gen !== this.generation || signal.aborted) return controller.abort();
        signal.addEventListener('abort', () => controller.abort(), { once: true });
        opened?.();
      })
      .catch(onDone);
  }
}
