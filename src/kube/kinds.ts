/** The kinds the cockpit watches: API path and list call for each, namespaced or cluster-wide. */
import {
  AppsV1Api,
  BatchV1Api,
  CoordinationV1Api,
  CoreV1Api,
  DiscoveryV1Api,
  PolicyV1Api,
  type KubeConfig,
  type KubernetesListObject,
  type KubernetesObject,
} from '@kubernetes/client-node';

export const WATCHED_KINDS = ['deployments', 'replicasets', 'pods', 'services', 'endpointslices', 'jobs', 'cronjobs', 'poddisruptionbudgets', 'events', 'leases'] as const;
export type WatchedKind = (typeof WATCHED_KINDS)[number];

const PREFIX: Record<WatchedKind, string> = {
  deployments: '/apis/apps/v1',
  replicasets: '/apis/apps/v1',
  pods: '/api/v1',
  services: '/api/v1',
  endpointslices: '/apis/discovery.k8s.io/v1',
  jobs: '/apis/batch/v1',
  cronjobs: '/apis/batch/v1',
  poddisruptionbudgets: '/apis/policy/v1',
  events: '/api/v1',
  leases: '/apis/coordination.k8s.io/v1',
};

export function watchPath(kind: WatchedKind, namespace: string | undefined): string {
  return namespace ? `${PREFIX[kind]}/namespaces/${encodeURIComponent(namespace)}/${kind}` : `${PREFIX[kind]}/${kind}`;
}

type Lister = () => Promise<KubernetesListObject<KubernetesObject>>;

export function lister(kc: KubeConfig, kind: WatchedKind, namespace: string | undefined): Lister {
  const core = kc.makeApiClient(CoreV1Api);
  const apps = kc.makeApiClient(AppsV1Api);
  const batch = kc.makeApiClient(BatchV1Api);
  const discovery = kc.makeApiClient(DiscoveryV1Api);
  const policy = kc.makeApiClient(PolicyV1Api);
  const ns = namespace;
  const pick = (namespaced: () => Promise<unknown>, all: () => Promise<unknown>) =>
    (() => (ns ? namespaced() : all())) as Lister;
  switch (kind) {
    case 'deployments':
      return pick(() => apps.listNamespacedDeployment({ namespace: ns! }), () => apps.listDeploymentForAllNamespaces());
    case 'replicasets':
      return pick(() => apps.listNamespacedReplicaSet({ namespace: ns! }), () => apps.listReplicaSetForAllNamespaces());
    case 'pods':
      return pick(() => core.listNamespacedPod({ namespace: ns! }), () => core.listPodForAllNamespaces());
    case 'services':
      return pick(() => core.listNamespacedService({ namespace: ns! }), () => core.listServiceForAllNamespaces());
    case 'events':
      return pick(() => core.listNamespacedEvent({ namespace: ns! }), () => core.listEventForAllNamespaces());
    case 'endpointslices':
      return pick(() => discovery.listNamespacedEndpointSlice({ namespace: ns! }), () => discovery.listEndpointSliceForAllNamespaces());
    case 'jobs':
      return pick(() => batch.listNamespacedJob({ namespace: ns! }), () => batch.listJobForAllNamespaces());
    case 'cronjobs':
      return pick(() => batch.listNamespacedCronJob({ namespace: ns! }), () => batch.listCronJobForAllNamespaces());
    case 'leases': {
      const coordination = kc.makeApiClient(CoordinationV1Api);
      return pick(() => coordination.listNamespacedLease({ namespace: ns! }), () => coordination.listLeaseForAllNamespaces());
    }
    case 'poddisruptionbudgets':
      return pick(() => policy.listNamespacedPodDisruptionBudget({ namespace: ns! }), () => policy.listPodDisruptionBudgetForAllNamespaces());
  }
}
