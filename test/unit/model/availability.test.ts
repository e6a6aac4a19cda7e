import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  appendSample,
  emptyHistory,
  summarizeAvailability,
  type AvailabilityHistory,
  type AvailabilitySample,
} from '../../../src/model/availability.js';

function record(samples: Omit<AvailabilitySample, 't'>[], limit?: number): AvailabilityHistory {
  return samples.reduce<AvailabilityHistory>((h, s, i) => appendSample(h, { t: i * 1000, ...s }, limit), emptyHistory);
}

const zeroDowntime = (available: number, readyEndpoints?: number) => ({ available, readyEndpoints, desired: 10, maxUnavailable: 0 });

test('worked example A (10 @ 25%/0) keeps zero downtime', () => {
  const h = record([10, 10, 10, 10, 10, 10, 10, 10].map((a, i) => zeroDowntime(a, 10 + (i % 2) * 3)));
  assert.deepEqual(summarizeAvailability(h, false), {
    verdict: 'zero-downtime-kept',
    text: 'zero downtime kept',
    minAvailable: { value: 10, t: 0 },
    minReadyEndpoints: { value: 10, t: 0 },
  });
});

test('verdicts: in progress, budget breached, traffic outage, no data', () => {
  type Row = [string, Omit<AvailabilitySample, 't'>[], boolean, string, number | undefined];
  const rows: Row[] = [
    ['clean but still rolling', [zeroDowntime(10, 10), zeroDowntime(10, 13)], true, 'in progress', undefined],
    ['dipped below desired - maxUnavailable', [zeroDowntime(10, 10), zeroDowntime(9, 9), zeroDowntime(10, 10)], false, 'budget breached', 1000],
    ['breach is reported while still rolling', [zeroDowntime(10, 10), zeroDowntime(9, 9)], true, 'budget breached', 1000],
    ['within a 25% budget is fine', [{ available: 8, readyEndpoints: 8, desired: 10, maxUnavailable: 2 }], false, 'zero downtime kept', undefined],
    ['ready endpoints hit 0', [zeroDowntime(10, 10), zeroDowntime(9, 0), zeroDowntime(10, 10)], false, 'traffic outage', 1000],
    ['outage outranks an earlier breach', [zeroDowntime(9, 9), zeroDowntime(9, 0)], false, 'traffic outage', 1000],
    ['no Service: endpoints not judged', [zeroDowntime(10, undefined)], false, 'zero downtime kept', undefined],
    ['scaled to zero on purpose is not an outage', [{ available: 0, readyEndpoints: 0, desired: 0, maxUnavailable: 0 }], false, 'zero downtime kept', undefined],
    ['nothing recorded', [], false, 'no data', undefined],
  ];
  for (const [name, samples, inProgress, text, at] of rows) {
    const summary = summarizeAvailability(record(samples), inProgress);
    assert.equal(summary.text, text, name);
    assert.equal(summary.at, at, `${name}: at`);
  }
});

test('minimums record the lowest value and when it was first reached', () => {
  const h = record([zeroDowntime(10, 10), zeroDowntime(8, 6), zeroDowntime(9, 6), zeroDowntime(8, 7)]);
  assert.deepEqual(h.minAvailable, { value: 8, t: 1000 });
  assert.deepEqual(h.minReadyEndpoints, { value: 6, t: 1000 });
  assert.deepEqual(h.firstBudgetBreach, { t: 1000, available: 8, readyEndpoints: 6, floor: 10 });
});

test('identical consecutive samples merge into one point spanning their times', () => {
  const h = record([zeroDowntime(10, 10), zeroDowntime(10, 10), zeroDowntime(10, 10), zeroDowntime(10, 13), zeroDowntime(10, 13)]);
  assert.deepEqual(
    h.points.map((p) => [p.t, p.until, p.readyEndpoints]),
    [
      [0, 2000, 10],
      [3000, 4000, 13],
    ],
  );
});

test('history is bounded but keeps incidents that scrolled out', () => {
  const samples = [zeroDowntime(7, 0), ...Array.from({ length: 20 }, (_, i) => zeroDowntime(10, 10 + (i % 2)))];
  const h = record(samples, 5);
  assert.equal(h.points.length, 5);
  assert.equal(h.points[0].t, 16000);
  assert.equal(summarizeAvailability(h, false).verdict, 'traffic-outage');
  assert.equal(summarizeAvailability(h, false).at, 0);
  assert.deepEqual(h.minAvailable, { value: 7, t: 0 });
});

test('appendSample does not mutate the history it is given', () => {
  const h1 = record([zeroDowntime(10, 10)]);
  const snapshot = structuredClone(h1);
  appendSample(h1, { t: 5000, ...zeroDowntime(10, 10) });
  appendSample(h1, { t: 6000, ...zeroDowntime(9, 9) });
  assert.deepEqual(h1, snapshot);
});
