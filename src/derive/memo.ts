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
import type { TrafficMemo } from './services.js';
import { groupBy, nameOf, nsOf, sameInputs } from './util.js';

/** Pods grouped by their controller's uid and by namespace and name; made once per pods array. */
export interface PodIndex {
  pods: V1Pod[];
  byOwner: Map<string | undefined, V1Pod[]>;
  byName(ns: string): Map<string, V1Pod>;
}

/**
 * An owner whose pods are the same objects as in `previous` keeps its list (the same array), so
 * what is derived from one owner's pods is reused until one of them changes. Pods by name are
 * grouped only when asked for.
 */
export function indexPods(pods: V1Pod[], previous?: PodIndex): PodIndex {
  const byOwner = groupBy(pods, (p) => controllerRef(p)?.uid);
  if (previous) {
    for (const [owner, list] of byOwner) {
      const was = previous.byOwner.get(owner);
      if (was && sameInputs(was, list)) byOwner.set(owner, was);
    }
  }
  let byNs: Map<string, V1Pod[]> | undefined;
  const byName = new Map<string, Map<string, V1Pod>>();
  return {
    pods,
    byOwner,
    byName(ns) {
      let m = byName.get(ns);
      if (!m) {
        byNs ??= groupBy(pods, nsOf);
        byName.set(ns, (m = new Map((byNs.get(ns) ?? []).map((p) => [nameOf(p), p]))));
      }
      return m;
    },
  };
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
}
