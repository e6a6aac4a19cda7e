/**
 * Jobs end to end in the simulator: pods run by the kubelet (exit-after / exit-code annotations, no
 * direct status writes), results read over HTTP with @kubernetes/client-node.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as k8s from '@kubernetes/client-node';
import { VirtualClock } from '../../src/sim/clock.js';
import { Sim } from '../../src/sim/sim.js';

const NS = 'default';

async function setup() {
  const sim = new Sim({ clock: new VirtualClock() });
  await sim.listen();
  const kc = new k8s.KubeConfig();
  kc.loadFromString(sim.kubeconfig());
  kc.loadFromOptions({ clusters: kc.clusters.map((c) => ({ ...c, skipTLSVerify: true })), users: kc.users, contexts: kc.contexts, currentContext: kc.currentContext });
  return { sim, batch: kc.makeApiClient(k8s.BatchV1Api), core: kc.makeApiClient(k8s.CoreV1Api) };
}

function job(name: string, o: { exitAfter?: number; exitCode?: number; spec?: Partial<k8s.V1JobSpec> } = {}): k8s.V1Job {
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name, namespace: NS },
    spec: {
      ...o.spec,
      template: {
        metadata: { annotations: { 'sim.cutover.io/exit-after': String(o.exitAfter ?? 3), 'sim.cutover.io/exit-code': String(o.exitCode ?? 0) } },
        spec: { restartPolicy: 'Never', containers: [{ name: 'migrate', image: 'migrate:v2' }] },
      },
    },
  };
}

const cond = (j: k8s.V1Job, type: string) => j.status?.conditions?.find((c) => c.type === type);
type Ctx = Awaited<ReturnType<typeof setup>>;
const podsOf = async (c: Ctx, name: string) => (await c.core.listNamespacedPod({ namespace: NS, labelSelector: `batch.kubernetes.io/job-name=${name}` })).items;
const eventsOf = async (c: Ctx, name: string) =>
  (await c.core.listNamespacedEvent({ namespace: NS })).items.filter((e) => e.involvedObject.kind === 'Job' && e.involvedObject.name === name).map((e) => `${e.reason}: ${e.message}`);

test('a migration Job runs to Complete (SuccessCriteriaMet first)', async () => {
  const c = await setup();
  try {
    await c.batch.createNamespacedJob({ namespace: NS, body: job('migrate') });
    await c.sim.advance(2_000);
    let j = await c.batch.readNamespacedJob({ name: 'migrate', namespace: NS });
    assert.equal(j.status?.active, 1);
    await c.sim.advance(10_000);
    j = await c.batch.readNamespacedJob({ name: 'migrate', namespace: NS });
    assert.equal(j.status?.succeeded, 1);
    assert.equal(j.status?.active ?? 0, 0);
    assert.equal(cond(j, 'SuccessCriteriaMet')?.reason, 'CompletionsReached');
    assert.equal(cond(j, 'Complete')?.status, 'True');
    assert.equal(cond(j, 'Complete')?.message, 'Reached expected number of succeeded pods');
    assert.ok(j.status?.completionTime);
    const pods = await podsOf(c, 'migrate');
    assert.equal(pods.length, 1);
    assert.equal(pods[0].status?.phase, 'Succeeded');
    assert.equal(pods[0].metadata?.finalizers, undefined);
    const ev = await eventsOf(c, 'migrate');
    assert.ok(ev.includes(`SuccessfulCreate: Created pod: ${pods[0].metadata!.name}`), ev.join('\n'));
    assert.ok(ev.includes('Completed: Job completed'));
  } finally {
    await c.sim.stop();
  }
});

test('backoffLimit 0: one failing pod fails the Job', async () => {
  const c = await setup();
  try {
    await c.batch.createNamespacedJob({ namespace: NS, body: job('bad', { exitCode: 1, spec: { backoffLimit: 0 } }) });
    await c.sim.advance(60_000);
    const j = await c.batch.readNamespacedJob({ name: 'bad', namespace: NS });
    assert.equal(j.status?.failed, 1);
    assert.equal(cond(j, 'FailureTarget')?.reason, 'BackoffLimitExceeded');
    assert.equal(cond(j, 'Failed')?.reason, 'BackoffLimitExceeded');
    assert.equal(cond(j, 'Failed')?.message, 'Job has reached the specified backoff limit');
    assert.equal((await podsOf(c, 'bad')).length, 1);
    assert.ok((await eventsOf(c, 'bad')).includes('BackoffLimitExceeded: Job has reached the specified backoff limit'));
  } finally {
    await c.sim.stop();
  }
});

test('backoffLimit 2: three pods, with 10 s and 20 s back-off between them', async () => {
  const c = await setup();
  try {
    await c.batch.createNamespacedJob({ namespace: NS, body: job('flaky', { exitCode: 2, exitAfter: 1, spec: { backoffLimit: 2 } }) });
    await c.sim.advance(120_000);
    const j = await c.batch.readNamespacedJob({ name: 'flaky', namespace: NS });
    assert.equal(j.status?.failed, 3);
    assert.equal(cond(j, 'Failed')?.reason, 'BackoffLimitExceeded');
    const pods = (await podsOf(c, 'flaky')).sort((a, b) => Date.parse(String(a.metadata!.creationTimestamp)) - Date.parse(String(b.metadata!.creationTimestamp)));
    assert.equal(pods.length, 3);
    const created = pods.map((p) => new Date(p.metadata!.creationTimestamp as any).getTime());
    const finished = pods.map((p) => new Date(p.status!.containerStatuses![0].state!.terminated!.finishedAt as any).getTime());
    assert.ok(created[1] - finished[0] >= 10_000, `second pod ${created[1] - finished[0]} ms after the first failure`);
    assert.ok(created[2] - finished[1] >= 20_000, `third pod ${created[2] - finished[1]} ms after the second failure`);
  } finally {
    await c.sim.stop();
  }
});

test('activeDeadlineSeconds fails a long Job with DeadlineExceeded', async () => {
  const c = await setup();
  try {
    await c.batch.createNamespacedJob({ namespace: NS, body: job('long', { exitAfter: 600, spec: { activeDeadlineSeconds: 20 } }) });
    await c.sim.advance(90_000);
    const j = await c.batch.readNamespacedJob({ name: 'long', namespace: NS });
    assert.equal(cond(j, 'Failed')?.reason, 'DeadlineExceeded');
    assert.equal(cond(j, 'Failed')?.message, 'Job was active longer than specified deadline');
    assert.equal(j.status?.active ?? 0, 0);
    assert.equal(j.status?.terminating, 0);
    assert.equal((await podsOf(c, 'long')).length, 0, 'the deleted pod is gone');
  } finally {
    await c.sim.stop();
  }
});

test('a suspended Job is a template: no pods until resumed; ttlSecondsAfterFinished deletes it', async () => {
  const c = await setup();
  try {
    await c.batch.createNamespacedJob({ namespace: NS, body: job('tmpl', { spec: { suspend: true, ttlSecondsAfterFinished: 30 } }) });
    await c.sim.advance(30_000);
    let j = await c.batch.readNamespacedJob({ name: 'tmpl', namespace: NS });
    assert.equal((await podsOf(c, 'tmpl')).length, 0);
    assert.equal(cond(j, 'Suspended')?.status, 'True');
    await c.batch.patchNamespacedJob({ name: 'tmpl', namespace: NS, body: [{ op: 'replace', path: '/spec/suspend', value: false }] });
    await c.sim.advance(10_000);
    j = await c.batch.readNamespacedJob({ name: 'tmpl', namespace: NS });
    assert.equal(cond(j, 'Suspended')?.status, 'False');
    assert.equal(cond(j, 'Complete')?.status, 'True');
    await c.sim.advance(31_000);
    await assert.rejects(c.batch.readNamespacedJob({ name: 'tmpl', namespace: NS }), (e: any) => e.code === 404);
    assert.equal((await podsOf(c, 'tmpl')).length, 0, 'pods removed with the Job');
  } finally {
    await c.sim.stop();
  }
});
