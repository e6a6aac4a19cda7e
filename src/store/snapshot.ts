/** What the cockpit knows of the cluster at one flush: plain arrays, one per watched kind. */
import type {
  CoreV1Event,
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
  poddisruptionbudgets: [],
  events: [],
});

export function snapshotOf(maps: ObjectMaps): Snapshot {
  return {
    deployments: [...maps.deployments.values()] as V1Deployment[],
    replicasets: [...maps.replicasets.values()] as V1ReplicaSet[],
    pods: [...maps.pods.values()] as V1Pod[],
    services: [...maps.services.values()] as V1Service[],
    endpointslices: [...maps.endpointslices.values()] as V1EndpointSlice[],
    jobs: [...maps.jobs.values()] as V1Job[],
    poddisruptionbudgets: [...maps.poddisruptionbudgets.values()] as V1PodDisruptionBudget[],
    events: [...maps.events.values()] as CoreV1Event[],
  };
}
