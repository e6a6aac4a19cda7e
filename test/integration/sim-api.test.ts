/** The simulator's API through the real @kubernetes/client-node 2.0.1 over real HTTP. */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  AppsV1Api,
  CoreV1Api,
  BatchV1Api,
  AuthorizationV1Api,
  PatchStrategy,
  makeInformer,
  setHeaderOptions,
  type V1Deployment,
  type V1Pod,
  type KubernetesObject,
} from '@kubernetes/client-node';
import { startSim, waitFor, deployment, type TestSim } from '../helpers/sim.js';
import { Sim } from '../../src/sim/sim.js';
import { VirtualClock } from '../../src/sim/clock.js';
import { endAllWatches } from '../../src/sim/api/watch.js';
import { R } from '../../src/sim/resources.js';

const NS = 'default';
/** Generated model classes -> plain JSON, for deepEqual. */
const plain = <T>(v: T): T => JSON.parse(JSON.stringify(v));

function apiError(err: unknown): { code: number; body: any } {
  const e = err as { code?: number; body?: unknown };
  assert.ok(typeof e.code === 'number', `expected an ApiException, got ${err}`);
  return { code: e.code!, body: typeof e.body === 'string' ? JSON.parse(e.body) : e.body };
}

async function rejects(p: Promise<unknown>): Promise<{ code: number; body: any }> {
  try {
    await p;
  } catch (err) {
    return apiError(err);
  }
  assert.fail('expected the request to fail');
}

/** Reads a watch stream line by line until `until` says stop or the stream ends. */
async function readWatch(t: TestSim, path: string, until: (events: any[]) => boolean, timeoutMs = 5000): Promise<{ events: any[]; ended: boolean }> {
  const ac = new AbortController();
  const timer = setTimeout(() => ac.abort(), timeoutMs);
  const events: any[] = [];
  let ended = false;
  try {
    const res = await t.fetch(path, { signal: ac.signal });
    assert.equal(res.status, 200);
    const reader = res.body!.getReader();
    const dec = new TextDecoder();
    let buf = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) {
        ended = true;
        break;
      }
      buf += dec.decode(value, { stream: true });
      let i: number;
      while ((i = buf.indexOf('\n')) >= 0) {
        events.push(JSON.parse(buf.slice(0, i)));
        buf = buf.slice(i + 1);
      }
      if (until(events)) break;
    }
    await reader.cancel().catch(() => {});
  } catch (err) {
    if ((err as Error).name !== 'AbortError') throw err;
  } finally {
    clearTimeout(timer);
    ac.abort();
  }
  return { events, ended };
}

describe('sim API with client-node', () => {
  let t: TestSim;
  let apps: AppsV1Api;
  let core: CoreV1Api;

  before(async () => {
    t = await startSim();
    apps = t.kc.makeApiClient(AppsV1Api);
    core = t.kc.makeApiClient(CoreV1Api);
  });
  after(async () => {
    await t.stop();
  });

  test('discovery and version', async () => {
    const v = await (await t.fetch('/version', { token: null })).json();
    assert.equal(v.gitVersion, 'v1.35.0-cutover-sim');
    const res = await t.fetch('/apis/apps/v1', { headers: { Accept: 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json' } });
    assert.equal(res.headers.get('content-type'), 'application/json');
    const list = await res.json();
    const names = list.resources.map((r: any) => r.name);
    for (const n of ['deployments', 'deployments/scale', 'deployments/status', 'replicasets']) assert.ok(names.includes(n), n);
    const scale = list.resources.find((r: any) => r.name === 'deployments/scale');
    assert.deepEqual([scale.group, scale.version, scale.kind], ['autoscaling', 'v1', 'Scale']);
    const core1 = await (await t.fetch('/api/v1')).json();
    assert.ok(core1.resources.some((r: any) => r.name === 'pods/log'));
    const groups = await (await t.fetch('/apis')).json();
    assert.ok(groups.groups.some((g: any) => g.name === 'policy'));
  });

  test('CRUD with defaults, generateName, get/list, update conflict, delete', async () => {
    const created = await apps.createNamespacedDeployment({ namespace: NS, body: deployment('crud', { replicas: 1 }) as V1Deployment });
    assert.equal(created.spec?.strategy?.type, 'RollingUpdate');
    assert.equal(created.spec?.strategy?.rollingUpdate?.maxSurge, '25%');
    assert.equal(created.spec?.revisionHistoryLimit, 10);
    assert.equal(created.spec?.progressDeadlineSeconds, 600);
    assert.equal(created.spec?.template.spec?.containers[0].imagePullPolicy, 'IfNotPresent');
    assert.equal(created.spec?.template.spec?.containers[0].ports?.[0].protocol, 'TCP');
    assert.equal(created.spec?.template.spec?.restartPolicy, 'Always');
    assert.equal(created.metadata?.generation, 1);

    const gen = await core.createNamespacedConfigMap({ namespace: NS, body: { metadata: { generateName: 'cfg-' }, data: { a: '1' } } });
    assert.match(gen.metadata!.name!, /^cfg-[bcdfghjklmnpqrstvwxz2456789]{5}$/);

    const got = await apps.readNamespacedDeployment({ name: 'crud', namespace: NS });
    assert.equal(got.metadata?.uid, created.metadata?.uid);
    const list = await apps.listNamespacedDeployment({ namespace: NS });
    assert.ok(list.metadata?.resourceVersion);
    assert.ok(list.items.some((d) => d.metadata?.name === 'crud'));

    // stale resourceVersion -> 409 Conflict, nothing changed
    const stale = structuredClone(got);
    await apps.patchNamespacedDeployment({ name: 'crud', namespace: NS, body: [{ op: 'replace', path: '/spec/replicas', value: 2 }] });
    stale.spec!.replicas = 5;
    const conflict = await rejects(apps.replaceNamespacedDeployment({ name: 'crud', namespace: NS, body: stale }));
    assert.equal(conflict.code, 409);
    assert.equal(conflict.body.reason, 'Conflict');
    assert.equal((await apps.readNamespacedDeployment({ name: 'crud', namespace: NS })).spec?.replicas, 2);

    const nf = await rejects(apps.readNamespacedDeployment({ name: 'nope', namespace: NS }));
    assert.equal(nf.code, 404);
    assert.equal(nf.body.message, 'deployments.apps "nope" not found');

    const dup = await rejects(apps.createNamespacedDeployment({ namespace: NS, body: deployment('crud') as V1Deployment }));
    assert.equal(dup.code, 409);
    assert.equal(dup.body.reason, 'AlreadyExists');

    const status = (await apps.deleteNamespacedDeployment({ name: 'crud', namespace: NS })) as any;
    assert.equal(status.kind, 'Status');
    assert.equal(status.status, 'Success');
    assert.equal(status.details.name, 'crud');
    await rejects(apps.readNamespacedDeployment({ name: 'crud', namespace: NS }));
  });

  test('label and field selectors, limit/continue, cluster-wide lists', async () => {
    for (const [name, labels] of [
      ['sel-a', { app: 'sel', tier: 'web', track: 'stable' }],
      ['sel-b', { app: 'sel', tier: 'web', track: 'canary' }],
      ['sel-c', { app: 'sel', tier: 'db' }],
    ] as const)
      await core.createNamespacedConfigMap({ namespace: NS, body: { metadata: { name, labels } } });
    const names = async (labelSelector?: string, fieldSelector?: string) =>
      (await core.listNamespacedConfigMap({ namespace: NS, labelSelector, fieldSelector })).items.map((c) => c.metadata!.name).sort();
    assert.deepEqual(await names('app=sel,tier=web'), ['sel-a', 'sel-b']);
    assert.deepEqual(await names('app==sel,tier!=web'), ['sel-c']);
    assert.deepEqual(await names('app=sel,track in (canary,blue)'), ['sel-b']);
    assert.deepEqual(await names('app=sel,track notin (canary)'), ['sel-a', 'sel-c']);
    assert.deepEqual(await names('app=sel,track'), ['sel-a', 'sel-b']);
    assert.deepEqual(await names('app=sel,!track'), ['sel-c']);
    assert.deepEqual(await names(undefined, 'metadata.name=sel-b'), ['sel-b']);
    assert.deepEqual(await names('app=sel', 'metadata.name!=sel-b'), ['sel-a', 'sel-c']);

    const page1 = await core.listNamespacedConfigMap({ namespace: NS, labelSelector: 'app=sel', limit: 2 });
    assert.equal(page1.items.length, 2);
    assert.ok(page1.metadata?._continue);
    // The rest of the list reads the same moment as its first page: an object created since is not in it.
    await core.createNamespacedConfigMap({ namespace: NS, body: { metadata: { name: 'sel-d', labels: { app: 'sel' } } } });
    const page2 = await core.listNamespacedConfigMap({ namespace: NS, labelSelector: 'app=sel', limit: 2, _continue: page1.metadata!._continue });
    assert.deepEqual(page2.items.map((c) => c.metadata!.name), ['sel-c']);
    assert.equal(page2.metadata?._continue, undefined);
    assert.equal(page2.metadata?.resourceVersion, page1.metadata?.resourceVersion);

    const all = await core.listConfigMapForAllNamespaces({ labelSelector: 'app=sel' });
    assert.equal(all.items.length, 4);
    const bad = await rejects(core.listNamespacedConfigMap({ namespace: NS, labelSelector: 'app in (' }));
    assert.equal(bad.code, 400);
  });

  test('pods by status.phase and spec.nodeName field selectors', async () => {
    await apps.createNamespacedDeployment({ namespace: NS, body: deployment('fs', { replicas: 2 }) as V1Deployment });
    await waitFor(async () => (await core.listNamespacedPod({ namespace: NS, labelSelector: 'app=fs', fieldSelector: 'status.phase=Running' })).items.length === 2, 5000, 'running pods');
    const pods = await core.listNamespacedPod({ namespace: NS, labelSelector: 'app=fs' });
    const node = pods.items[0].spec!.nodeName!;
    const onNode = await core.listPodForAllNamespaces({ fieldSelector: `spec.nodeName=${node}`, labelSelector: 'app=fs' });
    assert.ok(onNode.items.length >= 1);
    assert.ok(onNode.items.every((p) => p.spec?.nodeName === node));
    assert.equal((await core.listNamespacedPod({ namespace: NS, labelSelector: 'app=fs', fieldSelector: 'status.phase=Pending' })).items.length, 0);
  });

  test('invalid input is rejected with Status causes and changes nothing', async () => {
    const bad = deployment('bad-replicas') as any;
    bad.spec.replicas = -1;
    const r1 = await rejects(apps.createNamespacedDeployment({ namespace: NS, body: bad }));
    assert.equal(r1.code, 422);
    assert.equal(r1.body.reason, 'Invalid');
    assert.equal(r1.body.message, 'Deployment.apps "bad-replicas" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0');
    assert.deepEqual(r1.body.details.causes, [{ reason: 'FieldValueInvalid', message: 'Invalid value: -1: must be greater than or equal to 0', field: 'spec.replicas' }]);
    await rejects(apps.readNamespacedDeployment({ name: 'bad-replicas', namespace: NS }));

    const mismatch = deployment('bad-sel') as any;
    mismatch.spec.template.metadata.labels = { app: 'other' };
    const r2 = await rejects(apps.createNamespacedDeployment({ namespace: NS, body: mismatch }));
    assert.equal(r2.body.details.causes[0].field, 'spec.template.metadata.labels');
    assert.match(r2.body.details.causes[0].message, /`selector` does not match template `labels`/);

    const noContainers = deployment('bad-c') as any;
    noContainers.spec.template.spec.containers = [];
    const r3 = await rejects(apps.createNamespacedDeployment({ namespace: NS, body: noContainers }));
    assert.deepEqual(r3.body.details.causes, [{ reason: 'FieldValueRequired', message: 'Required value', field: 'spec.template.spec.containers' }]);

    const badName = deployment('Web_1') as any;
    const r4 = await rejects(apps.createNamespacedDeployment({ namespace: NS, body: badName }));
    assert.equal(r4.body.details.causes[0].field, 'metadata.name');
    assert.match(r4.body.details.causes[0].message, /^Invalid value: "Web_1": a lowercase RFC 1123 subdomain/);

    // an update that fails validation leaves the object and the RV alone
    const ok = await apps.createNamespacedDeployment({ namespace: NS, body: deployment('guarded', { replicas: 1 }) as V1Deployment });
    const before = await apps.readNamespacedDeployment({ name: 'guarded', namespace: NS });
    const r5 = await rejects(
      apps.patchNamespacedDeployment(
        { name: 'guarded', namespace: NS, body: { spec: { strategy: { rollingUpdate: { maxSurge: 0, maxUnavailable: 0 } } } } },
        setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch),
      ),
    );
    assert.equal(r5.code, 422);
    assert.equal(r5.body.details.causes[0].field, 'spec.strategy.rollingUpdate.maxUnavailable');
    assert.match(r5.body.details.causes[0].message, /may not be 0 when `maxSurge` is 0$/);
    const r6 = await rejects(
      apps.patchNamespacedDeployment(
        { name: 'guarded', namespace: NS, body: { spec: { selector: { matchLabels: { app: 'guarded', x: 'y' } }, template: { metadata: { labels: { app: 'guarded', x: 'y' } } } } } },
        setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
      ),
    );
    assert.equal(r6.body.details.causes[0].field, 'spec.selector');
    assert.match(r6.body.details.causes[0].message, /field is immutable$/);
    const afterBad = await apps.readNamespacedDeployment({ name: 'guarded', namespace: NS });
    assert.equal(afterBad.metadata?.resourceVersion, before.metadata?.resourceVersion);
    assert.deepEqual(afterBad.spec, before.spec);
    void ok;

    const job = await rejects(
      t.kc.makeApiClient(BatchV1Api).createNamespacedJob({
        namespace: NS,
        body: { metadata: { name: 'bad-job' }, spec: { template: { spec: { restartPolicy: 'Always', containers: [{ name: 'c', image: 'busybox' }] } } } },
      }),
    );
    assert.equal(job.body.details.causes.find((c: any) => c.field === 'spec.template.spec.restartPolicy').message, 'Unsupported value: "Always": supported values: "OnFailure", "Never"');

    const raw = await t.fetch(`/apis/apps/v1/namespaces/${NS}/deployments`, { method: 'POST', body: '{"metadata":', headers: { 'Content-Type': 'application/json' } });
    assert.equal(raw.status, 400);
    assert.equal((await raw.json()).reason, 'BadRequest');
    assert.equal((await t.fetch('/apis/apps/v1/nothing')).status, 404);
    assert.equal((await t.fetch('/apis/apps/v1/namespaces/default/deployments/guarded', { method: 'POST' })).status, 405);
  });

  test('dryRun=All validates and changes nothing', async () => {
    const rv = t.sim.store.resourceVersion;
    const res = await t.fetch(`/apis/apps/v1/namespaces/${NS}/deployments?dryRun=All`, { method: 'POST', body: JSON.stringify(deployment('dry')), headers: { 'Content-Type': 'application/json' } });
    assert.equal(res.status, 201);
    const body = await res.json();
    assert.equal(body.spec.revisionHistoryLimit, 10);
    assert.equal(t.sim.store.resourceVersion, rv);
    const { R } = await import('../../src/sim/resources.js');
    assert.equal(t.sim.store.get(R.deployments, NS, 'dry'), undefined);
  });

  test('Services get a unique cluster IP; selector patches (strategic, merge, json)', async () => {
    const mk = (name: string) => core.createNamespacedService({ namespace: NS, body: { metadata: { name }, spec: { selector: { app: 'bg', version: 'blue' }, ports: [{ port: 80 }] } } });
    const a = await mk('svc-a');
    const b = await mk('svc-b');
    assert.match(a.spec!.clusterIP!, /^10\.96\.\d+\.\d+$/);
    assert.notEqual(a.spec!.clusterIP, b.spec!.clusterIP);
    assert.deepEqual(a.spec!.clusterIPs, [a.spec!.clusterIP]);
    assert.equal(a.spec!.ports![0].targetPort, 80);
    assert.equal(a.spec!.ports![0].protocol, 'TCP');
    assert.equal(a.spec!.sessionAffinity, 'None');
    assert.equal(a.spec!.type, 'ClusterIP');

    let s = await core.patchNamespacedService({ name: 'svc-a', namespace: NS, body: { spec: { selector: { version: 'green' } } } }, setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch));
    assert.deepEqual(s.spec!.selector, { app: 'bg', version: 'green' });
    s = await core.patchNamespacedService({ name: 'svc-a', namespace: NS, body: { spec: { selector: { version: null } } } }, setHeaderOptions('Content-Type', PatchStrategy.MergePatch));
    assert.deepEqual(s.spec!.selector, { app: 'bg' });
    s = await core.patchNamespacedService({ name: 'svc-a', namespace: NS, body: [{ op: 'add', path: '/spec/selector/version', value: 'blue' }] });
    assert.deepEqual(s.spec!.selector, { app: 'bg', version: 'blue' });
    assert.equal(s.spec!.clusterIP, a.spec!.clusterIP);
    const test = await rejects(core.patchNamespacedService({ name: 'svc-a', namespace: NS, body: [{ op: 'test', path: '/spec/selector/version', value: 'green' }] }));
    assert.equal(test.code, 422);
  });

  test('strategic merge patch: containers by name, env by name, $patch delete, $setElementOrder, $retainKeys', async () => {
    const d = deployment('smp', { replicas: 0 }) as any;
    d.spec.template.spec.containers.push({ name: 'side', image: 'busybox:1', env: [{ name: 'A', value: '1' }, { name: 'B', value: '2' }] });
    await apps.createNamespacedDeployment({ namespace: NS, body: d });
    const smp = (body: object) => apps.patchNamespacedDeployment({ name: 'smp', namespace: NS, body }, setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch));
    let r = await smp({ spec: { template: { spec: { containers: [{ name: 'side', image: 'busybox:2', env: [{ name: 'B', value: '3' }] }] } } } });
    let side = r.spec!.template.spec!.containers.find((c) => c.name === 'side')!;
    assert.equal(side.image, 'busybox:2');
    assert.deepEqual(plain(side.env), [{ name: 'A', value: '1' }, { name: 'B', value: '3' }]);
    assert.equal(r.spec!.template.spec!.containers[0].name, 'app');
    r = await smp({ spec: { template: { spec: { containers: [{ name: 'side', env: [{ name: 'A', $patch: 'delete' }] }] } } } });
    side = r.spec!.template.spec!.containers.find((c) => c.name === 'side')!;
    assert.deepEqual(plain(side.env), [{ name: 'B', value: '3' }]);
    r = await smp({ spec: { template: { spec: { $setElementOrder_containers: undefined, ['$setElementOrder/containers']: [{ name: 'side' }, { name: 'app' }] } } } });
    assert.deepEqual(r.spec!.template.spec!.containers.map((c) => c.name), ['side', 'app']);
    r = await smp({ spec: { strategy: { $retainKeys: ['type'], type: 'Recreate', rollingUpdate: null } } });
    assert.deepEqual(plain(r.spec!.strategy), { type: 'Recreate' });
    r = await smp({ metadata: { finalizers: ['a/b', 'c/d'] } });
    r = await smp({ metadata: { '$deleteFromPrimitiveList/finalizers': ['a/b'] } });
    assert.deepEqual(r.metadata!.finalizers, ['c/d']);
    r = await smp({ metadata: { finalizers: null } });
    assert.equal(r.metadata!.finalizers, undefined);
  });

  test('scale and status subresources', async () => {
    await apps.createNamespacedDeployment({ namespace: NS, body: deployment('sc', { replicas: 1 }) as V1Deployment });
    const scale = await apps.readNamespacedDeploymentScale({ name: 'sc', namespace: NS });
    assert.equal(scale.kind, 'Scale');
    assert.equal(scale.spec?.replicas, 1);
    assert.equal(scale.status?.selector, 'app=sc');
    const patched = await apps.patchNamespacedDeploymentScale({ name: 'sc', namespace: NS, body: { spec: { replicas: 3 } } }, setHeaderOptions('Content-Type', PatchStrategy.MergePatch));
    assert.equal(patched.spec?.replicas, 3);
    assert.equal((await apps.readNamespacedDeployment({ name: 'sc', namespace: NS })).spec?.replicas, 3);
    const replaced = await apps.replaceNamespacedDeploymentScale({ name: 'sc', namespace: NS, body: { metadata: { name: 'sc' }, spec: { replicas: 2 } } });
    assert.equal(replaced.spec?.replicas, 2);
    const neg = await rejects(apps.replaceNamespacedDeploymentScale({ name: 'sc', namespace: NS, body: { metadata: { name: 'sc' }, spec: { replicas: -2 } } }));
    assert.equal(neg.code, 422);

    // status writes go only through /status and do not bump generation
    const d = await apps.readNamespacedDeployment({ name: 'sc', namespace: NS });
    const gen = d.metadata!.generation;
    await apps.patchNamespacedDeployment({ name: 'sc', namespace: NS, body: [{ op: 'add', path: '/status/observedGeneration', value: 99 }] });
    assert.notEqual((await apps.readNamespacedDeployment({ name: 'sc', namespace: NS })).status?.observedGeneration, 99);
    const s = await apps.readNamespacedDeploymentStatus({ name: 'sc', namespace: NS });
    assert.equal(s.metadata?.generation, gen);
  });

  test('pod logs: whole, tailLines, follow', async () => {
    await apps.createNamespacedDeployment({ namespace: NS, body: deployment('logs', { replicas: 1 }) as V1Deployment });
    const pod = await waitFor(async () => (await core.listNamespacedPod({ namespace: NS, labelSelector: 'app=logs', fieldSelector: 'status.phase=Running' })).items[0], 5000, 'pod');
    t.sim.ctx.podLogs.set(pod.metadata!.uid!, ['one', 'two', 'three']);
    const whole = await core.readNamespacedPodLog({ name: pod.metadata!.name!, namespace: NS });
    assert.equal(whole, 'one\ntwo\nthree\n');
    assert.equal(await core.readNamespacedPodLog({ name: pod.metadata!.name!, namespace: NS, tailLines: 1 }), 'three\n');
    const res = await t.fetch(`/api/v1/namespaces/${NS}/pods/${pod.metadata!.name}/log?follow=true`);
    const reader = res.body!.getReader();
    let text = '';
    const dec = new TextDecoder();
    text += dec.decode((await reader.read()).value);
    t.sim.ctx.podLogs.get(pod.metadata!.uid!)!.push('four');
    while (!text.includes('four')) text += dec.decode((await reader.read()).value);
    await reader.cancel();
    assert.equal(text, 'one\ntwo\nthree\nfour\n');
  });

  test('watch: initial ADDED, resume from RV, selector transitions, DELETED with its RV', async () => {
    await core.createNamespacedConfigMap({ namespace: NS, body: { metadata: { name: 'w1', labels: { w: 'yes' } } } });
    const list = await core.listNamespacedConfigMap({ namespace: NS, labelSelector: 'w=yes' });
    const rv = list.metadata!.resourceVersion!;
    const initial = await readWatch(t, `/api/v1/namespaces/${NS}/configmaps?watch=true&labelSelector=w%3Dyes`, (ev) => ev.length >= 1);
    assert.equal(initial.events[0].type, 'ADDED');
    assert.equal(initial.events[0].object.metadata.name, 'w1');

    const watching = readWatch(t, `/api/v1/namespaces/${NS}/configmaps?watch=1&resourceVersion=${rv}&labelSelector=w%3Dyes`, (ev) => ev.length >= 4);
    await new Promise((r) => setTimeout(r, 50));
    await core.patchNamespacedConfigMap({ name: 'w1', namespace: NS, body: { data: { a: '1' } } }, setHeaderOptions('Content-Type', PatchStrategy.MergePatch));
    await core.patchNamespacedConfigMap({ name: 'w1', namespace: NS, body: { metadata: { labels: { w: 'no' } } } }, setHeaderOptions('Content-Type', PatchStrategy.MergePatch));
    await core.patchNamespacedConfigMap({ name: 'w1', namespace: NS, body: { metadata: { labels: { w: 'yes' } } } }, setHeaderOptions('Content-Type', PatchStrategy.MergePatch));
    await core.deleteNamespacedConfigMap({ name: 'w1', namespace: NS });
    const { events } = await watching;
    assert.deepEqual(events.map((e) => e.type), ['MODIFIED', 'DELETED', 'ADDED', 'DELETED']);
    const rvs = events.map((e) => Number(e.object.metadata.resourceVersion));
    assert.ok(rvs.every((v, i) => i === 0 || v > rvs[i - 1]), 'RVs increase');
    assert.equal(events[3].object.metadata.resourceVersion, String(rvs[3]));
    assert.ok(rvs[3] > rvs[2], 'DELETED carries the delete RV');

    // resume strictly after an RV
    const resumed = await readWatch(t, `/api/v1/namespaces/${NS}/configmaps?watch=true&resourceVersion=${rvs[1]}&labelSelector=w%3Dyes`, (ev) => ev.length >= 2);
    assert.deepEqual(resumed.events.map((e) => e.type), ['ADDED', 'DELETED']);
  });

  test('watch: too old RV gives one ERROR 410 event and the stream ends', async () => {
    const rv = t.sim.store.resourceVersion;
    await core.createNamespacedConfigMap({ namespace: NS, body: { metadata: { name: 'old-rv' } } });
    t.sim.store.compact();
    const { events, ended } = await readWatch(t, `/api/v1/namespaces/${NS}/configmaps?watch=true&resourceVersion=${rv}`, () => false);
    assert.equal(ended, true);
    assert.equal(events.length, 1);
    assert.equal(events[0].type, 'ERROR');
    assert.equal(events[0].object.code, 410);
    assert.equal(events[0].object.reason, 'Expired');
    assert.match(events[0].object.message, new RegExp(`^too old resource version: ${rv} \\(\\d+\\)$`));
  });

  test('watch: bookmarks, sendInitialEvents, timeoutSeconds', async () => {
    const { events, ended } = await readWatch(
      t,
      `/api/v1/namespaces/${NS}/configmaps?watch=true&sendInitialEvents=true&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true&timeoutSeconds=2`,
      () => false,
      6000,
    );
    assert.equal(ended, true, 'timeoutSeconds ends the stream');
    const endIdx = events.findIndex((e) => e.type === 'BOOKMARK' && e.object.metadata.annotations?.['k8s.io/initial-events-end'] === 'true');
    assert.ok(endIdx > 0);
    assert.ok(events.slice(0, endIdx).every((e) => e.type === 'ADDED'));
    const later = events.slice(endIdx + 1).filter((e) => e.type === 'BOOKMARK');
    assert.ok(later.length >= 1, 'periodic bookmarks');
    assert.deepEqual(Object.keys(later[0].object.metadata), ['resourceVersion']);
    assert.equal(later[0].object.kind, 'ConfigMap');
  });

  test('watch: an initial state of many megabytes goes out as the socket drains, whole, then its bookmark, then a change made meanwhile', async () => {
    const data = { blob: 'x'.repeat(4096) };
    for (let i = 0; i < 3000; i++) t.sim.store.create(R.configmaps, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `bulk-${i}`, namespace: NS, labels: { bulk: 'yes' } }, data });
    const warnings: string[] = [];
    const onWarning = (w: Error) => warnings.push(`${w.name}: ${w.message}`);
    process.on('warning', onWarning);
    let changed = false;
    try {
      const { events } = await readWatch(
        t,
        `/api/v1/namespaces/${NS}/configmaps?watch=true&sendInitialEvents=true&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true&labelSelector=bulk%3Dyes`,
        (ev) => {
          // Made once the initial state is under way (its snapshot is taken): it must follow the bookmark.
          if (!changed && ev.length > 0) {
            changed = true;
            void core.createNamespacedConfigMap({ namespace: NS, body: { metadata: { name: 'late', labels: { bulk: 'yes' } } } });
          }
          return ev.some((e) => e.object?.metadata?.name === 'late');
        },
        30_000,
      );
      const end = events.findIndex((e) => e.type === 'BOOKMARK' && e.object.metadata.annotations?.['k8s.io/initial-events-end'] === 'true');
      assert.equal(end, 3000, 'every object before the bookmark');
      assert.deepEqual(new Set(events.slice(0, end).map((e) => e.object.metadata.name)).size, 3000);
      assert.deepEqual(events.slice(end + 1).filter((e) => e.type !== 'BOOKMARK').map((e) => `${e.type} ${e.object.metadata.name}`), ['ADDED late']);
      await new Promise((r) => setImmediate(r));
      assert.deepEqual(warnings, []);
    } finally {
      process.off('warning', onWarning);
      for (let i = 0; i < 3000; i++) t.sim.store.remove(R.configmaps, NS, `bulk-${i}`);
    }
  });

  test('Table output for kubectl get', async () => {
    const res = await t.fetch(`/api/v1/namespaces/${NS}/pods?labelSelector=app%3Dfs`, { headers: { Accept: 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json' } });
    const table = await res.json();
    assert.equal(table.kind, 'Table');
    assert.deepEqual(
      table.columnDefinitions.map((c: any) => c.name),
      ['Name', 'Ready', 'Status', 'Restarts', 'Age', 'IP', 'Node', 'Nominated Node', 'Readiness Gates'],
    );
    assert.equal(table.rows[0].cells[1], '1/1');
    assert.equal(table.rows[0].cells[2], 'Running');
    assert.equal(table.rows[0].object.kind, 'PartialObjectMetadata');
    const none = await (await t.fetch(`/apis/apps/v1/namespaces/${NS}/deployments?includeObject=None`, { headers: { Accept: 'application/json;as=Table;v=v1;g=meta.k8s.io' } })).json();
    assert.deepEqual(none.columnDefinitions.slice(0, 5).map((c: any) => c.name), ['Name', 'Ready', 'Up-to-date', 'Available', 'Age']);
    assert.equal(none.rows[0].object, undefined);
  });

  test('401 without or with an unknown token; 403 for the viewer; SelfSubjectAccessReview', async () => {
    assert.equal((await t.fetch('/api/v1/pods', { token: null })).status, 401);
    const unknown = await t.fetch('/api/v1/pods', { token: 'nope' });
    assert.equal(unknown.status, 401);
    assert.equal((await unknown.json()).reason, 'Unauthorized');

    const viewerApps = t.viewerKc.makeApiClient(AppsV1Api);
    await viewerApps.listNamespacedDeployment({ namespace: NS });
    const r = await rejects(viewerApps.patchNamespacedDeployment({ name: 'sc', namespace: NS, body: [{ op: 'replace', path: '/spec/replicas', value: 0 }] }));
    assert.equal(r.code, 403);
    assert.equal(r.body.reason, 'Forbidden');
    assert.equal(r.body.message, 'deployments.apps "sc" is forbidden: User "cutover-viewer" cannot patch resource "deployments" in API group "apps" in the namespace "default"');
    const c = await rejects(viewerApps.createNamespacedDeployment({ namespace: NS, body: deployment('viewer-made') as V1Deployment }));
    assert.equal(c.code, 403);
    await rejects(apps.readNamespacedDeployment({ name: 'viewer-made', namespace: NS }));

    const review = (kc: typeof t.kc, verb: string) =>
      kc.makeApiClient(AuthorizationV1Api).createSelfSubjectAccessReview({ body: { spec: { resourceAttributes: { verb, group: 'apps', resource: 'deployments', namespace: NS } } } });
    assert.equal((await review(t.viewerKc, 'patch')).status?.allowed, false);
    assert.equal((await review(t.viewerKc, 'list')).status?.allowed, true);
    assert.equal((await review(t.kc, 'patch')).status?.allowed, true);
  });

  test('delete: pods return the object while terminating; preconditions; propagation', async () => {
    const pods = await core.listNamespacedPod({ namespace: NS, labelSelector: 'app=fs' });
    const p = pods.items[0];
    const bad = await rejects(core.deleteNamespacedPod({ name: p.metadata!.name!, namespace: NS, body: { preconditions: { uid: 'wrong' } } }));
    assert.equal(bad.code, 409);
    const gone = (await core.deleteNamespacedPod({ name: p.metadata!.name!, namespace: NS })) as V1Pod;
    assert.equal(gone.kind, 'Pod');
    assert.ok(gone.metadata?.deletionTimestamp);
    const tbl = await (await t.fetch(`/api/v1/namespaces/${NS}/pods/${p.metadata!.name}`, { headers: { Accept: 'application/json;as=Table;v=v1;g=meta.k8s.io' } })).json();
    if (tbl.rows) assert.equal(tbl.rows[0].cells[2], 'Terminating');

    await apps.deleteNamespacedDeployment({ name: 'fs', namespace: NS, propagationPolicy: 'Orphan' });
    await waitFor(async () => (await apps.listNamespacedDeployment({ namespace: NS, fieldSelector: 'metadata.name=fs' })).items.length === 0, 5000, 'deployment gone');
    const rs = await apps.listNamespacedReplicaSet({ namespace: NS, labelSelector: 'app=fs' });
    assert.equal(rs.items.length, 1, 'orphaned ReplicaSet stays');
    assert.ok(!rs.items[0].metadata?.ownerReferences?.length, 'ownerReference removed');
  });
});

describe('informers', () => {
  test('an informer survives 410, server-side stream ends and a sim restart on the same port', async () => {
    let t = await startSim();
    const port = Number(new URL(t.url).port);
    const tokens = t.sim.tokens;
    const core = t.kc.makeApiClient(CoreV1Api);
    const informer = makeInformer(t.kc, `/api/v1/namespaces/${NS}/configmaps`, () => core.listNamespacedConfigMap({ namespace: NS }));
    const seen = new Map<string, KubernetesObject>();
    const errors: unknown[] = [];
    informer.on('add', (o) => seen.set(o.metadata!.name!, o));
    informer.on('update', (o) => seen.set(o.metadata!.name!, o));
    informer.on('delete', (o) => seen.delete(o.metadata!.name!));
    let stopped = false;
    informer.on('error', (err) => {
      errors.push(err);
      setTimeout(() => {
        if (!stopped) informer.start().catch(() => {});
      }, 100);
    });
    await informer.start();
    try {
      await core.createNamespacedConfigMap({ namespace: NS, body: { metadata: { name: 'i1' } } });
      await waitFor(() => seen.has('i1'), 5000, 'i1 via watch');

      // server-side end of stream (like timeoutSeconds or client-node's 30 s abort): resume from the RV
      assert.ok(endAllWatches() >= 1);
      await core.createNamespacedConfigMap({ namespace: NS, body: { metadata: { name: 'i2' } } });
      await waitFor(() => seen.has('i2'), 5000, 'i2 after reconnect');

      // 410: history compacted while the watch is down -> relist
      const stopWatching = () => endAllWatches();
      t.sim.store.compact();
      stopWatching();
      await core.createNamespacedConfigMap({ namespace: NS, body: { metadata: { name: 'i3' } } });
      t.sim.store.compact();
      await waitFor(() => seen.has('i3'), 5000, 'i3 after 410 relist');

      // restart on the same port with the same tokens: state differs, the informer resyncs
      for (let i = 0; i < 30; i++) await core.createNamespacedConfigMap({ namespace: NS, body: { metadata: { generateName: 'churn-' } } });
      await t.sim.stop();
      const sim2 = new Sim({ port, tokens, tls: t.sim.tls });
      await sim2.listen();
      await sim2.store.create((await import('../../src/sim/resources.js')).R.configmaps, { metadata: { name: 'after-restart', namespace: NS } });
      await waitFor(() => seen.has('after-restart') && !seen.has('i1'), 10000, 'resync after restart');
      t = { ...t, sim: sim2, stop: () => sim2.stop() } as TestSim;
    } finally {
      stopped = true;
      await informer.stop();
      await t.stop();
    }
    void errors;
  });
});

// Latency figures for these paths are in `npm run bench` (bench/sim.ts), not asserted here.
describe('at scale', () => {
  test('lists 5,000 pods (JSON and Table) and fans events out to 20 watchers', async () => {
    // A virtual clock: nothing moves on real timers, so only the API is exercised.
    const t = await startSim({ nodes: 1, clock: new VirtualClock() });
    try {
      const { R } = await import('../../src/sim/resources.js');
      // bypass controllers: write unscheduled pods straight into the store
      for (let i = 0; i < 5000; i++)
        t.sim.store.create(R.pods, { metadata: { name: `p-${i}`, namespace: NS, labels: { app: 'bulk' } }, spec: { containers: [{ name: 'c', image: 'x:1' }] } });
      await t.sim.settle(); // the scheduler and kubelet place and start them first
      const core = t.kc.makeApiClient(CoreV1Api);
      const list = await core.listNamespacedPod({ namespace: NS, labelSelector: 'app=bulk' });
      assert.equal(list.items.length, 5000);
      const table = await (await t.fetch(`/api/v1/namespaces/${NS}/pods`, { headers: { Accept: 'application/json;as=Table;v=v1;g=meta.k8s.io' } })).json();
      assert.equal(table.rows.length, 5000);

      const rv = t.sim.store.resourceVersion;
      const watchers = Array.from({ length: 20 }, () => readWatch(t, `/api/v1/pods?watch=true&resourceVersion=${rv}`, (ev) => ev.length >= 200, 10000));
      await new Promise((r) => setTimeout(r, 200));
      for (let i = 0; i < 200; i++) t.sim.store.mutate(R.pods, NS, `p-${i}`, (p) => void (p.metadata.labels!.touched = 'yes'));
      const results = await Promise.all(watchers);
      for (const r of results) assert.equal(r.events.length, 200);
    } finally {
      await t.stop();
    }
  });
});
