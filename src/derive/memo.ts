/**
 * What one derive leaves for the next: availability records by Deployment uid (state: a verdict
 * needs them), and caches that only save work (traffic per Service, the event index). The engine
 * owns one per watch and drops it when the watch starts over (namespace or context switch).
 */
import type { CoreV1Event, V1Pod } from '@kubernetes/client-node';
import { controllerRef } from '../model/index.js';
import type { TrackedHistory } from './deployments.js';
import type { EventIndex } from './events.js';
import type { AuditEventIndex, PairMemo } from './pair.js';
import type { TrafficMemo } from './services.js';
import { groupBy, nameOf, nsOf } from './util.js';

/** Pods grouped by their controller's uid and by namespace and name; made once per pods array. */
export interface PodIndex {
  pods: V1Pod[];
  byOwner: Map<string | undefined, V1Pod[]>;
  byName(ns: string): Map<string, V1Pod>;
}

export function indexPods(pods: V1Pod[]): PodIndex {
  const byNs = groupBy(pods, nsOf);
  const byName = new Map<string, Map<string, V1Pod>>();
  return {
    pods,
    byOwner: groupBy(pods, (p) => controllerRef(p)?.uid),
    byName(ns) {
      let m = byName.get(ns);
      if (!m) byName.set(ns, (m = new Map((byNs.get(ns) ?? []).map((p) => [nameOf(p), p]))));
      return m;
    },
  };
}

/** A release's events and what they were picked from. */
export interface ReleaseEvents {
  index: EventIndex;
  uids: string[];
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
}
