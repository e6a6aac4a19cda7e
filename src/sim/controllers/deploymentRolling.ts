/** rolloutRolling (pkg/controller/deployment/rolling.go): one scaling action per sync. */
import type { Obj } from '../store.js';
import type { DeploymentSyncer } from './deploymentSyncer.js';
import { byCreation, deploymentComplete, deploySpec, filterActive, maxUnavailable, newRSNewReplicas, replicaCount, availableReplicaCount, rsAvailable, rsSpecReplicas } from './deploymentUtil.js';

export function rolloutRolling(dc: DeploymentSyncer, d0: Obj, rsList: Obj[]): void {
  const { d, newRS, oldRSs } = dc.getAllReplicaSetsAndSyncRevision(d0, rsList, true);
  const allRSs = [...oldRSs, newRS!];
  if (reconcileNewReplicaSet(dc, allRSs, newRS!, d)) return dc.syncRolloutStatus(d);
  if (reconcileOldReplicaSets(dc, allRSs, filterActive(oldRSs), newRS!, d)) return dc.syncRolloutStatus(d);
  if (deploymentComplete(d, d.status)) dc.cleanupDeployment(oldRSs, d);
  dc.syncRolloutStatus(d);
}

/** Scale the new RS up within maxSurge, or down to replicas. */
export function reconcileNewReplicaSet(dc: DeploymentSyncer, allRSs: Obj[], newRS: Obj, d: Obj): boolean {
  const replicas = deploySpec(d).replicas;
  if (rsSpecReplicas(newRS) === replicas) return false;
  if (rsSpecReplicas(newRS) > replicas) return dc.scaleReplicaSetAndRecordEvent(newRS, replicas, d)[0];
  const count = newRSNewReplicas(d, allRSs, newRS);
  return dc.scaleReplicaSetAndRecordEvent(newRS, count, d)[0];
}

/** Scale old RSs down: unhealthy replicas first, then within the availability budget. */
export function reconcileOldReplicaSets(dc: DeploymentSyncer, allRSs: Obj[], oldRSs: Obj[], newRS: Obj, d: Obj): boolean {
  const oldPods = replicaCount(oldRSs);
  if (oldPods === 0) return false;
  const allPods = replicaCount(allRSs);
  const minAvailable = deploySpec(d).replicas - maxUnavailable(d);
  const newUnavailable = rsSpecReplicas(newRS) - rsAvailable(newRS);
  const maxScaledDown = allPods - minAvailable - newUnavailable;
  if (maxScaledDown <= 0) return false;
  const [olds, cleaned] = cleanupUnhealthyReplicas(dc, oldRSs, d, maxScaledDown);
  const scaled = scaleDownOldReplicaSetsForRollingUpdate(dc, [...olds, newRS], olds, d);
  return cleaned + scaled > 0;
}

export function cleanupUnhealthyReplicas(dc: DeploymentSyncer, oldRSs: Obj[], d: Obj, maxCleanup: number): [Obj[], number] {
  const olds = [...oldRSs].sort(byCreation);
  let total = 0;
  for (let i = 0; i < olds.length; i++) {
    const rs = olds[i];
    if (total >= maxCleanup) break;
    const spec = rsSpecReplicas(rs);
    if (spec === 0) continue;
    if (spec === rsAvailable(rs)) continue;
    const down = Math.min(maxCleanup - total, spec - rsAvailable(rs));
    const next = spec - down;
    if (next > spec) throw new Error(`when cleaning up unhealthy replicas, got invalid request to scale down ${rs.metadata.name} ${spec} -> ${next}`);
    olds[i] = dc.scaleReplicaSetAndRecordEvent(rs, next, d)[1];
    total += down;
  }
  return [olds, total];
}

export function scaleDownOldReplicaSetsForRollingUpdate(dc: DeploymentSyncer, allRSs: Obj[], oldRSs: Obj[], d: Obj): number {
  const minAvailable = deploySpec(d).replicas - maxUnavailable(d);
  const available = availableReplicaCount(allRSs);
  if (available <= minAvailable) return 0;
  const olds = [...oldRSs].sort(byCreation);
  const budget = available - minAvailable;
  let total = 0;
  for (const rs of olds) {
    if (total >= budget) break;
    const spec = rsSpecReplicas(rs);
    if (spec === 0) continue;
    const down = Math.min(spec, budget - total);
    dc.scaleReplicaSetAndRecordEvent(rs, spec - down, d);
    total += down;
  }
  return total;
}
