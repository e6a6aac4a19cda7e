/**
 * The app's own leader election during a release (the French article's pitfall 4): the Leases
 * whose holderIdentity names a pod of the release, which revision that pod runs, a warning when
 * the leader is about to move (its pod terminates, or it sits on the old ReplicaSet while the
 * rollout replaces it) or nobody leads, and the hand-offs between two observations.
 */
import type { V1Deployment, V1Lease, V1Pod, V1ReplicaSet } from '@kubernetes/client-node';
import { controllerRef, isTerminating, timestampMillis, type Timestamp } from './pods.js';
import { deploymentReplicaSets, revisionOf } from './replicaSets.js';

export interface LeaderLease {
  namespace: string;
  /** The Lease's name. */
  lease: string;
  /** holderIdentity; undefined when released. */
  holder: string | undefined;
  /** The release's pod the holder names (exactly, or client-go's `<pod>_<uuid>`). */
  pod?: string;
  deployment?: string;
  replicaSet?: string;
  revision?: number;
  /** The holder's ReplicaSet is its Deployment's new one. */
  onNewReplicaSet?: boolean;
  terminating: boolean;
  renewedAt?: Date;
  expiresAt?: Date;
  /** No live holder: released, expired, or held by a pod that is gone. */
  leaderless: boolean;
  transitions: number;
  /** Why the leader is at risk of moving or missing; undefined when all is well. */
  warning?: string;
}

export interface LeaderInput {
  leases: Iterable<V1Lease>;
  /** The release's pods, Deployments and their ReplicaSets. */
  pods: Iterable<V1Pod>;
  deployments: Iterable<V1Deployment>;
  replicaSets: Iterable<V1ReplicaSet>;
  now: number;
  /** Lease names seen held by the release before: still shown once released or expired (a leader missing). */
  known?: ReadonlySet<string>;
}

export interface LeaderHandoff {
  namespace: string;
  lease: string;
  from?: string;
  to?: string;
  fromRevision?: number;
  toRevision?: number;
  at: Date;
}

function holderPod(holder: string, pods: readonly V1Pod[]): V1Pod | undefined {
  return pods.find((p) => {
    const name = p.metadata?.name;
    return !!name && (holder === name || holder.startsWith(`${name}_`));
  });
}

/** The leader Leases of a release, in Lease name order. */
export function releaseLeaderLeases(input: LeaderInput): LeaderLease[] {
  const pods = [...input.pods];
  const replicaSets = [...input.replicaSets];
  const deployments = [...input.deployments];
  const rsByName = new Map(replicaSets.map((rs) => [rs.metadata?.name, rs]));
  const out: LeaderLease[] = [];
  for (const l of input.leases) {
    const name = l.metadata?.name ?? '';
    const holder = l.spec?.holderIdentity || undefined;
    const pod = holder ? holderPod(holder, pods) : undefined;
    if (!pod && !input.known?.has(name)) continue;
    const renewed = timestampMillis(l.spec?.renewTime as Timestamp);
    const expires = renewed !== undefined ? renewed + (l.spec?.leaseDurationSeconds ?? 0) * 1000 : undefined;
    const live = !!holder && expires !== undefined && expires > input.now;
    const rsName = pod ? controllerRef(pod)?.name : undefined;
    const rs = rsName ? rsByName.get(rsName) : undefined;
    const deployment = rs ? deployments.find((d) => d.metadata?.uid && d.metadata.uid === controllerRef(rs)?.uid) : undefined;
    const rollout = deployment ? deploymentReplicaSets(deployment, replicaSets) : undefined;
    const onNew = rollout?.newRS && rs ? rollout.newRS.metadata?.name === rs.metadata?.name : undefined;
    const moving = !!rollout?.newRS && rollout.activeOldRSs.length > 0;
    const terminating = pod ? isTerminating(pod) : false;
    const entry: LeaderLease = {
      namespace: l.metadata?.namespace ?? '',
      lease: name,
      holder,
      ...(pod ? { pod: pod.metadata!.name } : {}),
      ...(deployment ? { deployment: deployment.metadata!.name } : {}),
      ...(rs ? { replicaSet: rs.metadata!.name, revision: revisionOf(rs) } : {}),
      ...(onNew !== undefined ? { onNewReplicaSet: onNew } : {}),
      terminating,
      ...(renewed !== undefined ? { renewedAt: new Date(renewed) } : {}),
      ...(expires !== undefined && holder ? { expiresAt: new Date(expires) } : {}),
      leaderless: !live || (!!holder && !pod),
      transitions: l.spec?.leaseTransitions ?? 0,
    };
    entry.warning = warningOf(entry, moving, rollout?.toRevision);
    out.push(entry);
  }
  return out.sort((a, b) => a.lease.localeCompare(b.lease));
}

function warningOf(l: LeaderLease, moving: boolean, toRevision: number | undefined): string | undefined {
  if (l.leaderless) {
    if (!l.holder) return `no leader: Lease ${l.lease} was released and no pod has taken it yet`;
    if (!l.pod) return `no leader: the holder ${l.holder} is gone; Lease ${l.lease} is free ${l.expiresAt ? `from ${l.expiresAt.toISOString()}` : 'once it expires'}`;
    return `no leader: ${l.holder} stopped renewing Lease ${l.lease}`;
  }
  if (l.terminating) return `leader ${l.pod} is terminating: Lease ${l.lease} moves to another pod when it stops (or when it runs out, if the app does not release it)`;
  if (moving && l.onNewReplicaSet === false)
    return `leader ${l.pod} runs revision ${l.revision ?? '?'} on the old ReplicaSet while the rollout moves to revision ${toRevision ?? '?'}: expect a hand-off, maybe several, as old pods go`;
  return undefined;
}

/** Holder changes between two observations of the same release, for the timeline. */
export function leaderHandoffs(before: readonly LeaderLease[], after: readonly LeaderLease[], at: Date): LeaderHandoff[] {
  const prev = new Map(before.map((l) => [`${l.namespace}/${l.lease}`, l]));
  const out: LeaderHandoff[] = [];
  for (const l of after) {
    const p = prev.get(`${l.namespace}/${l.lease}`);
    if (!p || p.holder === l.holder) continue;
    out.push({
      namespace: l.namespace,
      lease: l.lease,
      ...(p.holder ? { from: p.holder } : {}),
      ...(l.holder ? { to: l.holder } : {}),
      ...(p.revision !== undefined ? { fromRevision: p.revision } : {}),
      ...(l.revision !== undefined ? { toRevision: l.revision } : {}),
      at,
    });
  }
  return out;
}

/** The one line a hand-off reads as: `sched-leader: sched-7f9-abc (rev 1) -> sched-5d2-xyz (rev 2)`. */
export function describeHandoff(h: LeaderHandoff): string {
  const side = (who: string | undefined, rev: number | undefined) => (who ? `${who}${rev !== undefined ? ` (rev ${rev})` : ''}` : 'nobody');
  return `${h.lease}: ${side(h.from, h.fromRevision)} -> ${side(h.to, h.toRevision)}`;
}
