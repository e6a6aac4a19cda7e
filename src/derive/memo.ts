/**
 * What one derive leaves for the next: availability records by Deployment uid (state: a verdict
 * needs them), and caches that only save work (traffic per Service, the event index). The engine
 * owns one per watch and drops it when the watch starts over (namespace or context switch).
 */
import type { CoreV1Event, V1Pod } from '@kubernetes/client-node';
import { controllerRef, type Release } from '../model/index.js';
import type { TrackedHistory } from './deployments.js';
import type { EventIndex } from './events.js';
import type { AuditEventIndex, PairMemo } from './pair.js';
import type { ReleaseView } from './releases.js';
import type { TrafficMemo } from './services.js';
import { diffByKey, groupBy, nameOf, nsOf, type Diff } from './util.js';

/** Pods grouped by their controller's uid, and by namespace/name when asked; made once per pods array. */
export interface PodIndex {
  pods: V1Pod[];
  byOwner: Map<string | undefined, V1Pod[]>;
  /** A pod by `namespace/name`. */
  byKey(): ReadonlyMap<string, V1Pod>;
  /** The map byKey returns, with the pods array it holds: shared along the indexes that follow. */
  named?: { pods: V1Pod[]; map: Map<string, V1Pod> };
}

/**
 * Pods by owner. Given the index of the last pods array, only what changed is regrouped: an owner
 * whose pods are all the same objects keeps its list (the same array), so what is derived from
 * one owner's pods is reused until one of them changes. Pods by namespace/name are mapped when
 * first asked, then edited by each later index's changes (50,000 pods: a map made again on every
 * flush under churn was most of the flush).
 */
export function indexPods(pods: V1Pod[], previous?: PodIndex): PodIndex {
  const diff = previous ? diffByKey(previous.pods, pods, keyOf) : undefined;
  const byOwner = previous && diff ? regroup(previous.byOwner, diff) : groupBy(pods, ownerOf);
  const named = previous?.named;
  if (named && diff && named.pods === previous.pods) {
    for (const was of diff.removed) named.map.delete(keyOf(was));
    for (const [, now] of diff.replaced) named.map.set(keyOf(now), now);
    for (const now of diff.added) named.map.set(keyOf(now), now);
    named.pods = pods;
  }
  const index: PodIndex = {
    pods,
    byOwner,
    ...(named ? { named } : {}),
    byKey() {
      if (index.named?.pods !== pods) index.named = { pods, map: new Map(pods.map((p) => [keyOf(p), p])) };
      return index.named.map;
    },
  };
  return index;
}

const ownerOf = (p: V1Pod) => controllerRef(p)?.uid;
const keyOf = (p: V1Pod) => `${nsOf(p)}/${nameOf(p)}`;

/** The previous grouping, edited by what differs between the previous pods array and this one. */
function regroup(previous: ReadonlyMap<string | undefined, V1Pod[]>, diff: Diff<V1Pod>): Map<string | undefined, V1Pod[]> {
  const byOwner = new Map(previous);
  const edited = new Map<string | undefined, V1Pod[]>();
  const listOf = (owner: string | undefined): V1Pod[] => {
    let list = edited.get(owner);
    if (!list) {
      edited.set(owner, (list = [...(byOwner.get(owner) ?? [])]));
      byOwner.set(owner, list);
    }
    return list;
  };
  for (const was of diff.removed) {
    const list = listOf(ownerOf(was));
    const i = list.indexOf(was);
    if (i >= 0) list.splice(i, 1);
  }
  for (const [was, now] of diff.replaced) {
    const owner = ownerOf(now);
    const list = listOf(ownerOf(was));
    const i = list.indexOf(was);
    if (owner === ownerOf(was) && i >= 0) list[i] = now;
    else {
      if (i >= 0) list.splice(i, 1);
      listOf(owner).push(now);
    }
  }
  for (const now of diff.added) listOf(ownerOf(now)).push(now);
  for (const [owner, list] of edited) if (list.length === 0) byOwner.delete(owner);
  return byOwner;
}

/** A Deployment's pods (over its ReplicaSets) and the per-ReplicaSet lists they were joined from. */
export interface DeploymentPods {
  lists: V1Pod[][];
  pods: V1Pod[];
}

/** A release's events and what they were picked from. */
export interface ReleaseEvents {
  index: EventIndex;
  /** Each Deployment's uid, ReplicaSets and pod rows: the same arrays mean the same objects. */
  objects: unknown[];
  events: CoreV1Event[];
}

export class DeriveMemo {
  /** By Deployment uid. */
  histories: ReadonlyMap<string, TrackedHistory> = new Map();
  /** By namespace/name of the Service. */
  traffic: ReadonlyMap<string, TrafficMemo> = new Map();
  events?: EventIndex;
  pods?: PodIndex;
  /** By namespace/release name. */
  releaseEvents: ReadonlyMap<string, ReleaseEvents> = new Map();
  audit?: AuditEventIndex;
  /** By release key: leaders seen last and their hand-offs so far. */
  pairs: ReadonlyMap<string, PairMemo> = new Map();
  /** By Deployment uid. */
  deploymentPods: ReadonlyMap<string, DeploymentPods> = new Map();
  /** By namespace: the releases found and the shape of the objects they were found in. */
  releases: ReadonlyMap<string, { shape: string; releases: Release[] }> = new Map();
  /** By release key: the last view with its pair's and what both were made from (reused while the same). */
  releaseViews: ReadonlyMap<string, { inputs: unknown[]; view: ReleaseView }> = new Map();
}
