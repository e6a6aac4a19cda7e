/**
 * What the rollout strategies (deploymentRolling, deploymentRecreate, deploymentProgress) use of the
 * Deployment controller. DeploymentController implements it; the strategies depend on this alone.
 */
import type { Controller, SimContext } from '../runtime.js';
import type { Obj } from '../store.js';
import type { PodIndex } from './podUtil.js';

export interface DeploymentSyncer extends Controller {
  readonly ctx: SimContext;
  readonly pods: PodIndex;
  now(): string;
  /** getAllReplicaSetsAndSyncRevision. Throws on a create error or a hash collision (the key is retried). */
  getAllReplicaSetsAndSyncRevision(d: Obj, rsList: Obj[], createIfNotExisted: boolean): { d: Obj; newRS?: Obj; oldRSs: Obj[] };
  /** Returns [scaled, rs]. */
  scaleReplicaSetAndRecordEvent(rs: Obj, newScale: number, d: Obj): [boolean, Obj];
  cleanupDeployment(oldRSs: Obj[], d: Obj): void;
  syncRolloutStatus(d: Obj): void;
}
