/**
 * The simulator's Deployment/ReplicaSet controllers and kubelet under a VirtualClock: the worked
 * examples of k8s-behaviour.md section 1 (read over HTTP with @kubernetes/client-node), Recreate,
 * pause/resume, progress deadline, rollback to an old RS, revisionHistoryLimit and the graceful
 * termination timeline.
 */
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import * as k8s from '@kubernetes/client-node';
import { VirtualClock } from '../../src/sim/clock.js';
import { R } from '../../src/sim/resources.js';
import { Sim } from '../../src/sim/sim.js';
import type { Obj } from '../../src/sim/store.js';

const NS = 'default';
const REV = 'deployment.kubernetes.io/revision';

function newSim(): Sim {
  return new Sim({ clock: new VirtualClock() });
}

function deploymentManifest(name: string, o: { replicas: number; maxSurge?: number | string; maxUnavailable?: number | string; strategy?: 'Recreate'; image?: string; annotations?: Record<string, string>; extraSpec?: Record<string, unknown>; podSpec?: Record<string, unknown> }): Obj {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: NS },
    spec: {
      replicas: o.replicas,
      selector: { matchLabels: { app: name } },
      strategy: o.strategy ? { type: 'Recreate' } : { type: 'RollingUpdate', rollingUpdate: { maxSurge: o.maxSurge ?? '25%', maxUnavailable: o.maxUnavailable ?? '25%' } },
      template: {
        metadata: { labels: { app: name }, annotations: o.annotations ?? {} },
        spec: { containers: [{ name: 'app', image: o.image ?? 'myapp:v1' }], ...(o.podSpec ?? {}) },
      },
      ...(o.extraSpec ?? {}),
    },
  };
}

const rsOf = (sim: Sim, name: string): Obj[] =>
  sim.store.list(R.replicasets, NS, (rs) => rs.metadata.ownerReferences?.some((r) => r.name === name) ?? false).sort((a, b) => Number(a.metadata.annotations?.[REV] ?? 0) - Number(b.metadata.annotations?.[REV] ?? 0));

const setImage = (sim: Sim, name: string, image: string) =>
  sim.store.mutate(R.deployments, NS, name, (d) => {
    d.spec.template.spec.containers[0].image = image;
  });

const getDeploy = (sim: Sim, name: string) => sim.store.get(R.deployments, NS, name)!;
const progressing = (d: Obj) => (d.status?.conditions ?? []).find((c: any) => c.type === 'Progressing');

/** A KubeConfig for the sim; plain http needs skipTLSVerify in client-node 2.x. */
function kubeConfigFor(sim: Sim): k8s.KubeConfig {
  const kc = new k8s.KubeConfig();
  kc.loadFromString(sim.kubeconfig());
  if (kc.clusters.some((c) => !c.skipTLSVerify)) {
    kc.loadFromOptions({
      clusters: kc.clusters.map((c) => ({ ...c, skipTLSVerify: true })),
      users: kc.users,
      contexts: kc.contexts,
      currentContext: kc.currentContext,
    });
  }
  return kc;
}

async function waitFor<T>(fn: () => T | Promise<T>, what: string, timeoutMs = 10_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/**
 * Runs a rolling update over HTTP: creates the Deployment, waits until it is available, changes
 * the image, and records every distinct (new RS spec, old RS spec) pair and the lowest summed
 * availability as seen through a watch on ReplicaSets.
 */
async function rolloutOverHttp(replicas: number, maxSurge: number | string, maxUnavailable: number | string) {
  const sim = newSim();
  await sim.listen();
  const kc = kubeConfigFor(sim);
  const apps = kc.makeApiClient(k8s.AppsV1Api);
  try {
    await apps.createNamespacedDeployment({ namespace: NS, body: deploymentManifest('web', { replicas, maxSurge, maxUnavailable, annotations: { 'sim.cutover.io/ready-after': '2' } }) as k8s.V1Deployment });
    await sim.advance(10_000);
    const first = await apps.listNamespacedReplicaSet({ namespace: NS, labelSelector: 'app=web' });
    assert.equal(first.items.length, 1);
    const oldName = first.items[0].metadata!.name!;
    assert.equal(first.items[0].status?.availableReplicas, replicas);

    const latest = new Map<string, k8s.V1ReplicaSet>();
    for (const rs of first.items) latest.set(rs.metadata!.name!, rs);
    const pairs: string[] = [];
    let minAvailable = Infinity;
    const watch = new k8s.Watch(kc);
    // Not awaited: the response headers may only arrive with the first event.
    const reqP = watch.watch(
      `/apis/apps/v1/namespaces/${NS}/replicasets`,
      { resourceVersion: first.metadata!.resourceVersion },
      (type: string, rs: k8s.V1ReplicaSet) => {
        if (type === 'DELETED') latest.delete(rs.metadata!.name!);
        else latest.set(rs.metadata!.name!, rs);
        const old = latest.get(oldName);
        const fresh = [...latest.values()].find((x) => x.metadata!.name !== oldName);
        if (!old || !fresh) return;
        const pair = `(${fresh.spec!.replicas},${old.spec!.replicas})`;
        if (pairs.at(-1) !== pair) pairs.push(pair);
        minAvailable = Math.min(minAvailable, (old.status?.availableReplicas ?? 0) + (fresh.status?.availableReplicas ?? 0));
      },
      () => {},
    );
    // Pod-level check in-process too: ready, non-terminating pods never drop below minAvailable.
    let minReadyPods = Infinity;
    const unsubscribe = sim.store.subscribe((ev) => {
      if (ev.rt !== R.pods) return;
      let n = 0;
      for (const p of sim.store.scan(R.pods, NS)) {
        if (!p.metadata.deletionTimestamp && p.status?.conditions?.some((c: any) => c.type === 'Ready' && c.status === 'True')) n++;
      }
      minReadyPods = Math.min(minReadyPods, n);
    });

    const d = await apps.readNamespacedDeployment({ name: 'web', namespace: NS });
    d.spec!.template.spec!.containers[0].image = 'myapp:v2';
    await apps.replaceNamespacedDeployment({ name: 'web', namespace: NS, body: d });
    for (let i = 0; i < 120; i++) await sim.advance(1000);
    unsubscribe();

    await waitFor(() => pairs.at(-1) === `(${replicas},0)` && [...latest.values()].some((x) => x.metadata!.name !== oldName && x.status?.availableReplicas === replicas), 'the watch to see the end of the rollout');
    (await reqP).abort();
    const final = await apps.listNamespacedReplicaSet({ namespace: NS, labelSelector: 'app=web' });
    const deploy = await apps.readNamespacedDeployment({ name: 'web', namespace: NS });
    return { pairs, minAvailable, minReadyPods, final, deploy, oldName };
  } finally {
    await sim.stop();
  }
}

describe('worked examples over HTTP', () => {
  test('A: replicas 10, maxSurge 25%, maxUnavailable 0', async () => {
    const r = await rolloutOverHttp(10, '25%', 0);
    assert.deepEqual(r.pairs, ['(3,10)', '(3,7)', '(6,7)', '(6,4)', '(9,4)', '(9,1)', '(10,1)', '(10,0)']);
    assert.ok(r.minAvailable >= 10, `availability dropped to ${r.minAvailable}`);
    assert.ok(r.minReadyPods >= 10, `ready pods dropped to ${r.minReadyPods}`);
    const byName = new Map(r.final.items.map((rs) => [rs.metadata!.name!, rs]));
    assert.equal(byName.get(r.oldName)!.spec!.replicas, 0);
    assert.equal(r.deploy.metadata!.annotations![REV], '2');
    assert.equal(r.deploy.status!.updatedReplicas, 10);
    assert.equal(r.deploy.status!.availableReplicas, 10);
    const cond = r.deploy.status!.conditions!.find((c) => c.type === 'Progressing')!;
    assert.equal(cond.reason, 'NewReplicaSetAvailable');
  });

  test('B: replicas 4, maxSurge 1, maxUnavailable 0', async () => {
    const r = await rolloutOverHttp(4, 1, 0);
    assert.deepEqual(r.pairs, ['(1,4)', '(1,3)', '(2,3)', '(2,2)', '(3,2)', '(3,1)', '(4,1)', '(4,0)']);
    assert.ok(r.minAvailable >= 4, `availability dropped to ${r.minAvailable}`);
    assert.ok(r.minReadyPods >= 4, `ready pods dropped to ${r.minReadyPods}`);
  });
});

describe('deployment controller in-process', () => {
  const sims: Sim[] = [];
  const make = () => {
    const s = newSim();
    sims.push(s);
    return s;
  };
  after(async () => {
    for (const s of sims) await s.stop();
  });

  test('new RS: name, hash label, annotations, ownerRef and events', async () => {
    const sim = make();
    sim.store.create(R.deployments, { ...deploymentManifest('api', { replicas: 3 }), metadata: { name: 'api', namespace: NS, annotations: { 'kubernetes.io/change-cause': 'first', 'kubectl.kubernetes.io/last-applied-configuration': '{}' } } });
    await sim.advance(5000);
    const [rs] = rsOf(sim, 'api');
    const hash = rs.metadata.labels!['pod-template-hash'];
    assert.match(hash, /^[bcdfghjklmnpqrstvwxz2456789]{1,10}$/);
    assert.equal(rs.metadata.name, `api-${hash}`);
    assert.equal(rs.spec.selector.matchLabels['pod-template-hash'], hash);
    assert.equal(rs.spec.template.metadata.labels['pod-template-hash'], hash);
    assert.deepEqual(
      { rev: rs.metadata.annotations![REV], desired: rs.metadata.annotations!['deployment.kubernetes.io/desired-replicas'], max: rs.metadata.annotations!['deployment.kubernetes.io/max-replicas'], cause: rs.metadata.annotations!['kubernetes.io/change-cause'], applied: rs.metadata.annotations!['kubectl.kubernetes.io/last-applied-configuration'] },
      { rev: '1', desired: '3', max: '4', cause: 'first', applied: undefined },
    );
    const ref = rs.metadata.ownerReferences![0];
    assert.deepEqual([ref.kind, ref.name, ref.controller, ref.blockOwnerDeletion], ['Deployment', 'api', true, true]);
    const pods = sim.store.list(R.pods, NS);
    assert.equal(pods.length, 3);
    for (const p of pods) {
      assert.ok(p.metadata.name!.startsWith(`${rs.metadata.name}-`));
      assert.equal(p.metadata.labels!['pod-template-hash'], hash);
      assert.equal(p.status.phase, 'Running');
      assert.match(p.status.podIP, /^10\.244\.\d+\.\d+$/);
    }
    const msgs = sim.store.list(R.events, NS).map((e) => `${e.source.component}/${e.reason}: ${e.message}`);
    assert.ok(msgs.includes(`deployment-controller/ScalingReplicaSet: Scaled up replica set ${rs.metadata.name} from 0 to 3`), msgs.join('\n'));
    assert.ok(msgs.some((m) => m.startsWith(`replicaset-controller/SuccessfulCreate: Created pod: ${rs.metadata.name}-`)));
    assert.ok(msgs.some((m) => /^default-scheduler\/Scheduled: Successfully assigned default\/api-\w+-\w+ to sim-node-\d$/.test(m)));
    assert.ok(msgs.some((m) => m === 'kubelet/Started: Started container app'));
    const d = getDeploy(sim, 'api');
    assert.equal(d.metadata.annotations![REV], '1');
    assert.equal(d.status.observedGeneration, d.metadata.generation);
    assert.equal(d.status.availableReplicas, 3);
    assert.equal(progressing(d).reason, 'NewReplicaSetAvailable');
    assert.equal(progressing(d).message, `ReplicaSet "${rs.metadata.name}" has successfully progressed.`);
  });

  test('Recreate: old pods are gone before the new RS exists', async () => {
    const sim = make();
    sim.store.create(R.deployments, deploymentManifest('rc', { replicas: 3, strategy: 'Recreate', podSpec: { terminationGracePeriodSeconds: 30 }, annotations: { 'sim.cutover.io/shutdown-after': '4' } }));
    await sim.advance(5000);
    const [oldRs] = rsOf(sim, 'rc');
    let violated = false;
    let sawTerminating = false;
    const unsub = sim.store.subscribe(() => {
      const news = rsOf(sim, 'rc').filter((rs) => rs.metadata.name !== oldRs.metadata.name);
      const oldPods = sim.store.list(R.pods, NS, (p) => p.metadata.ownerReferences?.[0]?.uid === oldRs.metadata.uid);
      if (oldPods.some((p) => p.metadata.deletionTimestamp)) sawTerminating = true;
      if (news.length && oldPods.length) violated = true;
    });
    setImage(sim, 'rc', 'myapp:v2');
    await sim.advance(2000);
    assert.equal(rsOf(sim, 'rc').length, 1, 'no new RS while old pods terminate');
    await sim.advance(30_000);
    unsub();
    assert.ok(sawTerminating);
    assert.equal(violated, false);
    const rss = rsOf(sim, 'rc');
    assert.equal(rss.length, 2);
    assert.equal(rss[0].spec.replicas, 0);
    assert.equal(rss[1].spec.replicas, 3);
    assert.equal(rss[1].status.availableReplicas, 3);
    assert.equal(progressing(getDeploy(sim, 'rc')).reason, 'NewReplicaSetAvailable');
  });

  test('pause: template edits pile up, one new RS on resume', async () => {
    const sim = make();
    sim.store.create(R.deployments, deploymentManifest('p', { replicas: 2, maxSurge: 1, maxUnavailable: 0 }));
    await sim.advance(5000);
    sim.store.mutate(R.deployments, NS, 'p', (d) => {
      d.spec.paused = true;
    });
    await sim.advance(1000);
    let c = progressing(getDeploy(sim, 'p'));
    assert.deepEqual([c.status, c.reason, c.message], ['Unknown', 'DeploymentPaused', 'Deployment is paused']);
    setImage(sim, 'p', 'myapp:v2');
    await sim.advance(5000);
    setImage(sim, 'p', 'myapp:v3');
    await sim.advance(5000);
    assert.equal(rsOf(sim, 'p').length, 1, 'no new RS while paused');
    // Scaling still works while paused.
    sim.store.mutate(R.deployments, NS, 'p', (d) => {
      d.spec.replicas = 3;
    });
    await sim.advance(5000);
    assert.equal(rsOf(sim, 'p')[0].spec.replicas, 3);
    assert.equal(getDeploy(sim, 'p').status.observedGeneration, getDeploy(sim, 'p').metadata.generation);
    sim.store.mutate(R.deployments, NS, 'p', (d) => {
      d.spec.paused = false;
    });
    await sim.advance(0);
    c = progressing(getDeploy(sim, 'p'));
    assert.ok(['DeploymentResumed', 'ReplicaSetUpdated', 'NewReplicaSetCreated'].includes(c.reason), c.reason);
    await sim.advance(30_000);
    const rss = rsOf(sim, 'p');
    assert.equal(rss.length, 2);
    assert.equal(rss[1].spec.template.spec.containers[0].image, 'myapp:v3');
    assert.equal(rss[1].metadata.annotations![REV], '2');
    assert.equal(rss[1].status.availableReplicas, 3);
    assert.equal(rss[0].spec.replicas, 0);
  });

  test('progress deadline: never-ready pods time out with the exact message', async () => {
    const sim = make();
    sim.store.create(R.deployments, deploymentManifest('slow', { replicas: 2, maxSurge: 1, maxUnavailable: 0, extraSpec: { progressDeadlineSeconds: 30 } }));
    await sim.advance(5000);
    sim.store.mutate(R.deployments, NS, 'slow', (d) => {
      d.spec.template.spec.containers[0].image = 'myapp:broken';
      d.spec.template.metadata.annotations = { 'sim.cutover.io/never-ready': 'true' };
    });
    await sim.advance(1000);
    const newRs = rsOf(sim, 'slow')[1];
    let c = progressing(getDeploy(sim, 'slow'));
    assert.equal(c.status, 'True');
    const last = Date.parse(c.lastUpdateTime);
    await sim.advance(last + 29_000 - sim.clock.now());
    c = progressing(getDeploy(sim, 'slow'));
    assert.equal(c.status, 'True', 'not timed out before the deadline');
    await sim.advance(5_000);
    c = progressing(getDeploy(sim, 'slow'));
    assert.deepEqual([c.status, c.reason, c.message], ['False', 'ProgressDeadlineExceeded', `ReplicaSet "${newRs.metadata.name}" has timed out progressing.`]);
    const d = getDeploy(sim, 'slow');
    assert.equal(d.status.unavailableReplicas, 1);
    assert.equal(d.status.availableReplicas, 2, 'old pods keep serving');
    const avail = d.status.conditions.find((x: any) => x.type === 'Available');
    assert.equal(avail.status, 'True');
    // A timed-out rollout is not rolled back by the controller.
    assert.equal(rsOf(sim, 'slow')[1].spec.replicas, 1);
  });

  test('rollback to an old template reuses its RS with revision max+1 and revision-history', async () => {
    const sim = make();
    sim.store.create(R.deployments, deploymentManifest('u', { replicas: 2, maxSurge: 1, maxUnavailable: 0 }));
    await sim.advance(5000);
    const v1 = rsOf(sim, 'u')[0].metadata.name;
    setImage(sim, 'u', 'myapp:v2');
    await sim.advance(30_000);
    setImage(sim, 'u', 'myapp:v1');
    await sim.advance(30_000);
    const rss = sim.store.list(R.replicasets, NS);
    assert.equal(rss.length, 2, 'no third RS');
    const reused = rss.find((rs) => rs.metadata.name === v1)!;
    assert.equal(reused.metadata.annotations![REV], '3');
    assert.equal(reused.metadata.annotations!['deployment.kubernetes.io/revision-history'], '1');
    assert.equal(reused.spec.replicas, 2);
    assert.equal(getDeploy(sim, 'u').metadata.annotations![REV], '3');
    // And once more: history appends.
    setImage(sim, 'u', 'myapp:v2');
    await sim.advance(30_000);
    setImage(sim, 'u', 'myapp:v1');
    await sim.advance(30_000);
    assert.equal(sim.store.get(R.replicasets, NS, v1!)!.metadata.annotations!['deployment.kubernetes.io/revision-history'], '1,3');
    assert.equal(sim.store.get(R.replicasets, NS, v1!)!.metadata.annotations![REV], '5');
  });

  test('revisionHistoryLimit deletes the oldest scaled-down RSs', async () => {
    const sim = make();
    sim.store.create(R.deployments, deploymentManifest('h', { replicas: 1, maxSurge: 1, maxUnavailable: 0, extraSpec: { revisionHistoryLimit: 2 } }));
    await sim.advance(5000);
    for (let v = 2; v <= 6; v++) {
      setImage(sim, 'h', `myapp:v${v}`);
      await sim.advance(20_000);
    }
    const revs = rsOf(sim, 'h').map((rs) => rs.metadata.annotations![REV]);
    assert.deepEqual(revs, ['4', '5', '6']);
  });

  test('scaling during a rollout is proportional', async () => {
    const sim = make();
    sim.store.create(R.deployments, deploymentManifest('s', { replicas: 10, maxSurge: 3, maxUnavailable: 2, podSpec: {} }));
    await sim.advance(5000);
    sim.store.mutate(R.deployments, NS, 's', (d) => {
      d.spec.template.spec.containers[0].image = 'myapp:v2';
      d.spec.template.metadata.annotations = { 'sim.cutover.io/never-ready': 'true' };
    });
    await sim.advance(5000);
    const [o1, n1] = rsOf(sim, 's');
    assert.deepEqual([n1.spec.replicas, o1.spec.replicas], [5, 8]);
    sim.store.mutate(R.deployments, NS, 's', (d) => {
      d.spec.replicas = 20;
    });
    await sim.advance(1000);
    const [o2, n2] = rsOf(sim, 's');
    // allowed 20+3=23 (surge 3 stays an int); 13 -> 23: old 8*23/13=14.15 -> 14 (+6), new 5*23/13=8.8 -> 9 (+4)
    assert.deepEqual([n2.spec.replicas, o2.spec.replicas], [9, 14]);
    assert.equal(n2.metadata.annotations!['deployment.kubernetes.io/desired-replicas'], '20');
    assert.equal(o2.metadata.annotations!['deployment.kubernetes.io/max-replicas'], '23');
  });

  test('graceful termination: preStop keeps Ready, SIGTERM, exit after shutdown-after, removal', async () => {
    const sim = make();
    sim.store.create(
      R.deployments,
      deploymentManifest('g', {
        replicas: 1,
        annotations: { 'sim.cutover.io/shutdown-after': '3' },
        podSpec: { terminationGracePeriodSeconds: 60, containers: [{ name: 'app', image: 'myapp:v1', lifecycle: { preStop: { exec: { command: ['/bin/sh', '-c', 'sleep 5'] } } } }] },
      }),
    );
    await sim.advance(5000);
    const [pod] = sim.store.list(R.pods, NS);
    const ready = () => sim.store.get(R.pods, NS, pod.metadata.name!)?.status.conditions.find((c: any) => c.type === 'Ready').status;
    assert.equal(ready(), 'True');
    sim.store.delete(R.pods, NS, pod.metadata.name!);
    await sim.advance(0);
    const p0 = sim.store.get(R.pods, NS, pod.metadata.name!)!;
    assert.ok(p0.metadata.deletionTimestamp);
    assert.equal(p0.metadata.deletionGracePeriodSeconds, 60);
    await sim.advance(4900);
    assert.equal(ready(), 'True', 'serving during preStop');
    await sim.advance(200); // t=5.1: SIGTERM at 5
    assert.equal(ready(), 'True');
    await sim.advance(1000); // t=6.1: Ready False after SIGTERM
    assert.equal(ready(), 'False');
    assert.ok(sim.store.get(R.pods, NS, pod.metadata.name!), 'still there while shutting down');
    await sim.advance(1800); // t=7.9
    assert.ok(sim.store.get(R.pods, NS, pod.metadata.name!));
    await sim.advance(200); // t=8.1: exited at 8 (5 + 3)
    assert.equal(sim.store.get(R.pods, NS, pod.metadata.name!), undefined);
    const logs = sim.ctx.podLogs.get(pod.metadata.uid!)!.join('\n');
    assert.match(logs, /preStop hook: sleep 5s/);
    assert.match(logs, /SIGTERM received/);
    assert.match(logs, /shutdown complete/);
    // The RS replaced the pod at once (a terminating pod does not count).
    const replacement = sim.store.list(R.pods, NS);
    assert.equal(replacement.length, 1);
    assert.notEqual(replacement[0].metadata.name, pod.metadata.name);
  });

  test('SIGKILL at the grace deadline, +2 s when preStop overruns', async () => {
    const sim = make();
    sim.store.create(
      R.deployments,
      deploymentManifest('k', {
        replicas: 2,
        annotations: { 'sim.cutover.io/shutdown-after': '100' },
        podSpec: { terminationGracePeriodSeconds: 10, containers: [{ name: 'app', image: 'myapp:v1', lifecycle: { preStop: { sleep: { seconds: 20 } } } }] },
      }),
    );
    await sim.advance(5000);
    const [a] = sim.store.list(R.pods, NS);
    sim.store.delete(R.pods, NS, a.metadata.name!);
    await sim.advance(11_900);
    assert.ok(sim.store.get(R.pods, NS, a.metadata.name!), 'alive during the 2 s extension');
    await sim.advance(200);
    assert.equal(sim.store.get(R.pods, NS, a.metadata.name!), undefined);
    assert.match(sim.ctx.podLogs.get(a.metadata.uid!)!.join('\n'), /SIGKILL/);
  });

  test('crash-after: restarts with CrashLoopBackOff and doubling back-off', async () => {
    const sim = make();
    sim.store.create(R.deployments, deploymentManifest('c', { replicas: 1, annotations: { 'sim.cutover.io/crash-after': '5' } }));
    await sim.advance(1000 + 5000 + 1); // running at 1, crash at 6
    const pod = () => sim.store.list(R.pods, NS)[0];
    let cs = pod().status.containerStatuses[0];
    assert.equal(cs.restartCount, 1);
    assert.equal(cs.state.waiting.reason, 'CrashLoopBackOff');
    assert.equal(cs.lastState.terminated.exitCode, 1);
    assert.equal(cs.ready, false);
    await sim.advance(10_000); // restart at 16, crash at 21
    cs = pod().status.containerStatuses[0];
    assert.ok(cs.state.running, JSON.stringify(cs.state));
    await sim.advance(6_000); // crash at 21, back-off 20 s
    cs = pod().status.containerStatuses[0];
    assert.equal(cs.restartCount, 2);
    assert.match(cs.state.waiting.message, /back-off 20s/);
  });

  test('run-to-completion pods: Succeeded, Failed, and OnFailure restarts', async () => {
    const sim = make();
    const pod = (name: string, code: string, restartPolicy: string) =>
      sim.store.create(R.pods, {
        metadata: { name, namespace: NS, annotations: { 'sim.cutover.io/exit-code': code, 'sim.cutover.io/exit-after': '2' } },
        spec: { restartPolicy, containers: [{ name: 'm', image: 'myapp:v2' }] },
      });
    const ok = pod('mig-ok', '0', 'Never');
    const bad = pod('mig-bad', '3', 'Never');
    pod('mig-retry', '1', 'OnFailure');
    await sim.advance(1000 + 2000 + 1);
    const get = (n: string) => sim.store.get(R.pods, NS, n)!;
    assert.equal(get('mig-ok').status.phase, 'Succeeded');
    assert.equal(get('mig-ok').status.containerStatuses[0].state.terminated.reason, 'Completed');
    assert.equal(get('mig-bad').status.phase, 'Failed');
    assert.equal(get('mig-bad').status.containerStatuses[0].state.terminated.exitCode, 3);
    assert.equal(get('mig-bad').status.containerStatuses[0].state.terminated.reason, 'Error');
    assert.equal(get('mig-retry').status.phase, 'Running');
    assert.equal(get('mig-retry').status.containerStatuses[0].restartCount, 1);
    assert.match(sim.ctx.podLogs.get(ok.metadata.uid!)!.join('\n'), /applying migration 1\/3/);
    assert.match(sim.ctx.podLogs.get(bad.metadata.uid!)!.join('\n'), /failed/);
    // Deleting a finished pod removes it at once.
    sim.store.delete(R.pods, NS, 'mig-ok');
    assert.equal(sim.store.get(R.pods, NS, 'mig-ok'), undefined);
  });
});
