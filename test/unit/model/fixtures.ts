import type {
  V1Container,
  V1Deployment,
  V1Endpoint,
  V1EndpointSlice,
  V1Pod,
  V1PodDisruptionBudget,
  V1ReplicaSet,
  V1Service,
  IntOrString,
} from '@kubernetes/client-node';

export interface DeploymentOptions {
  uid?: string;
  replicas?: number;
  labels?: Record<string, string>;
  image?: string;
  strategy?: 'RollingUpdate' | 'Recreate';
  maxSurge?: IntOrString;
  maxUnavailable?: IntOrString;
  revision?: number;
  generation?: number;
  status?: V1Deployment['status'];
  containers?: V1Container[];
  terminationGracePeriodSeconds?: number;
  progressDeadlineSeconds?: number;
  revisionHistoryLimit?: number;
  namespace?: string;
}

export function deployment(name: string, o: DeploymentOptions = {}): V1Deployment {
  const labels = o.labels ?? { app: name };
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name,
      namespace: o.namespace ?? 'shop',
      uid: o.uid ?? `uid-${name}`,
      generation: o.generation ?? 1,
      annotations: o.revision === undefined ? {} : { 'deployment.kubernetes.io/revision': String(o.revision) },
    },
    spec: {
      replicas: o.replicas ?? 10,
      selector: { matchLabels: labels },
      strategy:
        o.strategy === 'Recreate'
          ? { type: 'Recreate' }
          : {
              type: 'RollingUpdate',
              rollingUpdate: {
                ...(o.maxSurge === undefined ? {} : { maxSurge: o.maxSurge }),
                ...(o.maxUnavailable === undefined ? {} : { maxUnavailable: o.maxUnavailable }),
              },
            },
      ...(o.progressDeadlineSeconds === undefined ? {} : { progressDeadlineSeconds: o.progressDeadlineSeconds }),
      ...(o.revisionHistoryLimit === undefined ? {} : { revisionHistoryLimit: o.revisionHistoryLimit }),
      template: {
        metadata: { labels },
        spec: {
          ...(o.terminationGracePeriodSeconds === undefined
            ? {}
            : { terminationGracePeriodSeconds: o.terminationGracePeriodSeconds }),
          containers: o.containers ?? [{ name: 'app', image: o.image ?? `registry.example/${name}:v1` }],
        },
      },
    },
    status: o.status ?? { observedGeneration: o.generation ?? 1 },
  };
}

export interface ReplicaSetOptions {
  owner?: V1Deployment;
  revision?: number;
  spec?: number;
  replicas?: number;
  available?: number;
  created?: string;
  hash?: string;
  image?: string;
}

export function replicaSet(name: string, o: ReplicaSetOptions = {}): V1ReplicaSet {
  const owner = o.owner;
  const template = structuredClone(owner?.spec?.template ?? { metadata: { labels: {} }, spec: { containers: [] } });
  const hash = o.hash ?? name.split('-').at(-1)!;
  template.metadata = { ...template.metadata, labels: { ...template.metadata?.labels, 'pod-template-hash': hash } };
  if (o.image) template.spec!.containers[0].image = o.image;
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      name,
      namespace: 'shop',
      uid: `uid-${name}`,
      creationTimestamp: (o.created ?? '2026-01-01T00:00:00Z') as unknown as Date,
      annotations: o.revision === undefined ? {} : { 'deployment.kubernetes.io/revision': String(o.revision) },
      ownerReferences: owner
        ? [{ apiVersion: 'apps/v1', kind: 'Deployment', name: owner.metadata!.name!, uid: owner.metadata!.uid!, controller: true }]
        : [],
    },
    spec: { replicas: o.spec ?? 0, selector: { matchLabels: template.metadata.labels! }, template },
    status: { replicas: o.replicas ?? o.spec ?? 0, availableReplicas: o.available ?? 0 },
  };
}

export interface PodOptions {
  rs?: V1ReplicaSet;
  labels?: Record<string, string>;
  ready?: boolean;
  readySince?: string;
  terminating?: boolean;
  phase?: string;
}

export function pod(name: string, o: PodOptions = {}): V1Pod {
  return {
    metadata: {
      name,
      namespace: 'shop',
      uid: `uid-${name}`,
      labels: o.labels ?? o.rs?.spec?.template?.metadata?.labels ?? {},
      ...(o.terminating ? { deletionTimestamp: '2026-01-01T00:10:00Z' as unknown as Date } : {}),
      ownerReferences: o.rs
        ? [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: o.rs.metadata!.name!, uid: o.rs.metadata!.uid!, controller: true }]
        : [],
    },
    spec: { containers: [{ name: 'app' }] },
    status: {
      phase: o.phase ?? 'Running',
      conditions: [
        {
          type: 'Ready',
          status: (o.ready ?? true) ? 'True' : 'False',
          lastTransitionTime: (o.readySince ?? '2026-01-01T00:00:00Z') as unknown as Date,
        },
      ],
    },
  };
}

export function service(name: string, selector: Record<string, string> | undefined): V1Service {
  return { metadata: { name, namespace: 'shop' }, spec: { ...(selector ? { selector } : {}) } };
}

export function endpoint(podName: string, conditions: V1Endpoint['conditions'], address = `10.0.0.${podName.length}`): V1Endpoint {
  return { addresses: [address], conditions, targetRef: { kind: 'Pod', name: podName, namespace: 'shop' } };
}

export function slice(name: string, serviceName: string, endpoints: V1Endpoint[], addressType = 'IPv4'): V1EndpointSlice {
  return {
    addressType,
    metadata: { name, namespace: 'shop', labels: { 'kubernetes.io/service-name': serviceName } },
    endpoints,
  };
}

export function pdb(
  name: string,
  spec: { minAvailable?: IntOrString; maxUnavailable?: IntOrString; matchLabels?: Record<string, string> },
  status?: V1PodDisruptionBudget['status'],
): V1PodDisruptionBudget {
  return {
    metadata: { name, namespace: 'shop', generation: 1 },
    spec: {
      ...(spec.minAvailable === undefined ? {} : { minAvailable: spec.minAvailable }),
      ...(spec.maxUnavailable === undefined ? {} : { maxUnavailable: spec.maxUnavailable }),
      selector: { matchLabels: spec.matchLabels ?? { app: 'web' } },
    },
    ...(status ? { status } : {}),
  };
}
