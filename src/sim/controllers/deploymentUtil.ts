/**
 * Ports of pkg/controller/deployment/util/deployment_util.go and the sorting helpers of
 * controller_utils.go that the Deployment controller needs. Pure functions over plain objects.
 */
import type { Obj } from '../store.js';
import { scaledValue, type IntOrString } from './intstr.js';

export const REVISION = 'deployment.kubernetes.io/revision';
export const REVISION_HISTORY = 'deployment.kubernetes.io/revision-history';
export const DESIRED_REPLICAS = 'deployment.kubernetes.io/desired-replicas';
export const MAX_REPLICAS = 'deployment.kubernetes.io/max-replicas';
export const ROLLBACK_TO = 'deprecated.deployment.rollback.to';
export const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';
export const MAX_REV_HISTORY_CHARS = 2000;
export const MAX_INT32 = 2147483647;

// Progressing / Available / ReplicaFailure reasons (deployment_util.go).
export const Reasons = {
  NewReplicaSet: 'NewReplicaSetCreated',
  FoundNewRS: 'FoundNewReplicaSet',
  FailedRSCreate: 'ReplicaSetCreateError',
  RSUpdated: 'ReplicaSetUpdated',
  NewRSAvailable: 'NewReplicaSetAvailable',
  TimedOut: 'ProgressDeadlineExceeded',
  Paused: 'DeploymentPaused',
  Resumed: 'DeploymentResumed',
  MinimumReplicasAvailable: 'MinimumReplicasAvailable',
  MinimumReplicasUnavailable: 'MinimumReplicasUnavailable',
} as const;

const SKIP_ANNOTATIONS = new Set([LAST_APPLIED, REVISION, REVISION_HISTORY, DESIRED_REPLICAS, MAX_REPLICAS, ROLLBACK_TO]);
export const skipCopyAnnotation = (k: string): boolean => SKIP_ANNOTATIONS.has(k);

/** Deployment spec values with the apiserver's defaults applied (in case the API layer did not). */
export interface DeploySpec {
  replicas: number;
  paused: boolean;
  minReadySeconds: number;
  revisionHistoryLimit: number | undefined;
  progressDeadlineSeconds: number | undefined;
  strategy: 'RollingUpdate' | 'Recreate';
  maxSurge: IntOrString;
  maxUnavailable: IntOrString;
}

export function deploySpec(d: Obj): DeploySpec {
  const s = d.spec ?? {};
  const strategy = s.strategy?.type === 'Recreate' ? 'Recreate' : 'RollingUpdate';
  return {
    replicas: s.replicas ?? 1,
    paused: !!s.paused,
    minReadySeconds: s.minReadySeconds ?? 0,
    revisionHistoryLimit: s.revisionHistoryLimit === null ? undefined : (s.revisionHistoryLimit ?? 10),
    progressDeadlineSeconds: s.progressDeadlineSeconds === null ? undefined : (s.progressDeadlineSeconds ?? 600),
    strategy,
    maxSurge: s.strategy?.rollingUpdate?.maxSurge ?? '25%',
    maxUnavailable: s.strategy?.rollingUpdate?.maxUnavailable ?? '25%',
  };
}

/** ResolveFenceposts: surge rounds up, unavailable down; both 0 makes unavailable 1. */
export function resolveFenceposts(maxSurge: IntOrString, maxUnavailable: IntOrString, desired: number): [number, number] {
  const surge = scaledValue(maxSurge, desired, true);
  let unavailable = scaledValue(maxUnavailable, desired, false);
  if (surge === 0 && unavailable === 0) unavailable = 1;
  return [surge, unavailable];
}

export function maxSurge(d: Obj): number {
  const s = deploySpec(d);
  if (s.strategy !== 'RollingUpdate') return 0;
  return resolveFenceposts(s.maxSurge, s.maxUnavailable, s.replicas)[0];
}

export function maxUnavailable(d: Obj): number {
  const s = deploySpec(d);
  if (s.strategy !== 'RollingUpdate' || s.replicas === 0) return 0;
  const u = resolveFenceposts(s.maxSurge, s.maxUnavailable, s.replicas)[1];
  return Math.min(u, s.replicas);
}

export const hasProgressDeadline = (d: Obj): boolean => {
  const p = deploySpec(d).progressDeadlineSeconds;
  return p !== undefined && p !== MAX_INT32;
};

// ---- ReplicaSet helpers ----
export const rsSpecReplicas = (rs: Obj | undefined): number => (rs ? (rs.spec?.replicas ?? 1) : 0);
export const rsAvailable = (rs: Obj | undefined): number => rs?.status?.availableReplicas ?? 0;

export function filterActive(rss: (Obj | undefined)[]): Obj[] {
  return rss.filter((rs): rs is Obj => !!rs && rsSpecReplicas(rs) > 0);
}
export const replicaCount = (rss: (Obj | undefined)[]): number => rss.reduce((n, rs) => n + (rs ? rsSpecReplicas(rs) : 0), 0);
export const actualReplicaCount = (rss: (Obj | undefined)[]): number => rss.reduce((n, rs) => n + (rs?.status?.replicas ?? 0), 0);
export const readyReplicaCount = (rss: (Obj | undefined)[]): number => rss.reduce((n, rs) => n + (rs?.status?.readyReplicas ?? 0), 0);
export const availableReplicaCount = (rss: (Obj | undefined)[]): number => rss.reduce((n, rs) => n + rsAvailable(rs), 0);

/** GetTerminatingReplicaCountForReplicaSets: undefined as soon as one RS does not report it. */
export function terminatingReplicaCount(rss: (Obj | undefined)[]): number | undefined {
  let n = 0;
  for (const rs of rss) {
    if (!rs) continue;
    const t = rs.status?.terminatingReplicas;
    if (t === undefined || t === null) return undefined;
    n += t;
  }
  return n;
}

const ts = (o: Obj): number => Date.parse(o.metadata.creationTimestamp ?? '') || 0;

/** ReplicaSetsByCreationTimestamp: oldest first, then by name. */
export function byCreation(a: Obj, b: Obj): number {
  return ts(a) - ts(b) || (a.metadata.name! < b.metadata.name! ? -1 : a.metadata.name! > b.metadata.name! ? 1 : 0);
}
/** ReplicaSetsBySizeNewer: larger first, newer first on ties. */
export const bySizeNewer = (a: Obj, b: Obj): number => rsSpecReplicas(b) - rsSpecReplicas(a) || byCreation(b, a);
/** ReplicaSetsBySizeOlder: larger first, older first on ties. */
export const bySizeOlder = (a: Obj, b: Obj): number => rsSpecReplicas(b) - rsSpecReplicas(a) || byCreation(a, b);

export function revisionOf(o: Obj | undefined): number {
  const v = o?.metadata.annotations?.[REVISION];
  if (v === undefined) return 0;
  const n = Number.parseInt(v, 10);
  return Number.isFinite(n) && String(n) === v.trim() ? n : 0;
}
/** ReplicaSetsByRevision: lower revision first, then by creation. */
export const byRevision = (a: Obj, b: Obj): number => revisionOf(a) - revisionOf(b) || byCreation(a, b);

export const maxRevision = (rss: Obj[]): number => rss.reduce((m, rs) => Math.max(m, revisionOf(rs)), 0);

/** The integer value of an RS annotation, or undefined. */
export function intAnnotation(rs: Obj, key: string): number | undefined {
  const v = rs.metadata.annotations?.[key];
  if (v === undefined || !/^-?\d+$/.test(v)) return undefined;
  return Number(v);
}

/** SetReplicasAnnotations: returns whether anything changed. Mutates rs. */
export function setReplicasAnnotations(rs: Obj, desired: number, max: number): boolean {
  const a = (rs.metadata.annotations ??= {});
  let changed = false;
  if (a[DESIRED_REPLICAS] !== String(desired)) {
    a[DESIRED_REPLICAS] = String(desired);
    changed = true;
  }
  if (a[MAX_REPLICAS] !== String(max)) {
    a[MAX_REPLICAS] = String(max);
    changed = true;
  }
  return changed;
}

export function replicasAnnotationsNeedUpdate(rs: Obj, desired: number, max: number): boolean {
  const a = rs.metadata.annotations ?? {};
  return a[DESIRED_REPLICAS] !== String(desired) || a[MAX_REPLICAS] !== String(max);
}

/** copyDeploymentAnnotationsToReplicaSet. Mutates rs. */
export function copyDeploymentAnnotations(d: Obj, rs: Obj): boolean {
  const a = (rs.metadata.annotations ??= {});
  let changed = false;
  for (const [k, v] of Object.entries(d.metadata.annotations ?? {})) {
    if (skipCopyAnnotation(k) || a[k] === v) continue;
    a[k] = v;
    changed = true;
  }
  return changed;
}

/** SetNewReplicaSetAnnotations. Mutates rs; returns whether annotations changed. */
export function setNewReplicaSetAnnotations(d: Obj, rs: Obj, newRevision: string, exists: boolean, limitChars = MAX_REV_HISTORY_CHARS): boolean {
  let changed = copyDeploymentAnnotations(d, rs);
  const a = (rs.metadata.annotations ??= {});
  const had = Object.prototype.hasOwnProperty.call(a, REVISION);
  const oldRevision = a[REVISION] ?? '';
  let oldInt = 0;
  if (oldRevision !== '') {
    if (!/^-?\d+$/.test(oldRevision)) return false;
    oldInt = Number(oldRevision);
  }
  const newInt = Number(newRevision);
  if (!Number.isFinite(newInt)) return false;
  if (oldInt < newInt) {
    a[REVISION] = newRevision;
    changed = true;
  }
  if (had && oldInt < newInt) {
    const history = a[REVISION_HISTORY] ?? '';
    let olds = history.split(',');
    if (olds[0].length === 0) a[REVISION_HISTORY] = oldRevision;
    else {
      let totalLen = history.length + oldRevision.length + 1;
      let start = 0;
      while (totalLen > limitChars && start < olds.length) {
        totalLen -= olds[start].length + 1;
        start++;
      }
      if (totalLen <= limitChars) {
        olds = [...olds.slice(start), oldRevision];
        a[REVISION_HISTORY] = olds.join(',');
      }
    }
  }
  if (!exists) {
    const s = deploySpec(d);
    if (setReplicasAnnotations(rs, s.replicas, s.replicas + maxSurge(d))) changed = true;
  }
  return changed;
}

/** IsSaturated: the new RS runs exactly replicas, annotated so, all available. */
export function isSaturated(d: Obj, rs: Obj | undefined): boolean {
  if (!rs) return false;
  const desired = intAnnotation(rs, DESIRED_REPLICAS);
  if (desired === undefined) return false;
  const r = deploySpec(d).replicas;
  return rsSpecReplicas(rs) === r && desired === r && rsAvailable(rs) === r;
}

/** FindActiveOrLatest. */
export function findActiveOrLatest(newRS: Obj | undefined, oldRSs: Obj[]): Obj | undefined {
  if (!newRS && oldRSs.length === 0) return undefined;
  const sortedOld = [...oldRSs].sort((a, b) => byCreation(b, a));
  const active = filterActive([...sortedOld, newRS]);
  if (active.length === 0) return newRS ?? sortedOld[0];
  if (active.length === 1) return active[0];
  return undefined;
}

/** Go's math.Round: half away from zero. */
export const roundHalfAway = (x: number): number => Math.sign(x) * Math.round(Math.abs(x));

/** getReplicaSetFraction. */
export function replicaSetFraction(rs: Obj, d: Obj): number {
  const replicas = deploySpec(d).replicas;
  if (replicas === 0) return -rsSpecReplicas(rs);
  const deploymentMax = replicas + maxSurge(d);
  let before = intAnnotation(rs, MAX_REPLICAS);
  if (before === undefined || before === 0) {
    before = d.status?.replicas ?? 0;
    if (!before) before = replicas;
  }
  const size = (rsSpecReplicas(rs) * deploymentMax) / before!;
  return roundHalfAway(size) - rsSpecReplicas(rs);
}

/** GetReplicaSetProportion. */
export function replicaSetProportion(rs: Obj, d: Obj, toAdd: number, added: number): number {
  if (rsSpecReplicas(rs) === 0 || toAdd === 0 || toAdd === added) return 0;
  const fraction = replicaSetFraction(rs, d);
  const allowed = toAdd - added;
  return toAdd > 0 ? Math.min(fraction, allowed) : Math.max(fraction, allowed);
}

/** NewRSNewReplicas: the size the new RS should have now. */
export function newRSNewReplicas(d: Obj, allRSs: (Obj | undefined)[], newRS: Obj): number {
  const s = deploySpec(d);
  if (s.strategy === 'Recreate') return s.replicas;
  const surge = scaledValue(s.maxSurge, s.replicas, true);
  const current = replicaCount(allRSs);
  const maxTotal = s.replicas + surge;
  if (current >= maxTotal) return rsSpecReplicas(newRS);
  const up = Math.min(maxTotal - current, s.replicas - rsSpecReplicas(newRS));
  return rsSpecReplicas(newRS) + up;
}

// ---- conditions ----
export interface Condition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason?: string;
  message?: string;
  lastUpdateTime?: string;
  lastTransitionTime?: string;
}

export const getCondition = (status: any, type: string): Condition | undefined =>
  (status?.conditions as Condition[] | undefined)?.find((c) => c.type === type);

export function newCondition(type: string, status: Condition['status'], reason: string, message: string, now: string): Condition {
  return { type, status, lastUpdateTime: now, lastTransitionTime: now, reason, message };
}

/** SetDeploymentCondition: no-op when status and reason are unchanged; keeps lastTransitionTime when only the reason changes. */
export function setCondition(status: any, cond: Condition): void {
  const cur = getCondition(status, cond.type);
  if (cur && cur.status === cond.status && cur.reason === cond.reason) return;
  if (cur && cur.status === cond.status) cond = { ...cond, lastTransitionTime: cur.lastTransitionTime };
  status.conditions = [...((status.conditions as Condition[] | undefined) ?? []).filter((c) => c.type !== cond.type), cond];
}

export function removeCondition(status: any, type: string): void {
  if (!status.conditions) return;
  status.conditions = (status.conditions as Condition[]).filter((c) => c.type !== type);
}

/** calculateStatus (sync.go). */
export function calculateStatus(allRSs: (Obj | undefined)[], newRS: Obj | undefined, d: Obj, now: string): any {
  const available = availableReplicaCount(allRSs);
  const total = replicaCount(allRSs);
  const status: any = {
    observedGeneration: d.metadata.generation,
    replicas: actualReplicaCount(allRSs),
    updatedReplicas: actualReplicaCount([newRS]),
    readyReplicas: readyReplicaCount(allRSs),
    availableReplicas: available,
    unavailableReplicas: Math.max(0, total - available),
  };
  if (d.status?.collisionCount !== undefined && d.status?.collisionCount !== null) status.collisionCount = d.status.collisionCount;
  const terminating = terminatingReplicaCount(allRSs);
  if (terminating !== undefined) status.terminatingReplicas = terminating;
  // apps/v1 DeploymentStatus: the int32 counts are omitempty, so a real API server drops zeros.
  for (const k of ['observedGeneration', 'replicas', 'updatedReplicas', 'readyReplicas', 'availableReplicas', 'unavailableReplicas']) if (!status[k]) delete status[k];
  status.conditions = ((d.status?.conditions as Condition[] | undefined) ?? []).map((c) => ({ ...c }));
  if (available >= deploySpec(d).replicas - maxUnavailable(d)) {
    setCondition(status, newCondition('Available', 'True', Reasons.MinimumReplicasAvailable, 'Deployment has minimum availability.', now));
  } else {
    setCondition(status, newCondition('Available', 'False', Reasons.MinimumReplicasUnavailable, 'Deployment does not have minimum availability.', now));
  }
  return status;
}

/** DeploymentComplete. */
export function deploymentComplete(d: Obj, st: any): boolean {
  const r = deploySpec(d).replicas;
  return (st?.updatedReplicas ?? 0) === r && (st?.replicas ?? 0) === r && (st?.availableReplicas ?? 0) === r && (st?.observedGeneration ?? 0) >= (d.metadata.generation ?? 0);
}

/** DeploymentProgressing: updated up, old replicas down, ready up or available up. */
export function deploymentProgressing(d: Obj, st: any): boolean {
  const old = d.status ?? {};
  const oldOld = (old.replicas ?? 0) - (old.updatedReplicas ?? 0);
  const newOld = (st.replicas ?? 0) - (st.updatedReplicas ?? 0);
  return (
    (st.updatedReplicas ?? 0) > (old.updatedReplicas ?? 0) ||
    newOld < oldOld ||
    (st.readyReplicas ?? 0) > (old.readyReplicas ?? 0) ||
    (st.availableReplicas ?? 0) > (old.availableReplicas ?? 0)
  );
}

/** DeploymentTimedOut: lastUpdateTime + deadline strictly before now. */
export function deploymentTimedOut(d: Obj, st: any, nowMs: number): boolean {
  if (!hasProgressDeadline(d)) return false;
  const c = getCondition(st, 'Progressing');
  if (!c) return false;
  if (c.reason === Reasons.NewRSAvailable) return false;
  if (c.reason === Reasons.TimedOut) return true;
  const from = Date.parse(c.lastUpdateTime ?? '');
  return from + deploySpec(d).progressDeadlineSeconds! * 1000 < nowMs;
}
