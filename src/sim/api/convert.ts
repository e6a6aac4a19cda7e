/** Presents stored objects as the requested group version (core events as events.k8s.io/v1). */
import { apiVersionOf, type ResourceType } from '../resources.js';
import type { Obj } from '../store.js';

export function presentAs(rt: ResourceType, o: Obj): Obj {
  if (rt.resource !== 'events' || !rt.group) {
    if (o.kind === rt.kind && o.apiVersion === apiVersionOf(rt)) return o;
    return { ...o, kind: rt.kind, apiVersion: apiVersionOf(rt) };
  }
  if (o.apiVersion === 'events.k8s.io/v1') return o;
  // core/v1 Event -> events.k8s.io/v1 Event
  const { involvedObject, message, source, firstTimestamp, lastTimestamp, count, related, ...rest } = o;
  const out: Obj = {
    ...rest,
    apiVersion: 'events.k8s.io/v1',
    kind: 'Event',
    regarding: involvedObject,
    note: message,
    deprecatedSource: source,
    deprecatedFirstTimestamp: firstTimestamp,
    deprecatedLastTimestamp: lastTimestamp,
    deprecatedCount: count,
    ...(related ? { related } : {}),
  };
  return out;
}

/** events.k8s.io/v1 Event -> core/v1 Event for storage. */
export function toStorage(rt: ResourceType, o: Obj): Obj {
  if (rt.resource !== 'events' || !rt.group) return o;
  const { regarding, note, deprecatedSource, deprecatedFirstTimestamp, deprecatedLastTimestamp, deprecatedCount, ...rest } = o;
  return {
    ...rest,
    apiVersion: 'v1',
    kind: 'Event',
    involvedObject: regarding ?? {},
    message: note,
    source: deprecatedSource ?? { component: o.reportingController },
    firstTimestamp: deprecatedFirstTimestamp,
    lastTimestamp: deprecatedLastTimestamp,
    count: deprecatedCount,
  };
}
