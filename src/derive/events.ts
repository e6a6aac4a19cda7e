/**
 * Events: newest first, by the uid of the object they are about, bounded to what the views show
 * (EVENTS_PER_OBJECT about each object, EVENTS_HELD over all).
 */
import type { CoreV1Event } from '@kubernetes/client-node';
import { eventMillis, EVENTS_HELD, EVENTS_PER_OBJECT } from '../model/events.js';

const EVENT_LIMIT = 500;
const RELEASE_EVENT_LIMIT = 60;

type Stamped = { t: number; e: CoreV1Event };

export interface EventIndex {
  events: CoreV1Event[];
  /** Newest first, at most EVENTS_PER_OBJECT per uid. */
  byUid: Map<string | undefined, Stamped[]>;
  /** The newest EVENT_LIMIT events, newest first. */
  newest: CoreV1Event[];
  /** The uids whose events differ from the index this one was made after (all of them for a first index). */
  changed?: ReadonlySet<string | undefined>;
}

/** Reuses `previous` while the events array is the same (an unchanged kind keeps its array). */
export function indexEvents(events: CoreV1Event[], previous: EventIndex | undefined): EventIndex {
  if (previous?.events === events) return previous;
  // Events are many (thousands on a busy namespace): stamp each once, newest first, and keep
  // only the newest EVENTS_HELD, EVENTS_PER_OBJECT about each object.
  const stamped = events.map(stampOf).sort((a, b) => b.t - a.t);
  const byUid = new Map<string | undefined, Stamped[]>();
  const newest: CoreV1Event[] = [];
  let held = 0;
  for (const x of stamped) {
    if (held >= EVENTS_HELD) break;
    if (newest.length < EVENT_LIMIT) newest.push(x.e);
    const uid = x.e.involvedObject?.uid;
    let list = byUid.get(uid);
    if (!list) byUid.set(uid, (list = []));
    if (list.length >= EVENTS_PER_OBJECT) continue;
    list.push(x);
    held++;
  }
  if (!previous) return { events, byUid, newest };
  const changed = new Set<string | undefined>();
  for (const [uid, list] of byUid) if (!sameStamps(previous.byUid.get(uid), list)) changed.add(uid);
  for (const uid of previous.byUid.keys()) if (!byUid.has(uid)) changed.add(uid);
  return { events, byUid, newest, changed };
}

const sameStamps = (a: Stamped[] | undefined, b: Stamped[]) => a !== undefined && a.length === b.length && a.every((x, i) => x === b[i]);

/** One stamp per event object, so two indexes hold the same stamps for the same events. */
const stamps = new WeakMap<CoreV1Event, Stamped>();

function stampOf(e: CoreV1Event): Stamped {
  let x = stamps.get(e);
  if (!x) stamps.set(e, (x = { t: eventTime(e), e }));
  return x;
}

/** The newest events about any of these objects. */
export function eventsAbout(uids: Iterable<string>, index: EventIndex): CoreV1Event[] {
  const out: Stamped[] = [];
  for (const uid of uids) {
    const list = index.byUid.get(uid);
    if (list) for (const x of list) out.push(x);
  }
  if (out.length === 0) return [];
  return out.sort((a, b) => b.t - a.t).slice(0, RELEASE_EVENT_LIMIT).map((x) => x.e);
}

/** Parsed once per event object: informer objects are replaced, never mutated, on change. */
const eventTimes = new WeakMap<CoreV1Event, number>();

export function eventTime(e: CoreV1Event): number {
  let t = eventTimes.get(e);
  if (t === undefined) {
    t = eventMillis(e);
    eventTimes.set(e, t);
  }
  return t;
}
