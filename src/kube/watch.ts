/**
 * The cockpit's picture of the cluster: one KindInformer per watched kind writing into plain Maps
 * (outside React, each object once), and one reachability probe deciding when the picture is
 * stale and when every kind relists. Events call `onChange`.
 *
 * Health, in one place: live when the probe answers and every kind has listed and watches;
 * stale (with the reason) from the moment a watch fails or the server stops answering until every
 * kind has listed again after it answers.
 */
import type { KubernetesObject } from '@kubernetes/client-node';
import type { Connection } from './config.js';
import { describeFailure, type Failure } from './errors.js';
import { ApiGetter } from './http.js';
import { KindInformer } from './informer.js';
import { WATCHED_KINDS, watchPath, type WatchedKind } from './kinds.js';
import { Reachability, type ProbeOptions, type ProbeResult } from './reachability.js';

export interface KindStatus {
  synced: boolean;
  /** The user may not read this kind (403/404): settled as empty, retried slowly, not "lost". */
  denied?: boolean;
  /** Since when this kind's data may be stale (ms since epoch), until it has listed again. */
  lostAt?: number;
  failure?: Failure;
  /** When the next try is due, for a kind that does not wait on the probe (denied, or a server error). */
  retryAt?: number;
}

/** What the header shows: the store's Health is this. */
export interface WatchHealth {
  synced: boolean;
  /** Since when the data may be stale, while it is. */
  lostSince?: number;
  /** Why: the probe's failure while the server does not answer, else a failing kind's. */
  failure?: Failure;
  retryAt?: number;
  /** Kinds the user may not read (shown, not treated as a lost watch). */
  denied?: string[];
}

export interface WatchOptions {
  now?: () => number;
  kinds?: readonly WatchedKind[];
  probe?: ProbeOptions;
  /** Between tries of a kind the user may not read, and the longest wait after server errors. */
  maxDelayMs?: number;
  /** false: paginated lists and watches only, no streaming lists (see KindInformer). */
  streamingList?: boolean;
  pageSize?: number;
  inactivityMs?: number;
}

export type ObjectMaps = Record<WatchedKind, Map<string, KubernetesObject>>;

/** Failures that say the server (not one kind) is out of reach: they wait for the probe, no backoff. */
const SERVER_WIDE = new Set<Failure['kind']>(['unreachable', 'certificate', 'unauthorized']);

export class ClusterWatch {
  readonly objects: ObjectMaps;
  /** Bumped on every change to a kind's map, so a flush can reuse what did not change. */
  readonly versions = {} as Record<WatchedKind, number>;
  readonly statuses = {} as Record<WatchedKind, KindStatus>;
  private readonly informers = new Map<WatchedKind, KindInformer>();
  /** Kinds that failed and wait to relist, with the earliest moment they may. */
  private readonly waiting = new Map<WatchedKind, number>();
  private readonly attempts = new Map<WatchedKind, number>();
  private readonly probe: Reachability;
  private readonly getter: ApiGetter;
  /** While the server does not answer: since when (the failed probe's start), and why. */
  private down?: { since: number; failure: Failure };
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
    this.getter = new ApiGetter(conn.kc);
    this.probe = new Reachability(this.getter, (r) => this.probed(r), opts.probe, this.now);
  }

  start(): void {
    for (const kind of this.kinds) {
      const informer = new KindInformer(
        kind,
        this.conn.kc,
        this.getter,
        watchPath(kind, this.conn.namespace),
        this.objects[kind],
        {
          changed: () => {
            this.versions[kind]++;
            this.onChange();
          },
          synced: () => this.kindSynced(kind),
          failed: (err) => this.failed(kind, err),
        },
        { streamingList: this.opts.streamingList, pageSize: this.opts.pageSize, inactivityMs: this.opts.inactivityMs, now: this.now },
      );
      this.informers.set(kind, informer);
      informer.relist();
    }
    this.probe.start();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.probe.stop();
    for (const i of this.informers.values()) i.stop();
    this.informers.clear();
    this.getter.close();
  }

  /** True once every kind has listed and its watch is open. */
  get synced(): boolean {
    return this.kinds.every((k) => this.statuses[k].synced);
  }

  /** Since when the data may be stale, if it may (kinds the user may not read do not count). */
  get lostSince(): number | undefined {
    const times = this.kinds.filter((k) => !this.statuses[k].denied).map((k) => this.statuses[k].lostAt);
    if (this.down) times.push(this.down.since);
    const known = times.filter((t): t is number => t !== undefined);
    return known.length ? Math.min(...known) : undefined;
  }

  /** Kinds the user may not read. */
  get denied(): WatchedKind[] {
    return this.kinds.filter((k) => this.statuses[k].denied);
  }

  get health(): WatchHealth {
    const failing = this.kinds.map((k) => this.statuses[k]).find((s) => s.failure && !s.denied);
    const denied = this.denied;
    return {
      synced: this.synced,
      lostSince: this.lostSince,
      failure: this.down?.failure ?? failing?.failure,
      retryAt: this.down ? undefined : failing?.retryAt,
      ...(denied.length ? { denied } : {}),
    };
  }

  private kindSynced(kind: WatchedKind): void {
    this.statuses[kind] = { synced: true };
    this.waiting.delete(kind);
    this.attempts.delete(kind);
    this.probe.fast = this.needsFastProbe();
    this.onChange();
  }

  private failed(kind: WatchedKind, err: unknown): void {
    if (this.stopped) return;
    const s = this.statuses[kind];
    const failure = describeFailure(err, { server: this.conn.server, what: kind });
    const denied = failure.kind === 'forbidden' || failure.kind === 'notfound';
    const maxDelay = this.opts.maxDelayMs ?? 30_000;
    const attempt = (this.attempts.get(kind) ?? 0) + 1;
    this.attempts.set(kind, attempt);
    // Access is not restored by hammering: a denied kind waits the longest delay. A server error on one
    // kind backs off; a server out of reach is the probe's to notice, and every kind relists when it answers.
    const delay = denied ? maxDelay : SERVER_WIDE.has(failure.kind) ? 0 : Math.min(500 * 2 ** attempt, maxDelay);
    this.statuses[kind] = {
      synced: s.synced || denied,
      ...(denied ? { denied: true } : { lostAt: s.lostAt ?? this.now() }),
      failure,
      ...(delay ? { retryAt: this.now() + delay } : {}),
    };
    this.waiting.set(kind, this.now() + delay);
    this.probe.fast = this.needsFastProbe();
    if (!denied) this.probe.soon();
    this.onChange();
  }

  private probed(r: ProbeResult): void {
    if (this.stopped) return;
    if (!r.ok) {
      const failure = describeFailure(r.error, { server: this.conn.server, what: 'the API server' });
      this.down = { since: this.down?.since ?? r.startedAt, failure };
      this.probe.fast = true;
      this.onChange();
      return;
    }
    const wasDown = this.down;
    this.down = undefined;
    const now = this.now();
    for (const kind of this.kinds) {
      const due = this.waiting.get(kind);
      const informer = this.informers.get(kind);
      if (!informer) continue;
      if (due !== undefined && due <= now) {
        // A failed watch relists: the cache equals the cluster again, whatever it missed.
        this.waiting.set(kind, Infinity);
        informer.relist();
      } else if (wasDown && informer.phase === 'watching' && !this.statuses[kind].denied && informer.lastHeard < wasDown.since) {
        // A watch that said nothing while the server did not answer may be stalled for good: it relists
        // too, and is stale until then. A busy kind (pods under churn) was heard and keeps its watch;
        // a list under way goes on.
        this.statuses[kind] = { ...this.statuses[kind], lostAt: this.statuses[kind].lostAt ?? wasDown.since };
        this.waiting.set(kind, Infinity);
        informer.relist();
      }
    }
    this.probe.fast = this.needsFastProbe();
    if (wasDown) this.onChange();
  }

  /** While the server is down or a readable kind waits, probe often; a denied kind alone does not. */
  private needsFastProbe(): boolean {
    return this.down !== undefined || [...this.waiting.keys()].some((k) => !this.statuses[k].denied);
  }
}
