/** syncRolloutStatus and requeueStuckDeployment (pkg/controller/deployment/progress.go). */
import { R } from '../resources.js';
import type { Obj } from '../store.js';
import type { DeploymentSyncer } from './deploymentSyncer.js';
import {
  Reasons,
  calculateStatus,
  deploySpec,
  deploymentComplete,
  deploymentProgressing,
  deploymentTimedOut,
  getCondition,
  hasProgressDeadline,
  newCondition,
  removeCondition,
  setCondition,
  type Condition,
} from './deploymentUtil.js';

export function syncRolloutStatus(dc: DeploymentSyncer, allRSs: (Obj | undefined)[], newRS: Obj | undefined, d: Obj): void {
  const now = dc.now();
  const nowMs = dc.ctx.clock.now();
  const st = calculateStatus(allRSs, newRS, d, now);
  if (!hasProgressDeadline(d)) removeCondition(st, 'Progressing');
  const current = getCondition(d.status, 'Progressing');
  const isComplete = st.replicas === st.updatedReplicas && current?.reason === Reasons.NewRSAvailable;
  if (hasProgressDeadline(d) && !isComplete) {
    if (deploymentComplete(d, st)) {
      const msg = newRS ? `ReplicaSet "${newRS.metadata.name}" has successfully progressed.` : `Deployment "${d.metadata.name}" has successfully progressed.`;
      setCondition(st, newCondition('Progressing', 'True', Reasons.NewRSAvailable, msg, now));
    } else if (deploymentProgressing(d, st)) {
      const msg = newRS ? `ReplicaSet "${newRS.metadata.name}" is progressing.` : `Deployment "${d.metadata.name}" is progressing.`;
      const c = newCondition('Progressing', 'True', Reasons.RSUpdated, msg, now);
      if (current) {
        if (current.status === 'True') c.lastTransitionTime = current.lastTransitionTime;
        removeCondition(st, 'Progressing');
      }
      setCondition(st, c);
    } else if (deploymentTimedOut(d, st, nowMs)) {
      const msg = newRS ? `ReplicaSet "${newRS.metadata.name}" has timed out progressing.` : `Deployment "${d.metadata.name}" has timed out progressing.`;
      setCondition(st, newCondition('Progressing', 'False', Reasons.TimedOut, msg, now));
    }
  }
  const failures = replicaFailures(allRSs, newRS);
  if (failures.length) setCondition(st, failures[0]);
  else removeCondition(st, 'ReplicaFailure');

  if (JSON.stringify(st) === JSON.stringify(d.status ?? {})) {
    requeueStuckDeployment(dc, d, st);
    return;
  }
  dc.ctx.store.update(R.deployments, { ...d, status: st }, { subresource: 'status' });
}

function replicaFailures(allRSs: (Obj | undefined)[], newRS: Obj | undefined): Condition[] {
  const conv = (c: any): Condition => ({ type: 'ReplicaFailure', status: c.status, lastUpdateTime: c.lastTransitionTime, lastTransitionTime: c.lastTransitionTime, reason: c.reason, message: c.message });
  const fromNew = ((newRS?.status?.conditions as any[] | undefined) ?? []).filter((c) => c.type === 'ReplicaFailure').map(conv);
  if (fromNew.length) return fromNew;
  const out: Condition[] = [];
  for (const rs of allRSs) for (const c of (rs?.status?.conditions as any[] | undefined) ?? []) if (c.type === 'ReplicaFailure') out.push(conv(c));
  return out;
}

/** Re-check at lastUpdateTime + progressDeadlineSeconds (+1 s, as upstream) when no progress is seen. */
export function requeueStuckDeployment(dc: DeploymentSyncer, d: Obj, st: any): void {
  const cur = getCondition(d.status, 'Progressing');
  if (!hasProgressDeadline(d) || !cur) return;
  if (deploymentComplete(d, st) || cur.reason === Reasons.TimedOut) return;
  const after = Date.parse(cur.lastUpdateTime ?? '') + deploySpec(d).progressDeadlineSeconds! * 1000 - dc.ctx.clock.now();
  const key = `${d.metadata.namespace}/${d.metadata.name}`;
  dc.ctx.controllers.enqueueAfter(dc, key, after < 1000 ? 1000 : after + 1000);
}
