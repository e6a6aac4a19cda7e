/** The app's leader Leases in a release: holder, revision, warnings, hand-offs. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { V1Deployment, V1Lease, V1Pod, V1ReplicaSet } from '@kubernetes/client-node';
import { describeHandoff, leaderHandoffs, releaseLeaderLeases, type LeaderInput } from '../../../src/model/leader.js';

const NS = 'default';
const NOW = Date.parse('2026-01-01T12:00:00Z');
const TEMPLATE = (image: string) => ({ metadata: { labels: { app: 'sched' } }, spec: { containers: [{ name: 'sched', image }] } });

const deployment = (image: string): V1Deployment => ({
  metadata: { name: 'sched', namespace: NS, uid: 'd-uid', annotations: { 'deployment.kubernetes.io/revision': image === 'v2' ? '2' : '1' } },
  spec: { replicas: 3, selector: { matchLabels: { app: 'sched' } }, template: TEMPLATE(image) },
});
const rs = (name: string, rev: number, image: string, replicas: number): V1ReplicaSet => ({
  metadata: {
    name,
    namespace: NS,
    uid: `${name}-uid`,
    creationTimestamp: new Date(NOW - 1000 * (10 - rev)),
    annotations: { 'deployment.kubernetes.io/revision': String(rev) },
    ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'sched', uid: 'd-uid', controller: true }],
  },
  spec: { replicas, selector: { matchLabels: { app: 'sched' } }, template: TEMPLATE(image) },
  status: { replicas },
});
const pod = (name: string, rsName: string, terminating = false): V1Pod => ({
  metadata: {
    name,
    namespace: NS,
    ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: rsName, uid: `${rsName}-uid`, controller: true }],
    ...(terminating ? { deletionTimestamp: new Date(NOW + 30_000) } : {}),
  },
});
const lease = (name: string, holder: string | undefined, renewedAgoMs = 1000, transitions = 0): V1Lease => ({
  metadata: { name, namespace: NS },
  spec: {
    ...(holder !== undefined ? { holderIdentity: holder } : {}),
    leaseDurationSeconds: 15,
    // client-node hands MicroTime back as the wire string
    renewTime: new Date(NOW - renewedAgoMs).toISOString().replace('Z', '000Z') as unknown as Date,
    leaseTransitions: transitions,
  },
});

const OLD = rs('sched-old', 1, 'v1', 3);
const NEW = rs('sched-new', 2, 'v2', 1);
const steady = (leases: V1Lease[], pods = [pod('sched-old-a', 'sched-old'), pod('sched-old-b', 'sched-old')]): LeaderInput => ({
  leases,
  pods,
  deployments: [deployment('v1')],
  replicaSets: [OLD],
  now: NOW,
});
const rolling = (leases: V1Lease[], pods: V1Pod[]): LeaderInput => ({ leases, pods, deployments: [deployment('v2')], replicaSets: [OLD, NEW], now: NOW });

describe('releaseLeaderLeases', () => {
  test('a Lease held by a pod of the release shows its holder and revision; others are not the release\'s', () => {
    const out = releaseLeaderLeases(steady([lease('sched-leader', 'sched-old-a'), lease('kube-scheduler', 'node-1_abc'), lease('cutover-driver-web', 'alice@host')]));
    assert.equal(out.length, 1);
    assert.deepEqual(
      { lease: out[0].lease, pod: out[0].pod, rs: out[0].replicaSet, rev: out[0].revision, onNew: out[0].onNewReplicaSet, leaderless: out[0].leaderless, warning: out[0].warning },
      { lease: 'sched-leader', pod: 'sched-old-a', rs: 'sched-old', rev: 1, onNew: true, leaderless: false, warning: undefined },
    );
    assert.equal(out[0].expiresAt?.toISOString(), new Date(NOW - 1000 + 15_000).toISOString());
  });

  test("client-go's <pod>_<uuid> identity names the pod", () => {
    const [l] = releaseLeaderLeases(steady([lease('sched-leader', 'sched-old-b_6f1c2e')]));
    assert.equal(l.pod, 'sched-old-b');
  });

  const cases: { name: string; input: LeaderInput; warning: RegExp | undefined }[] = [
    { name: 'steady, on the only ReplicaSet: no warning', input: steady([lease('sched-leader', 'sched-old-a')]), warning: undefined },
    {
      name: 'on the old ReplicaSet while the rollout moves',
      input: rolling([lease('sched-leader', 'sched-old-a')], [pod('sched-old-a', 'sched-old'), pod('sched-new-a', 'sched-new')]),
      warning: /leader sched-old-a runs revision 1 on the old ReplicaSet while the rollout moves to revision 2/,
    },
    { name: 'already on the new ReplicaSet mid-rollout: fine', input: rolling([lease('sched-leader', 'sched-new-a')], [pod('sched-old-a', 'sched-old'), pod('sched-new-a', 'sched-new')]), warning: undefined },
    { name: 'the holder terminates', input: steady([lease('sched-leader', 'sched-old-a')], [pod('sched-old-a', 'sched-old', true)]), warning: /leader sched-old-a is terminating: Lease sched-leader moves/ },
    { name: 'the holder stopped renewing (expired)', input: steady([lease('sched-leader', 'sched-old-a', 20_000)]), warning: /no leader: sched-old-a stopped renewing/ },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const [l] = releaseLeaderLeases(c.input);
      if (c.warning) assert.match(l.warning ?? '', c.warning);
      else assert.equal(l.warning, undefined);
    });
  }

  test('a known Lease stays in view when released or its holder is gone: no leader', () => {
    const known = new Set(['sched-leader']);
    const [released] = releaseLeaderLeases({ ...steady([lease('sched-leader', '')]), known });
    assert.ok(released.leaderless);
    assert.match(released.warning ?? '', /no leader: Lease sched-leader was released/);
    const [gone] = releaseLeaderLeases({ ...steady([lease('sched-leader', 'sched-old-z')]), known });
    assert.ok(gone.leaderless);
    assert.match(gone.warning ?? '', /the holder sched-old-z is gone/);
    assert.deepEqual(releaseLeaderLeases(steady([lease('sched-leader', '')])), [], 'unknown and free: not the release\'s');
  });
});

describe('leaderHandoffs', () => {
  test('holder changes between observations, through a release, with revisions', () => {
    const pods = [pod('sched-old-a', 'sched-old'), pod('sched-new-a', 'sched-new')];
    const known = new Set(['sched-leader']);
    const t0 = releaseLeaderLeases({ ...rolling([lease('sched-leader', 'sched-old-a')], pods), known });
    const t1 = releaseLeaderLeases({ ...rolling([lease('sched-leader', '', 0, 0)], pods), known });
    const t2 = releaseLeaderLeases({ ...rolling([lease('sched-leader', 'sched-new-a', 0, 1)], pods), known });
    const at1 = new Date(NOW);
    const at2 = new Date(NOW + 2000);
    assert.deepEqual(leaderHandoffs(t0, t0, at1), []);
    const [released] = leaderHandoffs(t0, t1, at1);
    assert.equal(describeHandoff(released), 'sched-leader: sched-old-a (rev 1) -> nobody');
    const [acquired] = leaderHandoffs(t1, t2, at2);
    assert.equal(describeHandoff(acquired), 'sched-leader: nobody -> sched-new-a (rev 2)');
    assert.equal(acquired.at, at2);
    const [direct] = leaderHandoffs(t0, t2, at2);
    assert.deepEqual({ from: direct.from, to: direct.to, fromRevision: direct.fromRevision, toRevision: direct.toRevision }, { from: 'sched-old-a', to: 'sched-new-a', fromRevision: 1, toRevision: 2 });
  });
});
