/** Pod rows of a Deployment, with their place in the Service. */
import type { V1Pod } from '@kubernetes/client-node';
import { controllerRef, isTerminating, timestampMillis, type PodTrafficState, type ServiceTraffic } from '../model/index.js';
import { nameOf, nsOf, uidOf } from './util.js';

export interface PodRow {
  uid: string;
  name: string;
  namespace: string;
  deployment?: string;
  replicaSet?: string;
  revision?: number;
  /** As kubectl's STATUS column: Running, Pending, ContainerCreating, CrashLoopBackOff, Terminating, ... */
  status: string;
  ready: string; // "1/1"
  isReady: boolean;
  /** When the pod turned Ready (its Ready condition's transition), while it is Ready. */
  readySince?: number;
  restarts: number;
  created?: number;
  node?: string;
  /** Traffic state through the release's Service; undefined when the release has no Service. */
  endpoint?: PodTrafficState;
  terminating: boolean;
}

/** Newest revision first, then by name. */
export function podRows(pods: readonly V1Pod[], deployment: string, revisionOfRs: Map<string, number | undefined>, traffic: ServiceTraffic | undefined): PodRow[] {
  return pods.map((p) => podRow(p, deployment, revisionOfRs, traffic)).sort((a, b) => (b.revision ?? 0) - (a.revision ?? 0) || a.name.localeCompare(b.name));
}

export function podRow(p: V1Pod, deployment: string, revisionOfRs: Map<string, number | undefined>, traffic: ServiceTraffic | undefined): PodRow {
  const statuses = p.status?.containerStatuses ?? [];
  const total = p.spec?.containers?.length ?? statuses.length;
  const readyCount = statuses.filter((c) => c.ready).length;
  const rs = controllerRef(p)?.name;
  const ready = p.status?.conditions?.find((c) => c.type === 'Ready' && c.status === 'True');
  return {
    uid: uidOf(p),
    name: nameOf(p),
    namespace: nsOf(p),
    deployment,
    replicaSet: rs,
    revision: rs ? revisionOfRs.get(rs) : undefined,
    status: podStatusText(p),
    ready: `${readyCount}/${total}`,
    isReady: ready !== undefined,
    ...(ready?.lastTransitionTime !== undefined ? { readySince: timestampMillis(ready.lastTransitionTime) } : {}),
    restarts: statuses.reduce((n, c) => n + (c.restartCount ?? 0), 0),
    created: timestampMillis(p.metadata?.creationTimestamp),
    node: p.spec?.nodeName,
    endpoint: traffic ? (traffic.podStates.get(nameOf(p)) ?? 'none') : undefined,
    terminating: isTerminating(p),
  };
}

/** Remembered per rows array: a Deployment keeps its rows while its pods are the same. */
const firstReady = new WeakMap<readonly PodRow[], number | undefined>();

/** When the first Ready, non-terminating pod of these rows turned Ready; undefined when none is. */
export function firstReadySince(rows: readonly PodRow[]): number | undefined {
  if (firstReady.has(rows)) return firstReady.get(rows);
  let first: number | undefined;
  for (const p of rows) if (p.isReady && !p.terminating && p.readySince !== undefined && (first === undefined || p.readySince < first)) first = p.readySince;
  firstReady.set(rows, first);
  return first;
}

/** kubectl's STATUS column, simplified: Terminating wins, then a container's waiting/terminated reason, then the phase. */
export function podStatusText(p: V1Pod): string {
  if (p.metadata?.deletionTimestamp) return 'Terminating';
  for (const c of p.status?.containerStatuses ?? []) {
    const reason = c.state?.waiting?.reason ?? c.state?.terminated?.reason;
    if (reason && !(c.state?.terminated && p.status?.phase === 'Succeeded')) return reason;
  }
  return p.status?.phase ?? 'Pending';
}
