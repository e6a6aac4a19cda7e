import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compareVictims, isPodAvailable, podsToDelete } from '../../../src/sim/controllers/podUtil.js';
import type { Obj } from '../../../src/sim/store.js';

const NOW = Date.parse('2026-01-01T12:00:00Z');
const ago = (s: number) => new Date(NOW - s * 1000).toISOString();

function pod(name: string, o: { node?: string; phase?: string; ready?: boolean; readyFor?: number; cost?: number; restarts?: number; age?: number; uid?: string } = {}): Obj {
  return {
    metadata: { name, uid: o.uid ?? name, creationTimestamp: ago(o.age ?? 3600), ...(o.cost !== undefined ? { annotations: { 'controller.kubernetes.io/pod-deletion-cost': String(o.cost) } } : {}) },
    spec: { nodeName: o.node ?? 'n1' },
    status: {
      phase: o.phase ?? 'Running',
      conditions: [{ type: 'Ready', status: o.ready === false ? 'False' : 'True', lastTransitionTime: ago(o.readyFor ?? 3000) }],
      containerStatuses: [{ name: 'c', restartCount: o.restarts ?? 0 }],
    },
  };
}

const order = (pods: Obj[], ranks: Record<string, number> = {}) =>
  [...pods].sort((a, b) => compareVictims(a, b, ranks[a.metadata.name!] ?? 0, ranks[b.metadata.name!] ?? 0, NOW)).map((p) => p.metadata.name);

test('unscheduled before scheduled', () => {
  assert.deepEqual(order([pod('a'), pod('b', { node: '' })]), ['b', 'a']);
});

test('Pending before Unknown before Running', () => {
  assert.deepEqual(order([pod('run'), pod('unk', { phase: 'Unknown' }), pod('pend', { phase: 'Pending' })]), ['pend', 'unk', 'run']);
});

test('not ready before ready', () => {
  assert.deepEqual(order([pod('r'), pod('nr', { ready: false })]), ['nr', 'r']);
});

test('lower pod-deletion-cost first (beats doubled-up)', () => {
  assert.deepEqual(order([pod('hi', { cost: 100 }), pod('lo', { cost: -5 })], { hi: 5 }), ['lo', 'hi']);
});

test('doubled up first', () => {
  assert.deepEqual(order([pod('alone'), pod('crowded')], { alone: 1, crowded: 3 }), ['crowded', 'alone']);
});

test('ready for a shorter time first, by log2 buckets', () => {
  assert.deepEqual(order([pod('old', { readyFor: 4000 }), pod('new', { readyFor: 10 })]), ['new', 'old']);
  // Same bucket (2^x ns): falls through to uid.
  assert.deepEqual(order([pod('b', { readyFor: 1000, uid: 'b' }), pod('a', { readyFor: 1001, uid: 'a' })]), ['a', 'b']);
});

test('more restarts first, then newer first', () => {
  assert.deepEqual(order([pod('calm'), pod('crashy', { restarts: 4 })]), ['crashy', 'calm']);
  assert.deepEqual(order([pod('older', { age: 7200 }), pod('newer', { age: 60 })]), ['newer', 'older']);
});

test('podsToDelete counts active related pods per node', () => {
  const a = pod('a', { node: 'n1' });
  const b = pod('b', { node: 'n2' });
  const other = pod('x', { node: 'n2' });
  assert.deepEqual(podsToDelete([a, b], [a, b, other], 1, NOW).map((p) => p.metadata.name), ['b']);
  assert.equal(podsToDelete([a, b], [], 5, NOW).length, 2);
});

test('isPodAvailable needs Ready for strictly more than minReadySeconds', () => {
  const p = pod('p', { readyFor: 10 });
  assert.equal(isPodAvailable(p, 0, NOW), true);
  assert.equal(isPodAvailable(p, 9, NOW), true);
  assert.equal(isPodAvailable(p, 10, NOW), false);
  assert.equal(isPodAvailable(pod('q', { ready: false }), 0, NOW), false);
});
