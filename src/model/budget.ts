import type { V1Deployment, V1Pod, V1ReplicaSet } from '@kubernetes/client-node';
import { formatIntOrPercent, scaleIntOrPercent, type IntOrString } from './intstr.js';
import { controllerRef, isPodActive, isPodAvailable, isTerminating } from './pods.js';

export const DEFAULT_MAX_SURGE = '25%';
export const DEFAULT_MAX_UNAVAILABLE = '25%';

export interface ResolvedBudget {
  ok: true;
  strategy: 'RollingUpdate' | 'Recreate';
  desired: number;
  maxSurge: number;
  maxUnavailable: number;
  /** As written (or defaulted) in the spec, e.g. `25%` or `0`. */
  surgeSpec: string;
  unavailableSpec: string;
  minAvailable: number;
  maxTotal: number;
}

export interface BudgetError {
  ok: false;
  error: string;
  surgeSpec: string;
  unavailableSpec: string;
}

export type Budget = ResolvedBudget | BudgetError;

export interface BudgetInput {
  replicas: number;
  strategy?: string;
  maxSurge?: IntOrString;
  maxUnavailable?: IntOrString;
}

/**
 * The controller's ResolveFenceposts + MaxSurge/MaxUnavailable: surge rounds up, unavailable
 * rounds down, 0/0 becomes 0/1, unavailable is 0 for Recreate or zero replicas and is capped at
 * replicas.
 */
export function resolveBudget(input: BudgetInput): Budget {
  const desired = input.replicas;
  const surgeValue = input.maxSurge ?? DEFAULT_MAX_SURGE;
  const unavailableValue = input.maxUnavailable ?? DEFAULT_MAX_UNAVAILABLE;
  const surgeSpec = formatIntOrPercent(surgeValue);
  const unavailableSpec = formatIntOrPercent(unavailableValue);
  const strategy = input.strategy === 'Recreate' ? 'Recreate' : 'RollingUpdate';

  let maxSurge = 0;
  let maxUnavailable = 0;
  if (strategy === 'RollingUpdate') {
    const surge = scaleIntOrPercent(surgeValue, desired, true);
    if (!surge.ok) return { ok: false, error: `maxSurge: ${surge.error}`, surgeSpec, unavailableSpec };
    const unavailable = scaleIntOrPercent(unavailableValue, desired, false);
    if (!unavailable.ok) {
      return { ok: false, error: `maxUnavailable: ${unavailable.error}`, surgeSpec, unavailableSpec };
    }
    maxSurge = surge.value;
    maxUnavailable = unavailable.value;
    if (maxSurge === 0 && maxUnavailable === 0) maxUnavailable = 1;
    if (desired === 0) maxUnavailable = 0;
    maxUnavailable = Math.min(maxUnavailable, desired);
  }
  return {
    ok: true,
    strategy,
    desired,
    maxSurge,
    maxUnavailable,
    surgeSpec,
    unavailableSpec,
    minAvailable: desired - maxUnavailable,
    maxTotal: desired + maxSurge,
  };
}

export function desiredReplicas(deployment: V1Deployment): number {
  // The API server defaults spec.replicas to 1.
  return deployment.spec?.replicas ?? 1;
}

export function deploymentBudget(deployment: V1Deployment): Budget {
  const strategy = deployment.spec?.strategy;
  return resolveBudget({
    replicas: desiredReplicas(deployment),
    strategy: strategy?.type,
    maxSurge: strategy?.rollingUpdate?.maxSurge,
    maxUnavailable: strategy?.rollingUpdate?.maxUnavailable,
  });
}

export type GaugeLevel = 'ok' | 'at' | 'over';

export interface Gauge {
  used: number;
  limit: number;
  level: GaugeLevel;
}

export interface BudgetUsage {
  budget: Budget;
  desired: number;
  /** Pods the controller counts: not terminating, not terminal. */
  total: number;
  available: number;
  /** Pods with a deletionTimestamp still around (not counted by the controller). */
  terminating: number;
  surge: Gauge;
  unavailable: Gauge;
}

/** Nothing used is always fine, even against a zero limit (maxUnavailable 0 is the goal). */
export function gaugeLevel(used: number, limit: number): GaugeLevel {
  if (used > limit) return 'over';
  if (used > 0 && used === limit) return 'at';
  return 'ok';
}

/**
 * How much of the surge and unavailability budget a Deployment is using right now.
 * `replicaSets` should be the Deployment's own RSs (see ownedReplicaSets). With `pods`, counts come
 * from the pods those RSs control (fresher than RS status); availability then needs `now` when
 * minReadySeconds > 0 (without it, Ready counts as available).
 */
export function budgetUsage(
  deployment: V1Deployment,
  replicaSets: readonly V1ReplicaSet[],
  pods?: readonly V1Pod[],
  now?: number,
): BudgetUsage {
  const budget = deploymentBudget(deployment);
  const desired = desiredReplicas(deployment);
  let total = 0;
  let available = 0;
  let terminating = 0;

  if (pods) {
    const rsUids = new Set(replicaSets.map((rs) => rs.metadata?.uid).filter(Boolean));
    const minReady = now === undefined ? 0 : (deployment.spec?.minReadySeconds ?? 0);
    for (const pod of pods) {
      const owner = controllerRef(pod);
      if (!owner || !rsUids.has(owner.uid)) continue;
      if (isTerminating(pod)) {
        terminating++;
        continue;
      }
      if (!isPodActive(pod)) continue;
      total++;
      if (isPodAvailable(pod, minReady, now ?? 0)) available++;
    }
  } else {
    for (const rs of replicaSets) {
      total += rs.status?.replicas ?? rs.spec?.replicas ?? 0;
      available += rs.status?.availableReplicas ?? 0;
      terminating += rs.status?.terminatingReplicas ?? 0;
    }
  }

  const maxSurge = budget.ok ? budget.maxSurge : 0;
  const maxUnavailable = budget.ok ? budget.maxUnavailable : 0;
  const surgeUsed = Math.max(0, total - desired);
  const unavailableUsed = Math.max(0, desired - available);
  return {
    budget,
    desired,
    total,
    available,
    terminating,
    surge: { used: surgeUsed, limit: maxSurge, level: gaugeLevel(surgeUsed, maxSurge) },
    unavailable: {
      used: unavailableUsed,
      limit: maxUnavailable,
      level: gaugeLevel(unavailableUsed, maxUnavailable),
    },
  };
}

/** The Deployment Available condition: True when availableReplicas >= replicas − maxUnavailable. */
export function hasMinimumAvailability(deployment: V1Deployment, availableReplicas: number): boolean {
  const budget = deploymentBudget(deployment);
  const maxUnavailable = budget.ok ? budget.maxUnavailable : 0;
  return availableReplicas >= desiredReplicas(deployment) - maxUnavailable;
}
