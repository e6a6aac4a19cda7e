import assert from 'node:assert/strict';
import { test } from 'node:test';
import { podBehaviour, preStopSeconds } from '../../../src/sim/podBehaviour.js';
import type { Obj } from '../../../src/sim/store.js';

const pod = (annotations: Record<string, string> = {}, spec: Record<string, unknown> = {}, owner?: string): Obj => ({
  metadata: { name: 'p', namespace: 'default', annotations, ...(owner ? { ownerReferences: [{ apiVersion: 'v1', kind: owner, name: 'o', uid: 'u', controller: true }] } : {}) },
  spec: { containers: [{ name: 'app', image: 'x' }], ...spec },
});

test('defaults', () => {
  const b = podBehaviour(pod());
  assert.deepEqual(
    [b.startAfter, b.readyAfter, b.crashAfter, b.shutdownAfter, b.exitAfter, b.exitCode, b.preStopSeconds, b.runToCompletion, b.restartPolicy, b.warnings],
    [1, 0, undefined, 1, 3, 0, 0, false, 'Always', []],
  );
});

test('annotations override, ready-after beats the probe delay', () => {
  const b = podBehaviour(
    pod(
      { 'sim.cutover.io/ready-after': '7', 'sim.cutover.io/start-after': '2.5', 'sim.cutover.io/crash-after': '30', 'sim.cutover.io/shutdown-after': '4' },
      { containers: [{ name: 'a', image: 'x', readinessProbe: { initialDelaySeconds: 15 } }] },
    ),
  );
  assert.deepEqual([b.readyAfter, b.startAfter, b.crashAfter, b.shutdownAfter], [7, 2.5, 30, 4]);
});

test('the readiness probe initialDelaySeconds is the default delay', () => {
  const b = podBehaviour(pod({}, { containers: [{ name: 'a', image: 'x', readinessProbe: { initialDelaySeconds: 15 } }] }));
  assert.equal(b.readyAfter, 15);
});

test('never-ready', () => {
  assert.equal(podBehaviour(pod({ 'sim.cutover.io/never-ready': 'true' })).readyAfter, undefined);
  assert.equal(podBehaviour(pod({ 'sim.cutover.io/never-ready': 'false' })).readyAfter, 0);
});

test('bad values fall back to the default with a warning', () => {
  const b = podBehaviour(pod({ 'sim.cutover.io/start-after': 'soon', 'sim.cutover.io/exit-code': '1.5', 'sim.cutover.io/never-ready': 'yes', 'sim.cutover.io/shutdown-after': '-3' }));
  assert.equal(b.startAfter, 1);
  assert.equal(b.exitCode, 0);
  assert.equal(b.readyAfter, 0);
  assert.equal(b.shutdownAfter, 1);
  assert.equal(b.warnings.length, 4);
  assert.match(b.warnings[0], /sim\.cutover\.io\//);
});

test('Job pods and restartPolicy Never/OnFailure run to completion', () => {
  assert.equal(podBehaviour(pod({}, {}, 'Job')).runToCompletion, true);
  assert.equal(podBehaviour(pod({}, {}, 'Job')).restartPolicy, 'Never');
  assert.equal(podBehaviour(pod({}, { restartPolicy: 'OnFailure' })).restartPolicy, 'OnFailure');
  const j = podBehaviour(pod({ 'sim.cutover.io/exit-after': '9', 'sim.cutover.io/exit-code': '2' }, { restartPolicy: 'Never' }));
  assert.deepEqual([j.exitAfter, j.exitCode, j.runToCompletion], [9, 2, true]);
});

test('preStop: exec sleep parsed, sleep action, nothing', () => {
  assert.equal(preStopSeconds({ lifecycle: { preStop: { exec: { command: ['/bin/sh', '-c', 'sleep 5'] } } } }), 5);
  assert.equal(preStopSeconds({ lifecycle: { preStop: { exec: { command: ['sh', '-c', 'nginx -s quit; sleep 10'] } } } }), 10);
  assert.equal(preStopSeconds({ lifecycle: { preStop: { exec: { command: ['sleep', '3'] } } } }), 3);
  assert.equal(preStopSeconds({ lifecycle: { preStop: { sleep: { seconds: 7 } } } }), 7);
  assert.equal(preStopSeconds({ lifecycle: { preStop: { exec: { command: ['/drain.sh'] } } } }), 0);
  assert.equal(preStopSeconds({}), 0);
  assert.equal(podBehaviour(pod({}, { containers: [{ name: 'a', image: 'x', lifecycle: { preStop: { exec: { command: ['/bin/sh', '-c', 'sleep 5'] } } } }] })).preStopSeconds, 5);
});
