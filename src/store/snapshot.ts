/** What the cockpit knows of the cluster at one flush: plain arrays, one per watched kind. */
import type {
  CoreV1Event,
  V1CronJob,
  V1Deployment,
  V1EndpointSlice,
  V1Job,
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
});

/** Copies the informers' maps into arrays; a kind with no map (not watched) is empty. */
export function snapshotOf(maps: Partial<ObjectMaps>): Snapshot {
  const all = <T>(m: Map<string, unknown> | undefined) => (m ? [...m.values()] : []) as T[];
  return {
    deployments: all<V1Deployment>(maps.deployments),
    replicasets: all<V1ReplicaSet>(maps.replicasets),
    pods: all<V1Pod>(maps.pods),
    services: all<V1Service>(maps.services),
    endpointslices: all<V1EndpointSlice>(maps.endpointslices),
    jobs: all<V1Job>(maps.jobs),
    cronjobs: all<V1CronJob>(maps.cronjobs),
    poddisruptionbudgets: all<V1PodDisruptionBudget>(maps.poddisruptionbudgets),
    events: all<CoreV1Event>(maps.events),
  };
}
