import { test } from 'node:test';
import assert from 'node:assert/strict';
import { R } from '../../../src/sim/resources.js';
import type { Obj } from '../../../src/sim/store.js';
import { createPod, createService, newSim, setPodStatus, slicesOf, type Sim } from './helpers.js';

/** A Deployment -> ReplicaSet -> 2 pods chain, owner references as the workload controllers write them. */
function chain(sim: Sim, name: string): { d: Obj; rs: Obj; pods: Obj[] } {
  const d = sim.store.create(R.deployments, {
    metadata: { name, namespace: 'default' },
    spec: { replicas: 2, selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'a', image: 'a' }] } } },
  });
  const ref = (o: Obj, kind: string, apiVersion: string) => ({ apiVersion, kind, name: o.metadata.name!, uid: o.metadata.uid!, controller: true, blockOwnerDeletion: true });
  const rs = sim.store.create(R.replicasets, {
    metadata: { name: `${name}-abc`, namespace: 'default', ownerReferences: [ref(d, 'Deployment', 'apps/v1')] },
    spec: { replicas: 2, selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'a', image: 'a' }] } } },
  });
  const pods = [0, 1].map((i) => createPod(sim, `${name}-abc-${i}`, { labels: { app: name }, ownerReferences: [ref(rs, 'ReplicaSet', 'apps/v1')] }));
  return { d, rs, pods };
}

const exists = (sim: Sim, rt: any, name: string) => !!sim.store.get(rt, 'default', name);

test('GC background: deleting a Deployment removes its ReplicaSet, then its pods (gracefully)', async () => {
  const sim = newSim();
  const { pods } = chain(sim, 'web');
  for (const p of pods) setPodStatus(sim, 'default', p.metadata.name!, { ready: true });
  await sim.settle();
  sim.store.delete(R.deployments, 'default', 'web', { propagationPolicy: 'Background' });
  await sim.settle();
  assert.equal(exists(sim, R.replicasets, 'web-abc'), false);
  // Scheduled running pods get a deletionTimestamp (grace period) and wait for the kubelet.
  for (const p of pods) assert.ok(sim.store.get(R.pods, 'default', p.metadata.name!)?.metadata.deletionTimestamp);
  await sim.stop();
});

test('GC foreground: dependents go first, then the owner', async () => {
  const sim = newSim();
  const { pods } = chain(sim, 'api');
  await sim.settle();
  sim.store.delete(R.deployments, 'default', 'api', { propagationPolicy: 'Foreground' });
  await sim.settle();
  const d = sim.store.get(R.deployments, 'default', 'api');
  assert.ok(d, 'owner stays while dependents exist');
  assert.deepEqual(d.metadata.finalizers, ['foregroundDeletion']);
  const rs = sim.store.get(R.replicasets, 'default', 'api-abc')!;
  assert.ok(rs.metadata.deletionTimestamp, 'RS deleted in foreground too');
  assert.ok(rs.metadata.finalizers?.includes('foregroundDeletion'));
  // The pods are terminating (kubelet finishes them); remove them as the kubelet would.
  for (const p of pods) {
    assert.ok(sim.store.get(R.pods, 'default', p.metadata.name!)?.metadata.deletionTimestamp);
    sim.store.remove(R.pods, 'default', p.metadata.name!);
  }
  await sim.settle();
  assert.equal(exists(sim, R.replicasets, 'api-abc'), false);
  assert.equal(exists(sim, R.deployments, 'api'), false);
  await sim.stop();
});

test('GC orphan: owner references are stripped and the dependents stay', async () => {
  const sim = newSim();
  const { rs, pods } = chain(sim, 'keep');
  await sim.settle();
  sim.store.delete(R.replicasets, 'default', 'keep-abc', { propagationPolicy: 'Orphan' });
  await sim.settle();
  assert.equal(exists(sim, R.replicasets, 'keep-abc'), false);
  for (const p of pods) {
    const cur = sim.store.get(R.pods, 'default', p.metadata.name!)!;
    assert.ok(cur, 'pod kept');
    assert.equal(cur.metadata.deletionTimestamp, undefined);
    assert.ok(!(cur.metadata.ownerReferences ?? []).some((r) => r.uid === rs.metadata.uid));
  }
  assert.ok(exists(sim, R.deployments, 'keep'));
  await sim.stop();
});

test('GC: an object with one live and one dangling owner loses only the dangling reference', async () => {
  const sim = newSim();
  const a = sim.store.create(R.configmaps, { metadata: { name: 'a', namespace: 'default' } });
  void a;
  const svc = createService(sim, 'live', { app: 'x' });
  const pod = createPod(sim, 'shared', {
    ownerReferences: [
      { apiVersion: 'v1', kind: 'Service', name: 'live', uid: svc.metadata.uid! },
      { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'gone', uid: '00000000-dead' },
    ],
  });
  await sim.settle();
  const cur = sim.store.get(R.pods, 'default', pod.metadata.name!)!;
  assert.equal(cur.metadata.deletionTimestamp, undefined);
  assert.deepEqual(cur.metadata.ownerReferences?.map((r) => r.name), ['live']);
  await sim.stop();
});

test('GC: EndpointSlices go with their Service', async () => {
  const sim = newSim();
  createService(sim, 'web', { app: 'web' });
  await sim.settle();
  assert.equal(slicesOf(sim, 'web').length, 1);
  sim.store.delete(R.services, 'default', 'web');
  await sim.settle();
  assert.equal(slicesOf(sim, 'web').length, 0);
  assert.equal(sim.store.get(R.endpoints, 'default', 'web'), undefined);
  await sim.stop();
});

test('namespace deletion: Terminating, content deleted, then the namespace is removed', async () => {
  const sim = newSim();
  sim.store.create(R.namespaces, { metadata: { name: 'shop' }, spec: { finalizers: ['kubernetes'] }, status: { phase: 'Active' } });
  createService(sim, 'cart', { app: 'cart' }, {}, 'shop');
  createPod(sim, 'cart-1', { ns: 'shop', labels: { app: 'cart' } });
  setPodStatus(sim, 'shop', 'cart-1', { ready: true });
  sim.store.create(R.configmaps, { metadata: { name: 'cfg', namespace: 'shop' } });
  await sim.settle();
  assert.equal(slicesOf(sim, 'cart', 'shop').length, 1);

  sim.store.delete(R.namespaces, undefined, 'shop');
  await sim.settle();
  let ns = sim.store.get(R.namespaces, undefined, 'shop')!;
  assert.ok(ns, 'kept while content remains');
  assert.equal(ns.status.phase, 'Terminating');
  const remaining = ns.status.conditions.find((c: any) => c.type === 'NamespaceContentRemaining');
  assert.equal(remaining.status, 'True');
  assert.equal(sim.store.get(R.configmaps, 'shop', 'cfg'), undefined);
  assert.equal(sim.store.get(R.services, 'shop', 'cart'), undefined);
  assert.ok(sim.store.get(R.pods, 'shop', 'cart-1')?.metadata.deletionTimestamp, 'pod terminating gracefully');
  assert.throws(() => sim.store.create(R.configmaps, { metadata: { name: 'late', namespace: 'shop' } }), /being terminated/);

  sim.store.remove(R.pods, 'shop', 'cart-1'); // the kubelet finishing the pod
  await sim.settle();
  ns = sim.store.get(R.namespaces, undefined, 'shop')!;
  assert.equal(ns, undefined, 'finalized and removed');
  assert.equal(sim.store.list(R.endpointslices, 'shop').length, 0);
  assert.ok(sim.store.get(R.namespaces, undefined, 'default'), 'other namespaces untouched');
  await sim.stop();
});

test('TTL after finished: the Job is deleted ttl seconds after Complete (Foreground), pods via GC', async () => {
  const sim = newSim();
  sim.store.create(R.jobs, {
    metadata: { name: 'mig', namespace: 'default' },
    spec: { ttlSecondsAfterFinished: 60, template: { spec: { restartPolicy: 'Never', containers: [{ name: 'm', image: 'm' }] } } },
  });
  await sim.settle();
  const [pod] = sim.store.list(R.pods, 'default');
  setPodStatus(sim, 'default', pod.metadata.name!, { phase: 'Succeeded' });
  await sim.settle();
  const job = sim.store.get(R.jobs, 'default', 'mig')!;
  assert.ok(job.status.conditions.some((c: any) => c.type === 'Complete'));
  await sim.advance(59_000);
  assert.ok(sim.store.get(R.jobs, 'default', 'mig'), 'still there before the TTL');
  await sim.advance(1_000);
  assert.equal(sim.store.get(R.jobs, 'default', 'mig'), undefined, 'deleted at the TTL');
  assert.equal(sim.store.get(R.pods, 'default', pod.metadata.name!), undefined, 'its finished pod is gone too');
  await sim.stop();
});

test('TTL 0 deletes right away; a Job without TTL stays', async () => {
  const sim = newSim();
  for (const [name, ttl] of [['now', 0], ['keep', undefined]] as const) {
    sim.store.create(R.jobs, {
      metadata: { name, namespace: 'default' },
      spec: { ...(ttl !== undefined ? { ttlSecondsAfterFinished: ttl } : {}), template: { spec: { restartPolicy: 'Never', containers: [{ name: 'm', image: 'm' }] } } },
    });
  }
  await sim.settle();
  for (const p of sim.store.list(R.pods, 'default')) setPodStatus(sim, 'default', p.metadata.name!, { phase: 'Succeeded' });
  await sim.settle();
  assert.equal(sim.store.get(R.jobs, 'default', 'now'), undefined);
  await sim.advance(3_600_000);
  assert.ok(sim.store.get(R.jobs, 'default', 'keep'));
  await sim.stop();
});
