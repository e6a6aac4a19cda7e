/** PlanInput fixtures with ReplicaSet histories, for the rollout, undo and migrate plan tests. */
import type { V1Deployment, V1Job, V1ReplicaSet, V1Service } from '@kubernetes/client-node';
import type { PlanInput } from '../../../src/actions/state.js';
import { DeriveMemo, deriveViewModel } from '../../../src/derive/derive.js';
import { emptySnapshot } from '../../../src/derive/snapshot.js';
import { NOW, NS, deploy, svc, type DeployOpts } from './canary-flip-fixtures.js';

export { NOW, NS, deploy, svc };

/** A Deployment `web` (app=web) at `image`, with Service web. */
export function web(o: Partial<DeployOpts> & { revision?: number; templateAnnotations?: Record<string, string> } = {}): V1Deployment {
  const d = deploy('web', { replicas: 4, labels: { app: 'web' }, image: 'registry.local/web:v3', ...o });
  if (o.revision !== undefined) d.metadata!.annotations!['deployment.kubernetes.io/revision'] = String(o.revision);
  if (o.templateAnnotations) d.spec!.template.metadata!.annotations = o.templateAnnotations;
  return d;
}

/** An RS of `d` at `image` with revision `rev` (undefined: no annotation), extra annotations. */
export function rs(d: V1Deployment, hash: string, rev: number | string | undefined, image: string, o: { replicas?: number; annotations?: Record<string, string>; created?: string } = {}): V1ReplicaSet {
  const template = structuredClone(d.spec!.template);
  template.metadata = { ...template.metadata, labels: { ...template.metadata!.labels, 'pod-template-hash': hash } };
  template.spec!.containers[0].image = image;
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      name: `${d.metadata!.name}-${hash}`,
      namespace: NS,
      uid: `uid-rs-${hash}`,
      creationTimestamp: (o.created ?? '2026-01-01T00:00:00Z') as unknown as Date,
      annotations: { ...(rev === undefined ? {} : { 'deployment.kubernetes.io/revision': String(rev) }), ...o.annotations },
      ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: d.metadata!.name!, uid: d.metadata!.uid!, controller: true }],
    },
    spec: { replicas: o.replicas ?? 0, selector: { matchLabels: template.metadata.labels! }, template },
    status: { replicas: o.replicas ?? 0, availableReplicas: o.replicas ?? 0 },
  };
}

export function input(objs: { deployments?: V1Deployment[]; replicasets?: V1ReplicaSet[]; services?: V1Service[]; jobs?: V1Job[] }, now = NOW): PlanInput {
  const snapshot = { ...emptySnapshot(), deployments: objs.deployments ?? [], replicasets: objs.replicasets ?? [], services: objs.services ?? [], jobs: objs.jobs ?? [] };
  return { namespace: NS, snapshot, view: deriveViewModel(snapshot, new DeriveMemo(), now), now };
}

/** web at revision 3 (v3), with RSs for revisions 1 (v1), 2 (v2), 3 (v3). */
export function webHistory(o: Partial<DeployOpts> & { templateAnnotations?: Record<string, string> } = {}): { d: V1Deployment; rss: V1ReplicaSet[]; input: PlanInput } {
  const d = web({ revision: 3, annotations: { 'kubernetes.io/change-cause': 'release v3', 'deployment.kubernetes.io/revision': '3' }, ...o });
  const rss = [
    rs(d, 'aaaa1', 1, 'registry.local/web:v1', { annotations: { 'kubernetes.io/change-cause': 'release v1', 'deployment.kubernetes.io/desired-replicas': '4', 'deployment.kubernetes.io/max-replicas': '5' }, created: '2025-12-01T00:00:00Z' }),
    rs(d, 'bbbb2', 2, 'registry.local/web:v2', { annotations: { 'kubernetes.io/change-cause': 'release v2', 'deployment.kubernetes.io/revision-history': '' }, created: '2025-12-10T00:00:00Z' }),
    rs(d, 'cccc3', 3, 'registry.local/web:v3', { replicas: 4, annotations: { 'kubernetes.io/change-cause': 'release v3' }, created: '2025-12-20T00:00:00Z' }),
  ];
  if (o.templateAnnotations) for (const r of rss.slice(2)) r.spec!.template!.metadata!.annotations = { ...o.templateAnnotations };
  return { d, rss, input: input({ deployments: [d], replicasets: rss, services: [svc('web', { app: 'web' })] }) };
}
