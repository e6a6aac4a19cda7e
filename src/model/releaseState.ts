/**
 * What a release is doing, and which of those states alarm. The one place that decides whether a
 * number on screen is a risk: to traffic (the Service's ready endpoints) or to the rollout's
 * promise (its progress deadline, its unavailability budget while it moves).
 */
import type { V1Deployment, V1DeploymentCondition } from '@kubernetes/client-node';
import type { DeploymentReplicaSets } from './replicaSets.js';
import type { RolloutStatus } from './rolloutStatus.js';

/**
 * One Deployment's phase, read from its objects alone:
 * - creating: its first revision has never been complete (nothing served before it);
 * - scaling: the template's pods were all available once; only the count moves (or pods are replaced);
 * - rolling: a new template replaces an older one, RollingUpdate;
 * - recreating: the same with strategy Recreate (every old pod stops first: downtime by design);
 * - paused: spec.paused while not complete;
 * - stuck: the progress deadline passed (ProgressDeadlineExceeded);
 * - complete: `kubectl rollout status` would say "successfully rolled out".
 */
export type DeploymentPhase = 'creating' | 'scaling' | 'rolling' | 'recreating' | 'paused' | 'stuck' | 'complete';

/** The Service of a release: `serving` (or no Service), below the floor, or no ready endpoint at all. */
export type TrafficState = 'serving' | 'below-floor' | 'no-endpoints';

export type Alarm = 'none' | 'warn' | 'fail';

export interface PhaseRule {
  /** What the phase raises by itself. */
  alarm: Alarm;
  /** Whether the unavailable (and surge) gauges are held to maxUnavailable (maxSurge) in this phase. */
  judgesBudget: boolean;
  /** Whether lost capacity in this phase counts against the release (the availability record). */
  recordsIncidents: boolean;
  word: string;
}

/** The table. A gauge is judged only while a rollout moves (or is stuck moving). */
export const PHASE_RULES: Record<DeploymentPhase, PhaseRule> = {
  creating: { alarm: 'none', judgesBudget: false, recordsIncidents: false, word: 'creating' },
  scaling: { alarm: 'none', judgesBudget: false, recordsIncidents: true, word: 'scaling' },
  rolling: { alarm: 'none', judgesBudget: true, recordsIncidents: true, word: 'rolling' },
  recreating: { alarm: 'warn', judgesBudget: false, recordsIncidents: false, word: 'downtime by design (Recreate)' },
  paused: { alarm: 'none', judgesBudget: false, recordsIncidents: true, word: 'paused' },
  stuck: { alarm: 'fail', judgesBudget: true, recordsIncidents: true, word: 'deadline exceeded' },
  complete: { alarm: 'none', judgesBudget: false, recordsIncidents: true, word: 'complete' },
};

export const TRAFFIC_RULES: Record<TrafficState, { alarm: Alarm; word: string }> = {
  serving: { alarm: 'none', word: 'serving' },
  'below-floor': { alarm: 'warn', word: 'below floor' },
  'no-endpoints': { alarm: 'fail', word: 'no ready endpoints' },
};

/** Phases in which the release is on its way somewhere (no verdict on the record yet). */
export const MOVING_PHASES: ReadonlySet<DeploymentPhase> = new Set(['creating', 'scaling', 'rolling', 'recreating', 'paused', 'stuck']);

const NEW_RS_AVAILABLE = 'NewReplicaSetAvailable';

export function deploymentCondition(d: V1Deployment, type: string): V1DeploymentCondition | undefined {
  return d.status?.conditions?.find((c) => c.type === type);
}

/**
 * The phase of a Deployment. A template change is under way while no ReplicaSet matches the
 * template or an older one still has pods. Otherwise only the count moves, and the Progressing
 * condition tells a scale from the tail of a rollout: the controller leaves its reason at
 * NewReplicaSetAvailable while only the replica count changes. Without a progress deadline there is
 * no such condition; an Available condition that is True stands in.
 */
export function deploymentPhase(d: V1Deployment, replicaSets: DeploymentReplicaSets, status: RolloutStatus): DeploymentPhase {
  if (status.failed) return 'stuck';
  if (status.done) return 'complete';
  if (d.spec?.paused) return 'paused';
  const templateMoving = !replicaSets.newRS || replicaSets.newMatchedBy === 'revision' || replicaSets.activeOldRSs.length > 0;
  if (!templateMoving) {
    const progressing = deploymentCondition(d, 'Progressing');
    const completedOnce = progressing ? progressing.reason === NEW_RS_AVAILABLE : deploymentCondition(d, 'Available')?.status === 'True';
    if (completedOnce) return 'scaling';
  }
  if (!replacesOlder(replicaSets)) return 'creating';
  return d.spec?.strategy?.type === 'Recreate' ? 'recreating' : 'rolling';
}

/**
 * The current template replaces an older one (rather than being the Deployment's first). Until the
 * controller makes the new ReplicaSet, the "new" one is only the old one found by revision.
 */
export function replacesOlder(replicaSets: DeploymentReplicaSets): boolean {
  return replicaSets.oldRSs.length > 0 || replicaSets.newMatchedBy === 'revision';
}

/**
 * How long EndpointSlices may trail pods that turned Ready before zero ready endpoints counts as an
 * outage: the EndpointSlice controller publishes a reconcile after the kubelet's status write.
 */
export const ENDPOINT_LAG_MS = 10_000;

/**
 * The Service's state for the sides that receive its traffic. Zero ready endpoints while nothing
 * is wanted is not an outage, and neither is zero while the serving pods turned Ready less than
 * ENDPOINT_LAG_MS ago (`readyPodsSince`: the first of them; undefined when none is Ready): the
 * slices are catching up. Ready pods that stay out of the slices longer (a selector that matches
 * nothing, a broken controller) are an outage. Below the floor is judged on available pods
 * (`capacityBelowFloor`), not on endpoints, for the same reason.
 */
export function trafficState(readyEndpoints: number, wanted: number, capacityBelowFloor: boolean, readyPodsSince?: number, now?: number): TrafficState {
  if (wanted > 0 && readyEndpoints === 0 && !endpointsCatchingUp(readyPodsSince, now)) return 'no-endpoints';
  if (capacityBelowFloor) return 'below-floor';
  return 'serving';
}

/**
 * The EndpointSlices may still trail pods that turned Ready at `readyPodsSince` (the first of the
 * serving pods; undefined when none is Ready): zero ready endpoints then is not yet an outage, for
 * the traffic state and the availability record alike.
 */
export function endpointsCatchingUp(readyPodsSince: number | undefined, now: number | undefined): boolean {
  return readyPodsSince !== undefined && now !== undefined && now - readyPodsSince < ENDPOINT_LAG_MS;
}

/** The louder of two alarms. */
export function worstAlarm(a: Alarm, b: Alarm): Alarm {
  const rank: Record<Alarm, number> = { none: 0, warn: 1, fail: 2 };
  return rank[a] >= rank[b] ? a : b;
}
