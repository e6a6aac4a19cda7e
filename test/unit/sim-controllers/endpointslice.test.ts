import { test } from 'node:test';
import assert from 'node:assert/strict';
import { R } from '../../../src/sim/resources.js';
import { countWrites, createPod, createService, endpointsOf, epByPod, nameOf, newSim, setPodStatus, slicesOf } from './helpers.js';

test('endpoint conditions: ready -> terminating(serving) -> terminating(not serving) -> gone', async () => {
  const sim = newSim();
  createService(sim, 'web', { app: 'web' });
  createPod(sim, 'web-1', { labels: { app: 'web' } });
  await sim.settle();
  // No IP yet: placeholder slice without endpoints.
  let slices = slicesOf(sim, 'web');
  assert.equal(slices.length, 1);
  assert.deepEqual(slices[0].endpoints, []);
  assert.deepEqual(slices[0].ports, []);

  setPodStatus(sim, 'default', 'web-1', { ready: true, ip: '10.244.1.5' });
  await sim.settle();
  slices = slicesOf(sim, 'web');
  assert.equal(slices.length, 1, 'placeholder reused, not a second slice');
  const s = slices[0];
  assert.equal(s.addressType, 'IPv4');
  assert.equal(s.metadata.generateName, 'web-');
  assert.match(nameOf(s), /^web-[a-z0-9]{5}$/);
  assert.equal(s.metadata.labels?.['kubernetes.io/service-name'], 'web');
  assert.equal(s.metadata.labels?.['endpointslice.kubernetes.io/managed-by'], 'endpointslice-controller.k8s.io');
  assert.equal(s.metadata.labels?.app, 'web', 'service labels copied');
  const svc = sim.store.get(R.services, 'default', 'web')!;
  assert.deepEqual(s.metadata.ownerReferences, [{ apiVersion: 'v1', kind: 'Service', name: 'web', uid: svc.metadata.uid, controller: true, blockOwnerDeletion: true }]);
  assert.deepEqual(s.ports, [{ name: 'http', port: 8080, protocol: 'TCP' }], 'named targetPort resolved via container port');
  let ep = epByPod(sim, 'web', 'web-1');
  assert.deepEqual(ep.addresses, ['10.244.1.5']);
  assert.deepEqual(ep.conditions, { ready: true, serving: true, terminating: false });
  assert.equal(ep.nodeName, 'sim-node-1');
  assert.equal(ep.zone, 'zone-a');
  assert.equal(ep.targetRef.kind, 'Pod');
  assert.equal(ep.targetRef.name, 'web-1');

  // Graceful deletion: the pod stays (scheduled, grace 30 s) and the endpoint becomes terminating but still serving.
  sim.store.delete(R.pods, 'default', 'web-1');
  await sim.settle();
  ep = epByPod(sim, 'web', 'web-1');
  assert.deepEqual(ep.conditions, { ready: false, serving: true, terminating: true });

  // Readiness drops while terminating.
  setPodStatus(sim, 'default', 'web-1', { ready: false });
  await sim.settle();
  ep = epByPod(sim, 'web', 'web-1');
  assert.deepEqual(ep.conditions, { ready: false, serving: false, terminating: true });

  // Terminal phase removes it; the slice becomes empty again (kept as the placeholder).
  setPodStatus(sim, 'default', 'web-1', { phase: 'Failed' });
  await sim.settle();
  assert.equal(epByPod(sim, 'web', 'web-1'), undefined);
  sim.store.remove(R.pods, 'default', 'web-1');
  await sim.settle();
  assert.equal(slicesOf(sim, 'web').length, 1);
  assert.equal(endpointsOf(sim, 'web').length, 0);
  await sim.stop();
});

test('publishNotReadyAddresses makes every endpoint ready; unknown nodes and IP-less pods are skipped', async () => {
  const sim = newSim();
  createService(sim, 'db', { app: 'db' }, { publishNotReadyAddresses: true });
  createPod(sim, 'db-0', { labels: { app: 'db' } });
  createPod(sim, 'db-1', { labels: { app: 'db' } });
  setPodStatus(sim, 'default', 'db-0', { ready: false });
  await sim.settle();
  assert.deepEqual(epByPod(sim, 'db', 'db-0').conditions, { ready: true, serving: false, terminating: false });
  assert.equal(epByPod(sim, 'db', 'db-1'), undefined, 'no IP, no endpoint');

  createService(sim, 'strict', { app: 'db' });
  createPod(sim, 'db-2', { labels: { app: 'db' }, node: 'no-such-node' });
  setPodStatus(sim, 'default', 'db-2', { ready: true });
  await sim.settle();
  assert.equal(epByPod(sim, 'strict', 'db-2'), undefined, 'pod on an unknown node is skipped');
  assert.ok(epByPod(sim, 'strict', 'db-0'));
  await sim.stop();
});

test('blue-green selector flip moves all endpoints in one reconcile and back', async () => {
  const sim = newSim();
  for (const color of ['blue', 'green']) {
    for (let i = 0; i < 3; i++) {
      createPod(sim, `app-${color}-${i}`, { labels: { app: 'myapp', version: color } });
      setPodStatus(sim, 'default', `app-${color}-${i}`, { ready: true });
    }
  }
  createService(sim, 'myapp', { app: 'myapp', version: 'blue' });
  await sim.settle();
  const names = () => endpointsOf(sim, 'myapp').map((e) => e.targetRef.name).sort();
  assert.deepEqual(names(), ['app-blue-0', 'app-blue-1', 'app-blue-2']);
  const sliceName = slicesOf(sim, 'myapp')[0].metadata.name;

  const writes = countWrites(sim, 'endpointslices');
  sim.store.mutate(R.services, 'default', 'myapp', (s) => {
    s.spec.selector = { app: 'myapp', version: 'green' };
  });
  await sim.settle();
  writes.stop();
  assert.deepEqual(names(), ['app-green-0', 'app-green-1', 'app-green-2']);
  assert.ok(endpointsOf(sim, 'myapp').every((e) => e.conditions.ready));
  assert.equal(writes.n, 1, 'one slice write for the whole flip');
  assert.equal(slicesOf(sim, 'myapp').length, 1);
  assert.equal(slicesOf(sim, 'myapp')[0].metadata.name, sliceName, 'the slice is reused');

  sim.store.mutate(R.services, 'default', 'myapp', (s) => {
    s.spec.selector = { app: 'myapp', version: 'blue' };
  });
  await sim.settle();
  assert.deepEqual(names(), ['app-blue-0', 'app-blue-1', 'app-blue-2']);
  await sim.stop();
});

test('canary share: 9 stable + 1 canary ready pods behind app=myapp', async () => {
  const sim = newSim();
  createService(sim, 'myapp', { app: 'myapp' });
  for (let i = 0; i < 9; i++) {
    createPod(sim, `stable-${i}`, { labels: { app: 'myapp', track: 'stable' } });
    setPodStatus(sim, 'default', `stable-${i}`, { ready: true });
  }
  createPod(sim, 'canary-0', { labels: { app: 'myapp', track: 'canary' } });
  setPodStatus(sim, 'default', 'canary-0', { ready: true });
  createPod(sim, 'other', { labels: { app: 'other' } });
  setPodStatus(sim, 'default', 'other', { ready: true });
  await sim.settle();
  const eps = endpointsOf(sim, 'myapp');
  const ready = eps.filter((e) => e.conditions.ready);
  assert.equal(ready.length, 10);
  const canary = ready.filter((e) => e.targetRef.name.startsWith('canary')).length;
  assert.equal(canary / ready.length, 0.1);
  await sim.stop();
});

test('no write when nothing relevant changed; 100 endpoints per slice', async () => {
  const sim = newSim();
  createService(sim, 'big', { app: 'big' });
  for (let i = 0; i < 250; i++) {
    createPod(sim, `big-${String(i).padStart(3, '0')}`, { labels: { app: 'big' } });
    setPodStatus(sim, 'default', `big-${String(i).padStart(3, '0')}`, { ready: true });
  }
  await sim.settle();
  const slices = slicesOf(sim, 'big');
  assert.equal(endpointsOf(sim, 'big').length, 250);
  assert.ok(slices.every((s) => s.endpoints.length <= 100));
  assert.equal(slices.length, 3);

  const writes = countWrites(sim, 'endpointslices');
  sim.store.mutate(R.pods, 'default', 'big-007', (p) => {
    p.metadata.annotations = { touched: 'yes' };
  });
  await sim.settle();
  assert.equal(writes.n, 0, 'annotation change writes nothing');
  setPodStatus(sim, 'default', 'big-007', { ready: false });
  await sim.settle();
  assert.equal(writes.n, 1, 'readiness change writes exactly one slice');
  writes.stop();
  await sim.stop();
});

test('5,000 ready pods: every endpoint in 50 slices of at most 100', async () => {
  const sim = newSim();
  createService(sim, 'huge', { app: 'huge' });
  for (let s = 0; s < 20; s++) createService(sim, `other-${s}`, { app: `other-${s}` });
  for (let i = 0; i < 5000; i++) {
    createPod(sim, `huge-${i}`, { labels: { app: 'huge' } });
    setPodStatus(sim, 'default', `huge-${i}`, { ready: true });
  }
  await sim.settle();
  assert.equal(endpointsOf(sim, 'huge').length, 5000);
  assert.equal(slicesOf(sim, 'huge').length, 50);
  await sim.stop();
});

test('selector-less and ExternalName services get no slices', async () => {
  const sim = newSim();
  createService(sim, 'manual', undefined);
  createService(sim, 'ext', { app: 'x' }, { type: 'ExternalName', externalName: 'example.com' });
  createPod(sim, 'x', { labels: { app: 'x' } });
  setPodStatus(sim, 'default', 'x', { ready: true });
  await sim.settle();
  assert.equal(slicesOf(sim, 'manual').length, 0);
  assert.equal(slicesOf(sim, 'ext').length, 0);
  assert.equal(sim.store.get(R.endpoints, 'default', 'manual'), undefined);
  await sim.stop();
});
