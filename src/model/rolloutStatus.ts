import type { V1Deployment } from '@kubernetes/client-node';
import { REVISION_ANNOTATION } from './replicaSets.js';

export interface RolloutStatus {
  /** One line as `kubectl rollout status` prints it (no trailing newline; errors without `error: `). */
  text: string;
  done: boolean;
  failed: boolean;
}

export const PROGRESS_DEADLINE_EXCEEDED = 'ProgressDeadlineExceeded';

/** Go's %q for the plain ASCII names Kubernetes allows. */
function quote(s: string): string {
  return `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

function waiting(name: string, detail: string): RolloutStatus {
  return { text: `Waiting for deployment ${quote(name)} rollout to finish: ${detail}...`, done: false, failed: false };
}

/**
 * kubectl's DeploymentStatusViewer.Status, for one observed state of the Deployment.
 * `revision` is the `--revision` flag (0 or absent: not checked).
 */
export function rolloutStatus(deployment: V1Deployment, revision = 0): RolloutStatus {
  const name = deployment.metadata?.name ?? '';
  if (revision > 0) {
    const raw = deployment.metadata?.annotations?.[REVISION_ANNOTATION];
    const running = raw === undefined ? 0 : /^[+-]?\d+$/.test(raw) ? Number.parseInt(raw, 10) : undefined;
    if (running === undefined) {
      return {
        text: `cannot get the revision of deployment ${quote(name)}: strconv.ParseInt: parsing ${quote(raw!)}: invalid syntax`,
        done: false,
        failed: true,
      };
    }
    if (running !== revision) {
      return {
        text: `desired revision (${revision}) is different from the running revision (${running})`,
        done: false,
        failed: true,
      };
    }
  }

  const generation = deployment.metadata?.generation ?? 0;
  const status = deployment.status ?? {};
  if (generation > (status.observedGeneration ?? 0)) {
    return { text: 'Waiting for deployment spec update to be observed...', done: false, failed: false };
  }

  const progressing = status.conditions?.find((c) => c.type === 'Progressing');
  if (progressing?.reason === PROGRESS_DEADLINE_EXCEEDED) {
    return { text: `deployment ${quote(name)} exceeded its progress deadline`, done: false, failed: true };
  }

  const updated = status.updatedReplicas ?? 0;
  const replicas = status.replicas ?? 0;
  const available = status.availableReplicas ?? 0;
  const desired = deployment.spec?.replicas;
  if (desired !== undefined && updated < desired) {
    return waiting(name, `${updated} out of ${desired} new replicas have been updated`);
  }
  if (replicas > updated) {
    return waiting(name, `${replicas - updated} old replicas are pending termination`);
  }
  if (available < updated) {
    return waiting(name, `${available} of ${updated} updated replicas are available`);
  }
  return { text: `deployment ${quote(name)} successfully rolled out`, done: true, failed: false };
}
