import type { V1OwnerReference, V1Pod } from '@kubernetes/client-node';

/** Timestamps are Date objects from the typed client and strings from raw watch JSON. */
export type Timestamp = Date | string | undefined | null;

export function timestampMillis(ts: Timestamp): number | undefined {
  if (ts === undefined || ts === null) return undefined;
  const ms = ts instanceof Date ? ts.getTime() : Date.parse(ts);
  return Number.isNaN(ms) ? undefined : ms;
}

interface HasOwners {
  metadata?: { ownerReferences?: V1OwnerReference[] };
}

export function controllerRef(obj: HasOwners | undefined): V1OwnerReference | undefined {
  return obj?.metadata?.ownerReferences?.find((ref) => ref.controller === true);
}

export function isTerminating(obj: { metadata?: { deletionTimestamp?: Timestamp } }): boolean {
  return Boolean(obj.metadata?.deletionTimestamp);
}

export function isPodTerminal(pod: V1Pod): boolean {
  const phase = pod.status?.phase;
  return phase === 'Succeeded' || phase === 'Failed';
}

export function podReadyCondition(pod: V1Pod) {
  return pod.status?.conditions?.find((c) => c.type === 'Ready');
}

export function isPodReady(pod: V1Pod): boolean {
  return podReadyCondition(pod)?.status === 'True';
}

/**
 * kubectl podutils.IsPodAvailable: Ready, and Ready for strictly longer than minReadySeconds.
 * `now` is epoch milliseconds.
 */
export function isPodAvailable(pod: V1Pod, minReadySeconds: number, now: number): boolean {
  const ready = podReadyCondition(pod);
  if (ready?.status !== 'True') return false;
  if (minReadySeconds === 0) return true;
  const since = timestampMillis(ready.lastTransitionTime as Timestamp);
  if (since === undefined) return false;
  return since + minReadySeconds * 1000 < now;
}

/** A pod the ReplicaSet controller counts in status.replicas: neither terminating nor terminal. */
export function isPodActive(pod: V1Pod): boolean {
  return !isTerminating(pod) && !isPodTerminal(pod);
}
