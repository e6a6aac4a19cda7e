/** The one way tests turn a simulator's objects into a Snapshot: as a cockpit flush would from its informers. */
import type { KubernetesObject } from '@kubernetes/client-node';
import { SNAPSHOT_KINDS, snapshotOf, type Snapshot } from '../../src/derive/snapshot.js';
import type { ObjectMaps } from '../../src/kube/watch.js';
import { R, type ResourceType } from '../../src/sim/resources.js';
import type { Store } from '../../src/sim/store.js';

/** The sim's resource for each kind the cockpit watches. */
export const RESOURCE: Record<keyof Snapshot, ResourceType> = {
  deployments: R.deployments,
  replicasets: R.replicasets,
  pods: R.pods,
  services: R.services,
  endpointslices: R.endpointslices,
  jobs: R.jobs,
  cronjobs: R.cronjobs,
  poddisruptionbudgets: R.pdbs,
  events: R.events,
  leases: R.leases,
};

/** Every watched kind in the sim's store, in one namespace (or all namespaces when none is given). */
export function snapshotOfSim(sim: { store: Store }, namespace?: string): Snapshot {
  const maps = {} as Partial<ObjectMaps>;
  for (const kind of SNAPSHOT_KINDS) {
    maps[kind] = new Map(sim.store.list(RESOURCE[kind], namespace).map((o) => [o.metadata.uid!, o as KubernetesObject]));
  }
  return snapshotOf(maps);
}
