/**
 * The driver lock of a release: a coordination.k8s.io/v1 Lease `cutover-driver-<release>` in the
 * release's namespace, held by `user@host` (the kubeconfig user and this machine). It is taken when
 * free or expired, renewed while the cockpit holds it, released on quit, and runs out by itself
 * (60 s by default) when its holder vanishes. Every write carries the resourceVersion it read: a
 * 409 means someone else wrote first, so the lock is re-read and the winner reported.
 *
 * The lock is advisory: a user who may not write Leases gets a clear reason and may still act
 * while nobody else holds it. The pending action of a cancel window rides on the same Lease
 * (annotation `cutover.io/pending`) so a partner's cockpit can show the countdown.
 */
import { createHash } from 'node:crypto';
import { hostname } from 'node:os';
import { CoordinationV1Api, V1MicroTime, type KubeConfig, type V1Lease } from '@kubernetes/client-node';
import { apiMessage, statusCode } from './errors.js';

export const DRIVER_LEASE_PREFIX = 'cutover-driver-';
export const DRIVER_LOCK_SECONDS = 60;
export const PENDING_ANNOTATION = 'cutover.io/pending';
export const RELEASE_ANNOTATION = 'cutover.io/release';
export const MANAGED_BY = { 'app.kubernetes.io/managed-by': 'cutover' } as const;

/** An action waiting out its cancel window: what, by whom, since when and when it fires (RFC 3339). */
export interface PendingAction {
  action: string;
  title: string;
  by: string;
  at: string;
  fireAt: string;
}

export interface DriverLock {
  namespace: string;
  /** The Lease's name. */
  name: string;
  release: string;
  /** undefined when released (or never taken). */
  holder: string | undefined;
  /** When the current holder took it. */
  since: Date | undefined;
  renewedAt: Date | undefined;
  durationSeconds: number;
  /** renewedAt + duration; the lock is free from then on. */
  expiresAt: Date | undefined;
  transitions: number;
  pending: PendingAction | undefined;
  resourceVersion: string | undefined;
}

export type LockOutcome =
  | { ok: true; lock: DriverLock }
  /** Someone else holds it (a renewal: or held it since our last write); `raced` when they won a concurrent write (409) just now. */
  | { ok: false; reason: 'held'; lock: DriverLock; raced: boolean }
  /** This user may not read or write Leases here: the lock cannot be used (it is advisory). */
  | { ok: false; reason: 'forbidden'; message: string }
  | { ok: false; reason: 'error'; message: string };

/** `cutover-driver-web`; a name too long for a Lease keeps a hash of the rest. */
export function driverLeaseName(release: string): string {
  const name = DRIVER_LEASE_PREFIX + release;
  if (name.length <= 253) return name;
  return `${name.slice(0, 240)}-${createHash('sha256').update(name).digest('hex').slice(0, 12)}`;
}

/** `alice@laptop`: the kubeconfig user and this machine, as the partner's cockpit shows it. */
export const driverIdentity = (user: string, host: string = hostname()): string => `${user}@${host}`;

/** MicroTime for a Lease: the apiserver refuses anything but six fractional digits. */
export const microTime = (ms: number): V1MicroTime => new V1MicroTime(ms);

/** client-node hands MicroTime back as the wire string; accept either. */
function timeOf(v: unknown): Date | undefined {
  if (v == null || v === '') return undefined;
  const d = v instanceof Date ? v : new Date(String(v));
  return Number.isNaN(d.getTime()) ? undefined : d;
}

export function parsePending(raw: string | undefined): PendingAction | undefined {
  if (!raw) return undefined;
  try {
    const p = JSON.parse(raw);
    if (typeof p?.action !== 'string' || typeof p?.fireAt !== 'string' || Number.isNaN(Date.parse(p.fireAt))) return undefined;
    return { action: p.action, title: String(p.title ?? p.action), by: String(p.by ?? ''), at: String(p.at ?? ''), fireAt: p.fireAt };
  } catch {
    return undefined;
  }
}

/** What a driver Lease says (pure: the cockpit's watch can use it on the Leases it lists). */
export function driverLockOf(lease: V1Lease, release?: string): DriverLock {
  const spec = lease.spec ?? {};
  const renewedAt = timeOf(spec.renewTime);
  const durationSeconds = spec.leaseDurationSeconds ?? DRIVER_LOCK_SECONDS;
  const holder = spec.holderIdentity || undefined;
  const name = lease.metadata?.name ?? '';
  return {
    namespace: lease.metadata?.namespace ?? '',
    name,
    release: release ?? lease.metadata?.annotations?.[RELEASE_ANNOTATION] ?? name.replace(DRIVER_LEASE_PREFIX, ''),
    holder,
    since: holder ? timeOf(spec.acquireTime) : undefined,
    renewedAt,
    durationSeconds,
    expiresAt: holder && renewedAt ? new Date(renewedAt.getTime() + durationSeconds * 1000) : undefined,
    transitions: spec.leaseTransitions ?? 0,
    pending: holder ? parsePending(lease.metadata?.annotations?.[PENDING_ANNOTATION]) : undefined,
    resourceVersion: lease.metadata?.resourceVersion,
  };
}

/** The holder while the lock is live at `now`; undefined when free or expired. */
export function liveHolder(lock: DriverLock | undefined, now: number): string | undefined {
  if (!lock?.holder || !lock.expiresAt) return undefined;
  return lock.expiresAt.getTime() > now ? lock.holder : undefined;
}

export interface DriverLeaseOptions {
  namespace: string;
  release: string;
  /** `user@host`, see driverIdentity. */
  identity: string;
  durationSeconds?: number;
  now?: () => number;
}

/** What a renewal's decision returns for a lock someone else held since our last write. */
const LOST = Symbol('lost');

/** One release's driver lock, seen from one cockpit. */
export class DriverLease {
  readonly name: string;
  private readonly api: CoordinationV1Api;
  private readonly durationSeconds: number;
  private readonly now: () => number;
  /**
   * leaseTransitions as this cockpit last wrote the lock as its holder. A different count at a
   * renewal means someone else held it meanwhile (a take-over, then maybe a release): lost, not
   * ours to take back.
   */
  private heldAt?: number;

  constructor(
    kc: KubeConfig,
    readonly options: DriverLeaseOptions,
  ) {
    this.api = kc.makeApiClient(CoordinationV1Api);
    this.name = driverLeaseName(options.release);
    this.durationSeconds = options.durationSeconds ?? DRIVER_LOCK_SECONDS;
    this.now = options.now ?? Date.now;
  }

  get identity(): string {
    return this.options.identity;
  }

  /** The lock as stored; undefined when the Lease does not exist. Throws on other errors. */
  async read(): Promise<DriverLock | undefined> {
    const lease = await this.readLease();
    return lease && this.lockOf(lease);
  }

  /**
   * Takes the lock when free or expired, renews it when ours; reports the holder otherwise. The
   * renewal timer calls it too: a lock that expired meanwhile (a sleeping laptop) is simply taken
   * again if nobody else did, and a take-over shows up as `held`.
   */
  acquire(): Promise<LockOutcome> {
    return this.write('take', (lease, holder) => (holder && holder !== this.identity ? undefined : this.held(lease, holder !== this.identity)));
  }

  /**
   * Keeps the lock: as acquire, except that a lock someone else held since our last write (taken
   * over, then perhaps released before this renewal saw it) is reported lost (`held`, maybe with
   * no holder) instead of taken back.
   */
  renew(): Promise<LockOutcome> {
    return this.write('renew', (lease, holder) => {
      if (holder && holder !== this.identity) return undefined;
      if (this.heldAt !== undefined && (lease.spec?.leaseTransitions ?? 0) !== this.heldAt) return LOST;
      return this.held(lease, holder !== this.identity);
    });
  }

  /** Takes the lock whoever holds it (the explicit, audited take-over). */
  takeOver(): Promise<LockOutcome> {
    return this.write('take over', (lease, holder) => this.held(lease, holder !== this.identity));
  }

  /** Gives the lock up if this cockpit holds it (on quit). A lock held by someone else is left alone. */
  release(): Promise<LockOutcome> {
    return this.write('release', (lease, holder) => {
      if (holder !== this.identity) return undefined;
      const spec = { ...lease.spec };
      delete spec.holderIdentity;
      delete spec.acquireTime;
      const annotations = { ...lease.metadata?.annotations };
      delete annotations[PENDING_ANNOTATION];
      return { ...lease, metadata: { ...lease.metadata, annotations }, spec };
    });
  }

  /**
   * Publishes the pending action of a cancel window (taking the lock if free: acting drives), or
   * clears it with undefined (only from a lock this cockpit holds).
   */
  publishPending(pending: PendingAction | undefined): Promise<LockOutcome> {
    return this.write(pending ? 'publish the pending action on' : 'clear the pending action on', (lease, holder) => {
      if (holder && holder !== this.identity) return undefined;
      if (!pending && holder !== this.identity) return undefined;
      const next = this.held(lease, holder !== this.identity);
      const annotations = { ...next.metadata?.annotations };
      if (pending) annotations[PENDING_ANNOTATION] = JSON.stringify(pending);
      else delete annotations[PENDING_ANNOTATION];
      return { ...next, metadata: { ...next.metadata, annotations } };
    });
  }

  /** The Lease renewed and held by us: a new holder gets a fresh acquireTime and one more transition. */
  private held(lease: V1Lease, newHolder: boolean): V1Lease {
    const now = microTime(this.now());
    const spec = lease.spec ?? {};
    return {
      ...lease,
      spec: {
        ...spec,
        holderIdentity: this.identity,
        leaseDurationSeconds: this.durationSeconds,
        renewTime: now,
        acquireTime: newHolder || !spec.acquireTime ? now : spec.acquireTime,
        leaseTransitions: (spec.leaseTransitions ?? 0) + (newHolder && spec.leaseTransitions !== undefined ? 1 : 0),
      },
    };
  }

  /**
   * Read, decide, write with the resourceVersion read. `decide` gets the Lease and its live holder
   * (undefined when free or expired) and returns the Lease to write, or undefined to leave it.
   * A 409 means another write landed first (a partner, or our own renewal): read and decide again,
   * so a partner who took the lock meanwhile is reported as `held` with `raced`.
   */
  private async write(what: string, decide: (lease: V1Lease, holder: string | undefined) => V1Lease | typeof LOST | undefined): Promise<LockOutcome> {
    const { namespace, release } = this.options;
    let raced = false;
    for (let attempt = 0; attempt < 5; attempt++) {
      try {
        const current = await this.readLease();
        const base: V1Lease = current ?? {
          apiVersion: 'coordination.k8s.io/v1',
          kind: 'Lease',
          metadata: { name: this.name, namespace, labels: { ...MANAGED_BY }, annotations: { [RELEASE_ANNOTATION]: release } },
          spec: {},
        };
        const holder = current ? liveHolder(this.lockOf(current), this.now()) : undefined;
        const next = decide(base, holder);
        if (next === LOST) return { ok: false, reason: 'held', lock: this.lockOf(base), raced };
        if (!next) {
          if (holder && holder !== this.identity) return { ok: false, reason: 'held', lock: this.lockOf(base), raced };
          return { ok: true, lock: this.lockOf(base) };
        }
        const written = current
          ? await this.api.replaceNamespacedLease({ name: this.name, namespace, body: next })
          : await this.api.createNamespacedLease({ namespace, body: next });
        this.heldAt = written.spec?.holderIdentity === this.identity ? (written.spec.leaseTransitions ?? 0) : undefined;
        return { ok: true, lock: this.lockOf(written) };
      } catch (err) {
        if (statusCode(err) !== 409) return this.failure(what, err);
        raced = true;
      }
    }
    return { ok: false, reason: 'error', message: `the driver lock ${this.name} kept changing while trying to ${what} it; try again` };
  }

  private failure(what: string, err: unknown): LockOutcome {
    const where = `the driver lock (Lease ${this.name} in ${this.options.namespace})`;
    if (statusCode(err) === 403)
      return {
        ok: false,
        reason: 'forbidden',
        message: `cannot ${what} ${where}: ${apiMessage(err)}; the lock is advisory, so you may still act while nobody else holds it`,
      };
    return { ok: false, reason: 'error', message: `cannot ${what} ${where}: ${apiMessage(err)}` };
  }

  private async readLease(): Promise<V1Lease | undefined> {
    try {
      return await this.api.readNamespacedLease({ name: this.name, namespace: this.options.namespace });
    } catch (err) {
      if (statusCode(err) === 404) return undefined;
      throw err;
    }
  }

  private lockOf(lease: V1Lease): DriverLock {
    return driverLockOf(lease, this.options.release);
  }
}
