/** Every controller the simulator runs, in the order they see events. */
import type { Controller, SimContext } from '../runtime.js';
import { EndpointSliceController } from './endpointslice.js';
import { EndpointsController } from './endpoints.js';
import { JobController } from './job.js';
import { LeaderLeaseController } from './leaderLease.js';
import { TTLAfterFinishedController } from './ttl.js';
import { DisruptionController } from './pdb.js';
import { GarbageCollector } from './gc.js';
import { NamespaceController } from './namespace.js';
import { createWorkloadControllers } from './workloads.js';

export function createControllers(ctx: SimContext): Controller[] {
  void ctx;
  return [
    ...createWorkloadControllers(ctx),
    new EndpointSliceController(ctx),
    new EndpointsController(ctx),
    new JobController(ctx),
    new TTLAfterFinishedController(ctx),
    new DisruptionController(ctx),
    new GarbageCollector(ctx),
    new NamespaceController(ctx),
    new LeaderLeaseController(ctx),
  ];
}
