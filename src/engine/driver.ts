/**
 * Who may steer a release from this cockpit, and when: the driver locks this cockpit holds (one
 * Lease per release, renewed on a timer, released on stop), freeze windows, the explicit
 * take-over (audited as an Event on the release), and the cancel window before an action fires
 * (its countdown published on the lock's Lease for the partner's cockpit). No React here; the
 * action registry asks `mayAct`/`claim` before a mutation and runs `grace` between confirm and fire.
 */
import { CoreV1Api, type KubeConfig } from '@kubernetes/client-node';
import { appendAuditLog, emitAuditEvent, type AuditRecord } from '../actions/audit.js';
import type { ObjectRef } from '../actions/types.js';
import { apiMessage, statusCode } from '../kube/errors.js';
import { DRIVER_LOCK_SECONDS, DriverLease, liveHolder, type DriverLock, type LockOutcome } from '../kube/lease.js';
import { FREEZE_ANNOTATION, freezeAt, type FreezeVerdict, type RecurringFreeze } from '../model/freeze.js';
import { clockTime } from '../model/verdict.js';

/** `namespace/kind/name`, as ReleaseView.key. */
export interface ReleaseRef {
  namespace: string;
  kind: string;
  name: string;
}

export function parseReleaseKey(key: string): ReleaseRef {
  const [namespace, kind, ...rest] = key.split('/');
  if (!namespace || !kind || rest.length === 0) throw new Error(`not a release key: ${JSON.stringify(key)} (expected namespace/kind/name)`);
  return { namespace, kind, name: rest.join('/') };
}

/** The object a release's audit Events go on: its Deployment for a rolling release, else its Service. */
export function releaseObject(r: ReleaseRef): ObjectRef {
  return r.kind === 'rolling'
    ? { apiVersion: 'apps/v1', kind: 'Deployment', namespace: r.namespace, name: r.name }
    : { apiVersion: 'v1', kind: 'Service', namespace: r.namespace, name: r.name };
}

export type MayAct =
  /** `lock`: held by this cockpit, free (nobody drives), or advisory (this user cannot use Leases; `note` says why). */
  | { ok: true; lock: 'held' | 'free' | 'advisory'; note?: string; /** The freeze this action overrides (for its audit record). */ freezeOverridden?: string }
  | { ok: false; reason: 'driven'; drivenBy: string; since?: Date; lock: DriverLock }
  | { ok: false; reason: 'frozen'; why: string; until?: Date };

/** `driven by alice@host since 14:02` */
export const drivenText = (holder: string, since: Date | undefined): string => `driven by ${holder}${since ? ` since ${clockTime(since.getTime()).slice(0, 5)}` : ''}`;

/** The line a refused claim reads as, with what the user may do. */
export function mayActRefusal(may: Extract<MayAct, { ok: false }>, how: { takeOver: string; freezeOverride: string }): string {
  if (may.reason === 'driven') return `${drivenText(may.drivenBy, may.since)}: ${how.takeOver}`;
  return `frozen: ${may.why}${may.until ? ` (until ${may.until.toISOString()})` : ''}; ${how.freezeOverride}`;
}

export interface DriverServiceOptions {
  kc: KubeConfig;
  /** `user@host` (kube/lease.ts driverIdentity). */
  identity: string;
  /** For audit records. */
  user: string;
  context: string;
  durationSeconds?: number;
  /** Default: a third of the duration, so two renewals can fail before the lock runs out. */
  renewEveryMs?: number;
  now?: () => number;
  /** Recurring freeze windows (the config file); the namespace annotation is read at each check. */
  freezeRules?: readonly RecurringFreeze[];
  /** The local audit JSONL, if any. */
  auditLog?: string;
  /** A lock this cockpit held was taken over or lost; `by` is the new holder if any. */
  onLost?: (releaseKey: string, by: string | undefined) => void;
}

export interface GraceAction {
  action: string;
  title: string;
}

export class DriverService {
  private readonly locks = new Map<string, DriverLease>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly renewing = new Map<string, Promise<void>>();
  private readonly now: () => number;
  private readonly core: CoreV1Api;
  private stopped = false;

  constructor(private readonly options: DriverServiceOptions) {
    this.now = options.now ?? Date.now;
    this.core = options.kc.makeApiClient(CoreV1Api);
  }

  /** Releases this cockpit drives now. */
  driving(): string[] {
    return [...this.timers.keys()].sort();
  }

  /**
   * Whether this cockpit may act on the release now, without taking anything: frozen (unless
   * `freezeOverride` gives the typed reason), driven by someone else, or ok.
   */
  async mayAct(releaseKey: string, opts: { freezeOverride?: string } = {}): Promise<MayAct> {
    const ref = parseReleaseKey(releaseKey);
    const freeze = await this.freeze(ref.namespace);
    if (freeze.frozen && !opts.freezeOverride?.trim()) return { ok: false, reason: 'frozen', why: freeze.reason, ...(freeze.until ? { until: freeze.until } : {}) };
    const overridden = freeze.frozen ? { freezeOverridden: `${freeze.reason}; overridden: ${opts.freezeOverride!.trim()}` } : {};
    let lock: DriverLock | undefined;
    try {
      lock = await this.lease(releaseKey).read();
    } catch (err) {
      return { ok: true, lock: 'advisory', note: this.advisory(err), ...overridden };
    }
    const holder = liveHolder(lock, this.now());
    if (holder && holder !== this.options.identity) return { ok: false, reason: 'driven', drivenBy: holder, ...(lock!.since ? { since: lock!.since } : {}), lock: lock! };
    return { ok: true, lock: holder ? 'held' : 'free', ...overridden };
  }

  /** Before a mutation: checks as mayAct, then takes (or renews) the lock and keeps renewing it. */
  async claim(releaseKey: string, opts: { freezeOverride?: string } = {}): Promise<MayAct> {
    const may = await this.mayAct(releaseKey, opts);
    if (!may.ok || may.lock === 'advisory') return may;
    const out = await this.lease(releaseKey).acquire();
    return this.afterWrite(releaseKey, out, may.freezeOverridden);
  }

  /** Takes the lock from whoever holds it, and says so in an Event on the release (and the audit log). */
  async takeOver(releaseKey: string, reason: string): Promise<MayAct> {
    if (!reason.trim()) throw new Error('a take-over needs a reason (it is recorded in the Event on the release)');
    const lease = this.lease(releaseKey);
    let before: string | undefined;
    try {
      before = liveHolder(await lease.read(), this.now());
    } catch (err) {
      return { ok: true, lock: 'advisory', note: this.advisory(err) };
    }
    const out = await lease.takeOver();
    const result = this.afterWrite(releaseKey, out);
    if (out.ok && before !== this.options.identity) {
      const ref = parseReleaseKey(releaseKey);
      const now = new Date(this.now());
      const record: AuditRecord = {
        at: now.toISOString(),
        user: this.options.user,
        context: this.options.context,
        action: 'take-over',
        title: `took over driving ${ref.name} from ${before ?? 'nobody'}: ${reason.trim()}`,
        namespace: ref.namespace,
        subject: ref.name,
        ok: true,
        dryRun: false,
        changes: [{ object: `Lease/${lease.name}`, field: 'spec.holderIdentity', before: before ?? '', after: this.options.identity }],
      };
      if (this.options.auditLog) appendAuditLog(this.options.auditLog, record);
      const auditError = await emitAuditEvent(this.options.kc, releaseObject(ref), undefined, record, now);
      if (auditError && result.ok) return { ...result, note: auditError };
    }
    return result;
  }

  /**
   * The cancel window: waits `ms`, publishing the pending action on the lock's Lease so the
   * partner sees the countdown; resolves 'cancelled' as soon as `signal` aborts, else 'fire'.
   * The pending annotation is cleared either way. `onTick` gets the remaining time every second.
   */
  async grace(releaseKey: string, ms: number, what: GraceAction, signal?: AbortSignal, onTick?: (remainingMs: number) => void): Promise<'fire' | 'cancelled'> {
    if (signal?.aborted) return 'cancelled';
    if (ms <= 0) return 'fire';
    const lease = this.lease(releaseKey);
    const start = this.now();
    const pending = { ...what, by: this.options.identity, at: new Date(start).toISOString(), fireAt: new Date(start + ms).toISOString() };
    const published = await lease.publishPending(pending);
    if (published.ok) this.keepRenewing(releaseKey);
    const outcome = await new Promise<'fire' | 'cancelled'>((resolve) => {
      const end = start + ms;
      const tick = setInterval(() => onTick?.(Math.max(0, end - this.now())), 1000);
      const done = (o: 'fire' | 'cancelled') => {
        clearInterval(tick);
        clearTimeout(fire);
        signal?.removeEventListener('abort', abort);
        resolve(o);
      };
      const abort = () => done('cancelled');
      const fire = setTimeout(() => done('fire'), Math.max(0, end - this.now()));
      signal?.addEventListener('abort', abort, { once: true });
      onTick?.(ms);
    });
    if (published.ok) await lease.publishPending(undefined);
    return outcome;
  }

  /** Stops renewing and releases every lock this cockpit holds (on quit). */
  async stop(): Promise<void> {
    this.stopped = true;
    const keys = [...this.timers.keys()];
    for (const t of this.timers.values()) clearInterval(t);
    this.timers.clear();
    // A renewal still on its way would take the lock again after the release.
    await Promise.all(this.renewing.values());
    await Promise.all(keys.map((k) => this.lease(k).release()));
  }

  /** The freeze verdict now for a namespace: its annotation (read each time) and the configured rules. */
  async freeze(namespace: string): Promise<FreezeVerdict> {
    let annotation: string | undefined;
    try {
      annotation = (await this.core.readNamespace({ name: namespace })).metadata?.annotations?.[FREEZE_ANNOTATION];
    } catch {
      // A user who may not read the Namespace sees only the configured windows.
    }
    return freezeAt(new Date(this.now()), { namespace, ...(annotation !== undefined ? { annotation } : {}), ...(this.options.freezeRules ? { rules: this.options.freezeRules } : {}) });
  }

  private afterWrite(releaseKey: string, out: LockOutcome, freezeOverridden?: string): MayAct {
    const overridden = freezeOverridden ? { freezeOverridden } : {};
    if (out.ok) {
      this.keepRenewing(releaseKey);
      return { ok: true, lock: 'held', ...overridden };
    }
    if (out.reason === 'held') return { ok: false, reason: 'driven', drivenBy: out.lock.holder!, ...(out.lock.since ? { since: out.lock.since } : {}), lock: out.lock };
    // Forbidden or another failure: the lock is advisory, acting stays allowed while nobody else holds it.
    return { ok: true, lock: 'advisory', note: out.message, ...overridden };
  }

  private keepRenewing(releaseKey: string): void {
    if (this.stopped || this.timers.has(releaseKey)) return;
    const every = this.options.renewEveryMs ?? ((this.options.durationSeconds ?? DRIVER_LOCK_SECONDS) * 1000) / 3;
    const timer = setInterval(() => void this.renew(releaseKey), every);
    timer.unref?.();
    this.timers.set(releaseKey, timer);
  }

  private renew(releaseKey: string): Promise<void> {
    // The previous renewal may still be on its way: one at a time per lock.
    const inFlight = this.renewing.get(releaseKey);
    if (inFlight) return inFlight;
    const run = (async () => {
      const out = await this.lease(releaseKey).renew();
      // A failed renewal is retried at the next tick; a stopped or already dropped lock is left alone.
      if (out.ok || out.reason !== 'held' || this.stopped || !this.timers.has(releaseKey)) return;
      clearInterval(this.timers.get(releaseKey));
      this.timers.delete(releaseKey);
      this.options.onLost?.(releaseKey, out.lock.holder);
    })().finally(() => this.renewing.delete(releaseKey));
    this.renewing.set(releaseKey, run);
    return run;
  }

  private lease(releaseKey: string): DriverLease {
    let l = this.locks.get(releaseKey);
    if (!l) {
      const ref = parseReleaseKey(releaseKey);
      l = new DriverLease(this.options.kc, {
        namespace: ref.namespace,
        release: ref.name,
        identity: this.options.identity,
        now: this.now,
        ...(this.options.durationSeconds ? { durationSeconds: this.options.durationSeconds } : {}),
      });
      this.locks.set(releaseKey, l);
    }
    return l;
  }

  private advisory(err: unknown): string {
    const why = statusCode(err) === 403 ? apiMessage(err) : `cannot read the driver lock: ${apiMessage(err)}`;
    return `${why}; the lock is advisory, so you may act while nobody else holds it`;
  }
}
