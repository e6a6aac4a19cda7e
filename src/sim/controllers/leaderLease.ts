/**
 * The apps' own leader election, as client-go's leaderelection package behaves inside the pods of
 * a template annotated `sim.cutover.io/leader-lease: NAME`: one Ready, non-terminating pod holds
 * the Lease NAME in its namespace (holderIdentity = pod name, leaseDurationSeconds 15) and renews
 * it; at SIGTERM (after the preStop hook) it releases it (ReleaseOnCancel), or, with
 * `sim.cutover.io/leader-release: "false"`, simply stops renewing so the Lease expires. Another
 * Ready pod acquires a free or expired Lease at its next retry. Every write carries the
 * resourceVersion it read, so a concurrent writer makes it retry (409), as the real elector does.
 */
import { podBehaviour } from '../podBehaviour.js';
import { R } from '../resources.js';
import { splitKey, type Controller, type SimContext } from '../runtime.js';
import type { Obj, StoreEvent } from '../store.js';

export const LEADER_ANN = {
  lease: 'sim.cutover.io/leader-lease',
  release: 'sim.cutover.io/leader-release',
} as const;

/** client-go's defaults: LeaseDuration 15 s, RetryPeriod 2 s. Renewals are spaced wider to keep the watch quiet. */
export const LEADER_LEASE_SECONDS = 15;
export const LEADER_RETRY_MS = 2_000;
export const LEADER_RENEW_MS = 5_000;

/** MicroTime, as the apiserver wants it: six fractional digits. */
export const microTime = (ms: number): string => new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');

const leaseOf = (pod: Obj | undefined): string | undefined => pod?.metadata.annotations?.[LEADER_ANN.lease];

function isReady(pod: Obj): boolean {
  return pod.status?.phase === 'Running' && (pod.status?.conditions ?? []).some((c: any) => c.type === 'Ready' && c.status === 'True');
}

function containersRunning(pod: Obj): boolean {
  const statuses: any[] = pod.status?.containerStatuses ?? [];
  return pod.status?.phase === 'Running' && statuses.length > 0 && statuses.every((s) => s.state?.running);
}

/** When the app in a terminating pod gets SIGTERM: deletion time plus the preStop hook, within the grace period. */
export function sigtermAt(pod: Obj): number | undefined {
  const m = pod.metadata;
  if (!m.deletionTimestamp) return undefined;
  const grace = (m.deletionGracePeriodSeconds ?? 0) * 1000;
  const deletedAt = Date.parse(m.deletionTimestamp) - grace;
  return deletedAt + Math.min(podBehaviour(pod).preStopSeconds * 1000, grace);
}

export class LeaderLeaseController implements Controller {
  readonly name = 'leader-lease';

  constructor(private readonly ctx: SimContext) {}

  onEvent(ev: StoreEvent, queue: (key: string) => void): void {
    if (ev.rt === R.pods) {
      const ns = ev.object.metadata.namespace;
      for (const name of new Set([leaseOf(ev.object), leaseOf(ev.old)])) if (name) queue(`${ns}/${name}`);
    } else if (ev.rt === R.leases && ev.type !== 'ADDED') {
      // Someone else wrote or deleted a Lease the pods elect on: they see it at their next retry.
      const { namespace, name } = ev.object.metadata;
      if (this.electorsOf(namespace!, name!).length) queue(`${namespace}/${name}`);
    }
  }

  sync(key: string): void {
    const [ns, name] = splitKey(key);
    const { store, clock, controllers } = this.ctx;
    const now = clock.now();
    const electors = this.electorsOf(ns, name);
    const lease = store.get(R.leases, ns, name);
    const spec = lease?.spec ?? {};
    const holder: string | undefined = spec.holderIdentity || undefined;
    const holderPod = holder ? electors.find((p) => p.metadata.name === holder) : undefined;
    const again = (ms: number) => controllers.enqueueAfter(this, key, Math.max(0, ms));

    if (holderPod && containersRunning(holderPod)) {
      const term = sigtermAt(holderPod);
      if (term !== undefined && term <= now) {
        if (holderPod.metadata.annotations?.[LEADER_ANN.release] === 'false') {
          // Killed without ReleaseOnCancel: the Lease runs out by itself.
        } else {
          this.write(lease!, { ...spec, holderIdentity: '', leaseDurationSeconds: 1, renewTime: microTime(now), acquireTime: microTime(now) });
          this.ctx.log(`leader-lease ${key}: ${holder} released it at SIGTERM`);
          again(LEADER_RETRY_MS);
          return;
        }
      } else {
        let renewedAt = spec.renewTime ? Date.parse(spec.renewTime) : 0;
        if (now - renewedAt >= LEADER_RENEW_MS) {
          this.write(lease!, { ...spec, renewTime: microTime(now) });
          renewedAt = now;
        }
        again(Math.min(renewedAt + LEADER_RENEW_MS - now, term !== undefined ? term - now : Infinity));
        return;
      }
    }

    // A released Lease is taken at the candidates' next retry; a held one once it has expired.
    const renewed = spec.renewTime ? Date.parse(spec.renewTime) : 0;
    const freeAt = !lease ? now : holder ? renewed + (spec.leaseDurationSeconds ?? LEADER_LEASE_SECONDS) * 1000 : renewed + LEADER_RETRY_MS;
    const candidates = electors.filter((p) => isReady(p) && !p.metadata.deletionTimestamp);
    if (candidates.length === 0) return;
    if (freeAt > now) {
      again(freeAt - now);
      return;
    }
    const next = candidates.sort((a, b) => a.metadata.name!.localeCompare(b.metadata.name!))[0].metadata.name!;
    const acquired = {
      holderIdentity: next,
      leaseDurationSeconds: LEADER_LEASE_SECONDS,
      acquireTime: microTime(now),
      renewTime: microTime(now),
      leaseTransitions: lease ? (spec.leaseTransitions ?? 0) + (holder === next ? 0 : 1) : 0,
    };
    if (lease) this.write(lease, { ...spec, ...acquired });
    else store.create(R.leases, { metadata: { name, namespace: ns }, spec: acquired });
    this.ctx.log(`leader-lease ${key}: ${next} acquired it`);
    again(LEADER_RENEW_MS);
  }

  /** The pods of this namespace whose template elects on the Lease `name`. */
  private electorsOf(ns: string, name: string): Obj[] {
    const out: Obj[] = [];
    for (const p of this.ctx.store.scan(R.pods, ns)) if (leaseOf(p) === name) out.push(p);
    return out;
  }

  /** An update with the resourceVersion read: a concurrent writer makes it fail with 409 and the sync retries. */
  private write(lease: Obj, spec: Record<string, unknown>): void {
    this.ctx.store.update(R.leases, { ...lease, spec });
  }
}
