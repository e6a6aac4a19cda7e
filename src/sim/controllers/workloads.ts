/** The workload controllers (scheduler, kubelet, ReplicaSet, Deployment), sharing one pod index. */
import { R } from '../resources.js';
import type { Controller, SimContext } from '../runtime.js';
import type { StoreEvent } from '../store.js';
import { DeploymentController } from './deployment.js';
import { Kubelet } from './kubelet.js';
import { PodIndex } from './podUtil.js';
import { ReplicaSetController } from './replicaset.js';
import { Scheduler } from './scheduler.js';

/** Keeps the shared pod index current; listed first so every later controller sees it updated. */
class PodIndexer implements Controller {
  readonly name = 'pod-index';
  constructor(readonly index: PodIndex) {}
  onEvent(ev: StoreEvent): void {
    if (ev.rt === R.pods) this.index.apply(ev);
  }
  sync(): void {}
}

export function createWorkloadControllers(ctx: SimContext): Controller[] {
  const index = new PodIndex();
  for (const pod of ctx.store.scan(R.pods)) index.apply({ type: 'ADDED', rt: R.pods, object: pod, rv: 0 });
  return [new PodIndexer(index), new Scheduler(ctx), new Kubelet(ctx), new ReplicaSetController(ctx, index), new DeploymentController(ctx, index)];
}
