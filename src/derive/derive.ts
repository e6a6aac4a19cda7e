/**
 * The cockpit's view model, derived once per flush from a snapshot: releases with budgets,
 * rollout status, traffic and verdicts; services; jobs; events. Pure: no I/O, `now` passed in.
 */
import type { CoreV1Event, V1Deployment, V1DeploymentCondition, V1Job, V1Pod, V1ReplicaSet, V1Service } from '@kubernetes/client-node';
import {
  appendSample,
  budgetUsage,
  controllerRef,
  deploymentReplicaSets,
  detectReleases,
  emptyHistory,
  equalitySelectorMatches,
  formatEqualitySelector,
  SERVICE_NAME_LABEL,
  isTerminating,
  lintDeployment,
  pdbsForLabels,
  revisionOf,
  rolloutStatus,
  serviceTraffic,
  summarizeAvailability,
  summarizePdb,
  timestampMillis,
  type AvailabilityHistory,
  type AvailabilitySummary,
  type BudgetUsage,
  type CheckResult,
  type DeploymentReplicaSets,
  type PdbSummary,
  type PodTrafficState,
  type Release,
  type RolloutStatus,
  type ServiceTraffic,
} from '../model/index.js';
import type { Snapshot } from './snapshot.js';

export interface PodRow {
  uid: string;
  name: string;
  namespace: string;
  deployment?: string;
  replicaSet?: string;
  revision?: number;
  /** As kubectl's STATUS column: Running, Pending, ContainerCreating, CrashLoopBackOff, Terminating, ... */
  status: string;
  ready: string; // "1/1"
  isReady: boolean;
  restarts: number;
  created?: number;
  node?: string;
  /** Traffic state through the release's Service; undefined when the release has no Service. */
  endpoint?: PodTrafficState;
  terminating: boolean;
}

export interface DeploymentView {
  uid: string;
  name: string;
  namespace: string;
  deployment: V1Deployment;
  replicaSets: DeploymentReplicaSets;
  usage: BudgetUsage;
  status: RolloutStatus;
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
  availability: AvailabilitySummary;
  history: AvailabilityHistory;
}

export type VerdictLevel = 'ok' | 'progress' | 'warn' | 'fail';

export interface ReleaseView {
  /** namespace/kind/name */
  key: string;
  namespace: string;
  name: string;
  release: Release;
  /** For pairs: stable then canary, or live then idle. */
  deployments: DeploymentView[];
  /** The Deployment the row's numbers describe: the one rolling, else the canary or the live colour. */
  primary: DeploymentView;
  service?: V1Service;
  traffic?: ServiceTraffic;
  /** `canary 10%` or `live blue`; empty for a plain rolling release. */
  trafficText: string;
  verdict: { text: string; level: VerdictLevel };
  moving: boolean;
  events: CoreV1Event[];
}

export interface ServiceView {
  key: string;
  namespace: string;
  name: string;
  selector: string;
  traffic: ServiceTraffic;
}

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

export interface ViewModel {
  releases: ReleaseView[];
  services: ServiceView[];
  jobs: JobView[];
  events: CoreV1Event[];
  /** Availability histories (and memoised views) by Deployment uid, carried to the next flush. */
  histories: Map<string, TrackedHistory>;
  /** Service traffic by namespace/name with its inputs, carried to the next flush. */
  traffic?: Map<string, TrafficMemo>;
  /** Events newest first and by object uid, reused while the events array is the same. */
  eventIndex?: EventIndex;
}

interface EventIndex {
  events: CoreV1Event[];
  stamped: { t: number; e: CoreV1Event }[];
  byUid: Map<string | undefined, { t: number; e: CoreV1Event }[]>;
  newest: CoreV1Event[];
}

function indexEvents(events: CoreV1Event[], previous: EventIndex | undefined): EventIndex {
  if (previous?.events === events) return previous;
  // Events are many (tens of thousands on a busy namespace): stamp each once, newest first.
  const stamped = events.map((e) => ({ t: eventTime(e), e })).sort((a, b) => b.t - a.t);
  return { events, stamped, byUid: groupBy(stamped, (x) => x.e.involvedObject?.uid), newest: stamped.slice(0, EVENT_LIMIT).map((x) => x.e) };
}

export interface TrackedHistory {
  revision?: number;
  /**
   * Judging starts once the Deployment first reaches its minimum availability (and, with a
   * Service, a ready endpoint): a Deployment being created has no availability to keep yet.
   */
  judging: boolean;
  /**
   * The replica count availability is judged against: a scale-up raises it only once the new
   * replicas are available (they never served, so their absence is no lost capacity); a
   * scale-down lowers it at once.
   */
  floorDesired?: number;
  history: AvailabilityHistory;
  /** The last view of this Deployment and the objects it was made from (reused while they are the same). */
  memo?: { inputs: unknown[]; view: DeploymentView };
}

interface TrafficMemo {
  inputs: unknown[];
  traffic: ServiceTraffic;
}

/** Same length and the same object at every position: informers replace objects on change, never mutate them. */
function sameInputs(a: readonly unknown[] | undefined, b: readonly unknown[]): boolean {
  if (!a || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

export const MIGRATION_LABEL = 'cutover.io/migration-for';
const EVENT_LIMIT = 500;
const RELEASE_EVENT_LIMIT = 60;

export function emptyViewModel(): ViewModel {
  return { releases: [], services: [], jobs: [], events: [], histories: new Map() };
}

const nsOf = (o: { metadata?: { namespace?: string } }) => o.metadata?.namespace ?? '';
const nameOf = (o: { metadata?: { name?: string } }) => o.metadata?.name ?? '';
const uidOf = (o: { metadata?: { uid?: string } }) => o.metadata?.uid ?? '';

/**
 * `previous` is the last flush's view model (or just its histories): what did not change since is
 * reused, so a flush costs about the work the changes need.
 */
export function deriveViewModel(snap: Snapshot, prior: ViewModel | Map<string, TrackedHistory>, now: number): ViewModel {
  const previous = prior instanceof Map ? prior : prior.histories;
  const previousTraffic = prior instanceof Map ? undefined : prior.traffic;
  const trafficMemo = new Map<string, TrafficMemo>();
  const rsByOwner = groupBy(snap.replicasets, (rs) => controllerRef(rs)?.uid);
  const podsByOwner = groupBy(snap.pods, (p) => controllerRef(p)?.uid);
  const eventIndex = indexEvents(snap.events, prior instanceof Map ? undefined : prior.eventIndex);
  const { byUid: eventsByUid } = eventIndex;
  const histories = new Map<string, TrackedHistory>();
  const deploymentsByNs = groupBy(snap.deployments, nsOf);
  const servicesByNs = groupBy(snap.services, nsOf);
  const slicesByNs = groupBy(snap.endpointslices, nsOf);
  const pdbsByNs = groupBy(snap.poddisruptionbudgets, nsOf);
  const podsByNs = groupBy(snap.pods, nsOf);

  const releases: ReleaseView[] = [];
  const services: ServiceView[] = [];
  const namespaces = [...new Set([...deploymentsByNs.keys(), ...servicesByNs.keys()])].sort();
  for (const ns of namespaces) {
    const deployments = deploymentsByNs.get(ns) ?? [];
    const nsServices = servicesByNs.get(ns) ?? [];
    const slices = slicesByNs.get(ns) ?? [];
    const rsToDeployment = new Map<string, string>();
    const podsOfDeployment = new Map<string, V1Pod[]>();
    const rsOfDeployment = new Map<string, V1ReplicaSet[]>();
    for (const d of deployments) {
      const owned = rsByOwner.get(uidOf(d)) ?? [];
      rsOfDeployment.set(nameOf(d), owned);
      const pods: V1Pod[] = [];
      for (const rs of owned) {
        rsToDeployment.set(nameOf(rs), nameOf(d));
        pods.push(...(podsByOwner.get(uidOf(rs)) ?? []));
      }
      podsOfDeployment.set(nameOf(d), pods);
    }
    const podsByName = new Map((podsByNs.get(ns) ?? []).map((p) => [nameOf(p), p]));
    const slicesOf = groupBy(slices, (sl) => sl.metadata?.labels?.[SERVICE_NAME_LABEL]);
    const trafficOf = new Map<string, ServiceTraffic>();
    for (const svc of nsServices) {
      if (!svc.spec?.selector || Object.keys(svc.spec.selector).length === 0) continue;
      // Only the pods that matter to this Service: those its endpoints name and those of the Deployments it selects.
      const svcSlices = slicesOf.get(nameOf(svc)) ?? [];
      const pods = new Set<V1Pod>();
      for (const sl of svcSlices) for (const e of sl.endpoints ?? []) {
        const pod = e.targetRef?.name ? podsByName.get(e.targetRef.name) : undefined;
        if (pod) pods.add(pod);
      }
      for (const d of deployments) {
        if (equalitySelectorMatches(svc.spec.selector, d.spec?.template?.metadata?.labels)) for (const p of podsOfDeployment.get(nameOf(d)) ?? []) pods.add(p);
      }
      const key = `${ns}/${nameOf(svc)}`;
      const owners = [...pods].map((p) => controllerRef(p)?.name).map((rs) => (rs ? rsToDeployment.get(rs) : undefined));
      const inputs = [svc, ...svcSlices, ...pods, ...owners];
      const memo = previousTraffic?.get(key);
      const traffic = memo && sameInputs(memo.inputs, inputs) ? memo.traffic : serviceTraffic({ service: nameOf(svc), namespace: ns, slices: svcSlices, pods, deploymentOfReplicaSet: rsToDeployment });
      trafficMemo.set(key, { inputs, traffic });
      trafficOf.set(nameOf(svc), traffic);
      services.push({ key: `${ns}/${nameOf(svc)}`, namespace: ns, name: nameOf(svc), selector: formatEqualitySelector(svc.spec.selector), traffic });
    }

    for (const release of detectReleases(deployments, nsServices)) {
      const traffic = release.service ? trafficOf.get(release.service) : undefined;
      const order = release.kind === 'canary' ? [release.stable, release.canary] : release.kind === 'bluegreen' ? [release.live, release.idle] : [release.deployment];
      const views = order.map((name) => {
        const d = deployments.find((x) => nameOf(x) === name)!;
        return deploymentView(d, rsOfDeployment.get(name) ?? [], podsOfDeployment.get(name) ?? [], traffic, pdbsByNs.get(ns) ?? [], previous, histories, now);
      });
      const moving = views.some((v) => !v.status.done);
      const primary =
        views.find((v) => !v.status.done) ?? (release.kind === 'canary' ? views[1] : views[0]);
      releases.push({
        key: `${ns}/${release.kind}/${release.name}`,
        namespace: ns,
        name: release.name,
        release,
        deployments: views,
        primary,
        service: release.service ? nsServices.find((s) => nameOf(s) === release.service) : undefined,
        traffic,
        trafficText: trafficText(release, traffic),
        verdict: verdictOf(views, traffic),
        moving,
        events: releaseEvents(views, eventsByUid),
      });
    }
  }

  return {
    releases,
    services,
    jobs: snap.jobs.map(jobView).sort(byNsName),
    events: eventIndex.newest,
    histories,
    traffic: trafficMemo,
    eventIndex,
  };
}

function deploymentView(
  d: V1Deployment,
  owned: V1ReplicaSet[],
  pods: V1Pod[],
  traffic: ServiceTraffic | undefined,
  pdbs: Snapshot['poddisruptionbudgets'],
  previous: Map<string, TrackedHistory>,
  histories: Map<string, TrackedHistory>,
  now: number,
): DeploymentView {
  const tracked = previous.get(uidOf(d));
  const minReady = d.spec?.minReadySeconds ?? 0;
  // Availability after minReadySeconds moves with time alone: then the clock is an input too.
  const inputs: unknown[] = [d, traffic, minReady > 0 ? Math.floor(now / 1000) : 0, ...owned, ...pods, ...pdbs];
  const base = tracked?.memo && sameInputs(tracked.memo.inputs, inputs) ? tracked.memo.view : computeDeploymentView(d, owned, pods, traffic, pdbs, now);

  const usage = base.usage;
  const budget = usage.budget;
  const readyEndpoints = traffic ? traffic.totalReady : undefined;
  const before = tracked?.floorDesired ?? usage.desired;
  const floorDesired = usage.desired <= before || usage.available >= usage.desired ? usage.desired : before;
  const sample = {
    t: now,
    available: usage.available,
    readyEndpoints,
    desired: floorDesired,
    maxUnavailable: budget.ok ? budget.maxUnavailable : 0,
  };
  const toRevision = base.replicaSets.toRevision;
  const judging = tracked?.judging || (sample.available >= sample.desired - sample.maxUnavailable && (readyEndpoints === undefined || readyEndpoints > 0 || sample.desired === 0));
  const prior = tracked && tracked.revision === toRevision ? tracked.history : emptyHistory;
  const history = judging ? appendSample(prior, sample) : prior;
  const view = { ...base, history, availability: summarizeAvailability(history, !base.status.done) };
  histories.set(uidOf(d), { revision: toRevision, judging, floorDesired, history, memo: { inputs, view: base } });
  return view;
}

/** Everything about a Deployment that depends only on its objects (not on the availability record). */
function computeDeploymentView(
  d: V1Deployment,
  owned: V1ReplicaSet[],
  pods: V1Pod[],
  traffic: ServiceTraffic | undefined,
  pdbs: Snapshot['poddisruptionbudgets'],
  now: number,
): DeploymentView {
  const replicaSets = deploymentReplicaSets(d, owned);
  const usage = budgetUsage(d, owned, pods, now);
  const status = rolloutStatus(d);
  const revisionOfRs = new Map(owned.map((rs) => [nameOf(rs), revisionOf(rs)]));
  const podRows = pods.map((p) => podRow(p, nameOf(d), revisionOfRs, traffic)).sort((a, b) => (b.revision ?? 0) - (a.revision ?? 0) || a.name.localeCompare(b.name));
  const labels = d.spec?.template?.metadata?.labels;
  return {
    uid: uidOf(d),
    name: nameOf(d),
    namespace: nsOf(d),
    deployment: d,
    replicaSets,
    usage,
    status,
    paused: d.spec?.paused === true,
    images: (d.spec?.template?.spec?.containers ?? []).map((c) => c.image ?? ''),
    desired: d.spec?.replicas ?? 1,
    updated: d.status?.updatedReplicas ?? 0,
    ready: d.status?.readyReplicas ?? 0,
    available: d.status?.availableReplicas ?? 0,
    conditions: d.status?.conditions ?? [],
    pods: podRows,
    checklist: lintDeployment(d, pdbs),
    pdbs: pdbsForLabels(pdbs, labels).map(summarizePdb),
    availability: summarizeAvailability(emptyHistory, false),
    history: emptyHistory,
  };
}

function podRow(p: V1Pod, deployment: string, revisionOfRs: Map<string, number | undefined>, traffic: ServiceTraffic | undefined): PodRow {
  const statuses = p.status?.containerStatuses ?? [];
  const total = p.spec?.containers?.length ?? statuses.length;
  const readyCount = statuses.filter((c) => c.ready).length;
  const rs = controllerRef(p)?.name;
  return {
    uid: uidOf(p),
    name: nameOf(p),
    namespace: nsOf(p),
    deployment,
    replicaSet: rs,
    revision: rs ? revisionOfRs.get(rs) : undefined,
    status: podStatusText(p),
    ready: `${readyCount}/${total}`,
    isReady: p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false,
    restarts: statuses.reduce((n, c) => n + (c.restartCount ?? 0), 0),
    created: timestampMillis(p.metadata?.creationTimestamp),
    node: p.spec?.nodeName,
    endpoint: traffic ? (traffic.podStates.get(nameOf(p)) ?? 'none') : undefined,
    terminating: isTerminating(p),
  };
}

/** kubectl's STATUS column, simplified: Terminating wins, then a container's waiting/terminated reason, then the phase. */
export function podStatusText(p: V1Pod): string {
  if (p.metadata?.deletionTimestamp) return 'Terminating';
  for (const c of p.status?.containerStatuses ?? []) {
    const reason = c.state?.waiting?.reason ?? c.state?.terminated?.reason;
    if (reason && !(c.state?.terminated && p.status?.phase === 'Succeeded')) return reason;
  }
  return p.status?.phase ?? 'Pending';
}

function trafficText(release: Release, traffic: ServiceTraffic | undefined): string {
  if (release.kind === 'bluegreen') return `live ${release.liveValue}`;
  if (release.kind === 'canary') {
    const canary = traffic?.byDeployment.find((t) => t.deployment === release.canary);
    return `canary ${Math.round((canary?.share ?? 0) * 100)}%`;
  }
  return '';
}

function verdictOf(views: DeploymentView[], traffic: ServiceTraffic | undefined): { text: string; level: VerdictLevel } {
  const failed = views.find((v) => v.status.failed);
  if (failed) return { text: 'deadline exceeded', level: 'fail' };
  if (traffic && traffic.noReadyEndpoints && views.some((v) => v.desired > 0)) return { text: 'no ready endpoints', level: 'fail' };
  const outage = views.find((v) => v.availability.verdict === 'traffic-outage');
  if (outage) return { text: 'traffic outage', level: 'fail' };
  const breach = views.find((v) => v.availability.verdict === 'budget-breached');
  if (breach) return { text: 'budget breached', level: 'warn' };
  if (views.some((v) => v.paused)) return { text: 'paused', level: 'warn' };
  if (views.some((v) => !v.status.done)) return { text: 'rolling', level: 'progress' };
  return { text: 'zero downtime kept', level: 'ok' };
}

function releaseEvents(views: DeploymentView[], eventsByUid: Map<string | undefined, { t: number; e: CoreV1Event }[]>): CoreV1Event[] {
  const uids = new Set<string>();
  for (const v of views) {
    uids.add(v.uid);
    for (const rs of v.replicaSets.owned) uids.add(uidOf(rs));
    for (const p of v.pods) uids.add(p.uid);
  }
  const out: { t: number; e: CoreV1Event }[] = [];
  for (const uid of uids) {
    const list = eventsByUid.get(uid);
    if (list) for (const x of list) out.push(x);
  }
  return out.sort((a, b) => b.t - a.t).slice(0, RELEASE_EVENT_LIMIT).map((x) => x.e);
}

/** Parsed once per event object: informer objects are replaced, never mutated, on change. */
const eventTimes = new WeakMap<CoreV1Event, number>();

export function eventTime(e: CoreV1Event): number {
  let t = eventTimes.get(e);
  if (t === undefined) {
    t = timestampMillis(e.lastTimestamp) ?? timestampMillis(e.eventTime as unknown as string) ?? timestampMillis(e.firstTimestamp) ?? timestampMillis(e.metadata?.creationTimestamp) ?? 0;
    eventTimes.set(e, t);
  }
  return t;
}

function jobView(job: V1Job): JobView {
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

const byNsName = (a: { namespace: string; name: string }, b: { namespace: string; name: string }) =>
  a.namespace.localeCompare(b.namespace) || a.name.localeCompare(b.name);

function groupBy<T, K>(items: Iterable<T>, key: (t: T) => K): Map<K, T[]> {
  const out = new Map<K, T[]>();
  for (const item of items) {
    const k = key(item);
    let list = out.get(k);
    if (!list) out.set(k, (list = []));
    list.push(item);
  }
  return out;
}
