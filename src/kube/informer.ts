/**
 * One kind's list + watch, writing into a Map the cockpit reads (each object stored once,
 * trimmed at the edge by keepForKind). Keys are namespace/name, so a recreated object (new UID)
 * replaces the old one and two objects can never share a row; a relist replaces the whole map,
 * so whatever the server no longer returns is gone.
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
  /** Listing (pages on their way), watching, or stopped after a failure. */
  phase: 'listing' | 'watching' | 'failed' = 'listing';
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

  /** Lists (every page) and replaces the map, then watches from the list's resourceVersion. Cancels whatever ran before. */
  relist(): void {
    const gen = this.restart();
    void this.listThenWatch(gen);
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

  private async listThenWatch(gen: number): Promise<void> {
    let rv: string;
    this.phase = 'listing';
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

  /** Watches from `rv`; `opened` runs once the server answered (its events since `rv` follow). */
  private watchFrom(rv: string, gen: number, opened?: () => void): void {
    this.phase = 'watching';
    this.resourceVersion = rv;
    const started = this.now;
    let said = false;
    let expired = false;
    let errorStatus: { code?: number; message?: string } | undefined;
    const watch = new Watch(this.kc);
    // client-node's inactivity limit (30 s) is private in its typings; a quiet kind would churn at 30 s.
    (watch as unknown as { requestTimeoutMs: number }).requestTimeoutMs = this.opts.inactivityMs ?? 75_000;
    const query = {
      resourceVersion: rv,
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
      const code = (err as { statusCode?: number } | null)?.statusCode;
      if (expired || code === 410) return this.relist();
      if (errorStatus) return this.fail(new HttpStatusError(errorStatus.code ?? 500, errorStatus));
      if (err && (err as Error).name !== 'TimeoutError') return this.fail(err);
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
