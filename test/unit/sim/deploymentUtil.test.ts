import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  calculateStatus,
  deploymentComplete,
  deploymentProgressing,
  deploymentTimedOut,
  maxSurge,
  maxUnavailable,
  newRSNewReplicas,
  replicaSetProportion,
  resolveFenceposts,
  setCondition,
  setNewReplicaSetAnnotations,
} from '../../../src/sim/controllers/deploymentUtil.js';
import type { Obj } from '../../../src/sim/store.js';

const deploy = (replicas: number, surge: number | string, unavail: number | string, extra: Record<string, any> = {}): Obj => ({
  metadata: { name: 'web', generation: 2, annotations: {}, ...(extra.metadata ?? {}) },
  spec: { replicas, strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: surge, maxUnavailable: unavail } }, ...(extra.spec ?? {}) },
  status: extra.status ?? {},
});
const rs = (name: string, spec: number, st: Record<string, number> = {}, annotations: Record<string, string> = {}): Obj => ({
  metadata: { name, annotations, creationTimestamp: '2026-01-01T00:00:00Z' },
  spec: { replicas: spec },
  status: st,
});

test('fenceposts: the resolved pairs of section 1', () => {
  assert.deepEqual(resolveFenceposts('25%', '25%', 10), [3, 2]);
  assert.deepEqual(resolveFenceposts('25%', 0, 10), [3, 0]);
  assert.deepEqual(resolveFenceposts(1, 0, 4), [1, 0]);
  assert.deepEqual(resolveFenceposts('25%', '25%', 3), [1, 0]);
  assert.deepEqual(resolveFenceposts('0%', '25%', 1), [0, 1], 'both round to 0 -> unavailable 1');
  assert.throws(() => resolveFenceposts('3', 0, 4), /not a percentage/);
});

test('maxUnavailable is capped at replicas and 0 for Recreate or 0 replicas', () => {
  assert.equal(maxUnavailable(deploy(2, 0, 5)), 2);
  assert.equal(maxUnavailable(deploy(0, 1, 1)), 0);
  assert.equal(maxUnavailable({ metadata: {}, spec: { replicas: 3, strategy: { type: 'Recreate' } } }), 0);
  assert.equal(maxSurge({ metadata: {}, spec: { replicas: 3, strategy: { type: 'Recreate' } } }), 0);
  assert.equal(maxSurge({ metadata: {}, spec: { replicas: 10 } }), 3, 'defaults 25%');
});

test('newRSNewReplicas: min(maxTotal - current, replicas - new)', () => {
  const d = deploy(10, '25%', 0);
  assert.equal(newRSNewReplicas(d, [rs('old', 10), rs('new', 0)], rs('new', 0)), 3);
  assert.equal(newRSNewReplicas(d, [rs('old', 7), rs('new', 3)], rs('new', 3)), 6);
  assert.equal(newRSNewReplicas(d, [rs('old', 1), rs('new', 9)], rs('new', 9)), 10);
  assert.equal(newRSNewReplicas(d, [rs('old', 10), rs('new', 3)], rs('new', 3)), 3, 'at maxTotal');
});

test('calculateStatus sums RS status and uses spec counts for unavailable', () => {
  const d = deploy(10, '25%', 0);
  const st = calculateStatus([rs('old', 10, { replicas: 10, readyReplicas: 10, availableReplicas: 10, terminatingReplicas: 0 }), rs('new', 3, { replicas: 1, readyReplicas: 0, availableReplicas: 0, terminatingReplicas: 2 })], rs('new', 3, { replicas: 1 }), d, '2026-01-01T00:00:00Z');
  assert.deepEqual(
    [st.observedGeneration, st.replicas, st.updatedReplicas, st.readyReplicas, st.availableReplicas, st.unavailableReplicas, st.terminatingReplicas],
    [2, 11, 1, 10, 10, 3, 2],
  );
  const avail = st.conditions.find((c: any) => c.type === 'Available');
  assert.deepEqual([avail.status, avail.reason, avail.message], ['True', 'MinimumReplicasAvailable', 'Deployment has minimum availability.']);
  const low = calculateStatus([rs('a', 10, { availableReplicas: 9 })], undefined, d, 'x');
  assert.equal(low.conditions[0].reason, 'MinimumReplicasUnavailable');
  // terminatingReplicas is left out when an RS does not report it
  assert.equal(calculateStatus([rs('a', 1, {})], undefined, d, 'x').terminatingReplicas, undefined);
});

test('setCondition: no-op on same status+reason, keeps lastTransitionTime on a reason change', () => {
  const status: any = { conditions: [{ type: 'Progressing', status: 'True', reason: 'A', lastTransitionTime: 't0', lastUpdateTime: 't0' }] };
  setCondition(status, { type: 'Progressing', status: 'True', reason: 'A', lastTransitionTime: 't1', lastUpdateTime: 't1' });
  assert.equal(status.conditions[0].lastUpdateTime, 't0');
  setCondition(status, { type: 'Progressing', status: 'True', reason: 'B', lastTransitionTime: 't2', lastUpdateTime: 't2' });
  assert.deepEqual([status.conditions[0].reason, status.conditions[0].lastTransitionTime, status.conditions[0].lastUpdateTime], ['B', 't0', 't2']);
  setCondition(status, { type: 'Progressing', status: 'False', reason: 'C', lastTransitionTime: 't3', lastUpdateTime: 't3' });
  assert.equal(status.conditions[0].lastTransitionTime, 't3');
});

test('complete / progressing / timed out', () => {
  const d = deploy(3, 1, 0, { status: { replicas: 4, updatedReplicas: 1, readyReplicas: 3, availableReplicas: 3 }, spec: { progressDeadlineSeconds: 60 } });
  assert.equal(deploymentComplete(d, { updatedReplicas: 3, replicas: 3, availableReplicas: 3, observedGeneration: 2 }), true);
  assert.equal(deploymentComplete(d, { updatedReplicas: 3, replicas: 3, availableReplicas: 3, observedGeneration: 1 }), false);
  assert.equal(deploymentProgressing(d, { replicas: 4, updatedReplicas: 2, readyReplicas: 3, availableReplicas: 3 }), true);
  assert.equal(deploymentProgressing(d, { replicas: 3, updatedReplicas: 1, readyReplicas: 3, availableReplicas: 3 }), true, 'old replicas went down');
  assert.equal(deploymentProgressing(d, { replicas: 4, updatedReplicas: 1, readyReplicas: 3, availableReplicas: 3 }), false);
  const t0 = Date.parse('2026-01-01T00:00:00Z');
  const st = { conditions: [{ type: 'Progressing', status: 'True', reason: 'ReplicaSetUpdated', lastUpdateTime: '2026-01-01T00:00:00Z' }] };
  assert.equal(deploymentTimedOut(d, st, t0 + 60_000), false, 'strictly before now');
  assert.equal(deploymentTimedOut(d, st, t0 + 60_001), true);
  assert.equal(deploymentTimedOut(d, { conditions: [{ ...st.conditions[0], reason: 'NewReplicaSetAvailable' }] }, t0 + 1e9), false);
});

test('proportional scaling fractions (GetReplicaSetProportion)', () => {
  const d = deploy(20, 3, 2, { status: { replicas: 13 } });
  const old = rs('old', 8, {}, { 'deployment.kubernetes.io/max-replicas': '13' });
  const nu = rs('new', 5, {}, { 'deployment.kubernetes.io/max-replicas': '13' });
  const p1 = replicaSetProportion(old, d, 10, 0);
  const p2 = replicaSetProportion(nu, d, 10, p1);
  assert.deepEqual([p1, p2], [6, 4]);
  // Scaling to zero removes everything.
  assert.equal(replicaSetProportion(old, deploy(0, 3, 2), -13, 0), -8);
});

test('new RS annotations: copy, skip list, revision history', () => {
  const d = deploy(4, 1, 0, { metadata: { annotations: { 'kubernetes.io/change-cause': 'v2', 'kubectl.kubernetes.io/last-applied-configuration': '{}', 'deployment.kubernetes.io/revision': '9' } } });
  const fresh = rs('n', 0);
  setNewReplicaSetAnnotations(d, fresh, '3', false);
  assert.deepEqual(fresh.metadata.annotations, {
    'kubernetes.io/change-cause': 'v2',
    'deployment.kubernetes.io/revision': '3',
    'deployment.kubernetes.io/desired-replicas': '4',
    'deployment.kubernetes.io/max-replicas': '5',
  });
  const reused = rs('o', 0, {}, { 'deployment.kubernetes.io/revision': '1' });
  assert.equal(setNewReplicaSetAnnotations(d, reused, '4', true), true);
  assert.equal(reused.metadata.annotations!['deployment.kubernetes.io/revision'], '4');
  assert.equal(reused.metadata.annotations!['deployment.kubernetes.io/revision-history'], '1');
  setNewReplicaSetAnnotations(d, reused, '6', true);
  assert.equal(reused.metadata.annotations!['deployment.kubernetes.io/revision-history'], '1,4');
  // Never lowers a revision.
  setNewReplicaSetAnnotations(d, reused, '2', true);
  assert.equal(reused.metadata.annotations!['deployment.kubernetes.io/revision'], '6');
});
