import { test } from 'node:test';
import assert from 'node:assert/strict';
import { R } from '../../../src/sim/resources.js';
import type { Obj } from '../../../src/sim/store.js';
import { nameOf, newSim, setPodStatus, type Sim } from './helpers.js';

function createJob(sim: Sim, name: string, spec: Record<string, unknown> = {}): Obj {
  return sim.store.create(R.jobs, {
    metadata: { name, namespace: 'default' },
    spec: {
      template: { metadata: { labels: { app: name } }, spec: { restartPolicy: 'Never', containers: [{ name: 'migrate', image: 'busybox' }] } },
      ...spec,
    },
  });
}

const job = (sim: Sim, name: string) => sim.store.get(R.jobs, 'default', name)!;
const podsOf = (sim: Sim, name: string) => sim.store.list(R.pods, 'default', (p) => p.metadata.labels?.['batch.kubernetes.io/job-name'] === name);
const cond = (j: Obj, type: string) => j.status?.conditions?.find((c: any) => c.type === type);
const events = (sim: Sim, name: string) =>
  sim.store.list(R.events, 'default', (e) => e.involvedObject?.kind === 'Job' && e.involvedObject?.name === name).map((e) => `${e.type} ${e.reason}: ${e.message}`);

/** Records the condition types of every Job status write, in order. */
function watchConditions(sim: Sim, name: string): string[][] {
  const seen: string[][] = [];
  sim.store.subscribe((ev) => {
    if (ev.rt.resource === 'jobs' && ev.object.metadata.name === name) seen.push((ev.object.status?.conditions ?? []).map((c: any) => c.type));
  });
  return seen;
}

test('job success: pod from the template, SuccessCriteriaMet then Complete', async () => {
  const sim = newSim();
  const history = watchConditions(sim, 'migrate');
  const j0 = createJob(sim, 'migrate');
  await sim.settle();
  const pods = podsOf(sim, 'migrate');
  assert.equal(pods.length, 1);
  const pod = pods[0];
  assert.match(nameOf(pod), /^migrate-[a-z0-9]{5}$/);
  assert.equal(pod.metadata.labels?.['batch.kubernetes.io/job-name'], 'migrate');
  assert.equal(pod.metadata.labels?.['job-name'], 'migrate');
  assert.equal(pod.metadata.labels?.['batch.kubernetes.io/controller-uid'], j0.metadata.uid);
  assert.equal(pod.metadata.labels?.['controller-uid'], j0.metadata.uid);
  assert.equal(pod.metadata.labels?.app, 'migrate');
  assert.deepEqual(pod.metadata.finalizers, ['batch.kubernetes.io/job-tracking']);
  assert.deepEqual(pod.metadata.ownerReferences, [{ apiVersion: 'batch/v1', kind: 'Job', name: 'migrate', uid: j0.metadata.uid, controller: true, blockOwnerDeletion: true }]);
  let j = job(sim, 'migrate');
  assert.equal(j.status.active, 1);
  assert.equal(j.status.ready, 0);
  assert.equal(j.status.terminating, 0);
  assert.ok(j.status.startTime);
  assert.deepEqual(j.status.uncountedTerminatedPods, {});

  setPodStatus(sim, 'default', nameOf(pod), { ready: true });
  await sim.settle();
  assert.equal(job(sim, 'migrate').status.ready, 1);

  await sim.advance(5000);
  setPodStatus(sim, 'default', nameOf(pod), { phase: 'Succeeded' });
  await sim.settle();
  j = job(sim, 'migrate');
  assert.equal(j.status.succeeded, 1);
  assert.equal(j.status.active ?? 0, 0);
  assert.equal(j.status.failed ?? 0, 0);
  assert.equal(cond(j, 'SuccessCriteriaMet').reason, 'CompletionsReached');
  assert.equal(cond(j, 'SuccessCriteriaMet').message, 'Reached expected number of succeeded pods');
  assert.equal(cond(j, 'Complete').status, 'True');
  assert.equal(cond(j, 'Complete').reason, 'CompletionsReached');
  assert.equal(cond(j, 'Failed'), undefined);
  assert.equal(j.status.completionTime, cond(j, 'Complete').lastTransitionTime);
  assert.deepEqual(j.status.uncountedTerminatedPods, {});
  // Interim condition first (with the pod uncounted), then Complete.
  const firstSCM = history.findIndex((c) => c.includes('SuccessCriteriaMet'));
  const firstComplete = history.findIndex((c) => c.includes('Complete'));
  assert.ok(firstSCM >= 0 && firstComplete > firstSCM, JSON.stringify(history));
  assert.ok(!history[firstSCM].includes('Complete'));
  assert.equal(sim.store.get(R.pods, 'default', nameOf(pod))!.metadata.finalizers, undefined, 'finalizer removed once counted');
  const ev = events(sim, 'migrate');
  assert.ok(ev.includes(`Normal SuccessfulCreate: Created pod: ${pod.metadata.name}`), ev.join('\n'));
  assert.ok(ev.includes('Normal Completed: Job completed'), ev.join('\n'));
  await sim.stop();
});

test('backoffLimit 0: first failure fails the Job (FailureTarget then Failed)', async () => {
  const sim = newSim();
  const history = watchConditions(sim, 'once');
  createJob(sim, 'once', { backoffLimit: 0 });
  await sim.settle();
  const [pod] = podsOf(sim, 'once');
  setPodStatus(sim, 'default', nameOf(pod), { ready: true });
  await sim.settle();
  setPodStatus(sim, 'default', nameOf(pod), { phase: 'Failed', exitCode: 1 });
  await sim.settle();
  await sim.advance(60_000);
  const j = job(sim, 'once');
  assert.equal(podsOf(sim, 'once').length, 1, 'no retry');
  assert.equal(j.status.failed, 1);
  assert.equal(j.status.active ?? 0, 0);
  assert.equal(cond(j, 'FailureTarget').reason, 'BackoffLimitExceeded');
  assert.equal(cond(j, 'Failed').status, 'True');
  assert.equal(cond(j, 'Failed').reason, 'BackoffLimitExceeded');
  assert.equal(cond(j, 'Failed').message, 'Job has reached the specified backoff limit');
  assert.equal(cond(j, 'Complete'), undefined);
  assert.equal(j.status.completionTime, undefined);
  const ft = history.findIndex((c) => c.includes('FailureTarget'));
  const f = history.findIndex((c) => c.includes('Failed'));
  assert.ok(ft >= 0 && f > ft, JSON.stringify(history));
  assert.ok(events(sim, 'once').includes('Warning BackoffLimitExceeded: Job has reached the specified backoff limit'));
  await sim.stop();
});

test('backoffLimit 2: retries with 10 s then 20 s backoff, fails on the third failure', async () => {
  const sim = newSim();
  createJob(sim, 'retry', { backoffLimit: 2 });
  await sim.settle();
  const failLatest = async () => {
    const active = podsOf(sim, 'retry').filter((p) => !['Failed', 'Succeeded'].includes(p.status?.phase));
    assert.equal(active.length, 1);
    setPodStatus(sim, 'default', nameOf(active[0]), { phase: 'Failed' });
    await sim.settle();
  };
  await failLatest();
  assert.equal(job(sim, 'retry').status.failed, 1);
  assert.equal(podsOf(sim, 'retry').length, 1, 'backoff: no replacement yet');
  await sim.advance(9_000);
  assert.equal(podsOf(sim, 'retry').length, 1);
  await sim.advance(1_000);
  assert.equal(podsOf(sim, 'retry').length, 2, 'replacement after 10 s');

  await failLatest();
  assert.equal(job(sim, 'retry').status.failed, 2);
  await sim.advance(19_000);
  assert.equal(podsOf(sim, 'retry').length, 2);
  await sim.advance(1_000);
  assert.equal(podsOf(sim, 'retry').length, 3, 'replacement after 20 s');

  await failLatest();
  const j = job(sim, 'retry');
  assert.equal(j.status.failed, 3);
  assert.equal(cond(j, 'Failed')?.reason, 'BackoffLimitExceeded');
  await sim.advance(120_000);
  assert.equal(podsOf(sim, 'retry').length, 3);
  await sim.stop();
});

test('activeDeadlineSeconds: active pod deleted, Failed with DeadlineExceeded after it is gone', async () => {
  const sim = newSim();
  createJob(sim, 'slow', { activeDeadlineSeconds: 30 });
  await sim.settle();
  const [pod] = podsOf(sim, 'slow');
  // Bind it as the scheduler would, so deletion is graceful.
  sim.store.mutate(R.pods, 'default', nameOf(pod), (p) => {
    p.spec.nodeName = 'sim-node-2';
  });
  setPodStatus(sim, 'default', nameOf(pod), { ready: true });
  await sim.settle();
  await sim.advance(29_000);
  assert.equal(cond(job(sim, 'slow'), 'FailureTarget'), undefined);
  await sim.advance(1_000);
  let j = job(sim, 'slow');
  assert.equal(cond(j, 'FailureTarget')?.reason, 'DeadlineExceeded');
  assert.equal(cond(j, 'FailureTarget')?.message, 'Job was active longer than specified deadline');
  // The pod is scheduled, so it terminates gracefully; the terminal condition waits for it.
  const p = sim.store.get(R.pods, 'default', nameOf(pod))!;
  assert.ok(p.metadata.deletionTimestamp);
  assert.equal(cond(j, 'Failed'), undefined);
  assert.equal(j.status.terminating, 1);
  // The kubelet would finish the pod: terminal status then removal.
  setPodStatus(sim, 'default', nameOf(pod), { phase: 'Failed' });
  sim.store.remove(R.pods, 'default', nameOf(pod));
  await sim.settle();
  j = job(sim, 'slow');
  assert.equal(cond(j, 'Failed')?.reason, 'DeadlineExceeded');
  assert.equal(j.status.terminating, 0);
  assert.equal(j.status.failed, 1);
  assert.ok(events(sim, 'slow').includes('Warning DeadlineExceeded: Job was active longer than specified deadline'));
  await sim.stop();
});

test('suspended Job creates no pods, has Suspended=True; resuming creates them', async () => {
  const sim = newSim();
  createJob(sim, 'tmpl', { suspend: true, completions: 2, parallelism: 2 });
  await sim.settle();
  let j = job(sim, 'tmpl');
  assert.equal(podsOf(sim, 'tmpl').length, 0);
  assert.equal(cond(j, 'Suspended')?.status, 'True');
  assert.equal(cond(j, 'Suspended')?.reason, 'JobSuspended');
  assert.equal(j.status.startTime, undefined);
  sim.store.mutate(R.jobs, 'default', 'tmpl', (o) => {
    o.spec.suspend = false;
  });
  await sim.settle();
  j = job(sim, 'tmpl');
  assert.equal(podsOf(sim, 'tmpl').length, 2);
  assert.equal(cond(j, 'Suspended')?.status, 'False');
  assert.equal(cond(j, 'Suspended')?.reason, 'JobResumed');
  assert.ok(j.status.startTime);
  await sim.stop();
});

test('completions 3, parallelism 2: at most 2 active, completes after 3 successes', async () => {
  const sim = newSim();
  createJob(sim, 'batch', { completions: 3, parallelism: 2 });
  await sim.settle();
  assert.equal(podsOf(sim, 'batch').length, 2);
  for (const p of podsOf(sim, 'batch')) setPodStatus(sim, 'default', nameOf(p), { phase: 'Succeeded' });
  await sim.settle();
  assert.equal(job(sim, 'batch').status.succeeded, 2);
  const rest = podsOf(sim, 'batch').filter((p) => p.status?.phase !== 'Succeeded');
  assert.equal(rest.length, 1, 'only one more pod for the last completion');
  assert.equal(cond(job(sim, 'batch'), 'Complete'), undefined);
  setPodStatus(sim, 'default', nameOf(rest[0]), { phase: 'Succeeded' });
  await sim.settle();
  assert.equal(job(sim, 'batch').status.succeeded, 3);
  assert.equal(cond(job(sim, 'batch'), 'Complete')?.status, 'True');
  await sim.stop();
});
