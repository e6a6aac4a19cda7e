import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  pdbBlocksAllEvictions,
  pdbCurrentHealthy,
  pdbDesiredHealthy,
  pdbDisruptionsAllowed,
  pdbsForLabels,
  summarizePdb,
} from '../../../src/model/pdb.js';
import { pdb, pod } from './fixtures.js';

test('pdbDesiredHealthy follows the disruption controller (section 8)', () => {
  type Row = [string, Parameters<typeof pdb>[1], number, number | undefined, { desiredHealthy: number; expectedPods: number } | 'error'];
  const rows: Row[] = [
    ['seed: minAvailable 75% of 4', { minAvailable: '75%' }, 4, 4, { desiredHealthy: 3, expectedPods: 4 }],
    ['minAvailable 75% of 10 rounds up', { minAvailable: '75%' }, 10, 10, { desiredHealthy: 8, expectedPods: 10 }],
    ['integer minAvailable counts matched pods', { minAvailable: 2 }, 5, 3, { desiredHealthy: 2, expectedPods: 5 }],
    ['maxUnavailable 1 of scale 4', { maxUnavailable: 1 }, 5, 4, { desiredHealthy: 3, expectedPods: 4 }],
    ['maxUnavailable 25% of 10 rounds up to 3', { maxUnavailable: '25%' }, 10, 10, { desiredHealthy: 7, expectedPods: 10 }],
    ['maxUnavailable larger than scale floors at 0', { maxUnavailable: 5 }, 2, 2, { desiredHealthy: 0, expectedPods: 2 }],
    ['percentage needs a controller', { minAvailable: '50%' }, 3, undefined, 'error'],
    ['maxUnavailable needs a controller', { maxUnavailable: 1 }, 3, undefined, 'error'],
  ];
  for (const [name, spec, matched, scale, want] of rows) {
    const got = pdbDesiredHealthy(pdb('p', spec), matched, scale);
    if (want === 'error') assert.equal(got.ok, false, name);
    else assert.deepEqual(got, { ok: true, ...want }, name);
  }
});

test('currentHealthy: Ready, not terminating, not evicted in the last 2 minutes', () => {
  const now = Date.parse('2026-01-01T00:10:00Z');
  const budget = pdb('p', { minAvailable: 1 }, { disruptedPods: { 'web-c': '2026-01-01T00:09:00Z', 'web-d': '2026-01-01T00:07:00Z' } as never });
  const pods = [
    pod('web-a'),
    pod('web-b', { ready: false }),
    pod('web-c'),
    pod('web-d'),
    pod('web-e', { terminating: true }),
  ];
  assert.equal(pdbCurrentHealthy(budget, pods, now), 2);
});

test('disruptionsAllowed = currentHealthy - desiredHealthy, never negative, 0 without expected pods', () => {
  const cases: [number, number, number, number][] = [
    [4, 3, 4, 1],
    [3, 3, 4, 0],
    [2, 3, 4, 0],
    [5, 0, 0, 0],
  ];
  for (const [healthy, desired, expected, want] of cases) assert.equal(pdbDisruptionsAllowed(healthy, desired, expected), want);
});

test('pdbBlocksAllEvictions: minAvailable == replicas or maxUnavailable 0 blocks drains', () => {
  const cases: [Parameters<typeof pdb>[1], number, boolean][] = [
    [{ minAvailable: '75%' }, 4, false],
    [{ minAvailable: 4 }, 4, true],
    [{ minAvailable: '100%' }, 4, true],
    [{ maxUnavailable: 0 }, 4, true],
    [{ maxUnavailable: 1 }, 4, false],
    [{ minAvailable: '75%' }, 1, true],
  ];
  for (const [spec, replicas, want] of cases) assert.equal(pdbBlocksAllEvictions(pdb('p', spec), replicas), want, `${JSON.stringify(spec)} @ ${replicas}`);
});

test('pdbsForLabels matches selectors against pod labels, sorted by name', () => {
  const pdbs = [
    pdb('z-web', { minAvailable: 1, matchLabels: { app: 'web' } }),
    pdb('a-web', { minAvailable: 1, matchLabels: { app: 'web', track: 'stable' } }),
    pdb('api', { minAvailable: 1, matchLabels: { app: 'api' } }),
  ];
  assert.deepEqual(pdbsForLabels(pdbs, { app: 'web', track: 'stable' }).map((p) => p.metadata?.name), ['a-web', 'z-web']);
  assert.deepEqual(pdbsForLabels(pdbs, { app: 'web', track: 'canary' }).map((p) => p.metadata?.name), ['z-web']);
  assert.deepEqual(pdbsForLabels(pdbs, { app: 'web' }, 'elsewhere'), []);
});

test('summarizePdb reads status', () => {
  const p = pdb('web', { minAvailable: '75%' }, { observedGeneration: 1, disruptionsAllowed: 1, currentHealthy: 4, desiredHealthy: 3, expectedPods: 4 });
  assert.deepEqual(summarizePdb(p), {
    name: 'web',
    rule: 'minAvailable 75%',
    disruptionsAllowed: 1,
    currentHealthy: 4,
    desiredHealthy: 3,
    expectedPods: 4,
    stale: false,
  });
  assert.equal(summarizePdb(pdb('new', { maxUnavailable: 1 })).stale, true);
  assert.equal(summarizePdb(pdb('new', { maxUnavailable: 1 })).rule, 'maxUnavailable 1');
});
