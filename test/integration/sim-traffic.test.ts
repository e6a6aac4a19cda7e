/**
 * Traffic through the simulator end to end: real pod lifecycles (scheduler + kubelet, no direct
 * status writes), EndpointSlices and Endpoints read over HTTP with @kubernetes/client-node.
 * Blue/green flip and back, canary share, and ready endpoints during a rolling update.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as k8s from '@kubernetes/client-node';
import { VirtualClock } from '../../src/sim/clock.js';
import { Sim } from '../../src/sim/sim.js';

const NS = 'default';

function kubeConfigFor(sim: Sim): k8s.KubeConfig {
  const kc = new k8s.KubeConfig();
  kc.loadFromString(sim.kubeconfig());
  kc.loadFromOptions({
    clusters: kc.clusters.map((c) => ({ ...c, skipTLSVerify: true })),
    users: kc.users,
    contexts: kc.contexts,
    currentContext: kc.currentContext,
  });
  return kc;
}

function deployment(name: string, labels: Record<string, string>, replicas: number, extra: { preStop?: number; image?: string } = {}): k8s.V1Deployment {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: NS },
    spec: {
      replicas,
      selector: { matchLabels: labels },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } },
      template: {
        metadata: { labels, annotations: { 'sim.cutover.io/ready-after': '2' } },
        spec: {
          containers: [
            {
              name: 'app',
              image: extra.image ?? 'myapp:v1',
              ports: [{ name: 'http', containerPort: 8080 }],
              ...(extra.preStop ? { lifecycle: { preStop: { sleep: { seconds: extra.preStop } } } } : {}),
            },
          ],
        },
      },
    },
  };
}

function service(name: string, selector: Record<string, string>): k8s.V1Service {
  return { apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: NS }, spec: { selector, ports: [{ name: 'http', port: 80, targetPort: 'http' as any }] } };
}

async function setup() {
  const sim = new Sim({ clock: new VirtualClock() });
  await sim.listen();
  const kc = kubeConfigFor(sim);
  return { sim, apps: kc.makeApiClient(k8s.AppsV1Api), core: kc.makeApiClient(k8s.CoreV1Api), disc: kc.makeApiClient(k8s.DiscoveryV1Api), kc };
}

type Ctx = Awaited<ReturnType<typeof setup>>;

async function endpoints(c: Ctx, svc: string): Promise<k8s.V1Endpoint[]> {
  const list = await c.disc.listNamespacedEndpointSlice({ namespace: NS, labelSelector: `kubernetes.io/service-name=${svc}` });
  return list.items.flatMap((s) => s.endpoints ?? []);
}

const readyPods = (eps: k8s.V1Endpoint[]) => eps.filter((e) => e.conditions?.ready).map((e) => e.targetRef!.name!).sort();

test('blue/green: the selector flip moves every endpoint at once, and back', async () => {
  const c = await setup();
  try {
    await c.apps.createNamespacedDeployment({ namespace: NS, body: deployment('myapp-blue', { app: 'myapp', version: 'blue' }, 3) });
    await c.apps.createNamespacedDeployment({ namespace: NS, body: deployment('myapp-green', { app: 'myapp', version: 'green' }, 3) });
    await c.core.createNamespacedService({ namespace: NS, body: service('myapp', { app: 'myapp', version: 'blue' }) });
    await c.sim.advance(10_000);

    let ready = readyPods(await endpoints(c, 'myapp'));
    assert.equal(ready.length, 3);
    assert.ok(ready.every((n) => n.startsWith('myapp-blue-')), ready.join(','));
    const slice = (await c.disc.listNamespacedEndpointSlice({ namespace: NS, labelSelector: 'kubernetes.io/service-name=myapp' })).items[0];
    assert.equal(slice.metadata!.labels!['endpointslice.kubernetes.io/managed-by'], 'endpointslice-controller.k8s.io');
    assert.deepEqual(slice.ports?.map((p) => ({ ...p })), [{ name: 'http', port: 8080, protocol: 'TCP' }]);
    assert.ok(slice.endpoints!.every((e) => e.zone?.startsWith('zone-') && e.nodeName?.startsWith('sim-node-')));

    const ep = await c.core.readNamespacedEndpoints({ name: 'myapp', namespace: NS });
    assert.equal(ep.subsets?.[0].addresses?.length, 3);

    const rvBefore = Number(slice.metadata!.resourceVersion);
    await c.core.patchNamespacedService({ name: 'myapp', namespace: NS, body: [{ op: 'replace', path: '/spec/selector', value: { app: 'myapp', version: 'green' } }] });
    await c.sim.settle();
    const after = (await c.disc.listNamespacedEndpointSlice({ namespace: NS, labelSelector: 'kubernetes.io/service-name=myapp' })).items;
    assert.equal(after.length, 1);
    assert.equal(after[0].metadata!.name, slice.metadata!.name, 'same slice, updated in place');
    assert.ok(Number(after[0].metadata!.resourceVersion) > rvBefore);
    ready = readyPods(after[0].endpoints ?? []);
    assert.equal(ready.length, 3);
    assert.ok(ready.every((n) => n.startsWith('myapp-green-')), ready.join(','));
    const ep2 = await c.core.readNamespacedEndpoints({ name: 'myapp', namespace: NS });
    assert.ok(ep2.subsets![0].addresses!.every((a) => a.targetRef!.name!.startsWith('myapp-green-')));

    await c.core.patchNamespacedService({ name: 'myapp', namespace: NS, body: [{ op: 'replace', path: '/spec/selector', value: { app: 'myapp', version: 'blue' } }] });
    await c.sim.settle();
    ready = readyPods(await endpoints(c, 'myapp'));
    assert.ok(ready.length === 3 && ready.every((n) => n.startsWith('myapp-blue-')), ready.join(','));
  } finally {
    await c.sim.stop();
  }
});

test('canary: 9 stable + 1 canary ready endpoints behind app=myapp', async () => {
  const c = await setup();
  try {
    await c.apps.createNamespacedDeployment({ namespace: NS, body: deployment('myapp-stable', { app: 'myapp', track: 'stable' }, 9) });
    await c.apps.createNamespacedDeployment({ namespace: NS, body: deployment('myapp-canary', { app: 'myapp', track: 'canary' }, 1) });
    await c.core.createNamespacedService({ namespace: NS, body: service('myapp', { app: 'myapp' }) });
    await c.sim.advance(15_000);
    const ready = readyPods(await endpoints(c, 'myapp'));
    assert.equal(ready.length, 10);
    assert.equal(ready.filter((n) => n.startsWith('myapp-canary-')).length / ready.length, 0.1);
  } finally {
    await c.sim.stop();
  }
});

test('rolling update behind a Service: ready endpoints never drop below replicas, terminating pods keep serving', async () => {
  const c = await setup();
  try {
    await c.apps.createNamespacedDeployment({ namespace: NS, body: deployment('web', { app: 'web' }, 4, { preStop: 5 }) });
    await c.core.createNamespacedService({ namespace: NS, body: service('web', { app: 'web' }) });
    await c.sim.advance(10_000);
    assert.equal(readyPods(await endpoints(c, 'web')).length, 4);

    // Every slice state a client sees while the rollout runs.
    const states = new Map<string, k8s.V1EndpointSlice>();
    let minReady = Infinity;
    let sawTerminatingServing = false;
    const list = await c.disc.listNamespacedEndpointSlice({ namespace: NS, labelSelector: 'kubernetes.io/service-name=web' });
    for (const s of list.items) states.set(s.metadata!.name!, s);
    const watch = new k8s.Watch(c.kc);
    // Not awaited: the sim's watch sends its headers with the first event.
    const reqP = watch.watch(
      `/apis/discovery.k8s.io/v1/namespaces/${NS}/endpointslices`,
      { resourceVersion: list.metadata!.resourceVersion, labelSelector: 'kubernetes.io/service-name=web' },
      (type: string, s: k8s.V1EndpointSlice) => {
        if (type === 'DELETED') states.delete(s.metadata!.name!);
        else states.set(s.metadata!.name!, s);
        const eps = [...states.values()].flatMap((x) => x.endpoints ?? []);
        minReady = Math.min(minReady, eps.filter((e) => e.conditions?.ready).length);
        if (process.env.DBG) console.log(type, JSON.stringify(eps.map((e) => [e.targetRef?.name, e.conditions])));
        if (eps.some((e) => e.conditions?.terminating && e.conditions?.serving && !e.conditions?.ready)) sawTerminatingServing = true;
      },
      (err: unknown) => {
        if (err && process.env.DBG) console.log('watch ended', err);
      },
    );
    await c.apps.patchNamespacedDeployment({ name: 'web', namespace: NS, body: [{ op: 'replace', path: '/spec/template/spec/containers/0/image', value: 'myapp:v2' }] });
    for (let i = 0; i < 12; i++) {
      await c.sim.advance(5_000);
      await new Promise((r) => setTimeout(r, 20));
    }
    const end = Date.now() + 10_000;
    while (!(minReady < Infinity && sawTerminatingServing) && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
    (await reqP).abort();
    const ready = readyPods(await endpoints(c, 'web'));
    assert.equal(ready.length, 4);
    const eps = await endpoints(c, 'web');
    assert.equal(eps.length, 4, 'old pods gone from the slice');
    assert.ok(minReady !== Infinity, 'the watch saw slice changes');
    assert.ok(minReady >= 4, `ready endpoints dropped to ${minReady}`);
    assert.ok(sawTerminatingServing, 'a terminating pod was seen serving (preStop) but not ready');
  } finally {
    await c.sim.stop();
  }
});
