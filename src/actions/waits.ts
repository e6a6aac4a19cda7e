/** What a wait step waits for, checked on fresh reads. Each check returns true or a progress line. */
import type { V1Deployment, V1EndpointSlice, V1Job, V1Pod } from '@kubernetes/client-node';
import type { ActionClient } from './client.js';
import type { WaitCondition } from './types.js';

export function waitPath(c: WaitCondition): string {
  switch (c.type) {
    case 'deployment-available':
      return `/apis/apps/v1/namespaces/${c.namespace}/deployments`;
    case 'endpoints-switched':
      return `/apis/discovery.k8s.io/v1/namespaces/${c.namespace}/endpointslices`;
    case 'job-finished':
      return `/apis/batch/v1/namespaces/${c.namespace}/jobs`;
  }
}

export async function checkCondition(client: ActionClient, c: WaitCondition): Promise<true | string> {
  switch (c.type) {
    case 'deployment-available': {
      const d = await client.read<V1Deployment>({ apiVersion: 'apps/v1', kind: 'Deployment', namespace: c.namespace, name: c.name });
      const s = d.status ?? {};
      const observed = (s.observedGeneration ?? 0) >= (d.metadata?.generation ?? 0);
      const available = s.availableReplicas ?? 0;
      const updated = s.updatedReplicas ?? 0;
      const total = s.replicas ?? 0;
      if (observed && available >= c.replicas && updated >= c.replicas && total === (d.spec?.replicas ?? 0)) return true;
      return `${c.name}: ${available}/${c.replicas} available, ${updated} updated, ${total} total`;
    }
    case 'endpoints-switched': {
      const selector = Object.entries(c.selector).map(([k, v]) => `${k}=${v}`).join(',');
      const pods = await client.list<V1Pod>('v1', 'Pod', c.namespace, selector);
      const wanted = new Set(pods.map((p) => p.metadata?.name));
      const slices = await client.list<V1EndpointSlice>('discovery.k8s.io/v1', 'EndpointSlice', c.namespace, `kubernetes.io/service-name=${c.service}`);
      let readyWanted = 0;
      let readyOther = 0;
      for (const s of slices)
        for (const e of s.endpoints ?? []) {
          if (e.conditions?.ready === false) continue;
          if (wanted.has(e.targetRef?.name)) readyWanted++;
          else readyOther++;
        }
      if (readyWanted > 0 && readyOther === 0) return true;
      return `${c.service}: ${readyWanted} ready endpoints on the new selector, ${readyOther} still on the old`;
    }
    case 'job-finished': {
      const job = await client.read<V1Job>({ apiVersion: 'batch/v1', kind: 'Job', namespace: c.namespace, name: c.name });
      const conds = job.status?.conditions ?? [];
      const failed = conds.find((x) => x.type === 'Failed' && x.status === 'True');
      if (failed) throw new JobFailedError(`job ${c.name} failed: ${failed.reason ?? ''} ${failed.message ?? ''}`.trim());
      if (conds.some((x) => x.type === 'Complete' && x.status === 'True')) return true;
      return `${c.name}: ${job.status?.active ?? 0} active, ${job.status?.succeeded ?? 0} succeeded, ${job.status?.failed ?? 0} failed`;
    }
  }
}

export class JobFailedError extends Error {}
