/** Releases: a rolling Deployment, a canary pair or a blue-green pair, judged as one. */
import type { CoreV1Event, V1Service } from '@kubernetes/client-node';
import {
  clockTime,
  releasePhase,
  releaseVerdict,
  trafficState,
  type Release,
  type ReleasePhase,
  type ReleaseVerdict,
  type ServiceTraffic,
  type SideState,
  type TrafficState,
} from '../model/index.js';
import type { DeploymentView } from './deployments.js';
import { firstReadySince } from './pods.js';
import type { PairView } from './pair.js';

export interface ReleaseCounts {
  desired: number;
  updated: number;
  ready: number;
  available: number;
}

export interface ReleaseView extends Partial<PairView> {
  /** namespace/kind/name */
  key: string;
  namespace: string;
  name: string;
  release: Release;
  /** For pairs: stable then canary, or live then idle. */
  deployments: DeploymentView[];
  /** The Deployment that moves, else the canary or the live colour: the one actions act on by default. */
  primary: DeploymentView;
  service?: V1Service;
  traffic?: ServiceTraffic;
  /** `canary 10%` or `live blue`; empty for a plain rolling release. */
  trafficText: string;
  /** The release's numbers: summed over a canary pair, the live colour's for blue-green. */
  counts: ReleaseCounts;
  /** Blue-green: the idle colour's readiness. */
  idle?: { name: string; colour: string; ready: number; desired: number };
  phase: ReleasePhase;
  /** The Service's state for the serving sides; undefined while syncing. */
  trafficState?: TrafficState;
  verdict: ReleaseVerdict;
  moving: boolean;
  /** The kinds the release depends on have not all synced: nothing is judged yet. */
  syncing: boolean;
  events: CoreV1Event[];
}

/** The order a release's Deployments are listed in: stable then canary, live then idle. */
export function releaseOrder(release: Release): string[] {
  if (release.kind === 'canary') return [release.stable, release.canary];
  if (release.kind === 'bluegreen') return [release.live, release.idle];
  return [release.deployment];
}

/** Whether a Deployment of the release receives its Service's traffic (an idle colour does not). */
export function isServing(release: Release, deployment: string): boolean {
  return release.kind !== 'bluegreen' || release.live === deployment;
}

/** The Service's state for a release's serving sides; undefined while syncing. */
export function releaseTrafficState(release: Release, views: DeploymentView[], traffic: ServiceTraffic | undefined, syncing: boolean, now: number): TrafficState | undefined {
  if (syncing) return undefined;
  let belowFloor = false;
  let readySince: number | undefined;
  for (const v of views) {
    if (!v.serving) continue;
    belowFloor ||= v.belowFloor;
    const since = firstReadySince(v.pods);
    if (since !== undefined && (readySince === undefined || since < readySince)) readySince = since;
  }
  if (!traffic) return belowFloor ? 'below-floor' : 'serving';
  return trafficState(traffic.totalReady, wanted(release, views), belowFloor, readySince, now);
}

/** A release's view: a function of its Deployments' views, its Service and the traffic state alone (no clock), so it is reused while they are the same. */
export function releaseView(
  namespace: string,
  release: Release,
  views: DeploymentView[],
  service: V1Service | undefined,
  traffic: ServiceTraffic | undefined,
  syncing: boolean,
  events: CoreV1Event[],
  state: TrafficState | undefined,
): ReleaseView {
  const moving = views.some((v) => !v.status.done);
  const primary = views.find((v) => !v.status.done) ?? (release.kind === 'canary' ? views[1] : views[0]);
  const sides: SideState[] = views.map((v) => ({ phase: v.phase, serving: v.serving, record: v.availability.verdict, byDesign: v.byDesign, watchedSince: v.watchedSince }));
  const idle = release.kind === 'bluegreen' ? views[1] : undefined;
  return {
    key: `${namespace}/${release.kind}/${release.name}`,
    namespace,
    name: release.name,
    release,
    deployments: views,
    primary,
    service,
    traffic,
    trafficText: trafficText(release, traffic),
    counts: sumCounts(release.kind === 'bluegreen' ? [views[0]] : views),
    ...(idle && release.kind === 'bluegreen' ? { idle: { name: idle.name, colour: release.idleValue, ready: idle.ready, desired: idle.desired } } : {}),
    phase: releasePhase(sides, syncing),
    trafficState: state,
    verdict: releaseVerdict(sides, state, syncing, clockTime),
    moving,
    syncing,
    events,
  };
}

/**
 * Pods the release wants behind its Service: every side's, so a live colour scaled to 0 while the
 * idle one runs is an outage, and a release parked at 0 on every side is not.
 */
function wanted(release: Release, views: DeploymentView[]): number {
  return release.kind === 'bluegreen' ? Math.max(views[0].desired, views[1].desired) : views.reduce((n, v) => n + v.desired, 0);
}

function sumCounts(views: DeploymentView[]): ReleaseCounts {
  const out = { desired: 0, updated: 0, ready: 0, available: 0 };
  for (const v of views) {
    out.desired += v.desired;
    out.updated += v.updated;
    out.ready += v.ready;
    out.available += v.available;
  }
  return out;
}

/** The canary's share of ready endpoints, or the live colour. */
function trafficText(release: Release, traffic: ServiceTraffic | undefined): string {
  if (release.kind === 'bluegreen') return `live ${release.liveValue}`;
  if (release.kind === 'canary') {
    const canary = traffic?.byDeployment.find((t) => t.deployment === release.canary);
    return `canary ${Math.round((canary?.share ?? 0) * 100)}%`;
  }
  return '';
}
