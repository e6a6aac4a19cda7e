import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { IntOrString } from '@kubernetes/client-node';
import { scaleIntOrPercent } from '../../../src/model/intstr.js';
import { budgetUsage, gaugeLevel, hasMinimumAvailability, resolveBudget, type ResolvedBudget } from '../../../src/model/budget.js';
import { deployment, pod, replicaSet } from './fixtures.js';

test('scaleIntOrPercent: ints pass, percents round the asked way, other strings are errors', () => {
  const cases: [IntOrString, number, boolean, number | 'error'][] = [
    [3, 10, true, 3],
    [0, 10, false, 0],
    ['25%', 10, true, 3],
    ['25%', 10, false, 2],
    ['25%', 3, true, 1],
    ['25%', 3, false, 0],
    ['0%', 1, true, 0],
    ['100%', 7, false, 7],
    ['33%', 3, true, 1],
    ['3', 10, true, 'error'],
    ['abc%', 10, true, 'error'],
    ['%', 10, true, 'error'],
    ['2.5%', 10, true, 'error'],
  ];
  for (const [value, total, up, want] of cases) {
    const got = scaleIntOrPercent(value, total, up);
    if (want === 'error') assert.equal(got.ok, false, `${value} of ${total}`);
    else assert.deepEqual(got, { ok: true, value: want }, `${value} of ${total} (${up ? 'up' : 'down'})`);
  }
});

test('resolveBudget: the resolved pairs of section 1, the fencepost, defaults, Recreate', () => {
  type Row = [string, Parameters<typeof resolveBudget>[0], Partial<ResolvedBudget>];
  const rows: Row[] = [
    ['10 @ 25%/25%', { replicas: 10, maxSurge: '25%', maxUnavailable: '25%' }, { maxSurge: 3, maxUnavailable: 2, minAvailable: 8, maxTotal: 13 }],
    ['10 @ 25%/0', { replicas: 10, maxSurge: '25%', maxUnavailable: 0 }, { maxSurge: 3, maxUnavailable: 0, minAvailable: 10, maxTotal: 13, surgeSpec: '25%', unavailableSpec: '0' }],
    ['4 @ 1/0', { replicas: 4, maxSurge: 1, maxUnavailable: 0 }, { maxSurge: 1, maxUnavailable: 0, minAvailable: 4, maxTotal: 5 }],
    ['3 @ 25%/25%', { replicas: 3, maxSurge: '25%', maxUnavailable: '25%' }, { maxSurge: 1, maxUnavailable: 0, minAvailable: 3, maxTotal: 4 }],
    ['1 @ 0%/25% hits the fencepost', { replicas: 1, maxSurge: '0%', maxUnavailable: '25%' }, { maxSurge: 0, maxUnavailable: 1, minAvailable: 0, maxTotal: 1 }],
    ['defaults are 25%/25%', { replicas: 10 }, { maxSurge: 3, maxUnavailable: 2, surgeSpec: '25%', unavailableSpec: '25%' }],
    ['replicas 0: unavailable 0 despite the fencepost', { replicas: 0 }, { maxSurge: 0, maxUnavailable: 0, minAvailable: 0, maxTotal: 0 }],
    ['unavailable capped at replicas', { replicas: 2, maxSurge: 0, maxUnavailable: 5 }, { maxUnavailable: 2, minAvailable: 0 }],
    ['Recreate: no surge, no unavailable budget', { replicas: 5, strategy: 'Recreate', maxSurge: 2, maxUnavailable: 2 }, { strategy: 'Recreate', maxSurge: 0, maxUnavailable: 0, minAvailable: 5, maxTotal: 5 }],
  ];
  for (const [name, input, want] of rows) {
    const got = resolveBudget(input);
    assert.equal(got.ok, true, name);
    for (const [key, value] of Object.entries(want)) {
      assert.equal((got as unknown as Record<string, unknown>)[key], value, `${name}: ${key}`);
    }
  }
});

test('resolveBudget: a string without % is an error value, not a throw', () => {
  const got = resolveBudget({ replicas: 10, maxSurge: '3', maxUnavailable: 0 });
  assert.equal(got.ok, false);
  assert.match(got.ok ? '' : got.error, /maxSurge.*not a percentage/);
  const bad = resolveBudget({ replicas: 10, maxSurge: 1, maxUnavailable: 'x%' });
  assert.equal(bad.ok, false);
  assert.match(bad.ok ? '' : bad.error, /maxUnavailable/);
});

test('gaugeLevel: nothing used is ok even against a zero limit', () => {
  const cases: [number, number, string][] = [
    [0, 0, 'ok'],
    [0, 3, 'ok'],
    [2, 3, 'ok'],
    [3, 3, 'at'],
    [1, 0, 'over'],
    [4, 3, 'over'],
  ];
  for (const [used, limit, want] of cases) assert.equal(gaugeLevel(used, limit), want, `${used}/${limit}`);
});

// Worked example A: replicas 10, maxSurge 25% (3), maxUnavailable 0. Each row is
// [new spec, new available, old spec, old available]; RS status.replicas follows spec.
test('budgetUsage along worked example A never goes over either budget', () => {
  const d = deployment('web', { replicas: 10, maxSurge: '25%', maxUnavailable: 0 });
  const steps: [number, number, number, number, number, string][] = [
    // newSpec, newAvail, oldSpec, oldAvail, surgeUsed, surgeLevel
    [3, 0, 10, 10, 3, 'at'],
    [3, 3, 7, 7, 0, 'ok'],
    [6, 3, 7, 7, 3, 'at'],
    [6, 6, 4, 4, 0, 'ok'],
    [9, 6, 4, 4, 3, 'at'],
    [9, 9, 1, 1, 0, 'ok'],
    [10, 9, 1, 1, 1, 'ok'],
    [10, 10, 0, 0, 0, 'ok'],
  ];
  steps.forEach(([ns, na, os, oa, surgeUsed, surgeLevel], step) => {
    const usage = budgetUsage(d, [
      replicaSet('web-old', { owner: d, revision: 1, spec: os, available: oa }),
      replicaSet('web-new', { owner: d, revision: 2, spec: ns, available: na }),
    ]);
    assert.deepEqual(usage.surge, { used: surgeUsed, limit: 3, level: surgeLevel }, `step ${step} surge`);
    assert.deepEqual(usage.unavailable, { used: 0, limit: 0, level: 'ok' }, `step ${step} unavailable`);
    assert.equal(usage.available, 10, `step ${step} available`);
  });
});

test('budgetUsage along worked example B (4 @ 1/0)', () => {
  const d = deployment('api', { replicas: 4, maxSurge: 1, maxUnavailable: 0 });
  const pairs: [number, number][] = [[1, 4], [1, 3], [2, 3], [2, 2], [3, 2], [3, 1], [4, 1], [4, 0]];
  pairs.forEach(([n, o], step) => {
    // An old pod goes only once one more new pod is available: after a scale-up, the newest is not yet.
    const newAvailable = n + o > 4 ? n - 1 : n;
    const usage = budgetUsage(d, [
      replicaSet('api-old', { owner: d, spec: o, available: o }),
      replicaSet('api-new', { owner: d, spec: n, available: newAvailable }),
    ]);
    assert.equal(usage.surge.used, n + o - 4, `step ${step}`);
    assert.notEqual(usage.surge.level, 'over', `step ${step}`);
    assert.equal(usage.unavailable.used, 0, `step ${step}`);
  });
});

test('budgetUsage flags a breach of a zero unavailability budget', () => {
  const d = deployment('web', { replicas: 4, maxSurge: 1, maxUnavailable: 0 });
  const usage = budgetUsage(d, [replicaSet('web-a', { owner: d, spec: 4, available: 3 })]);
  assert.deepEqual(usage.unavailable, { used: 1, limit: 0, level: 'over' });
});

test('budgetUsage falls back to spec when an RS has no status yet', () => {
  const d = deployment('web', { replicas: 10, maxSurge: '25%', maxUnavailable: 0 });
  const fresh = replicaSet('web-new', { owner: d, spec: 3 });
  delete fresh.status;
  const usage = budgetUsage(d, [replicaSet('web-old', { owner: d, spec: 10, available: 10 }), fresh]);
  assert.equal(usage.total, 13);
  assert.equal(usage.surge.level, 'at');
});

test('budgetUsage from pods: terminating pods are reported apart, other RSs ignored', () => {
  const d = deployment('web', { replicas: 3, maxSurge: 1, maxUnavailable: 0 });
  const rsOld = replicaSet('web-old', { owner: d, spec: 2 });
  const rsNew = replicaSet('web-new', { owner: d, spec: 2 });
  const stranger = replicaSet('other-x', { spec: 1 });
  const pods = [
    pod('web-old-a', { rs: rsOld }),
    pod('web-old-b', { rs: rsOld }),
    pod('web-old-c', { rs: rsOld, terminating: true }),
    pod('web-new-a', { rs: rsNew }),
    pod('web-new-b', { rs: rsNew, ready: false }),
    pod('web-new-c', { rs: rsNew, phase: 'Failed', ready: false }),
    pod('other-x-a', { rs: stranger }),
  ];
  const usage = budgetUsage(d, [rsOld, rsNew], pods);
  assert.equal(usage.total, 4);
  assert.equal(usage.terminating, 1);
  assert.equal(usage.available, 3);
  assert.deepEqual(usage.surge, { used: 1, limit: 1, level: 'at' });
  assert.deepEqual(usage.unavailable, { used: 0, limit: 0, level: 'ok' });
});

test('budgetUsage from pods honours minReadySeconds when given now', () => {
  const d = deployment('web', { replicas: 2, maxSurge: 1, maxUnavailable: 0 });
  d.spec!.minReadySeconds = 30;
  const rs = replicaSet('web-a', { owner: d, spec: 2 });
  const pods = [
    pod('web-a-1', { rs, readySince: '2026-01-01T00:00:00Z' }),
    pod('web-a-2', { rs, readySince: '2026-01-01T00:00:20Z' }),
  ];
  const now = Date.parse('2026-01-01T00:00:40Z');
  assert.equal(budgetUsage(d, [rs], pods, now).available, 1);
  assert.equal(budgetUsage(d, [rs], pods).available, 2);
});

test('hasMinimumAvailability mirrors the Available condition', () => {
  const cases: [number, number | string, number, boolean][] = [
    [10, '25%', 8, true],
    [10, '25%', 7, false],
    [10, 0, 10, true],
    [10, 0, 9, false],
    [1, '25%', 0, true], // fencepost: 1 unavailable allowed
  ];
  for (const [replicas, maxUnavailable, available, want] of cases) {
    const d = deployment('web', { replicas, maxUnavailable, maxSurge: replicas === 1 ? '0%' : '25%' });
    assert.equal(hasMinimumAvailability(d, available), want, `${replicas} @ ${maxUnavailable}, ${available} available`);
  }
});
