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

/** Per sim, the object last handed out for each uid and resourceVersion. */
const held = new WeakMap<object, Map<string, KubernetesObject>>();

/**
 * Every watched kind in the sim's store, in one namespace (or all namespaces when none is given).
 * As an informer does, an object whose resourceVersion did not change is the same object as in
 * the last snapshot (derive reuses what it made from it).
 */
export function snapshotOfSim(sim: { store: Store }, namespace?: string): Snapshot {
  const last = held.get(sim) ?? new Map<string, KubernetesObject>();
  const next = new Map<string, KubernetesObject>();
  held.set(sim, next);
  const maps = {} as Partial<ObjectMaps>;
  for (const kind of SNAPSHOT_KINDS) {
    maps[kind] = new Map(
      sim.store.list(RESOURCE[kind], namespace).map((o) => {
        const key = `${o.metadata.uid}@${o.metadata.resourceVersion}`;
        const kept = last.get(key) ?? (o as KubernetesObject);
        next.set(key, kept);
        return [o.metadata.uid!, kept];
      }),
    );
  }
  return snapshotOf(maps);
}
