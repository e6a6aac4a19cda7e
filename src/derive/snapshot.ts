/** What the cockpit knows of the cluster at one flush: plain arrays, one per watched kind. */
import type {
  CoreV1Event,
  V1CronJob,
  V1Deployment,
  V1EndpointSlice,
  V1Job,
  V1Lease,
  V1Pod,
  V1PodDisruptionBudget,
  V1ReplicaSet,
  V1Service,
} from '@kubernetes/client-node';
import type { ObjectMaps } from '../kube/watch.js';

export interface Snapshot {
  deployments: V1Deployment[];
  replicasets: V1ReplicaSet[];
  pods: V1Pod[];
  services: V1Service[];
  endpointslices: V1EndpointSlice[];
  jobs: V1Job[];
  /** CronJobs can hold a release's migration template. */
  cronjobs: V1CronJob[];
  poddisruptionbudgets: V1PodDisruptionBudget[];
  events: CoreV1Event[];
  /** Driver locks of releases and the apps' own leader Leases. */
  leases: V1Lease[];
}

export const emptySnapshot = (): Snapshot => ({
  deployments: [],
  replicasets: [],
  pods: [],
  services: [],
  endpointslices: [],
  jobs: [],
  cronjobs: [],
  poddisruptionbudgets: [],
  events: [],
  leases: [],
});

export const SNAPSHOT_KINDS = [
  'deployments',
  'replicasets',
  'pods',
  'services',
  'endpointslices',
  'jobs',
  'cronjobs',
  'poddisruptionbudgets',
  'events',
  'leases',
] as const satisfies readonly (keyof Snapshot)[];

export type Versions = Partial<Record<keyof Snapshot, number>>;

/**
 * Copies the informers' maps into arrays; a kind with no map (not watched) is empty. Given the
 * previous snapshot and the change counters then and now, a kind that did not change keeps its
 * previous array: the same reference, which derive uses to skip work.
 */
export function snapshotOf(maps: Partial<ObjectMaps>, reuse?: { previous: Snapshot; then: Versions; now: Versions }): Snapshot {
  const out = {} as Record<keyof Snapshot, unknown[]>;
  for (const kind of SNAPSHOT_KINDS) {
    const unchanged = reuse && reuse.now[kind] !== undefined && reuse.now[kind] === reuse.then[kind];
    const map = maps[kind];
    out[kind] = unchanged ? reuse.previous[kind] : map ? [...map.values()] : [];
  }
  return out as unknown as Snapshot;
}
