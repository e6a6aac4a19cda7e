/**
 * Events: newest first, overall and by the uid of the object they are about. The informer bounds
 * how many are held (EVENTS_KEPT); a flush that changed a few Events edits the last index rather
 * than sorting them all again.
 */
import type { CoreV1Event } from '@kubernetes/client-node';
import { eventMillis, EVENTS_PER_OBJECT } from '../model/events.js';
import { diffByKey, nameOf, nsOf, type Diff } from './util.js';

const EVENT_LIMIT = 500;
const RELEASE_EVENT_LIMIT = 60;

type Stamped = { t: number; key: string; e: CoreV1Event };

export interface EventIndex {
  events: CoreV1Event[];
  /** Every event, newest first (same time: by namespace/name, descending). */
  sorted: readonly Stamped[];
  /** Newest first, by the uid of the object they are about. */
  byUid: ReadonlyMap<string | undefined, readonly Stamped[]>;
  /** The newest EVENT_LIMIT events, newest first. */
  newest: CoreV1Event[];
  /** The uids whose events differ from the index this one was made after (all of them for a first index). */
  changed?: ReadonlySet<string | undefined>;
}

/** Reuses `previous` while the events array is the same (an unchanged kind keeps its array). */
export function indexEvents(events: CoreV1Event[], previous: EventIndex | undefined): EventIndex {
  if (previous?.events === events) return previous;
  if (previous) {
    const diff = diffByKey(previous.events, events, keyOf);
    // Each edit moves part of an array; past a few hundred a sort is cheaper (a relist, a trim).
    const edits = diff.removed.length + diff.added.length + diff.replaced.length;
    if (edits <= Math.max(256, events.length / 32)) return edited(previous, events, diff);
  }
  return fresh(events, previous);
}

function fresh(events: CoreV1Event[], previous: EventIndex | undefined): EventIndex {
  const sorted = events.map(stampOf).sort(newestFirst);
  const byUid = new Map<string | undefined, Stamped[]>();
  for (const x of sorted) {
    const uid = x.e.involvedObject?.uid;
    const list = byUid.get(uid);
    if (list) list.push(x);
    else byUid.set(uid, [x]);
  }
  const index = { events, sorted, byUid, newest: newestOf(sorted, previous) };
  if (!previous) return index;
  const changed = new Set<string | undefined>();
  for (const [uid, list] of byUid) if (!sameStamps(previous.byUid.get(uid), list)) changed.add(uid);
  for (const uid of previous.byUid.keys()) if (!byUid.has(uid)) changed.add(uid);
  return { ...index, changed };
}

/** The previous index with the diff's events taken out and put in, in order; the previous one is left as it was. */
function edited(previous: EventIndex, events: CoreV1Event[], diff: Diff<CoreV1Event>): EventIndex {
  const sorted = previous.sorted.slice();
  const byUid = new Map(previous.byUid);
  const changed = new Set<string | undefined>();
  const listOf = (uid: string | undefined): Stamped[] => {
    if (!changed.has(uid)) {
      changed.add(uid);
      byUid.set(uid, [...(byUid.get(uid) ?? [])]);
    }
    return byUid.get(uid) as Stamped[];
  };
  const out = [...diff.removed, ...diff.replaced.map(([was]) => was)];
  const into = [...diff.added, ...diff.replaced.map(([, now]) => now)];
  for (const e of out) {
    const x = stampOf(e);
    remove(sorted, x);
    remove(listOf(e.involvedObject?.uid), x);
  }
  for (const e of into) {
    const x = stampOf(e);
    insert(sorted, x);
    insert(listOf(e.involvedObject?.uid), x);
  }
  for (const uid of changed) if (byUid.get(uid)?.length === 0) byUid.delete(uid);
  return { events, sorted, byUid, newest: newestOf(sorted, previous), changed };
}

/** The newest EVENT_LIMIT events: the previous array while they are the same. */
function newestOf(sorted: readonly Stamped[], previous: EventIndex | undefined): CoreV1Event[] {
  const n = Math.min(EVENT_LIMIT, sorted.length);
  const was = previous?.newest;
  if (was && was.length === n && was.every((e, i) => e === sorted[i].e)) return was;
  return sorted.slice(0, n).map((x) => x.e);
}

const newestFirst = (a: Stamped, b: Stamped) => b.t - a.t || (a.key < b.key ? 1 : a.key > b.key ? -1 : 0);

/** Where x goes in a newest-first list: after every stamp that sorts before it. */
function place(list: readonly Stamped[], x: Stamped): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (newestFirst(list[mid], x) < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function insert(list: Stamped[], x: Stamped): void {
  list.splice(place(list, x), 0, x);
}

function remove(list: Stamped[], x: Stamped): void {
  let i = place(list, x);
  if (list[i] !== x) i = list.indexOf(x);
  if (i >= 0) list.splice(i, 1);
}

const sameStamps = (a: readonly Stamped[] | undefined, b: readonly Stamped[]) => a !== undefined && a.length === b.length && a.every((x, i) => x === b[i]);

const keyOf = (e: CoreV1Event) => `${nsOf(e)}/${nameOf(e)}`;

/** One stamp per event object, so two indexes hold the same stamps for the same events. */
const stamps = new WeakMap<CoreV1Event, Stamped>();

function stampOf(e: CoreV1Event): Stamped {
  let x = stamps.get(e);
  if (!x) stamps.set(e, (x = { t: eventTime(e), key: keyOf(e), e }));
  return x;
}

/** The newest events about any of these objects (EVENTS_PER_OBJECT about each at most). */
export function eventsAbout(uids: Iterable<string>, index: EventIndex): CoreV1Event[] {
  const out: Stamped[] = [];
  for (const uid of uids) {
    const list = index.byUid.get(uid);
    if (list) for (let i = 0; i < list.length && i < EVENTS_PER_OBJECT; i++) out.push(list[i]);
  }
  if (out.length === 0) return [];
  return out.sort(newestFirst).slice(0, RELEASE_EVENT_LIMIT).map((x) => x.e);
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
