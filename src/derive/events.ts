/** Events: newest first, and by the uid of the object they are about. */
import type { CoreV1Event } from '@kubernetes/client-node';
import { timestampMillis } from '../model/index.js';
import { groupBy } from './util.js';

const EVENT_LIMIT = 500;
const RELEASE_EVENT_LIMIT = 60;

type Stamped = { t: number; e: CoreV1Event };

export interface EventIndex {
  events: CoreV1Event[];
  byUid: Map<string | undefined, Stamped[]>;
  /** The newest EVENT_LIMIT events, newest first. */
  newest: CoreV1Event[];
}

/** Reuses `previous` while the events array is the same (an unchanged kind keeps its array). */
export function indexEvents(events: CoreV1Event[], previous: EventIndex | undefined): EventIndex {
  if (previous?.events === events) return previous;
  // Events are many (tens of thousands on a busy namespace): stamp each once, newest first.
  const stamped = events.map((e) => ({ t: eventTime(e), e })).sort((a, b) => b.t - a.t);
  return { events, byUid: groupBy(stamped, (x) => x.e.involvedObject?.uid), newest: stamped.slice(0, EVENT_LIMIT).map((x) => x.e) };
}

/** The newest events about any of these objects. */
export function eventsAbout(uids: Iterable<string>, index: EventIndex): CoreV1Event[] {
  const out: Stamped[] = [];
  for (const uid of uids) {
    const list = index.byUid.get(uid);
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
