/** A Deployment's revisions (its ReplicaSets), each with its pod template diffed against the current one. */
import { timestampMillis } from '../model/index.js';
import { lookupDeployment } from './rollout.js';
import { CHANGE_CAUSE_ANNOTATION, kubectlRevision } from './rolloutUndo.js';
import { sameTemplate, templateDiff } from './template.js';
import type { PlanInput } from './state.js';

export interface RevisionInfo {
  revision: number;
  replicaSet: string;
  images: string[];
  changeCause?: string;
  /** Creation time of the ReplicaSet (ms). */
  created?: number;
  replicas: { desired: number; current: number; available: number };
  /** The template the Deployment runs now. */
  current: boolean;
  /** Earlier numbers this revision had (revision-history). */
  history: number[];
  /** Against the current template; empty for the current revision. */
  diff: string[];
}

export function listRevisions(input: PlanInput, deployment: string): RevisionInfo[] | { error: string } {
  const found = lookupDeployment(input, deployment);
  if ('error' in found) return found;
  const d = found.view.deployment;
  const current = d.spec?.template;
  return found.view.replicaSets.owned
    .map((rs): RevisionInfo | undefined => {
      const revision = kubectlRevision(rs);
      if (revision === undefined) return undefined;
      const isCurrent = sameTemplate(rs.spec?.template, current);
      const ann = rs.metadata?.annotations ?? {};
      return {
        revision,
        replicaSet: rs.metadata?.name ?? '',
        images: (rs.spec?.template?.spec?.containers ?? []).map((c) => c.image ?? ''),
        ...(ann[CHANGE_CAUSE_ANNOTATION] ? { changeCause: ann[CHANGE_CAUSE_ANNOTATION] } : {}),
        created: timestampMillis(rs.metadata?.creationTimestamp),
        replicas: { desired: rs.spec?.replicas ?? 0, current: rs.status?.replicas ?? 0, available: rs.status?.availableReplicas ?? 0 },
        current: isCurrent,
        history: (ann['deployment.kubernetes.io/revision-history'] ?? '').split(',').filter((x) => /^\d+$/.test(x)).map(Number),
        diff: isCurrent ? [] : templateDiff(current, rs.spec?.template),
      };
    })
    .filter((x): x is RevisionInfo => x !== undefined)
    .sort((a, b) => a.revision - b.revision);
}
