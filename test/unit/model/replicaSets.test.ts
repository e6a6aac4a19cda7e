import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  deploymentByReplicaSet,
  deploymentReplicaSets,
  findNewReplicaSet,
  ownedReplicaSets,
  revisionOf,
  templatesEqualIgnoringHash,
} from '../../../src/model/replicaSets.js';
import { deployment, replicaSet } from './fixtures.js';

const names = (list: { metadata?: { name?: string } }[]) => list.map((x) => x.metadata?.name);

test('revisionOf parses the revision annotation', () => {
  const cases: [Record<string, string> | undefined, number | undefined][] = [
    [{ 'deployment.kubernetes.io/revision': '7' }, 7],
    [{ 'deployment.kubernetes.io/revision': '12' }, 12],
    [{ 'deployment.kubernetes.io/revision': 'seven' }, undefined],
    [{ 'deployment.kubernetes.io/revision': '' }, undefined],
    [{}, undefined],
    [undefined, undefined],
  ];
  for (const [annotations, want] of cases) assert.equal(revisionOf({ metadata: { annotations } }), want, JSON.stringify(annotations));
});

test('ownedReplicaSets keeps RSs controlled by the Deployment uid, by revision', () => {
  const web = deployment('web');
  const api = deployment('api');
  const r3 = replicaSet('web-ccc', { owner: web, revision: 3 });
  const r1 = replicaSet('web-aaa', { owner: web, revision: 1 });
  const r10 = replicaSet('web-bbb', { owner: web, revision: 10 });
  const other = replicaSet('api-aaa', { owner: api, revision: 2 });
  const orphan = replicaSet('web-orphan', { revision: 4 });
  const notController = replicaSet('web-ddd', { owner: web, revision: 5 });
  notController.metadata!.ownerReferences![0].controller = false;
  assert.deepEqual(names(ownedReplicaSets(web, [r3, other, r10, orphan, r1, notController])), ['web-aaa', 'web-ccc', 'web-bbb']);
  const noUid = deployment('web');
  delete noUid.metadata!.uid;
  assert.deepEqual(ownedReplicaSets(noUid, [r1]), []);
});

test('templatesEqualIgnoringHash ignores only pod-template-hash', () => {
  const d = deployment('web');
  const rs = replicaSet('web-abc', { owner: d });
  assert.equal(templatesEqualIgnoringHash(d.spec!.template, rs.spec!.template), true);
  const changed = replicaSet('web-def', { owner: d, image: 'registry.example/web:v2' });
  assert.equal(templatesEqualIgnoringHash(d.spec!.template, changed.spec!.template), false);
  const relabelled = structuredClone(rs.spec!.template!);
  relabelled.metadata!.labels!.extra = 'x';
  assert.equal(templatesEqualIgnoringHash(d.spec!.template, relabelled), false);
});

test('findNewReplicaSet: template match (oldest wins), else the revision annotation', () => {
  const d = deployment('web', { revision: 2, image: 'registry.example/web:v2' });
  const v1 = replicaSet('web-v1', { owner: d, revision: 1, image: 'registry.example/web:v1' });
  const v2 = replicaSet('web-v2', { owner: d, revision: 2, created: '2026-01-02T00:00:00Z' });
  const v2twin = replicaSet('web-v2b', { owner: d, revision: 3, created: '2026-01-03T00:00:00Z' });
  assert.deepEqual(findNewReplicaSet(d, [v1, v2, v2twin]), { replicaSet: v2, matchedBy: 'template' });

  const edited = deployment('web', { revision: 1, image: 'registry.example/web:v9' });
  const old = replicaSet('web-v1', { owner: edited, revision: 1, image: 'registry.example/web:v1' });
  assert.deepEqual(findNewReplicaSet(edited, [old]), { replicaSet: old, matchedBy: 'revision' });
  assert.equal(findNewReplicaSet(deployment('web', { image: 'x:1' }), [old]), undefined);
});

test('deploymentReplicaSets: new, old, active old and revisions old -> new', () => {
  const d = deployment('web', { revision: 3, image: 'registry.example/web:v3' });
  const v1 = replicaSet('web-v1', { owner: d, revision: 1, image: 'registry.example/web:v1', spec: 0 });
  const v2 = replicaSet('web-v2', { owner: d, revision: 2, image: 'registry.example/web:v2', spec: 7, available: 7 });
  const v3 = replicaSet('web-v3', { owner: d, revision: 3, spec: 3 });
  const view = deploymentReplicaSets(d, [v3, v1, v2]);
  assert.equal(view.newRS, v3);
  assert.equal(view.newMatchedBy, 'template');
  assert.deepEqual(names(view.oldRSs), ['web-v1', 'web-v2']);
  assert.deepEqual(names(view.activeOldRSs), ['web-v2']);
  assert.equal(view.fromRevision, 2);
  assert.equal(view.toRevision, 3);
  assert.equal(view.previousRevision, 2);

  const done = deploymentReplicaSets(d, [v1, { ...v2, spec: { ...v2.spec!, replicas: 0 }, status: { replicas: 0 } }, v3]);
  assert.equal(done.fromRevision, undefined);
  assert.equal(done.previousRevision, 2);
  assert.equal(done.toRevision, 3);
});

test('deploymentByReplicaSet maps RS names to their controlling Deployment', () => {
  const web = deployment('web');
  const api = deployment('api');
  const map = deploymentByReplicaSet([web, api], [
    replicaSet('web-a', { owner: web }),
    replicaSet('api-b', { owner: api }),
    replicaSet('stray-c'),
  ]);
  assert.deepEqual([...map.entries()].sort(), [['api-b', 'api'], ['web-a', 'web']]);
});
