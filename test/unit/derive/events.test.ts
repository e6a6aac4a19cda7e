import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { CoreV1Event } from '@kubernetes/client-node';
import { eventsAbout, indexEvents } from '../../../src/derive/events.js';
import { compactEvent, EVENTS_PER_OBJECT } from '../../../src/model/events.js';

const at = (s: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, s)).toISOString();
const ev = (uid: string, s: number, extra: Partial<CoreV1Event> = {}): CoreV1Event => ({
  metadata: { name: `${uid}.${s}`, namespace: 'ns', uid: `e-${uid}-${s}`, resourceVersion: String(100 + s), managedFields: [{ manager: 'kubelet' }] },
  involvedObject: { kind: 'Pod', name: uid, namespace: 'ns', uid, fieldPath: 'spec.containers{app}' },
  reason: 'Started',
  message: 'Started container app',
  type: 'Normal',
  lastTimestamp: at(s) as unknown as Date,
  source: { component: 'kubelet', host: 'node-1' },
  reportingComponent: 'kubelet',
  ...extra,
});

/** Sorts as the index does: time, then namespace/name. */
const stamp = (e: CoreV1Event) => `${e.lastTimestamp as unknown as string} ${e.metadata?.name}`;
const name = (i: number) => `e${String(i).padStart(5, '0')}`;

describe('events', () => {
  it('keeps the newest few about each object, newest first', () => {
    const events = Array.from({ length: EVENTS_PER_OBJECT + 5 }, (_, i) => ev('pod-a', i));
    const about = eventsAbout(['pod-a'], indexEvents(events, undefined));
    assert.equal(about.length, EVENTS_PER_OBJECT);
    assert.equal(about[0].metadata?.name, `pod-a.${EVENTS_PER_OBJECT + 4}`);
  });

  it('lists the newest first, overall and about each object', () => {
    const events = Array.from({ length: 2000 }, (_, i) => ev(`pod-${i % 70}`, (i * 37) % 60, { metadata: { name: name(i), namespace: 'ns' } }));
    const index = indexEvents(events, undefined);
    assert.equal(index.newest.length, 500);
    assert.ok(index.newest.every((e, i) => i === 0 || stamp(e) <= stamp(index.newest[i - 1])));
    const about = eventsAbout(['pod-3', 'pod-4'], index);
    assert.equal(about.length, 2 * EVENTS_PER_OBJECT);
    const newestAbout = (uid: string) => events.filter((e) => e.involvedObject.uid === uid).map(stamp).sort().reverse().slice(0, EVENTS_PER_OBJECT);
    assert.deepEqual(about.map(stamp), [...newestAbout('pod-3'), ...newestAbout('pod-4')].sort().reverse());
  });

  it('an index edited by a few changes at a time equals one made afresh, and says which objects changed', () => {
    let seed = 7;
    const random = (n: number) => ((seed = (seed * 48271) % 2147483647) % n);
    let events = Array.from({ length: 300 }, (_, i) => ev(`pod-${random(40)}`, random(60), { metadata: { name: name(i), namespace: 'ns' } }));
    let index = indexEvents(events, undefined);
    let next = 300;
    for (let round = 0; round < 200; round++) {
      const changes = 1 + random(6);
      const touched = new Set<string | undefined>();
      const before = events;
      events = [...events];
      for (let c = 0; c < changes; c++) {
        const op = random(3);
        const i = random(events.length);
        if (op === 0 && events.length > 1) {
          touched.add(events[i].involvedObject.uid);
          events.splice(i, 1);
        } else if (op === 1) {
          // A repeated Event: same name, a later time, a higher count.
          const was = events[i];
          touched.add(was.involvedObject.uid);
          events[i] = { ...was, count: (was.count ?? 1) + 1, lastTimestamp: at(random(60)) as unknown as Date };
        } else {
          const e = ev(`pod-${random(40)}`, random(60), { metadata: { name: name(next++), namespace: 'ns' } });
          touched.add(e.involvedObject.uid);
          events.push(e);
        }
      }
      if (round % 50 === 49) {
        // A relist: every object new, more changes than are worth editing in.
        events = events.map((e) => ({ ...e }));
        for (const e of events) touched.add(e.involvedObject.uid);
      }
      const edited = indexEvents(events, index);
      const afresh = indexEvents(events, undefined);
      assert.deepEqual(edited.newest, afresh.newest, `round ${round}: newest`);
      assert.deepEqual([...edited.byUid.keys()].sort(), [...afresh.byUid.keys()].sort(), `round ${round}: objects`);
      for (const [uid, list] of afresh.byUid) assert.deepEqual(edited.byUid.get(uid)!.map((x) => x.e), list.map((x) => x.e), `round ${round}: ${uid}`);
      // An Event added and removed again in one round changed nothing.
      const held = (list: CoreV1Event[], uid: string | undefined) => new Set(list.filter((e) => e.involvedObject.uid === uid));
      for (const uid of touched) {
        const [was, now] = [held(before, uid), held(events, uid)];
        if (was.size !== now.size || [...now].some((e) => !was.has(e))) assert.ok(edited.changed?.has(uid), `round ${round}: ${uid} changed`);
      }
      index = edited;
    }
  });

  it('a compact event keeps what the views, the index and the pair timeline read, and drops the rest', () => {
    const e = compactEvent(ev('pod-a', 7, { count: 3, lastTimestamp: undefined, eventTime: at(9) as unknown as Date, reportingInstance: 'node-1' }));
    assert.deepEqual(e, {
      metadata: { name: 'pod-a.7', namespace: 'ns', uid: 'e-pod-a-7', resourceVersion: '107' },
      involvedObject: { kind: 'Pod', name: 'pod-a', namespace: 'ns', uid: 'pod-a' },
      reason: 'Started',
      message: 'Started container app',
      type: 'Normal',
      count: 3,
      lastTimestamp: at(9),
      reportingComponent: 'kubelet',
      reportingInstance: 'node-1',
      source: { component: 'kubelet' },
    });
    assert.deepEqual(compactEvent(e), e, 'compacting twice changes nothing');
  });
});
