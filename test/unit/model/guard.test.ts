import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  DEFAULT_THRESHOLDS,
  advanceGuard,
  guardHeld,
  histogramQuantile,
  judge,
  startGuard,
  type Measurement,
  type SideFigures,
  type Thresholds,
} from '../../../src/model/guard.js';

const healthy: SideFigures = { requests: 500, rps: 50, errorRate: 0, p95Ms: 57, p99Ms: 59 };
const m = (candidate: SideFigures, baseline?: SideFigures, error?: string): Measurement => ({ at: 0, candidate, ...(baseline ? { baseline } : {}), ...(error ? { error } : {}) });
const withP95: Thresholds = { ...DEFAULT_THRESHOLDS, maxP95Ms: 300 };

test('judge: each measurement is ok, breached, inconclusive or an error', () => {
  const cases: { name: string; m: Measurement; t?: Thresholds; state: string; breaches?: string[]; reason?: RegExp }[] = [
    { name: 'healthy, no baseline', m: m(healthy), state: 'ok' },
    { name: 'error rate over the fixed limit', m: m({ ...healthy, errorRate: 0.05 }), state: 'breached', breaches: ['error rate 5.0% > 1.0% (by 4.0 points)'] },
    { name: 'exactly at the limit passes', m: m({ ...healthy, errorRate: 0.01 }), state: 'ok' },
    { name: 'p95 over --max-p95', m: m({ ...healthy, p95Ms: 420 }), t: withP95, state: 'breached', breaches: ['p95 420 ms > 300 ms (by 120 ms)'] },
    { name: 'p95 not checked without a threshold or a baseline', m: m({ ...healthy, p95Ms: 5000 }), state: 'ok' },
    {
      name: 'under the fixed limits but far worse than the old side',
      m: m({ ...healthy, errorRate: 0.04, p95Ms: 250 }, { ...healthy, errorRate: 0.02, p95Ms: 60 }),
      t: { ...withP95, maxErrorRate: 0.05 },
      state: 'breached',
      breaches: ["error rate 4.0% > old side's 2.0% + 1.0% (by 1.0 points)", "p95 250 ms > 2 x old side's 60 ms (by 130 ms)"],
    },
    { name: 'as bad as the old side, under the fixed limit', m: m({ ...healthy, errorRate: 0.008 }, { ...healthy, errorRate: 0.008 }), state: 'ok' },
    { name: 'empty result (undefined) is inconclusive', m: m({ requests: 10 }), state: 'inconclusive', reason: /no error rate/ },
    { name: 'NaN is inconclusive, never ok', m: m({ ...healthy, errorRate: NaN }), state: 'inconclusive', reason: /empty or NaN/ },
    { name: 'no requests on the new side', m: m({ requests: 0, errorRate: NaN, p95Ms: NaN }), state: 'inconclusive', reason: /no requests reached the new side/ },
    { name: 'p95 missing when a threshold asks for it', m: m({ ...healthy, p95Ms: NaN }), t: withP95, state: 'inconclusive', reason: /no p95/ },
    { name: 'a breach wins over a missing figure', m: m({ ...healthy, errorRate: 0.2, p95Ms: NaN }), t: withP95, state: 'breached' },
    { name: 'provider error', m: m({}, undefined, 'prometheus: connection refused'), state: 'error', reason: /connection refused/ },
  ];
  for (const c of cases) {
    const j = judge(c.m, c.t);
    assert.equal(j.state, c.state, c.name);
    if (c.breaches) assert.deepEqual(j.breaches.map((b) => b.text), c.breaches, c.name);
    if (c.reason) assert.match(j.reason ?? '', c.reason, c.name);
  }
});

test('advanceGuard: the run adds judgements up with the failure and consecutive-error limits', () => {
  const ok = m(healthy);
  const bad = m({ ...healthy, errorRate: 0.05 });
  const empty = m({ requests: 0 });
  const err = m({}, undefined, 'timeout');
  const cases: { name: string; seq: Measurement[]; limits?: { failureLimit: number; consecutiveErrorLimit: number }; state: string; final: boolean; held: boolean }[] = [
    { name: 'nothing measured yet', seq: [], state: 'no-data', final: false, held: false },
    { name: 'all ok', seq: [ok, ok, ok], state: 'ok', final: false, held: true },
    { name: 'one breach with failureLimit 0 ends it', seq: [ok, bad], state: 'breached', final: true, held: false },
    { name: 'failureLimit 1 tolerates one breach', seq: [ok, bad, ok], limits: { failureLimit: 1, consecutiveErrorLimit: 4 }, state: 'ok', final: false, held: true },
    { name: 'failureLimit 1, second breach ends it', seq: [bad, ok, bad], limits: { failureLimit: 1, consecutiveErrorLimit: 4 }, state: 'breached', final: true, held: false },
    { name: 'ends inconclusive: not held', seq: [ok, empty], state: 'inconclusive', final: false, held: false },
    { name: 'inconclusive then ok again', seq: [empty, ok], state: 'ok', final: false, held: true },
    { name: 'four errors in a row are tolerated', seq: [ok, err, err, err, err], state: 'ok', final: false, held: true },
    { name: 'the fifth error in a row ends it inconclusive', seq: [ok, err, err, err, err, err], state: 'inconclusive', final: true, held: false },
    { name: 'errors reset on a good measurement', seq: [err, err, err, err, ok, err, err, err, err, ok], state: 'ok', final: false, held: true },
    { name: 'only errors: no data', seq: [err], state: 'no-data', final: false, held: false },
    { name: 'final runs do not move', seq: [bad, ok, ok], state: 'breached', final: true, held: false },
  ];
  for (const c of cases) {
    let run = startGuard();
    for (const x of c.seq) run = advanceGuard(run, x, DEFAULT_THRESHOLDS, c.limits);
    assert.equal(run.state, c.state, c.name);
    assert.equal(run.final, c.final, c.name);
    assert.equal(guardHeld(run), c.held, c.name);
  }
});

test('a final breach says which figure broke and by how much', () => {
  const run = advanceGuard(startGuard(), m({ ...healthy, errorRate: 0.05 }));
  assert.equal(run.reason, 'error rate 5.0% > 1.0% (by 4.0 points)');
  assert.deepEqual(run.breaches.map((b) => [b.metric, b.value, b.limit, b.against]), [['error-rate', 0.05, 0.01, 'threshold']]);
});

test('histogramQuantile interpolates as Prometheus does', () => {
  const b = (pairs: [number, number][]) => pairs.map(([le, count]) => ({ le, count }));
  const cases: { name: string; q: number; buckets: { le: number; count: number }[]; want: number }[] = [
    { name: 'inside a bucket', q: 0.5, buckets: b([[0.1, 0], [0.2, 100], [Infinity, 100]]), want: 0.15 },
    { name: 'first bucket starts at 0', q: 0.5, buckets: b([[0.1, 10], [Infinity, 10]]), want: 0.05 },
    { name: 'in +Inf: the highest finite bound', q: 0.99, buckets: b([[0.1, 50], [Infinity, 100]]), want: 0.1 },
    { name: 'no observations', q: 0.95, buckets: b([[0.1, 0], [Infinity, 0]]), want: NaN },
    { name: 'no +Inf bucket', q: 0.95, buckets: b([[0.1, 4]]), want: NaN },
  ];
  for (const c of cases) {
    const got = histogramQuantile(c.q, c.buckets);
    if (Number.isNaN(c.want)) assert.ok(Number.isNaN(got), c.name);
    else assert.ok(Math.abs(got - c.want) < 1e-9, `${c.name}: ${got}`);
  }
});
