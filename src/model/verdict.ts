/**
 * A release's verdict: a function of its objects now, the availability record of its current
 * revision, and the window the record covers. Two cockpits that watched the same window agree; one
 * that missed the start of a rollout and cannot read the past from the cluster says since when it
 * has watched.
 */
import type { V1Deployment } from '@kubernetes/client-node';
import type { Verdict } from './availability.js';
import { timestampMillis } from './pods.js';
import { deploymentCondition, PHASE_RULES, TRAFFIC_RULES, type DeploymentPhase, type TrafficState } from './releaseState.js';

/** `partial`: nothing went wrong while watched, but the watch began after the rollout did. */
export type VerdictLevel = 'ok' | 'progress' | 'warn' | 'fail' | 'partial';

export type ReleasePhase = 'syncing' | DeploymentPhase;

export interface ReleaseVerdict {
  text: string;
  level: VerdictLevel;
  /** For `partial`: the start of the window the verdict covers (epoch ms). */
  watchedSince?: number;
}

/** One Deployment of a release, as the verdict needs it. */
export interface SideState {
  phase: DeploymentPhase;
  /** Receives the Service's traffic (or the release has no Service): not an idle blue-green colour. */
  serving: boolean;
  /** Incidents recorded for the current revision ('no-data', 'in-progress' and 'zero-downtime-kept' are clean). */
  record: Verdict;
  /** The current revision replaced an older one with strategy Recreate: its downtime was planned. */
  byDesign: boolean;
  /** Set when the record does not cover the whole revision and the cluster cannot tell its past. */
  watchedSince?: number;
}

export const DOWNTIME_BY_DESIGN = PHASE_RULES.recreating.word;

/** Which phase names a release with several sides: the one that matters most to an operator. */
const PHASE_RANK: Record<DeploymentPhase, number> = { stuck: 6, recreating: 5, rolling: 4, paused: 3, scaling: 2, creating: 1, complete: 0 };

export function releasePhase(sides: readonly SideState[], syncing: boolean): ReleasePhase {
  return syncing ? 'syncing' : leadingPhase(sides);
}

function leadingPhase(sides: readonly SideState[]): DeploymentPhase {
  return sides.reduce<DeploymentPhase>((p, s) => (PHASE_RANK[s.phase] > PHASE_RANK[p] ? s.phase : p), 'complete');
}

/**
 * First match wins: not synced yet; a rollout past its deadline (any side: the rollout's promise);
 * the Service without ready endpoints; the record of the serving sides; a Recreate under way; a
 * release on its way; a record that covers only part of the revision; kept.
 */
export function releaseVerdict(sides: readonly SideState[], traffic: TrafficState | undefined, syncing: boolean, clock: (ms: number) => string): ReleaseVerdict {
  if (syncing) return { text: 'syncing', level: 'progress' };
  if (sides.some((s) => s.phase === 'stuck')) return { text: PHASE_RULES.stuck.word, level: 'fail' };
  const serving = sides.filter((s) => s.serving);
  const byDesign = serving.some((s) => s.byDesign);
  if (traffic === 'no-endpoints') {
    if (byDesign) return { text: DOWNTIME_BY_DESIGN, level: 'warn' };
    if (serving.every((s) => s.phase === 'creating')) return { text: PHASE_RULES.creating.word, level: 'progress' };
    return { text: TRAFFIC_RULES['no-endpoints'].word, level: 'fail' };
  }
  if (serving.some((s) => s.record === 'traffic-outage')) return { text: 'traffic outage', level: 'fail' };
  if (byDesign) return { text: DOWNTIME_BY_DESIGN, level: 'warn' };
  if (traffic === 'below-floor') return { text: TRAFFIC_RULES['below-floor'].word, level: 'warn' };
  if (serving.some((s) => s.record === 'budget-breached')) return { text: 'budget breached', level: 'warn' };
  const phase = leadingPhase(sides);
  if (phase !== 'complete') return { text: PHASE_RULES[phase].word, level: 'progress' };
  const partial = serving.map((s) => s.watchedSince).filter((t): t is number => t !== undefined);
  if (partial.length > 0) {
    const since = Math.max(...partial);
    return { text: `watched since ${clock(since)}`, level: 'partial', watchedSince: since };
  }
  return { text: 'zero downtime kept', level: 'ok' };
}

/** Local wall-clock time of day, `14:02:11`. */
export function clockTime(ms: number): string {
  const d = new Date(ms);
  return [d.getHours(), d.getMinutes(), d.getSeconds()].map((n) => String(n).padStart(2, '0')).join(':');
}

/**
 * Whether the Deployment's own Available condition proves it kept its minimum availability through
 * the current revision, so a cockpit that started later can still vouch for it. With an older
 * revision: Available has been True since before the new ReplicaSet was created. For a first
 * revision (nothing served before it): Available has not changed since the rollout completed.
 */
export function availabilityKeptByConditions(d: V1Deployment, rolloutStart: number | undefined, hasOlderRevision: boolean): boolean {
  const available = deploymentCondition(d, 'Available');
  if (available?.status !== 'True') return false;
  const since = timestampMillis(available.lastTransitionTime);
  if (since === undefined) return false;
  if (hasOlderRevision) return rolloutStart !== undefined && since <= rolloutStart;
  const progressing = deploymentCondition(d, 'Progressing');
  if (progressing?.reason !== 'NewReplicaSetAvailable') return false;
  const completed = timestampMillis(progressing.lastUpdateTime);
  return completed !== undefined && since <= completed;
}
