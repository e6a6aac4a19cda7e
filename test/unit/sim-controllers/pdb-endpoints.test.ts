import { test } from 'node:test';
import assert from 'node:assert/strict';
import { R } from '../../../src/sim/resources.js';
import type { Obj } from '../../../src/sim/store.js';
import { createPod, createService, newSim, setPodStatus, type Sim } from './helpers.js';

/** A Deployment with `replicas` and one ReplicaSet with `pods` pods, `ready` of them Ready. */
function workload(sim: Sim, name: string, replicas: number, pods: number, ready: number): Obj[] {
  const d = sim.store.create(R.deployments, {
    metadata: { name, namespace: 'default' },
    spec: { replicas, selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'a', image: 'a' }] } } },
  });
  const rs = sim.store.create(R.replicasets, {
    metadata: { name: `${name}-h`, namespace: 'default', ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name, uid: d.metadata.uid!, controller: true }] },
    spec: { replicas: pods, selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'a', image: 'a' }] } } },
  });
  const out: Obj[] = [];
  for (let i = 0; i < pods; i++) {
    const p = createPod(sim, `${name}-h-${i}`, { labels: { app: name }, ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: rs.metadata.name!, uid: rs.metadata.uid!, controller: true }] });
    setPodStatus(sim, 'default', p.metadata.name!, { ready: i < ready });
    out.push(p);
  }
  return out;
}

function pdb(sim: Sim, name: string, app: string, spec: Record<string, unknown>): void {
  sim.store.create(R.pdbs, { metadata: { name, namespace: 'default' }, spec: { selector: { matchLabels: { app } }, ...spec } });
}
const status = (sim: Sim, name: string) => sim.store.get(R.pdbs, 'default', name)!.status;
const allowedCond = (sim: Sim, name: string) => status(sim, name).conditions.find((c: any) => c.type === 'DisruptionAllowed');

test('PDB minAvailable 75% on 4 replicas: desired 3, one disruption allowed', async () => {
  const sim = newSim();
  workload(sim, 'web', 4, 4, 4);
  pdb(sim, 'web', 'web', { minAvailable: '75%' });
  await sim.settle();
  const s = status(sim, 'web');
  assert.equal(s.expectedPods, 4);
  assert.equal(s.desiredHealthy, 3);
  assert.equal(s.currentHealthy, 4);
  assert.equal(s.disruptionsAllowed, 1);
  assert.equal(s.observedGeneration, 1);
  assert.equal(s.disruptedPods, undefined);
  assert.deepEqual(
    { status: allowedCond(sim, 'web').status, reason: allowedCond(sim, 'web').reason },
    { status: 'True', reason: 'SufficientPods' },
  );

  // One pod loses readiness: 3 healthy, none allowed.
  setPodStatus(sim, 'default', 'web-h-0', { ready: false });
  await sim.settle();
  assert.equal(status(sim, 'web').currentHealthy, 3);
  assert.equal(status(sim, 'web').disruptionsAllowed, 0);
  assert.deepEqual(
    { status: allowedCond(sim, 'web').status, reason: allowedCond(sim, 'web').reason },
    { status: 'False', reason: 'InsufficientPods' },
  );
  // A terminating pod is not healthy either.
  setPodStatus(sim, 'default', 'web-h-0', { ready: true });
  sim.store.delete(R.pods, 'default', 'web-h-1');
  await sim.settle();
  assert.equal(status(sim, 'web').currentHealthy, 3);
  await sim.stop();
});

test('PDB maxUnavailable 1 uses the Deployment scale (not the pod count)', async () => {
  const sim = newSim();
  workload(sim, 'api', 5, 4, 4); // one pod missing
  pdb(sim, 'api', 'api', { maxUnavailable: 1 });
  await sim.settle();
  const s = status(sim, 'api');
  assert.equal(s.expectedPods, 5);
  assert.equal(s.desiredHealthy, 4);
  assert.equal(s.currentHealthy, 4);
  assert.equal(s.disruptionsAllowed, 0);
  // Scaling the Deployment down to 4 changes expectedPods.
  sim.store.mutate(R.deployments, 'default', 'api', (d) => {
    d.spec.replicas = 4;
  });
  await sim.settle();
  assert.equal(status(sim, 'api').expectedPods, 4);
  assert.equal(status(sim, 'api').desiredHealthy, 3);
  assert.equal(status(sim, 'api').disruptionsAllowed, 1);
  await sim.stop();
});

test('PDB maxUnavailable percentage rounds up; minAvailable integer counts pods', async () => {
  const sim = newSim();
  workload(sim, 'a', 10, 10, 10);
  pdb(sim, 'a-pct', 'a', { maxUnavailable: '25%' }); // ceil(2.5) = 3 -> desired 7
  pdb(sim, 'a-int', 'a', { minAvailable: 8 });
  await sim.settle();
  assert.equal(status(sim, 'a-pct').desiredHealthy, 7);
  assert.equal(status(sim, 'a-pct').disruptionsAllowed, 3);
  const s = status(sim, 'a-int');
  assert.equal(s.expectedPods, 10);
  assert.equal(s.desiredHealthy, 8);
  assert.equal(s.disruptionsAllowed, 2);
  await sim.stop();
});

test('PDB with a percentage over unmanaged pods gives 0 expected; no pods gives 0 allowed', async () => {
  const sim = newSim();
  createPod(sim, 'lonely', { labels: { app: 'solo' } });
  setPodStatus(sim, 'default', 'lonely', { ready: true });
  pdb(sim, 'solo', 'solo', { minAvailable: '50%' });
  pdb(sim, 'none', 'nothing', { minAvailable: 0 });
  await sim.settle();
  assert.equal(status(sim, 'solo').expectedPods, 0);
  assert.equal(status(sim, 'solo').disruptionsAllowed, 0);
  assert.equal(status(sim, 'none').expectedPods, 0);
  assert.equal(status(sim, 'none').disruptionsAllowed, 0);
  await sim.stop();
});

test('PDB: a pod owned by a controller without scale fails the sync (SyncFailed)', async () => {
  const sim = newSim();
  createPod(sim, 'odd', { labels: { app: 'odd' }, ownerReferences: [{ apiVersion: 'batch/v1', kind: 'Job', name: 'j', uid: 'u-1', controller: true }] });
  setPodStatus(sim, 'default', 'odd', { ready: true });
  pdb(sim, 'odd', 'odd', { maxUnavailable: 1 });
  await sim.settle();
  const c = allowedCond(sim, 'odd');
  assert.equal(c.status, 'False');
  assert.equal(c.reason, 'SyncFailed');
  assert.match(c.message, /found no controllers for pod "odd"/);
  assert.equal(status(sim, 'odd').disruptionsAllowed, 0);
  await sim.stop();
});

test('Endpoints: ready in addresses, unready in notReadyAddresses, terminating left out', async () => {
  const sim = newSim();
  createService(sim, 'web', { app: 'web' });
  createPod(sim, 'web-a', { labels: { app: 'web' } });
  createPod(sim, 'web-b', { labels: { app: 'web' } });
  createPod(sim, 'web-c', { labels: { app: 'web' } });
  setPodStatus(sim, 'default', 'web-a', { ready: true, ip: '10.244.1.2' });
  setPodStatus(sim, 'default', 'web-b', { ready: false, ip: '10.244.1.3' });
  setPodStatus(sim, 'default', 'web-c', { ready: true, ip: '10.244.1.4' });
  await sim.settle();
  let ep = sim.store.get(R.endpoints, 'default', 'web')!;
  assert.equal(ep.metadata.labels?.['endpoints.kubernetes.io/managed-by'], 'endpoint-controller');
  assert.equal(ep.metadata.labels?.app, 'web');
  assert.equal(ep.subsets.length, 1);
  assert.deepEqual(ep.subsets[0].addresses.map((a: any) => a.ip), ['10.244.1.2', '10.244.1.4']);
  assert.deepEqual(ep.subsets[0].notReadyAddresses.map((a: any) => a.ip), ['10.244.1.3']);
  assert.deepEqual(ep.subsets[0].ports, [{ name: 'http', port: 8080, protocol: 'TCP' }]);
  const a = ep.subsets[0].addresses[0];
  assert.equal(a.nodeName, 'sim-node-1');
  assert.equal(a.targetRef.kind, 'Pod');
  assert.equal(a.targetRef.name, 'web-a');

  sim.store.delete(R.pods, 'default', 'web-c');
  await sim.settle();
  ep = sim.store.get(R.endpoints, 'default', 'web')!;
  assert.deepEqual(ep.subsets[0].addresses.map((x: any) => x.ip), ['10.244.1.2'], 'terminating pod excluded');

  // publishNotReadyAddresses: everything in addresses, terminating included.
  sim.store.mutate(R.services, 'default', 'web', (s) => {
    s.spec.publishNotReadyAddresses = true;
  });
  await sim.settle();
  ep = sim.store.get(R.endpoints, 'default', 'web')!;
  assert.deepEqual(ep.subsets[0].addresses.map((x: any) => x.ip), ['10.244.1.2', '10.244.1.3', '10.244.1.4']);
  assert.equal(ep.subsets[0].notReadyAddresses, undefined);

  // No matching pods: no subsets.
  sim.store.mutate(R.services, 'default', 'web', (s) => {
    s.spec.selector = { app: 'nobody' };
  });
  await sim.settle();
  assert.equal(sim.store.get(R.endpoints, 'default', 'web')!.subsets, undefined);
  await sim.stop();
});

test('Endpoints over 1000 addresses are truncated and annotated', async () => {
  const sim = newSim();
  createService(sim, 'many', { app: 'many' });
  for (let i = 0; i < 1005; i++) {
    createPod(sim, `many-${i}`, { labels: { app: 'many' } });
    setPodStatus(sim, 'default', `many-${i}`, { ready: i % 2 === 0 });
  }
  await sim.settle();
  const ep = sim.store.get(R.endpoints, 'default', 'many')!;
  const n = ep.subsets.reduce((acc: number, s: any) => acc + (s.addresses?.length ?? 0) + (s.notReadyAddresses?.length ?? 0), 0);
  assert.equal(n, 1000);
  assert.equal(ep.subsets[0].addresses.length, 503, 'ready addresses kept first');
  assert.equal(ep.metadata.annotations?.['endpoints.kubernetes.io/over-capacity'], 'truncated');
  await sim.stop();
});
