/**
 * What one derive leaves for the next: availability records by Deployment uid (state: a verdict
 * needs them), and caches that only save work (traffic per Service, the event index). The engine
 * owns one per watch and drops it when the watch starts over (namespace or context switch).
 */
import type { TrackedHistory } from './deployments.js';
import type { EventIndex } from './events.js';
import type { AuditEventIndex, PairMemo } from './pair.js';
import type { TrafficMemo } from './services.js';

export class DeriveMemo {
  /** By Deployment uid. */
  histories: ReadonlyMap<string, TrackedHistory> = new Map();
  /** By namespace/name of the Service. */
  traffic: ReadonlyMap<string, TrafficMemo> = new Map();
  events?: EventIndex;
  audit?: AuditEventIndex;
  /** By release key: leaders seen last and their hand-offs so far. */
  pairs: ReadonlyMap<string, PairMemo> = new Map();
}
