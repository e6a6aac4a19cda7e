/** Hand-built PlanInput fixtures for the canary and blue-green plan tests. */
import type { V1Deployment, V1Job, V1Service } from '@kubernetes/client-node';
import type { PlanInput } from '../../../src/actions/state.js';
import { DeriveMemo, deriveViewModel } from '../../../src/derive/derive.js';
import { emptySnapshot } from '../../../src/derive/snapshot.js';

export const NS = 'shop';
export const NOW = Date.parse('2026-01-01T00:00:00Z');

export interface DeployOpts {
  replicas: number;
  labels: Record<string, string>;
  image?: string;
  annotations?: Record<string, string>;
  paused?: boolean;
  /** Status numbers; default: fully rolled out at `replicas`. */
  status?: Partial<{ replicas: number; updated: number; ready: number; available: number; observedGeneration: number }>;
  progressDeadlineSeconds?: number;
}

export function deploy(name: string, o: DeployOpts): V1Deployment {
  const s = { replicas: o.replicas, updated: o.replicas, ready: o.replicas, available: o.replicas, observedGeneration: 1, ...o.status };
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: NS, uid: `uid-${name}`, generation: 1, annotations: { 'deployment.kubernetes.io/revision': '1', ...o.annotations }, labels: o.labels },
    spec: {
      replicas: o.replicas,
      paused: o.paused,
      selector: { matchLabels: o.labels },
      ...(o.progressDeadlineSeconds ? { progressDeadlineSeconds: o.progressDeadlineSeconds } : {}),
      template: { metadata: { labels: o.labels }, spec: { containers: [{ name: 'app', image: o.image ?? 'registry.local/app:v1' }] } },
    },
    status: {
      observedGeneration: s.observedGeneration,
      replicas: s.replicas,
      updatedReplicas: s.updated,
      readyReplicas: s.ready,
      availableReplicas: s.available,
      conditions: [{ type: 'Available', status: 'True' }, { type: 'Progressing', status: 'True', reason: 'NewReplicaSetAvailable' }],
    },
  };
}

export function svc(name: string, selector: Record<string, string>): V1Service {
  return { apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: NS, uid: `uid-svc-${name}` }, spec: { selector, ports: [{ port: 80 }] } };
}

export function input(objs: { deployments?: V1Deployment[]; services?: V1Service[]; jobs?: V1Job[] }): PlanInput {
  const snapshot = { ...emptySnapshot(), deployments: objs.deployments ?? [], services: objs.services ?? [], jobs: objs.jobs ?? [] };
  return { namespace: NS, snapshot, view: deriveViewModel(snapshot, new DeriveMemo(), NOW), now: NOW };
}

/** shop-stable + shop-canary behind Service shop. */
export function canaryInput(stable: number, canary: number, o: { stable?: Partial<DeployOpts>; canary?: Partial<DeployOpts>; jobs?: V1Job[] } = {}): PlanInput {
  return input({
    deployments: [
      deploy('shop-stable', { replicas: stable, labels: { app: 'shop', track: 'stable' }, image: 'registry.local/shop:v1', ...o.stable }),
      deploy('shop-canary', { replicas: canary, labels: { app: 'shop', track: 'canary' }, image: 'registry.local/shop:v2', ...o.canary }),
    ],
    services: [svc('shop', { app: 'shop' })],
    jobs: o.jobs,
  });
}

/** pay-blue + pay-green, Service pay on version=`live`. */
export function blueGreenInput(o: { live?: 'blue' | 'green'; blue?: Partial<DeployOpts>; green?: Partial<DeployOpts>; jobs?: V1Job[] } = {}): PlanInput {
  return input({
    deployments: [
      deploy('pay-blue', { replicas: 10, labels: { app: 'pay', version: 'blue' }, image: 'registry.local/pay:v1', ...o.blue }),
      deploy('pay-green', { replicas: 10, labels: { app: 'pay', version: 'green' }, image: 'registry.local/pay:v2', ...o.green }),
    ],
    services: [svc('pay', { app: 'pay', version: o.live ?? 'blue' })],
    jobs: o.jobs,
  });
}

/** A migration Job: a suspended template (no image) or a run for `image` with a condition. */
export function migrationJob(name: string, forRelease: string, o: { image?: string; condition?: 'Complete' | 'Failed'; created?: string } = {}): V1Job {
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: {
      name,
      namespace: NS,
      uid: `uid-job-${name}`,
      creationTimestamp: (o.created ?? '2026-01-01T00:00:00Z') as unknown as Date,
      labels: { 'cutover.io/migration-for': forRelease },
      ...(o.image ? { annotations: { 'cutover.io/for-image': o.image } } : {}),
    },
    spec: { suspend: o.image ? false : true, template: { spec: { containers: [{ name: 'm', image: o.image ?? 'x' }], restartPolicy: 'Never' } } },
    status: o.condition ? { conditions: [{ type: o.condition, status: 'True' }] } : {},
  };
}
