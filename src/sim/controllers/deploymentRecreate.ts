/** rolloutRecreate (pkg/controller/deployment/recreate.go): old RSs to 0, wait for their pods, then the new RS. */
import { isPodTerminal, type Obj } from '../store.js';
import type { DeploymentSyncer } from './deploymentSyncer.js';
import { actualReplicaCount, deploymentComplete, deploySpec, filterActive } from './deploymentUtil.js';

export function rolloutRecreate(dc: DeploymentSyncer, d0: Obj, rsList: Obj[]): void {
  let { d, newRS, oldRSs } = dc.getAllReplicaSetsAndSyncRevision(d0, rsList, false);
  let scaledDown = false;
  for (const rs of filterActive(oldRSs)) {
    if (dc.scaleReplicaSetAndRecordEvent(rs, 0, d)[0]) scaledDown = true;
  }
  if (scaledDown) return dc.syncRolloutStatus(d);
  if (oldPodsRunning(dc, newRS, oldRSs)) return dc.syncRolloutStatus(d);
  if (!newRS) {
    ({ d, newRS, oldRSs } = dc.getAllReplicaSetsAndSyncRevision(d, rsList, true));
  }
  dc.scaleReplicaSetAndRecordEvent(newRS!, deploySpec(d).replicas, d);
  if (deploymentComplete(d, d.status)) dc.cleanupDeployment(oldRSs, d);
  dc.syncRolloutStatus(d);
}

/** oldPodsRunning: any old RS reports replicas, or any pod of an old RS is not terminal (terminating ones count). */
export function oldPodsRunning(dc: DeploymentSyncer, newRS: Obj | undefined, oldRSs: Obj[]): boolean {
  if (actualReplicaCount(oldRSs) > 0) return true;
  for (const rs of oldRSs) {
    if (newRS && rs.metadata.uid === newRS.metadata.uid) continue;
    for (const pod of dc.pods.owned(rs.metadata.uid!)) {
      if (isPodTerminal(pod)) continue;
      return true;
    }
  }
  return false;
}
