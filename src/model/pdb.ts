import type { V1Pod, V1PodDisruptionBudget } from '@kubernetes/client-node';
import { compareText } from './compare.js';
import { scaleIntOrPercent } from './intstr.js';
import { isPodReady, isTerminating, timestampMillis, type Timestamp } from './pods.js';
import { labelSelectorMatches, type Labels } from './selectors.js';

/** policy/v1: a nil selector matches no pods, an empty one every pod in the namespace. */
export function pdbMatchesLabels(pdb: V1PodDisruptionBudget, labels: Labels): boolean {
  return labelSelectorMatches(pdb.spec?.selector, labels);
}

export function pdbsForLabels(
  pdbs: Iterable<V1PodDisruptionBudget>,
  labels: Labels,
  namespace?: string,
): V1PodDisruptionBudget[] {
  return [...pdbs]
    .filter((pdb) => namespace === undefined || pdb.metadata?.namespace === undefined || pdb.metadata.namespace === namespace)
    .filter((pdb) => pdbMatchesLabels(pdb, labels))
    .sort((a, b) => compareText(a.metadata?.name ?? '', b.metadata?.name ?? ''));
}

export interface PdbSummary {
  name: string;
  /** `minAvailable 75%`, `maxUnavailable 1`, or `(no budget)`. */
  rule: string;
  disruptionsAllowed: number;
  currentHealthy: number;
  desiredHealthy: number;
  expectedPods: number;
  /** The controller has not yet reported on this generation, or never has. */
  stale: boolean;
}

export function describePdbRule(pdb: V1PodDisruptionBudget): string {
  if (pdb.spec?.minAvailable !== undefined) return `minAvailable ${pdb.spec.minAvailable}`;
  if (pdb.spec?.maxUnavailable !== undefined) return `maxUnavailable ${pdb.spec.maxUnavailable}`;
  return '(no budget)';
}

export function summarizePdb(pdb: V1PodDisruptionBudget): PdbSummary {
  const status = pdb.status;
  return {
    name: pdb.metadata?.name ?? '',
    rule: describePdbRule(pdb),
    disruptionsAllowed: status?.disruptionsAllowed ?? 0,
    currentHealthy: status?.currentHealthy ?? 0,
    desiredHealthy: status?.desiredHealthy ?? 0,
    expectedPods: status?.expectedPods ?? 0,
    stale: status?.observedGeneration === undefined || status.observedGeneration < (pdb.metadata?.generation ?? 0),
  };
}

export type DesiredHealthy =
  | { ok: true; desiredHealthy: number; expectedPods: number }
  | { ok: false; error: string };

/**
 * The disruption controller's desiredHealthy/expectedPods. `matchedPods` counts the pods the
 * selector matches; `controllerScale` is the summed spec.replicas of their distinct controllers
 * (needed for maxUnavailable and for a percentage minAvailable).
 */
export function pdbDesiredHealthy(
  pdb: V1PodDisruptionBudget,
  matchedPods: number,
  controllerScale: number | undefined,
): DesiredHealthy {
  const { minAvailable, maxUnavailable } = pdb.spec ?? {};
  if (maxUnavailable !== undefined) {
    if (controllerScale === undefined) return { ok: false, error: 'found no controllers for the matched pods' };
    const scaled = scaleIntOrPercent(maxUnavailable, controllerScale, true);
    if (!scaled.ok) return { ok: false, error: scaled.error };
    return { ok: true, expectedPods: controllerScale, desiredHealthy: Math.max(0, controllerScale - scaled.value) };
  }
  if (minAvailable === undefined) return { ok: true, expectedPods: matchedPods, desiredHealthy: 0 };
  if (typeof minAvailable === 'number') return { ok: true, expectedPods: matchedPods, desiredHealthy: minAvailable };
  if (controllerScale === undefined) return { ok: false, error: 'found no controllers for the matched pods' };
  const scaled = scaleIntOrPercent(minAvailable, controllerScale, true);
  if (!scaled.ok) return { ok: false, error: scaled.error };
  return { ok: true, expectedPods: controllerScale, desiredHealthy: scaled.value };
}

const DISRUPTED_POD_GRACE_MS = 2 * 60 * 1000;

/** Matched pods that count as healthy: Ready, not terminating, not recently evicted. */
export function pdbCurrentHealthy(pdb: V1PodDisruptionBudget, matchedPods: readonly V1Pod[], now: number): number {
  const disrupted = (pdb.status?.disruptedPods ?? {}) as Record<string, Timestamp>;
  return matchedPods.filter((pod) => {
    if (isTerminating(pod) || !isPodReady(pod)) return false;
    const evictedAt = timestampMillis(disrupted[pod.metadata?.name ?? '']);
    return evictedAt === undefined || evictedAt + DISRUPTED_POD_GRACE_MS <= now;
  }).length;
}

export function pdbDisruptionsAllowed(currentHealthy: number, desiredHealthy: number, expectedPods: number): number {
  if (expectedPods <= 0) return 0;
  return Math.max(0, currentHealthy - desiredHealthy);
}

/**
 * Whether the PDB would refuse every voluntary eviction of a workload with `replicas` pods even
 * when all are healthy (so node drains hang).
 */
export function pdbBlocksAllEvictions(pdb: V1PodDisruptionBudget, replicas: number): boolean {
  const d = pdbDesiredHealthy(pdb, replicas, replicas);
  if (!d.ok) return false;
  return pdbDisruptionsAllowed(replicas, d.desiredHealthy, d.expectedPods) === 0;
}
