/**
 * The cockpit's view model, derived once per flush from a snapshot: releases with budgets,
 * phases, traffic and verdicts; services; jobs; events. Each kind has its module; this one
 * composes them. No I/O; `now`, the sync state and the observation window are passed in.
 */
import type { CoreV1Event, V1Deployment, V1Pod, V1ReplicaSet, V1Service } from '@kubernetes/client-node';
import { controllerRef, detectReleases, LabelIndex, type Release } from '../model/index.js';
import type { Snapshot } from './snapshot.js';
import { DeriveMemo } from './memo.js';
import { deploymentView, type DeploymentView, type TrackedHistory } from './deployments.js';
import { eventsAbout, indexEvents } from './events.js';
import { jobViews, type JobView } from './jobs.js';
import { isServing, releaseOrder, releaseTrafficState, releaseView, type ReleaseView } from './releases.js';
import { indexAuditEvents, leasesByNamespace, pairView, type PairMemo } from './pair.js';
import { namespaceTraffic, type ServiceView, type TrafficMemo } from './services.js';
import { groupBy, nameOf, nsOf, sameInputs, uidOf } from './util.js';
import { indexPods, type DeploymentPods, type ReleaseEvents } from './memo.js';

export { DeriveMemo } from './memo.js';
export type { DeploymentView, JudgedGauge, TrackedHistory } from './deployments.js';
export { eventTime } from './events.js';
export { MIGRATION_LABEL, type JobView } from './jobs.js';
export { podStatusText, type PodRow } from './pods.js';
export type { ReleaseCounts, ReleaseView } from './releases.js';
export type { DriverView, PairView, TimelineEntry } from './pair.js';
export type { ServiceView } from './services.js';
export type { ReleasePhase, ReleaseVerdict, VerdictLevel } from '../model/index.js';

export interface ViewModel {
  releases: ReleaseView[];
  services: ServiceView[];
  jobs: JobView[];
  events: CoreV1Event[];
  /** Some kind a release depends on has not synced yet. */
  syncing: boolean;
}

/** The kinds a release's numbers and verdict depend on: nothing is judged before all have synced. */
export const RELEASE_KINDS = ['deployments', 'replicasets', 'pods', 'services', 'endpointslices'] as const satisfies readonly (keyof Snapshot)[];

export interface DeriveContext {
  /** Whether a kind's informer has listed at least once; default: every kind has. */
  synced?: (kind: keyof Snapshot) => boolean;
  /** Start of the unbroken watch the records cover (epoch ms); default `now` (a one-off read). */
  observedSince?: number;
}

export function emptyViewModel(): ViewModel {
  return { releases: [], services: [], jobs: [], events: [], syncing: true };
}

/**
 * Derives the view model. `memo` holds what the last derive left (records and caches); this one
 * replaces its contents, so a flush costs about the work its changes need.
 */
export function deriveViewModel(snap: Snapshot, memo: DeriveMemo, now: number, context: DeriveContext = {}): ViewModel {
  const steps = deriveSteps(snap, memo, now, context);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

/** Releases derived between two steps of deriveSteps: fewer Deployments are derived in one step. */
export const RELEASES_PER_STEP = 20;

/**
 * deriveViewModel in steps (the indexes of pods and Events, each namespace's groups, then
 * RELEASES_PER_STEP releases at a time), so a caller can give the event loop (keys) a turn
 * between them at 50,000 pods. The memo is written at the end only: a derive left
 * unfinished changes nothing.
 */
export function* deriveSteps(snap: Snapshot, memo: DeriveMemo, now: number, context: DeriveContext = {}): Generator<void, ViewModel> {
  const syncing = context.synced ? !RELEASE_KINDS.every(context.synced) : false;
  const observedSince = context.observedSince ?? now;
  const nextHistories = new Map<string, TrackedHistory>();
  const nextTraffic = new Map<string, TrafficMemo>();
  const rsByOwner = groupBy(snap.replicasets, (rs) => controllerRef(rs)?.uid);
  // Pods are the many: their groupings are kept while the pods array is the same (a flush for a
  // Deployment, an Event or a clock tick touches no pod).
  const podIndex = memo.pods?.pods === snap.pods ? memo.pods : indexPods(snap.pods, memo.pods);
  const podsByOwner = podIndex.byOwner;
  // Many Deployments: a step for the pods' index, one for the Events', one per namespace's groups,
  // then RELEASES_PER_STEP releases at a time.
  const many = snap.deployments.length > RELEASES_PER_STEP;
  if (many) yield;
  const eventIndex = indexEvents(snap.events, memo.events);
  const nextReleaseEvents = new Map<string, ReleaseEvents>();
  const deploymentsByNs = groupBy(snap.deployments, nsOf);
  const servicesByNs = groupBy(snap.services, nsOf);
  const slicesByNs = groupBy(snap.endpointslices, nsOf);
  const pdbsByNs = groupBy(snap.poddisruptionbudgets, nsOf);
  const leasesByNs = leasesByNamespace(snap.leases);
  const audit = indexAuditEvents(snap.events, memo.audit);
  const nextPairs = new Map<string, PairMemo>();
  const nextDeploymentPods = new Map<string, DeploymentPods>();
  const nextReleases = new Map<string, { shape: string; releases: Release[] }>();
  const nextReleaseViews = new Map<string, { inputs: unknown[]; view: ReleaseView }>();
  if (many) yield;

  const releases: ReleaseView[] = [];
  const services: ServiceView[] = [];
  const namespaces = [...new Set([...deploymentsByNs.keys(), ...servicesByNs.keys()])].sort();
  for (const ns of namespaces) {
    const deployments = deploymentsByNs.get(ns) ?? [];
    const nsServices = servicesByNs.get(ns) ?? [];
    const rsToDeployment = new Map<string, string>();
    const podsOfDeployment = new Map<string, V1Pod[]>();
    const rsOfDeployment = new Map<string, V1ReplicaSet[]>();
    for (const d of deployments) {
      const owned = rsByOwner.get(uidOf(d)) ?? [];
      rsOfDeployment.set(nameOf(d), owned);
      for (const rs of owned) rsToDeployment.set(nameOf(rs), nameOf(d));
      const pods = deploymentPods(owned, podsByOwner, memo.deploymentPods.get(uidOf(d)));
      nextDeploymentPods.set(uidOf(d), pods);
      podsOfDeployment.set(nameOf(d), pods.pods);
    }
    const deploymentsByLabels = new LabelIndex(deployments, (d) => d.spec?.template?.metadata?.labels);
    const nsPods = { deployments: deploymentsByLabels, podsOfDeployment, podByName: (name: string) => podIndex.byKey().get(`${ns}/${name}`), rsToDeployment };
    const traffic = namespaceTraffic(ns, nsServices, slicesByNs.get(ns) ?? [], nsPods, memo.traffic, nextTraffic);
    const deploymentByName = new Map(deployments.map((d) => [nameOf(d), d]));
    const serviceByName = new Map(nsServices.map((s) => [nameOf(s), s]));
    services.push(...traffic.views);
    const found = releasesOf(deployments, nsServices, memo.releases.get(ns));
    nextReleases.set(ns, found);
    if (deployments.length > RELEASES_PER_STEP) yield;

    for (const release of found.releases) {
      const serviceTraffic = release.service ? traffic.byService.get(release.service) : undefined;
      const views = releaseOrder(release).map((name) => {
        const d = deploymentByName.get(name)!;
        const judging = { now, serving: isServing(release, name), synced: !syncing, observedSince };
        const out = deploymentView(d, rsOfDeployment.get(name) ?? [], podsOfDeployment.get(name) ?? [], serviceTraffic, pdbsByNs.get(ns) ?? [], memo.histories.get(uidOf(d)), judging);
        if (out.tracked) nextHistories.set(uidOf(d), out.tracked);
        return out.view;
      });
      const service = release.service ? serviceByName.get(release.service) : undefined;
      const key = `${ns}/${release.name}`;
      const viewKey = `${ns}/${release.kind}/${release.name}`;
      const was = memo.releaseEvents.get(key);
      const same = was && sameObjects(was.objects, views) && (was.index === eventIndex || (memo.events === was.index && !anyChanged(views, eventIndex.changed)));
      const events = same ? { ...was, index: eventIndex } : { index: eventIndex, objects: objectsOf(views), events: eventsAbout(uidsOf(views), eventIndex) };
      nextReleaseEvents.set(key, events);
      const names = releaseOrder(release);
      const pair = pairView(
        {
          namespace: ns,
          release: release.name,
          objects: release.service ? [...names, release.service] : names,
          leases: leasesByNs.get(ns) ?? [],
          workloads: () => ({
            pods: names.flatMap((n) => podsOfDeployment.get(n) ?? []),
            deployments: names.map((n) => deploymentByName.get(n)!),
            replicaSets: names.flatMap((n) => rsOfDeployment.get(n) ?? []),
          }),
          audit,
          now,
        },
        memo.pairs.get(viewKey),
      );
      nextPairs.set(viewKey, pair.memo);
      // An idle release keeps its view object (and its rows their render) while only the clock moved.
      const state = releaseTrafficState(release, views, serviceTraffic, syncing, now);
      const inputs = [release, service, serviceTraffic, syncing, events.events, state, pair.view, ...views];
      const shown = memo.releaseViews.get(viewKey);
      const view = shown && sameInputs(shown.inputs, inputs) ? shown.view : { ...releaseView(ns, release, views, service, serviceTraffic, syncing, events.events, state), ...pair.view };
      nextReleaseViews.set(viewKey, { inputs, view });
      releases.push(view);
      if (releases.length % RELEASES_PER_STEP === 0) yield;
    }
  }

  memo.histories = nextHistories;
  memo.traffic = nextTraffic;
  memo.events = eventIndex;
  memo.pods = podIndex;
  memo.releaseEvents = nextReleaseEvents;
  memo.deploymentPods = nextDeploymentPods;
  memo.releases = nextReleases;
  memo.audit = audit;
  memo.pairs = nextPairs;
  memo.releaseViews = nextReleaseViews;
  return { releases, services, jobs: jobViews(snap.jobs), events: eventIndex.newest, syncing };
}

const NO_PODS: V1Pod[] = [];

/**
 * Whether `test` holds for one of the uids a release's events are about: its Deployments', their
 * ReplicaSets' and pods'. Plain loops: it runs for every release on every flush that changed an
 * Event, and a generator made an object per uid (50,000 per flush).
 */
function someUid(views: readonly DeploymentView[], test: (uid: string) => boolean): boolean {
  for (const v of views) {
    if (test(v.uid)) return true;
    for (const rs of v.replicaSets.owned) if (test(uidOf(rs))) return true;
    for (const p of v.pods) if (test(p.uid)) return true;
  }
  return false;
}

function uidsOf(views: readonly DeploymentView[]): string[] {
  const out: string[] = [];
  someUid(views, (uid) => (out.push(uid), false));
  return out;
}

/** A release's objects, for its events: the same while its Deployments' ReplicaSets and pod rows are. */
function objectsOf(views: readonly DeploymentView[]): unknown[] {
  const out: unknown[] = [];
  for (const v of views) out.push(v.uid, v.replicaSets.owned, v.pods);
  return out;
}

/** Whether objectsOf(views) would equal `objects` (compared without making it: every release, every flush). */
function sameObjects(objects: readonly unknown[], views: readonly DeploymentView[]): boolean {
  if (objects.length !== 3 * views.length) return false;
  let i = 0;
  for (const v of views) if (objects[i++] !== v.uid || objects[i++] !== v.replicaSets.owned || objects[i++] !== v.pods) return false;
  return true;
}

/** Whether any of a release's uids has events that changed. */
function anyChanged(views: readonly DeploymentView[], changed: ReadonlySet<string | undefined> | undefined): boolean {
  if (!changed) return true;
  if (changed.size === 0) return false;
  return someUid(views, (uid) => changed.has(uid));
}

/** A Deployment's pods over its ReplicaSets: the previous array while every ReplicaSet's list is the same. */
function deploymentPods(owned: readonly V1ReplicaSet[], podsByOwner: ReadonlyMap<string | undefined, V1Pod[]>, previous: DeploymentPods | undefined): DeploymentPods {
  const lists = owned.map((rs) => podsByOwner.get(uidOf(rs)) ?? NO_PODS);
  if (previous && sameInputs(previous.lists, lists)) return previous;
  return { lists, pods: lists.length === 1 ? lists[0] : lists.flat() };
}

/**
 * A namespace's releases, found again only when a Deployment's name or template labels, or a
 * Service's name or selector, changed (their status changes on every pod that turns Ready).
 */
function releasesOf(deployments: readonly V1Deployment[], services: readonly V1Service[], previous: { shape: string; releases: Release[] } | undefined): { shape: string; releases: Release[] } {
  const shape = `${deployments.map(deploymentShape).join('\n')}\n\n${services.map(serviceShape).join('\n')}`;
  if (previous?.shape === shape) return previous;
  return { shape, releases: detectReleases(deployments, services) };
}

/** Computed once per object: informers replace objects on change, never mutate them. */
const shapes = new WeakMap<object, string>();

function shapeOf<T extends object>(o: T, describe: (o: T) => string): string {
  let s = shapes.get(o);
  if (s === undefined) shapes.set(o, (s = describe(o)));
  return s;
}

const deploymentShape = (d: V1Deployment) => shapeOf(d, (x) => `${nsOf(x)}/${nameOf(x)} ${JSON.stringify(x.spec?.template?.metadata?.labels ?? {})}`);
const serviceShape = (svc: V1Service) => shapeOf(svc, (x) => `${nsOf(x)}/${nameOf(x)} ${JSON.stringify(x.spec?.selector ?? null)}`);
