/**
 * One informer per watched kind. Events land in plain Maps (outside React) and call `onChange`;
 * an informer that stops on an error is restarted with backoff, and its staleness is visible.
 */
import { ListWatch, Watch, type KubernetesObject } from '@kubernetes/client-node';
import type { Connection } from './config.js';
import { describeFailure, type Failure } from './errors.js';
import { WATCHED_KINDS, lister, watchPath, type WatchedKind } from './kinds.js';

export interface KindStatus {
  synced: boolean;
  /** The user may not read this kind (403/404): settled as empty, retried slowly, not "lost". */
  denied?: boolean;
  /** When the watch was lost (ms since epoch), while it is down. */
  lostAt?: number;
  failure?: Failure;
  /** When the next restart is due, while one is scheduled. */
  retryAt?: number;
}

export interface WatchOptions {
  now?: () => number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  kinds?: readonly WatchedKind[];
}

export type ObjectMaps = Record<WatchedKind, Map<string, KubernetesObject>>;

export class ClusterWatch {
  readonly objects: ObjectMaps;
  /** Bumped on every change to a kind's map, so a flush can reuse what did not change. */
  readonly versions = {} as Record<WatchedKind, number>;
  readonly statuses = {} as Record<WatchedKind, KindStatus>;
  private readonly informers = new Map<WatchedKind, ListWatch<KubernetesObject>>();
  private readonly timers = new Map<WatchedKind, NodeJS.Timeout>();
  private readonly delays = new Map<WatchedKind, number>();
  private stopped = false;
  private readonly now: () => number;
  private readonly kinds: readonly WatchedKind[];

  constructor(
    readonly conn: Connection,
    private readonly onChange: () => void,
    private readonly opts: WatchOptions = {},
  ) {
    this.now = opts.now ?? Date.now;
    this.kinds = opts.kinds ?? WATCHED_KINDS;
    this.objects = Object.fromEntries(WATCHED_KINDS.map((k) => [k, new Map()])) as ObjectMaps;
    for (const k of WATCHED_KINDS) {
      this.statuses[k] = { synced: false };
      this.versions[k] = 0;
    }
  }

  start(): void {
    for (const kind of this.kinds) this.startKind(kind);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
    await Promise.all([...this.informers.values()].map((i) => i.stop().catch(() => {})));
    this.informers.clear();
  }

  /** True once every kind has listed at least once. */
  get synced(): boolean {
    return this.kinds.every((k) => this.statuses[k].synced);
  }

  /** The oldest moment a watch was lost, if any is down (kinds the user may not read do not count). */
  get lostSince(): number | undefined {
    const times = this.kinds.filter((k) => !this.statuses[k].denied).map((k) => this.statuses[k].lostAt).filter((t): t is number => t !== undefined);
    return times.length ? Math.min(...times) : undefined;
  }

  /** Kinds the user may not read. */
  get denied(): WatchedKind[] {
    return this.kinds.filter((k) => this.statuses[k].denied);
  }

  private startKind(kind: WatchedKind): void {
    const { kc, namespace } = this.conn;
    const list = lister(kc, kind, namespace);
    // A list that answers proves the kind is back, even when it holds nothing (no event would say so).
    const listAndMark = async () => {
      const result = await list();
      this.markHealthy(kind);
      this.onChange();
      return result;
    };
    const informer = new ListWatch<KubernetesObject>(watchPath(kind, namespace), new Watch(kc), listAndMark, false);
    const map = this.objects[kind];
    const put = (o: KubernetesObject) => {
      map.set(o.metadata?.uid ?? `${o.metadata?.namespace}/${o.metadata?.name}`, o);
      this.versions[kind]++;
      this.markHealthy(kind);
      this.onChange();
    };
    informer.on('add', put);
    informer.on('update', put);
    informer.on('delete', (o) => {
      map.delete(o.metadata?.uid ?? `${o.metadata?.namespace}/${o.metadata?.name}`);
      this.versions[kind]++;
      this.markHealthy(kind);
      this.onChange();
    });
    informer.on('error', (err) => this.lost(kind, err));
    this.informers.set(kind, informer);
    void this.run(kind, informer);
  }

  private async run(kind: WatchedKind, informer: ListWatch<KubernetesObject>): Promise<void> {
    // A failed list or watch fires 'error' (which sets a failure) and start() still resolves.
    this.statuses[kind].failure = undefined;
    await informer.start().catch((err) => this.lost(kind, err));
    if (this.stopped || this.statuses[kind].failure) return;
    this.markHealthy(kind);
    this.onChange();
  }

  private markHealthy(kind: WatchedKind): void {
    const s = this.statuses[kind];
    if (s.synced && !s.lostAt && !s.failure) return;
    this.statuses[kind] = { synced: true };
    this.delays.delete(kind);
  }

  private lost(kind: WatchedKind, err: unknown): void {
    if (this.stopped) return;
    const s = this.statuses[kind];
    const failure = describeFailure(err, { server: this.conn.server, what: kind });
    const denied = failure.kind === 'forbidden' || failure.kind === 'notfound';
    const maxDelay = this.opts.maxDelayMs ?? 30_000;
    // Access is not restored by hammering: a denied kind waits the longest delay between tries.
    const delay = denied ? maxDelay : Math.min((this.delays.get(kind) ?? (this.opts.baseDelayMs ?? 1000) / 2) * 2, maxDelay);
    this.delays.set(kind, delay);
    this.statuses[kind] = {
      synced: s.synced || denied,
      ...(denied ? { denied: true } : { lostAt: s.lostAt ?? this.now() }),
      failure,
      retryAt: this.now() + delay,
    };
    this.onChange();
    clearTimeout(this.timers.get(kind));
    this.timers.set(
      kind,
      setTimeout(() => {
        this.timers.delete(kind);
        const informer = this.informers.get(kind);
        if (informer && !this.stopped) void this.run(kind, informer);
      }, delay),
    );
  }
}
