/** Jobs: state words and the migration label. */
import type { V1Job } from '@kubernetes/client-node';
import { timestampMillis } from '../model/index.js';
import { byNsName, nameOf, nsOf } from './util.js';

export const MIGRATION_LABEL = 'cutover.io/migration-for';

export interface JobView {
  key: string;
  namespace: string;
  name: string;
  job: V1Job;
  /** Complete, Failed, Running, Suspended, Pending */
  state: string;
  succeeded: number;
  failed: number;
  active: number;
  started?: number;
  finished?: number;
  migrationFor?: string;
}

export function jobViews(jobs: readonly V1Job[]): JobView[] {
  return jobs.map(jobView).sort(byNsName);
}

export function jobView(job: V1Job): JobView {
  const conds = job.status?.conditions ?? [];
  const has = (type: string) => conds.some((c) => c.type === type && c.status === 'True');
  const state = has('Complete') ? 'Complete' : has('Failed') ? 'Failed' : job.spec?.suspend ? 'Suspended' : (job.status?.active ?? 0) > 0 ? 'Running' : 'Pending';
  return {
    key: `${nsOf(job)}/${nameOf(job)}`,
    namespace: nsOf(job),
    name: nameOf(job),
    job,
    state,
    succeeded: job.status?.succeeded ?? 0,
    failed: job.status?.failed ?? 0,
    active: job.status?.active ?? 0,
    started: timestampMillis(job.status?.startTime),
    finished: timestampMillis(job.status?.completionTime) ?? timestampMillis(conds.find((c) => c.type === 'Failed')?.lastTransitionTime),
    migrationFor: job.metadata?.labels?.[MIGRATION_LABEL],
  };
}
