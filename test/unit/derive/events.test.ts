import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { CoreV1Event } from '@kubernetes/client-node';
import { eventsAbout, indexEvents } from '../../../src/derive/events.js';
import { compactEvent, EVENTS_HELD, EVENTS_PER_OBJECT } from '../../../src/model/events.js';

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

describe('events', () => {
  it('keeps the newest few about each object, newest first', () => {
    const events = Array.from({ length: EVENTS_PER_OBJECT + 5 }, (_, i) => ev('pod-a', i));
    const about = eventsAbout(['pod-a'], indexEvents(events, undefined));
    assert.equal(about.length, EVENTS_PER_OBJECT);
    assert.equal(about[0].metadata?.name, `pod-a.${EVENTS_PER_OBJECT + 4}`);
  });

  it('holds at most EVENTS_HELD over all objects and still lists the newest first', () => {
    const events = Array.from({ length: EVENTS_HELD + 100 }, (_, i) => ev(`pod-${i}`, i % 60, { count: i }));
    const index = indexEvents(events, undefined);
    const held = [...index.byUid.values()].reduce((n, l) => n + l.length, 0);
    assert.equal(held, EVENTS_HELD);
    assert.equal(index.newest.length, 500);
    assert.ok(index.newest.every((e, i) => i === 0 || (e.lastTimestamp as unknown as string) <= (index.newest[i - 1].lastTimestamp as unknown as string)));
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
