import type {
  V1Container,
  V1Deployment,
  V1LifecycleHandler,
  V1PodDisruptionBudget,
  V1Probe,
} from '@kubernetes/client-node';
import { deploymentBudget, desiredReplicas } from './budget.js';
import { jsonEqual } from './equality.js';
import { describePdbRule, pdbBlocksAllEvictions, pdbsForLabels } from './pdb.js';

export type CheckLevel = 'pass' | 'warn' | 'fail';

export interface CheckResult {
  id: string;
  ok: boolean;
  level: CheckLevel;
  title: string;
  /** One line: what was found and why it matters. */
  why: string;
  /** One line: what to change (empty when passing). */
  fix: string;
}

export const DEFAULT_TERMINATION_GRACE_SECONDS = 30;
export const DEFAULT_PROGRESS_DEADLINE_SECONDS = 600;
export const MAX_INT32 = 2147483647;
/** Time left after the preStop sleep for the app to finish in-flight work after SIGTERM. */
export const MIN_DRAIN_SECONDS = 10;
/** A progress deadline longer than this hides a stuck rollout for too long. */
export const MAX_SENSIBLE_PROGRESS_DEADLINE_SECONDS = 3600;

function result(id: string, title: string, level: CheckLevel, why: string, fix = ''): CheckResult {
  return { id, ok: level !== 'fail', level, title, why, fix: level === 'pass' ? '' : fix };
}

const containersOf = (d: V1Deployment): V1Container[] => d.spec?.template?.spec?.containers ?? [];

function checkMaxUnavailable(d: V1Deployment): CheckResult {
  const title = 'No pod taken down before its replacement is available';
  const budget = deploymentBudget(d);
  if (!budget.ok) return result('max-unavailable', title, 'fail', `Rolling update budget is invalid: ${budget.error}.`, 'Write maxSurge and maxUnavailable as integers or "N%".');
  if (budget.strategy === 'Recreate') {
    return result('max-unavailable', title, 'fail', 'Recreate stops every old pod before starting new ones: a guaranteed outage.', 'Use strategy RollingUpdate with maxUnavailable: 0 and maxSurge: 1 or 25%.');
  }
  if (budget.maxUnavailable === 0) {
    return result('max-unavailable', title, 'pass', `maxUnavailable ${budget.unavailableSpec} keeps all ${budget.desired} replicas serving; surge ${budget.maxSurge}.`);
  }
  return result('max-unavailable', title, 'warn', `maxUnavailable ${budget.unavailableSpec} lets ${budget.maxUnavailable} of ${budget.desired} pods be down during a rollout.`, 'Set maxUnavailable: 0 (with maxSurge >= 1) unless the reduced capacity is deliberate.');
}

function checkReadinessProbe(d: V1Deployment): CheckResult {
  const title = 'Readiness probe on every container';
  const missing = containersOf(d).filter((c) => !c.readinessProbe).map((c) => c.name);
  if (missing.length === 0) return result('readiness-probe', title, 'pass', 'Pods receive traffic only once they report ready.');
  return result('readiness-probe', title, 'fail', `No readiness probe on ${missing.join(', ')}: pods get traffic (and count as available) as soon as they start.`, 'Add a readinessProbe that checks the app can serve (dependencies, warm-up).');
}

/** The part of a probe that decides what is checked, ignoring timings. */
function probeHandler(p: V1Probe): unknown {
  return { exec: p.exec, httpGet: p.httpGet, tcpSocket: p.tcpSocket, grpc: p.grpc };
}

function checkReadinessDiffers(d: V1Deployment): CheckResult {
  const title = 'Readiness and liveness check different things';
  const same = containersOf(d)
    .filter((c) => c.readinessProbe && c.livenessProbe && jsonEqual(probeHandler(c.readinessProbe), probeHandler(c.livenessProbe)))
    .map((c) => c.name);
  if (same.length === 0) return result('readiness-vs-liveness', title, 'pass', 'Liveness restarts stuck processes; readiness gates traffic on their own checks.');
  return result('readiness-vs-liveness', title, 'warn', `${same.join(', ')}: readiness and liveness probe the same endpoint, so a dependency outage restarts pods instead of just pulling them from traffic.`, 'Point readiness at a deeper check (e.g. /health/ready) and keep liveness shallow (/health/live).');
}

/**
 * Seconds a preStop hook is known to wait: the `sleep` action, or the `sleep N` calls in an exec
 * command. Undefined when there is no hook or its duration can't be read (httpGet, scripts).
 */
export function preStopSeconds(handler: V1LifecycleHandler | undefined): number | undefined {
  if (!handler) return undefined;
  if (handler.sleep) return handler.sleep.seconds;
  const command = handler.exec?.command;
  if (!command) return undefined;
  const sleeps = [...command.join(' ').matchAll(/\bsleep\s+(\d+(?:\.\d+)?)s?\b/g)];
  if (sleeps.length === 0) return undefined;
  return sleeps.reduce((sum, m) => sum + Number.parseFloat(m[1]), 0);
}

function checkPreStopPresent(d: V1Deployment): CheckResult {
  const title = 'preStop hook lets endpoints update before shutdown';
  const missing = containersOf(d).filter((c) => !c.lifecycle?.preStop).map((c) => c.name);
  if (missing.length === 0) return result('prestop-hook', title, 'pass', 'Pods keep serving briefly while they are removed from Service endpoints.');
  return result('prestop-hook', title, 'warn', `No preStop hook on ${missing.join(', ')}: SIGTERM can arrive before load balancers stop sending requests.`, 'Add lifecycle.preStop (sleep: {seconds: 5} or exec "sleep 5").');
}

function checkPreStopVsGrace(d: V1Deployment): CheckResult {
  const title = 'preStop fits inside the grace period with room to drain';
  const grace = d.spec?.template?.spec?.terminationGracePeriodSeconds ?? DEFAULT_TERMINATION_GRACE_SECONDS;
  let worst: CheckResult | undefined;
  for (const c of containersOf(d)) {
    const sleep = preStopSeconds(c.lifecycle?.preStop);
    if (sleep === undefined) continue;
    if (sleep >= grace) {
      return result('prestop-vs-grace', title, 'fail', `${c.name}: preStop waits ${sleep}s but terminationGracePeriodSeconds is ${grace}s, so the app is killed without a chance to drain.`, `Raise terminationGracePeriodSeconds above ${sleep + MIN_DRAIN_SECONDS} or shorten the preStop sleep.`);
    }
    if (grace - sleep < MIN_DRAIN_SECONDS && !worst) {
      worst = result('prestop-vs-grace', title, 'warn', `${c.name}: only ${grace - sleep}s remain after the ${sleep}s preStop for in-flight requests before SIGKILL.`, `Raise terminationGracePeriodSeconds to at least ${sleep + MIN_DRAIN_SECONDS}.`);
    }
  }
  return worst ?? result('prestop-vs-grace', title, 'pass', `Grace period ${grace}s covers the preStop wait with time left to drain.`);
}

function checkProbeDelays(d: V1Deployment): CheckResult {
  const title = 'Probe delays suit the startup';
  const deadline = d.spec?.progressDeadlineSeconds ?? DEFAULT_PROGRESS_DEADLINE_SECONDS;
  for (const c of containersOf(d)) {
    const readinessDelay = c.readinessProbe?.initialDelaySeconds ?? 0;
    if (c.readinessProbe && readinessDelay >= deadline) {
      return result('probe-delays', title, 'warn', `${c.name}: readiness initialDelaySeconds ${readinessDelay} is not below the ${deadline}s progress deadline, so every rollout times out.`, 'Shorten readiness initialDelaySeconds (or use a startupProbe) well under progressDeadlineSeconds.');
    }
    const livenessDelay = c.livenessProbe?.initialDelaySeconds ?? 0;
    if (c.livenessProbe && c.readinessProbe && !c.startupProbe && livenessDelay < readinessDelay) {
      return result('probe-delays', title, 'warn', `${c.name}: liveness starts at ${livenessDelay}s, before readiness (${readinessDelay}s): a slow start gets restarted in a loop.`, 'Give liveness a longer initialDelaySeconds than readiness, or add a startupProbe.');
    }
  }
  return result('probe-delays', title, 'pass', 'Liveness waits for startup and readiness can succeed within the progress deadline.');
}

function checkPdb(d: V1Deployment, pdbs: readonly V1PodDisruptionBudget[] | undefined): CheckResult {
  const title = 'PodDisruptionBudget protects pods without blocking drains';
  if (pdbs === undefined) return result('pdb', title, 'pass', 'PodDisruptionBudgets were not checked.');
  const labels = d.spec?.template?.metadata?.labels;
  const matching = pdbsForLabels(pdbs, labels, d.metadata?.namespace);
  const replicas = desiredReplicas(d);
  if (matching.length === 0) {
    return result('pdb', title, 'warn', 'No PodDisruptionBudget covers these pods: a node drain can evict them all at once.', 'Add a PodDisruptionBudget selecting the pods, e.g. minAvailable: 75%.');
  }
  if (matching.length > 1) {
    return result('pdb', title, 'warn', `${matching.length} PodDisruptionBudgets match (${matching.map((p) => p.metadata?.name).join(', ')}): the eviction API refuses pods with more than one.`, 'Keep a single PodDisruptionBudget per workload.');
  }
  const pdb = matching[0];
  const name = pdb.metadata?.name ?? '';
  if (replicas > 0 && pdbBlocksAllEvictions(pdb, replicas)) {
    return result('pdb', title, 'warn', `${name} (${describePdbRule(pdb)}) allows no eviction at ${replicas} replicas: node drains hang.`, 'Use minAvailable below replicas (e.g. 75%) or maxUnavailable of at least 1.');
  }
  return result('pdb', title, 'pass', `${name} (${describePdbRule(pdb)}) keeps capacity during drains and still lets them proceed.`);
}

function checkProgressDeadline(d: V1Deployment): CheckResult {
  const title = 'Progress deadline reports a stuck rollout';
  const deadline = d.spec?.progressDeadlineSeconds ?? DEFAULT_PROGRESS_DEADLINE_SECONDS;
  if (deadline >= MAX_INT32) {
    return result('progress-deadline', title, 'warn', 'progressDeadlineSeconds is MaxInt32: the Progressing condition never times out, so a stuck rollout is never reported.', `Set progressDeadlineSeconds (default ${DEFAULT_PROGRESS_DEADLINE_SECONDS}).`);
  }
  if (deadline > MAX_SENSIBLE_PROGRESS_DEADLINE_SECONDS) {
    return result('progress-deadline', title, 'warn', `progressDeadlineSeconds ${deadline} waits over an hour before calling a rollout stuck.`, 'Lower progressDeadlineSeconds to a few times your slowest pod startup.');
  }
  return result('progress-deadline', title, 'pass', `A rollout with no progress for ${deadline}s is marked ProgressDeadlineExceeded.`);
}

function checkRevisionHistory(d: V1Deployment): CheckResult {
  const title = 'Old ReplicaSets kept for undo';
  const limit = d.spec?.revisionHistoryLimit ?? 10;
  if (limit > 0) return result('revision-history', title, 'pass', `revisionHistoryLimit ${limit} keeps earlier revisions for rollout undo.`);
  return result('revision-history', title, 'warn', 'revisionHistoryLimit 0 deletes old ReplicaSets, so there is nothing to roll back to.', 'Set revisionHistoryLimit to a few revisions (default 10).');
}

/** The tag of an image reference, or undefined when untagged. A digest counts as pinned. */
export function imageTag(image: string): { tag?: string; digest: boolean } {
  if (image.includes('@')) return { digest: true };
  const lastSlash = image.lastIndexOf('/');
  const colon = image.lastIndexOf(':');
  return { tag: colon > lastSlash ? image.slice(colon + 1) : undefined, digest: false };
}

function checkImageTags(d: V1Deployment): CheckResult {
  const title = 'Images pinned to a version';
  const floating = containersOf(d).filter((c) => {
    const ref = imageTag(c.image ?? '');
    return !ref.digest && (ref.tag === undefined || ref.tag === 'latest');
  });
  if (floating.length === 0) return result('image-tag', title, 'pass', 'Every revision names the exact image it runs, so undo restores the old code.');
  return result('image-tag', title, 'warn', `${floating.map((c) => `${c.name} (${c.image})`).join(', ')}: a floating tag means revisions and undo don't pin the code.`, 'Use an immutable tag such as myapp:v2.5.0, or a digest.');
}

/**
 * The zero-downtime lint of one Deployment. Pass the namespace's PodDisruptionBudgets to check
 * disruption cover; without them that rule passes as not checked.
 */
export function lintDeployment(deployment: V1Deployment, pdbs?: readonly V1PodDisruptionBudget[]): CheckResult[] {
  return [
    checkMaxUnavailable(deployment),
    checkReadinessProbe(deployment),
    checkReadinessDiffers(deployment),
    checkPreStopPresent(deployment),
    checkPreStopVsGrace(deployment),
    checkProbeDelays(deployment),
    checkPdb(deployment, pdbs),
    checkProgressDeadline(deployment),
    checkRevisionHistory(deployment),
    checkImageTags(deployment),
  ];
}

export interface ChecklistSummary {
  pass: number;
  warn: number;
  fail: number;
  worst: CheckLevel;
}

export function summarizeChecklist(results: readonly CheckResult[]): ChecklistSummary {
  const count = (level: CheckLevel) => results.filter((r) => r.level === level).length;
  const summary = { pass: count('pass'), warn: count('warn'), fail: count('fail') };
  return { ...summary, worst: summary.fail > 0 ? 'fail' : summary.warn > 0 ? 'warn' : 'pass' };
}
