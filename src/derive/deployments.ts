/**
 * One Deployment: its ReplicaSets, budget usage, rollout status and phase, pods, checklist, and
 * the availability record of its current revision.
 */
import type { V1Deployment, V1DeploymentCondition, V1Pod, V1PodDisruptionBudget, V1ReplicaSet } from '@kubernetes/client-node';
import {
  appendSample,
  availabilityKeptByConditions,
  budgetUsage,
  deploymentPhase,
  deploymentReplicaSets,
  emptyHistory,
  endpointsCatchingUp,
  isBudgetBreach,
  lintDeployment,
  pdbsForLabels,
  PHASE_RULES,
  replacesOlder,
  revisionOf,
  sameReading,
  rolloutStatus,
  summarizeAvailability,
  summarizePdb,
  timestampMillis,
  type AvailabilityHistory,
  type AvailabilitySummary,
  type BudgetUsage,
  type CheckResult,
  type DeploymentPhase,
  type DeploymentReplicaSets,
  type Gauge,
  type PdbSummary,
  type RolloutStatus,
  type ServiceTraffic,
} from '../model/index.js';
import { firstReadySince, podRows, type PodRow } from './pods.js';
import { nameOf, nsOf, uidOf } from './util.js';

/** A usage gauge as the screen shows it: held to its limit only while a rollout moves. */
export interface JudgedGauge extends Gauge {
  judged: boolean;
}

export interface DeploymentView {
  uid: string;
  name: string;
  namespace: string;
  deployment: V1Deployment;
  replicaSets: DeploymentReplicaSets;
  /** Raw usage against the budget (see `gauges` for what the screen judges). */
  usage: BudgetUsage;
  status: RolloutStatus;
  phase: DeploymentPhase;
  gauges: { surge: JudgedGauge; unavailable: JudgedGauge };
  paused: boolean;
  images: string[];
  desired: number;
  updated: number;
  ready: number;
  available: number;
  conditions: V1DeploymentCondition[];
  pods: PodRow[];
  checklist: CheckResult[];
  pdbs: PdbSummary[];
  /** When the current revision's ReplicaSet was created (epoch ms). */
  rolloutStart?: number;
  /** The current revision replaced an older one with strategy Recreate: downtime by design. */
  byDesign: boolean;
  /** Receives the Service's traffic: false for an idle blue-green colour. */
  serving: boolean;
  /** The latest reading counted and was below the availability floor. */
  belowFloor: boolean;
  /** Set when the record misses the start of the current revision and the conditions cannot vouch for it. */
  watchedSince?: number;
  availability: AvailabilitySummary;
  history: AvailabilityHistory;
}

/** What the engine keeps of a Deployment from one flush to the next (see DeriveMemo). */
export interface TrackedHistory {
  revision?: number;
  /**
   * The replica count availability is judged against: a scale-up raises it only once the new
   * replicas are available (they never served, so their absence is no lost capacity); a
   * scale-down lowers it at once.
   */
  floorDesired?: number;
  /** This cockpit saw the current revision begin (the revision changed while it watched, or it was first seen being created). */
  sawStart: boolean;
  history: AvailabilityHistory;
  /** The last object-only view of this Deployment and the objects it was made from (reused while they are the same). */
  memo?: { inputs: unknown[]; view: DeploymentView };
  /** The last whole view, what it was judged with, and its second (see `tick`): reused while only the clock moved within that second. */
  made?: { view: DeploymentView; base: DeploymentView; serving: boolean; observedSince: number; second: number };
}

/**
 * The second a Deployment's clock-only changes are made in, offset by its uid so that a thousand
 * idle Deployments are not all made again in the same flush each second.
 */
function tick(now: number, uid: string): number {
  let h = 0;
  for (let i = 0; i < uid.length; i++) h = (h * 31 + uid.charCodeAt(i)) % 1000;
  return Math.floor((now + h) / 1000);
}

export interface Judging {
  now: number;
  serving: boolean;
  /** The kinds a release depends on have all synced: readings count. */
  synced: boolean;
  /** Start of this cockpit's unbroken watch (epoch ms). */
  observedSince: number;
}

/**
 * The view of one Deployment and what to carry to the next flush. Only the availability record
 * depends on earlier flushes; the rest is reused while its objects are the same.
 */
export function deploymentView(
  d: V1Deployment,
  owned: V1ReplicaSet[],
  pods: V1Pod[],
  traffic: ServiceTraffic | undefined,
  pdbs: V1PodDisruptionBudget[],
  tracked: TrackedHistory | undefined,
  judging: Judging,
): { view: DeploymentView; tracked: TrackedHistory | undefined } {
  const { now, serving } = judging;
  const minReady = d.spec?.minReadySeconds ?? 0;
  const second = tick(now, uidOf(d));
  // Availability after minReadySeconds moves with time alone: then the clock is an input too.
  // `pods` is one array per Deployment while none of them changed (see deploymentPods in derive.ts).
  const clock = minReady > 0 ? second : 0;
  const kept = tracked?.memo && sameObjectInputs(tracked.memo.inputs, d, traffic, clock, pods, owned, pdbs) ? tracked.memo : undefined;
  const memo = kept ?? { inputs: [d, traffic, clock, pods, ...owned, ...pdbs], view: objectView(d, owned, pods, traffic, pdbs, now) };
  const base = memo.view;
  const gauges = serving ? base.gauges : { surge: unjudged(base.gauges.surge), unavailable: unjudged(base.gauges.unavailable) };
  if (!judging.synced) return { view: { ...base, gauges, serving }, tracked };

  const usage = base.usage;
  const budget = usage.budget;
  const before = tracked?.floorDesired ?? usage.desired;
  const floorDesired = usage.desired <= before || usage.available >= usage.desired ? usage.desired : before;
  const sample = {
    t: now,
    available: usage.available,
    // Slices still catching up with pods that just turned Ready say nothing yet (no outage on record).
    readyEndpoints: serving && traffic && !endpointsCatchingUp(firstReadySince(base.pods), now) ? traffic.totalReady : undefined,
    desired: floorDesired,
    maxUnavailable: budget.ok ? budget.maxUnavailable : 0,
    judged: serving && PHASE_RULES[base.phase].recordsIncidents,
  };
  const toRevision = base.replicaSets.toRevision;
  const sameRevision = tracked !== undefined && tracked.revision === toRevision;
  // Nothing but the clock moved, within the same second: the last view stands (the record's last
  // point then reaches `until` a second late at most). A flush makes no new view per idle Deployment.
  const made = tracked?.made;
  const last = tracked?.history.points.at(-1);
  if (made && sameRevision && made.base === base && made.serving === serving && made.observedSince === judging.observedSince && made.second === second && last && sameReading(last, sample)) {
    return { view: made.view, tracked };
  }
  const history = appendSample(sameRevision ? tracked.history : emptyHistory, sample);
  // Seen from its start: the revision changed while watched, or it was first seen still being
  // created (a creation records no incidents, so nothing before the first reading could count).
  const sawStart = sameRevision ? tracked.sawStart : tracked !== undefined || base.phase === 'creating';
  const covered =
    sawStart ||
    (base.rolloutStart !== undefined && base.rolloutStart >= Math.floor(judging.observedSince / 1000) * 1000) ||
    availabilityKeptByConditions(d, base.rolloutStart, replacesOlder(base.replicaSets));
  const view: DeploymentView = {
    ...base,
    gauges,
    serving,
    belowFloor: isBudgetBreach(sample),
    watchedSince: covered ? undefined : judging.observedSince,
    history,
    availability: summarizeAvailability(history, !base.status.done),
  };
  return {
    view,
    tracked: { revision: toRevision, floorDesired, sawStart, history, memo, made: { view, base, serving, observedSince: judging.observedSince, second } },
  };
}

/** Whether an object view's inputs were these (as `[d, traffic, clock, pods, ...owned, ...pdbs]`), compared without making that array. */
function sameObjectInputs(inputs: readonly unknown[], d: V1Deployment, traffic: ServiceTraffic | undefined, clock: number, pods: V1Pod[], owned: readonly V1ReplicaSet[], pdbs: readonly V1PodDisruptionBudget[]): boolean {
  if (inputs.length !== 4 + owned.length + pdbs.length || inputs[0] !== d || inputs[1] !== traffic || inputs[2] !== clock || inputs[3] !== pods) return false;
  let i = 4;
  for (const rs of owned) if (inputs[i++] !== rs) return false;
  for (const pdb of pdbs) if (inputs[i++] !== pdb) return false;
  return true;
}

function unjudged(g: JudgedGauge): JudgedGauge {
  return { ...g, level: 'ok', judged: false };
}

/** Everything about a Deployment that depends only on its objects (not on the availability record). */
function objectView(d: V1Deployment, owned: V1ReplicaSet[], pods: V1Pod[], traffic: ServiceTraffic | undefined, pdbs: V1PodDisruptionBudget[], now: number): DeploymentView {
  const replicaSets = deploymentReplicaSets(d, owned);
  const usage = budgetUsage(d, owned, pods, now);
  const status = rolloutStatus(d);
  const phase = deploymentPhase(d, replicaSets, status);
  const judged = PHASE_RULES[phase].judgesBudget;
  const judge = (g: Gauge): JudgedGauge => (judged ? { ...g, judged } : { ...g, level: 'ok', judged });
  const revisionOfRs = new Map(owned.map((rs) => [nameOf(rs), revisionOf(rs)]));
  const labels = d.spec?.template?.metadata?.labels;
  return {
    uid: uidOf(d),
    name: nameOf(d),
    namespace: nsOf(d),
    deployment: d,
    replicaSets,
    usage,
    status,
    phase,
    gauges: { surge: judge(usage.surge), unavailable: judge(usage.unavailable) },
    paused: d.spec?.paused === true,
    images: (d.spec?.template?.spec?.containers ?? []).map((c) => c.image ?? ''),
    desired: d.spec?.replicas ?? 1,
    updated: d.status?.updatedReplicas ?? 0,
    ready: d.status?.readyReplicas ?? 0,
    available: d.status?.availableReplicas ?? 0,
    conditions: d.status?.conditions ?? [],
    pods: podRows(pods, nameOf(d), revisionOfRs, traffic),
    checklist: lintDeployment(d, pdbs),
    pdbs: pdbsForLabels(pdbs, labels).map(summarizePdb),
    rolloutStart: timestampMillis(replicaSets.newRS?.metadata?.creationTimestamp),
    byDesign: d.spec?.strategy?.type === 'Recreate' && replacesOlder(replicaSets),
    serving: true,
    belowFloor: false,
    availability: summarizeAvailability(emptyHistory, false),
    history: emptyHistory,
  };
}
