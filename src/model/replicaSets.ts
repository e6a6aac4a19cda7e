import type { V1Deployment, V1PodTemplateSpec, V1ReplicaSet } from '@kubernetes/client-node';
import { compareText } from './compare.js';
import { jsonEqual } from './equality.js';
import { controllerRef, timestampMillis, type Timestamp } from './pods.js';

export const REVISION_ANNOTATION = 'deployment.kubernetes.io/revision';
export const POD_TEMPLATE_HASH_LABEL = 'pod-template-hash';

interface Annotated {
  metadata?: { annotations?: Record<string, string> };
}

/** The revision annotation as a number; undefined when missing or not a decimal integer. */
export function revisionOf(obj: Annotated | undefined): number | undefined {
  const raw = obj?.metadata?.annotations?.[REVISION_ANNOTATION];
  if (raw === undefined || !/^\d+$/.test(raw)) return undefined;
  return Number.parseInt(raw, 10);
}

export function isControlledBy(obj: Parameters<typeof controllerRef>[0], ownerUid: string | undefined): boolean {
  if (!ownerUid) return false;
  return controllerRef(obj)?.uid === ownerUid;
}

function creationMillis(rs: V1ReplicaSet): number {
  return timestampMillis(rs.metadata?.creationTimestamp as Timestamp) ?? 0;
}

/** Oldest first, ties broken by name: the controller's ReplicaSetsByCreationTimestamp. */
export function byCreation(a: V1ReplicaSet, b: V1ReplicaSet): number {
  return creationMillis(a) - creationMillis(b) || compareText(a.metadata?.name ?? '', b.metadata?.name ?? '');
}

/** Revision ascending (unrevisioned first), then creation. */
export function byRevision(a: V1ReplicaSet, b: V1ReplicaSet): number {
  return (revisionOf(a) ?? -1) - (revisionOf(b) ?? -1) || byCreation(a, b);
}

/** RSs whose controller ownerReference points at the Deployment's uid, sorted by revision. */
export function ownedReplicaSets(deployment: V1Deployment, replicaSets: Iterable<V1ReplicaSet>): V1ReplicaSet[] {
  const uid = deployment.metadata?.uid;
  return [...replicaSets].filter((rs) => isControlledBy(rs, uid)).sort(byRevision);
}

function withoutHashLabel(template: V1PodTemplateSpec | undefined): unknown {
  if (!template) return undefined;
  const labels = { ...(template.metadata?.labels ?? {}) };
  delete labels[POD_TEMPLATE_HASH_LABEL];
  return { ...template, metadata: { ...template.metadata, labels } };
}

/** EqualIgnoreHash: pod templates equal once the pod-template-hash label is dropped from both. */
export function templatesEqualIgnoringHash(a: V1PodTemplateSpec | undefined, b: V1PodTemplateSpec | undefined): boolean {
  return jsonEqual(withoutHashLabel(a), withoutHashLabel(b));
}

export interface NewReplicaSetMatch {
  replicaSet: V1ReplicaSet;
  /** 'template' is what the controller does; 'revision' is the fallback when no template matches. */
  matchedBy: 'template' | 'revision';
}

export function findNewReplicaSet(
  deployment: V1Deployment,
  owned: readonly V1ReplicaSet[],
): NewReplicaSetMatch | undefined {
  const byTemplate = [...owned]
    .sort(byCreation)
    .find((rs) => templatesEqualIgnoringHash(rs.spec?.template, deployment.spec?.template));
  if (byTemplate) return { replicaSet: byTemplate, matchedBy: 'template' };
  const revision = revisionOf(deployment);
  if (revision === undefined) return undefined;
  const byRev = owned.find((rs) => revisionOf(rs) === revision);
  return byRev ? { replicaSet: byRev, matchedBy: 'revision' } : undefined;
}

function hasReplicas(rs: V1ReplicaSet): boolean {
  return (rs.spec?.replicas ?? 0) > 0 || (rs.status?.replicas ?? 0) > 0;
}

export interface DeploymentReplicaSets {
  /** Every owned RS, by revision ascending. */
  owned: V1ReplicaSet[];
  newRS?: V1ReplicaSet;
  newMatchedBy?: 'template' | 'revision';
  /** Owned RSs other than the new one, by revision ascending. */
  oldRSs: V1ReplicaSet[];
  /** Old RSs that still want or have pods. */
  activeOldRSs: V1ReplicaSet[];
  /** Revision being rolled to (the new RS's). */
  toRevision?: number;
  /** Highest revision among active old RSs: what is being replaced right now. */
  fromRevision?: number;
  /** Highest revision among all old RSs: what `rollout undo` goes back to. */
  previousRevision?: number;
}

function maxRevision(replicaSets: readonly V1ReplicaSet[]): number | undefined {
  let max: number | undefined;
  for (const rs of replicaSets) {
    const rev = revisionOf(rs);
    if (rev !== undefined && (max === undefined || rev > max)) max = rev;
  }
  return max;
}

export function deploymentReplicaSets(
  deployment: V1Deployment,
  replicaSets: Iterable<V1ReplicaSet>,
): DeploymentReplicaSets {
  const owned = ownedReplicaSets(deployment, replicaSets);
  const match = findNewReplicaSet(deployment, owned);
  const oldRSs = owned.filter((rs) => rs !== match?.replicaSet);
  const activeOldRSs = oldRSs.filter(hasReplicas);
  return {
    owned,
    newRS: match?.replicaSet,
    newMatchedBy: match?.matchedBy,
    oldRSs,
    activeOldRSs,
    toRevision: match ? revisionOf(match.replicaSet) : undefined,
    fromRevision: maxRevision(activeOldRSs),
    previousRevision: maxRevision(oldRSs),
  };
}

/** RS name -> owning Deployment name, for attributing pods and endpoints. */
export function deploymentByReplicaSet(
  deployments: Iterable<V1Deployment>,
  replicaSets: Iterable<V1ReplicaSet>,
): Map<string, string> {
  const nameByUid = new Map<string, string>();
  for (const d of deployments) {
    if (d.metadata?.uid && d.metadata.name) nameByUid.set(d.metadata.uid, d.metadata.name);
  }
  const result = new Map<string, string>();
  for (const rs of replicaSets) {
    const owner = controllerRef(rs);
    const deployment = owner && nameByUid.get(owner.uid);
    if (deployment && rs.metadata?.name) result.set(rs.metadata.name, deployment);
  }
  return result;
}
