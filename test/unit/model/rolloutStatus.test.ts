import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { V1DeploymentStatus } from '@kubernetes/client-node';
import { rolloutStatus } from '../../../src/model/rolloutStatus.js';
import { deployment } from './fixtures.js';

const W = 'Waiting for deployment "web" rollout to finish: ';

test('rolloutStatus prints what kubectl rollout status prints, first matching rule wins', () => {
  type Row = [string, { replicas?: number; generation?: number; status: V1DeploymentStatus }, string, boolean, boolean];
  const rows: Row[] = [
    ['spec change not yet observed', { generation: 3, status: { observedGeneration: 2, updatedReplicas: 10, replicas: 10, availableReplicas: 10 } }, 'Waiting for deployment spec update to be observed...', false, false],
    [
      'progress deadline exceeded',
      { status: { observedGeneration: 1, updatedReplicas: 3, replicas: 13, availableReplicas: 10, conditions: [{ type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded' }] } },
      'deployment "web" exceeded its progress deadline',
      false,
      true,
    ],
    ['example A step 0: 3 new of 10', { status: { observedGeneration: 1, updatedReplicas: 3, replicas: 13, availableReplicas: 10 } }, `${W}3 out of 10 new replicas have been updated...`, false, false],
    ['example A step 6: one old pod left', { status: { observedGeneration: 1, updatedReplicas: 10, replicas: 11, availableReplicas: 10 } }, `${W}1 old replicas are pending termination...`, false, false],
    ['updated but not yet available', { status: { observedGeneration: 1, updatedReplicas: 10, replicas: 10, availableReplicas: 9 } }, `${W}9 of 10 updated replicas are available...`, false, false],
    ['example A step 7: complete', { status: { observedGeneration: 1, updatedReplicas: 10, replicas: 10, availableReplicas: 10 } }, 'deployment "web" successfully rolled out', true, false],
    ['empty status on a fresh Deployment', { generation: 1, status: { observedGeneration: 1 } }, `${W}0 out of 10 new replicas have been updated...`, false, false],
    ['scaled to zero is rolled out', { replicas: 0, status: { observedGeneration: 1 } }, 'deployment "web" successfully rolled out', true, false],
    [
      'other Progressing reasons are not failures',
      { status: { observedGeneration: 1, updatedReplicas: 4, replicas: 10, availableReplicas: 8, conditions: [{ type: 'Progressing', status: 'True', reason: 'ReplicaSetUpdated' }] } },
      `${W}4 out of 10 new replicas have been updated...`,
      false,
      false,
    ],
  ];
  for (const [name, o, text, done, failed] of rows) {
    const d = deployment('web', { replicas: o.replicas ?? 10, generation: o.generation ?? 1, status: o.status });
    assert.deepEqual(rolloutStatus(d), { text, done, failed }, name);
  }
});

test('rolloutStatus skips the updated-count rule when spec.replicas is unset, as kubectl does', () => {
  const d = deployment('web', { status: { observedGeneration: 1, updatedReplicas: 0, replicas: 0, availableReplicas: 0 } });
  delete d.spec!.replicas;
  assert.deepEqual(rolloutStatus(d), { text: 'deployment "web" successfully rolled out', done: true, failed: false });
});

test('rolloutStatus --revision checks the running revision first', () => {
  const done = { observedGeneration: 1, updatedReplicas: 10, replicas: 10, availableReplicas: 10 };
  const d = deployment('web', { revision: 4, status: done });
  assert.deepEqual(rolloutStatus(d, 3), {
    text: 'desired revision (3) is different from the running revision (4)',
    done: false,
    failed: true,
  });
  assert.equal(rolloutStatus(d, 4).done, true);
  assert.equal(rolloutStatus(deployment('web', { status: done }), 2).text, 'desired revision (2) is different from the running revision (0)');
  const bad = deployment('web', { status: done });
  bad.metadata!.annotations = { 'deployment.kubernetes.io/revision': 'x' };
  assert.equal(rolloutStatus(bad, 1).failed, true);
  assert.match(rolloutStatus(bad, 1).text, /^cannot get the revision of deployment "web"/);
});
