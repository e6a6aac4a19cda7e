/** Every phase from the objects that produce it, and a near miss that must not produce it. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { V1Deployment, V1DeploymentCondition } from '@kubernetes/client-node';
import {
  availabilityKeptByConditions,
  deploymentPhase,
  deploymentReplicaSets,
  PHASE_RULES,
  releaseVerdict,
  rolloutStatus,
  trafficState,
  ENDPOINT_LAG_MS,
  TRAFFIC_RULES,
  type DeploymentPhase,
  type SideState,
} from '../../../src/model/index.js';
import { deployment, replicaSet, type DeploymentOptions } from './fixtures.js';

const T0 = '2026-01-01T00:00:00Z';
const T1 = '2026-01-01T00:10:00Z';
const T2 = '2026-01-01T00:20:00Z';

const cond = (type: string, status: string, reason: string, at = T0, updated = at): V1DeploymentCondition =>
  ({ type, status, reason, lastTransitionTime: at as unknown as Date, lastUpdateTime: updated as unknown as Date }) as V1DeploymentCondition;

interface Shape {
  opts?: DeploymentOptions;
  replicas?: number;
  /** [revision, spec, available] per ReplicaSet; the last one carries the Deployment's template. */
  sets: [number, number, number][];
  status: V1Deployment['status'];
  paused?: boolean;
}

function phaseOf(shape: Shape): DeploymentPhase {
  const d = deployment('web', { replicas: shape.replicas ?? 4, ...shape.opts, status: shape.status });
  if (shape.paused) d.spec!.paused = true;
  const sets = shape.sets.map(([rev, spec, available], i) =>
    replicaSet(`web-h${rev}`, { owner: d, revision: rev, spec, available, replicas: spec, image: i === shape.sets.length - 1 ? undefined : `old:${rev}` }),
  );
  return deploymentPhase(d, deploymentReplicaSets(d, sets), rolloutStatus(d));
}

const statusOf = (o: { updated: number; replicas: number; available: number; conditions: V1DeploymentCondition[] }): V1Deployment['status'] => ({
  observedGeneration: 1,
  updatedReplicas: o.updated,
  replicas: o.replicas,
  availableReplicas: o.available,
  readyReplicas: o.available,
  conditions: o.conditions,
});

test('creating: a first revision that has never completed', () => {
  const creating = statusOf({ updated: 4, replicas: 4, available: 1, conditions: [cond('Available', 'False', 'MinimumReplicasUnavailable'), cond('Progressing', 'True', 'ReplicaSetUpdated')] });
  assert.equal(phaseOf({ sets: [[1, 4, 1]], status: creating }), 'creating');
  // Not: the same numbers once the first revision had completed (pods lost afterwards).
  const lost = statusOf({ updated: 4, replicas: 4, available: 1, conditions: [cond('Available', 'False', 'MinimumReplicasUnavailable'), cond('Progressing', 'True', 'NewReplicaSetAvailable')] });
  assert.notEqual(phaseOf({ sets: [[1, 4, 1]], status: lost }), 'creating');
});

test('scaling: only the count moves (Progressing stays NewReplicaSetAvailable)', () => {
  const up = statusOf({ updated: 14, replicas: 14, available: 10, conditions: [cond('Available', 'True', 'MinimumReplicasAvailable'), cond('Progressing', 'True', 'NewReplicaSetAvailable')] });
  assert.equal(phaseOf({ replicas: 14, sets: [[1, 0, 0], [2, 14, 10]], status: up }), 'scaling');
  // Not: a new template rolling out with the same counts (an old ReplicaSet still has pods).
  const rolling = statusOf({ updated: 3, replicas: 13, available: 10, conditions: [cond('Available', 'True', 'MinimumReplicasAvailable'), cond('Progressing', 'True', 'ReplicaSetUpdated')] });
  assert.notEqual(phaseOf({ replicas: 10, sets: [[1, 10, 10], [2, 3, 0]], status: rolling }), 'scaling');
});

test('rolling: a new template replaces an older one with RollingUpdate', () => {
  const s = statusOf({ updated: 3, replicas: 13, available: 10, conditions: [cond('Available', 'True', 'MinimumReplicasAvailable'), cond('Progressing', 'True', 'ReplicaSetUpdated')] });
  assert.equal(phaseOf({ replicas: 10, sets: [[1, 10, 10], [2, 3, 0]], status: s }), 'rolling');
  // Before the controller made the new ReplicaSet, the Progressing reason still says complete: the template decides.
  const early = statusOf({ updated: 0, replicas: 10, available: 10, conditions: [cond('Available', 'True', 'MinimumReplicasAvailable'), cond('Progressing', 'True', 'NewReplicaSetAvailable')] });
  const d = deployment('web', { replicas: 10, status: early });
  const old = replicaSet('web-h1', { owner: d, revision: 1, spec: 10, available: 10, image: 'old:1' });
  assert.equal(deploymentPhase(d, deploymentReplicaSets(d, [old]), rolloutStatus(d)), 'rolling');
  // Not: the same rollout with strategy Recreate.
  assert.notEqual(phaseOf({ opts: { strategy: 'Recreate' }, replicas: 10, sets: [[1, 10, 10], [2, 3, 0]], status: s }), 'rolling');
});

test('recreating: a Recreate rollout says its downtime is by design (warn, not fail)', () => {
  const s = statusOf({ updated: 0, replicas: 0, available: 0, conditions: [cond('Available', 'False', 'MinimumReplicasUnavailable'), cond('Progressing', 'True', 'ReplicaSetUpdated')] });
  assert.equal(phaseOf({ opts: { strategy: 'Recreate' }, sets: [[1, 0, 0], [2, 4, 0]], status: s }), 'recreating');
  assert.equal(PHASE_RULES.recreating.alarm, 'warn');
  assert.match(PHASE_RULES.recreating.word, /by design/);
  // Before the new ReplicaSet exists, the old one is only found by the Deployment's revision: still a template change.
  const early = statusOf({ updated: 0, replicas: 4, available: 4, conditions: [cond('Available', 'True', 'MinimumReplicasAvailable'), cond('Progressing', 'True', 'NewReplicaSetAvailable')] });
  const d = deployment('api', { strategy: 'Recreate', revision: 1, replicas: 4, status: early });
  const old = replicaSet('api-h1', { owner: d, revision: 1, spec: 0, available: 0, image: 'old:1' });
  assert.equal(deploymentPhase(d, deploymentReplicaSets(d, [old]), rolloutStatus(d)), 'recreating');
  // Not: creating a Recreate Deployment (nothing served before it).
  assert.notEqual(phaseOf({ opts: { strategy: 'Recreate' }, sets: [[1, 4, 0]], status: s }), 'recreating');
});

test('paused, stuck and complete', () => {
  const mid = statusOf({ updated: 3, replicas: 13, available: 10, conditions: [cond('Progressing', 'Unknown', 'DeploymentPaused')] });
  assert.equal(phaseOf({ replicas: 10, paused: true, sets: [[1, 10, 10], [2, 3, 3]], status: mid }), 'paused');
  assert.notEqual(phaseOf({ replicas: 10, sets: [[1, 10, 10], [2, 3, 3]], status: mid }), 'paused');

  const stuck = statusOf({ updated: 1, replicas: 4, available: 3, conditions: [cond('Progressing', 'False', 'ProgressDeadlineExceeded')] });
  assert.equal(phaseOf({ sets: [[1, 3, 3], [2, 1, 0]], status: stuck }), 'stuck');
  assert.equal(PHASE_RULES.stuck.alarm, 'fail');
  const slow = statusOf({ updated: 1, replicas: 4, available: 3, conditions: [cond('Progressing', 'True', 'ReplicaSetUpdated')] });
  assert.notEqual(phaseOf({ sets: [[1, 3, 3], [2, 1, 0]], status: slow }), 'stuck');

  const done = statusOf({ updated: 4, replicas: 4, available: 4, conditions: [cond('Progressing', 'True', 'NewReplicaSetAvailable')] });
  assert.equal(phaseOf({ sets: [[1, 0, 0], [2, 4, 4]], status: done }), 'complete');
  assert.notEqual(phaseOf({ sets: [[1, 0, 0], [2, 4, 4]], status: { ...done, availableReplicas: 3 } }), 'complete');
});

test('which phases alarm and which judge the budget: only a moving rollout holds gauges to their limits', () => {
  const alarms = Object.entries(PHASE_RULES).filter(([, r]) => r.alarm !== 'none').map(([p]) => p).sort();
  assert.deepEqual(alarms, ['recreating', 'stuck']);
  const judged = Object.entries(PHASE_RULES).filter(([, r]) => r.judgesBudget).map(([p]) => p).sort();
  assert.deepEqual(judged, ['rolling', 'stuck']);
  assert.equal(PHASE_RULES.creating.recordsIncidents, false);
});

test('the Service: zero ready endpoints while pods are wanted, below the floor, serving', () => {
  assert.equal(trafficState(0, 4, true), 'no-endpoints');
  assert.equal(TRAFFIC_RULES['no-endpoints'].alarm, 'fail');
  assert.equal(trafficState(0, 0, false), 'serving', 'scaled to zero on purpose');
  assert.equal(trafficState(8, 10, true), 'below-floor');
  assert.equal(TRAFFIC_RULES['below-floor'].alarm, 'warn');
  assert.equal(trafficState(10, 14, false), 'serving', 'a scale-up not yet available is not below the floor');
});

test('the Service: EndpointSlices catching up with pods that just turned Ready are not an outage; ready pods left out of them are', () => {
  const now = 100_000;
  assert.equal(trafficState(0, 10, false, now - 2_000, now), 'serving', 'pods Ready 2 s ago, slices not yet written');
  assert.equal(trafficState(0, 10, false, now - ENDPOINT_LAG_MS, now), 'no-endpoints', 'pods Ready for the whole lag and still no endpoint');
  assert.equal(trafficState(0, 10, false, undefined, now), 'no-endpoints', 'no pod is Ready');
});

const side = (o: Partial<SideState>): SideState => ({ phase: 'complete', serving: true, record: 'zero-downtime-kept', byDesign: false, ...o });
const clock = (ms: number) => `t${ms}`;

test('release verdict: creating, an idle colour and a growing canary never alarm', () => {
  assert.deepEqual(releaseVerdict([side({ phase: 'creating', record: 'in-progress' })], 'no-endpoints', false, clock), { text: 'creating', level: 'progress' });
  assert.equal(releaseVerdict([side({}), side({ serving: false, record: 'traffic-outage', phase: 'scaling' })], 'serving', false, clock).level, 'progress');
  assert.equal(releaseVerdict([side({}), side({ phase: 'scaling', record: 'in-progress' })], 'serving', false, clock).text, 'scaling');
  assert.equal(releaseVerdict([side({})], 'serving', false, clock).text, 'zero downtime kept');
});

test('release verdict: the alarms that must appear', () => {
  assert.equal(releaseVerdict([side({})], 'no-endpoints', false, clock).level, 'fail');
  assert.equal(releaseVerdict([side({}), side({ serving: false, phase: 'stuck' })], 'serving', false, clock).text, 'deadline exceeded');
  assert.equal(releaseVerdict([side({ record: 'budget-breached' })], 'serving', false, clock).level, 'warn');
  assert.equal(releaseVerdict([side({ record: 'traffic-outage' })], 'serving', false, clock).text, 'traffic outage');
  assert.deepEqual(releaseVerdict([side({ phase: 'recreating', byDesign: true })], 'no-endpoints', false, clock), { text: 'downtime by design (Recreate)', level: 'warn' });
});

test('release verdict: syncing before judging, and a partial window is named', () => {
  assert.deepEqual(releaseVerdict([side({ phase: 'stuck' })], undefined, true, clock), { text: 'syncing', level: 'progress' });
  assert.deepEqual(releaseVerdict([side({ watchedSince: 5 })], 'serving', false, clock), { text: 'watched since t5', level: 'partial', watchedSince: 5 });
});

test('the Available condition vouches for a past the cockpit did not watch', () => {
  const d = (conditions: V1DeploymentCondition[]) => deployment('web', { status: { conditions } });
  const start = Date.parse(T1);
  assert.equal(availabilityKeptByConditions(d([cond('Available', 'True', 'MinimumReplicasAvailable', T0)]), start, true), true);
  assert.equal(availabilityKeptByConditions(d([cond('Available', 'True', 'MinimumReplicasAvailable', T2)]), start, true), false, 'it dropped during the rollout');
  // A first revision: available since it completed.
  const first = [cond('Available', 'True', 'MinimumReplicasAvailable', T1), cond('Progressing', 'True', 'NewReplicaSetAvailable', T0, T1)];
  assert.equal(availabilityKeptByConditions(d(first), Date.parse(T0), false), true);
  const dippedLater = [cond('Available', 'True', 'MinimumReplicasAvailable', T2), cond('Progressing', 'True', 'NewReplicaSetAvailable', T0, T1)];
  assert.equal(availabilityKeptByConditions(d(dippedLater), Date.parse(T0), false), false);
});
