/** The kinds the simulator serves, for routing, discovery and storage. */
export interface ResourceType {
  group: string; // '' for the core group
  version: string;
  resource: string; // plural, as in URLs
  singular: string;
  kind: string;
  namespaced: boolean;
  shortNames?: string[];
  categories?: string[];
  subresources: string[]; // 'status', 'scale', 'log'
  /** metadata.generation moves on spec changes. */
  generation: boolean;
  /** Only create is served (reviews). */
  createOnly?: boolean;
}

const rt = (
  group: string,
  version: string,
  resource: string,
  singular: string,
  kind: string,
  namespaced: boolean,
  extra: Partial<ResourceType> = {},
): ResourceType => ({ group, version, resource, singular, kind, namespaced, subresources: [], generation: false, ...extra });

export const RESOURCES: readonly ResourceType[] = [
  rt('', 'v1', 'namespaces', 'namespace', 'Namespace', false, { shortNames: ['ns'], subresources: ['status'] }),
  rt('', 'v1', 'nodes', 'node', 'Node', false, { shortNames: ['no'], subresources: ['status'] }),
  rt('', 'v1', 'pods', 'pod', 'Pod', true, { shortNames: ['po'], categories: ['all'], subresources: ['status', 'log'] }),
  rt('', 'v1', 'services', 'service', 'Service', true, { shortNames: ['svc'], categories: ['all'], subresources: ['status'] }),
  rt('', 'v1', 'endpoints', 'endpoints', 'Endpoints', true, { shortNames: ['ep'] }),
  rt('', 'v1', 'events', 'event', 'Event', true, { shortNames: ['ev'] }),
  rt('', 'v1', 'configmaps', 'configmap', 'ConfigMap', true, { shortNames: ['cm'] }),
  rt('', 'v1', 'secrets', 'secret', 'Secret', true),
  rt('', 'v1', 'serviceaccounts', 'serviceaccount', 'ServiceAccount', true, { shortNames: ['sa'] }),
  rt('apps', 'v1', 'deployments', 'deployment', 'Deployment', true, {
    shortNames: ['deploy'],
    categories: ['all'],
    subresources: ['status', 'scale'],
    generation: true,
  }),
  rt('apps', 'v1', 'replicasets', 'replicaset', 'ReplicaSet', true, {
    shortNames: ['rs'],
    categories: ['all'],
    subresources: ['status', 'scale'],
    generation: true,
  }),
  rt('batch', 'v1', 'jobs', 'job', 'Job', true, { categories: ['all'], subresources: ['status'], generation: true }),
  rt('batch', 'v1', 'cronjobs', 'cronjob', 'CronJob', true, {
    shortNames: ['cj'],
    categories: ['all'],
    subresources: ['status'],
    generation: true,
  }),
  rt('policy', 'v1', 'poddisruptionbudgets', 'poddisruptionbudget', 'PodDisruptionBudget', true, {
    shortNames: ['pdb'],
    subresources: ['status'],
    generation: true,
  }),
  rt('discovery.k8s.io', 'v1', 'endpointslices', 'endpointslice', 'EndpointSlice', true),
  rt('coordination.k8s.io', 'v1', 'leases', 'lease', 'Lease', true),
  rt('events.k8s.io', 'v1', 'events', 'event', 'Event', true, { shortNames: ['ev'] }),
  rt('authorization.k8s.io', 'v1', 'selfsubjectaccessreviews', 'selfsubjectaccessreview', 'SelfSubjectAccessReview', false, {
    createOnly: true,
  }),
];

export const apiVersionOf = (t: ResourceType) => (t.group ? `${t.group}/${t.version}` : t.version);

const storageKeys = new WeakMap<ResourceType, string>();

/**
 * Storage key: core events and events.k8s.io events are one store, as in the apiserver. Kept per
 * kind: the store and every watch ask on each write, and a new string each time cost its hashing.
 */
export function storageKey(t: ResourceType): string {
  let key = storageKeys.get(t);
  if (key === undefined) storageKeys.set(t, (key = t.resource === 'events' ? 'events' : `${t.group}/${t.resource}`));
  return key;
}

export function findResource(group: string, version: string, resource: string): ResourceType | undefined {
  return RESOURCES.find((t) => t.group === group && t.version === version && t.resource === resource);
}

export function resourceForKind(kind: string, group = ''): ResourceType {
  const found = RESOURCES.find((t) => t.kind === kind && t.group === group);
  if (!found) throw new Error(`unknown kind ${group ? group + '/' : ''}${kind}`);
  return found;
}

/** Shorthands the controllers use. */
export const R = {
  namespaces: resourceForKind('Namespace'),
  nodes: resourceForKind('Node'),
  pods: resourceForKind('Pod'),
  services: resourceForKind('Service'),
  endpoints: resourceForKind('Endpoints'),
  events: resourceForKind('Event'),
  serviceaccounts: resourceForKind('ServiceAccount'),
  configmaps: resourceForKind('ConfigMap'),
  deployments: resourceForKind('Deployment', 'apps'),
  replicasets: resourceForKind('ReplicaSet', 'apps'),
  jobs: resourceForKind('Job', 'batch'),
  cronjobs: resourceForKind('CronJob', 'batch'),
  pdbs: resourceForKind('PodDisruptionBudget', 'policy'),
  endpointslices: resourceForKind('EndpointSlice', 'discovery.k8s.io'),
  leases: resourceForKind('Lease', 'coordination.k8s.io'),
} as const;
