/**
 * coordination.k8s.io/v1 Leases in the sim as the apiserver serves them (kubectl and client-node
 * over HTTPS): create/get/update/patch/delete, 409 on a stale resourceVersion (the optimistic
 * take-over every elector relies on), MicroTime decoding, and the apps' own leader election
 * steered by `sim.cutover.io/leader-lease` moving to a new pod during a rollout.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { CoordinationV1Api, PatchStrategy, setHeaderOptions, V1MicroTime, type V1Lease } from '@kubernetes/client-node';
import { VirtualClock } from '../../src/sim/clock.js';
import { LEADER_ANN, LEADER_LEASE_SECONDS } from '../../src/sim/controllers/leaderLease.js';
import { R } from '../../src/sim/resources.js';
import { installScenario } from '../../src/sim/scenarios.js';
import type { Obj } from '../../src/sim/store.js';
import { startSim, type TestSim } from '../helpers/sim.js';

const NS = 'default';
const code = (err: unknown) => (err as { code?: number }).code;
const message = (err: unknown): string => JSON.parse(String((err as { body?: unknown }).body)).message;

describe('Leases over the API', () => {
  let t: TestSim;
  before(async () => {
    t = await startSim();
  });
  after(() => t.stop());

  test('kubectl creates and lists a Lease with its holder', async () => {
    const manifest = [
      'apiVersion: coordination.k8s.io/v1',
      'kind: Lease',
      'metadata:',
      '  name: by-kubectl',
      'spec:',
      '  holderIdentity: alice@laptop',
      '  leaseDurationSeconds: 60',
      '  renewTime: "2026-01-01T00:00:00.000000Z"',
      '',
    ].join('\n');
    const created = await t.kubectl(['create', '-f', '-'], { input: manifest });
    assert.equal(created.code, 0, created.stderr);
    assert.match(created.stdout, /lease\.coordination\.k8s\.io\/by-kubectl created/);
    const got = await t.kubectl(['get', 'leases']);
    assert.equal(got.code, 0, got.stderr);
    assert.match(got.stdout, /NAME\s+HOLDER\s+AGE/);
    assert.match(got.stdout, /by-kubectl\s+alice@laptop/);
    const json = JSON.parse((await t.kubectl(['get', 'lease', 'by-kubectl', '-o', 'json'])).stdout);
    assert.equal(json.spec.renewTime, '2026-01-01T00:00:00.000000Z');
  });

  test('client-node: create, get, replace, merge-patch and delete; a stale resourceVersion is a 409', async () => {
    const api = t.kc.makeApiClient(CoordinationV1Api);
    const now = new V1MicroTime(Date.now());
    const created = await api.createNamespacedLease({
      namespace: NS,
      body: { metadata: { name: 'lock' }, spec: { holderIdentity: 'alice@a', leaseDurationSeconds: 60, acquireTime: now, renewTime: now } },
    });
    const rv1 = created.metadata!.resourceVersion!;
    const read = await api.readNamespacedLease({ name: 'lock', namespace: NS });
    assert.equal(read.spec?.holderIdentity, 'alice@a');
    assert.equal(read.metadata?.resourceVersion, rv1);

    // bob takes over from what he read; alice, renewing from her older copy, loses with 409.
    const bob: V1Lease = { ...read, spec: { ...read.spec, holderIdentity: 'bob@b', leaseTransitions: 1 } };
    const taken = await api.replaceNamespacedLease({ name: 'lock', namespace: NS, body: bob });
    assert.equal(taken.spec?.holderIdentity, 'bob@b');
    assert.notEqual(taken.metadata?.resourceVersion, rv1);
    await assert.rejects(
      api.replaceNamespacedLease({ name: 'lock', namespace: NS, body: { ...read, spec: { ...read.spec, renewTime: new V1MicroTime(Date.now()) } } }),
      (err) => code(err) === 409 && /the object has been modified/.test(message(err)),
    );

    // A merge patch carrying a resourceVersion is a precondition too.
    const patchOpts = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);
    await assert.rejects(
      api.patchNamespacedLease({ name: 'lock', namespace: NS, body: { metadata: { resourceVersion: rv1 }, spec: { holderIdentity: 'alice@a' } } }, patchOpts),
      (err) => code(err) === 409,
    );
    const patched = await api.patchNamespacedLease(
      { name: 'lock', namespace: NS, body: { metadata: { resourceVersion: taken.metadata!.resourceVersion, annotations: { 'cutover.io/pending': '{}' } } } },
      patchOpts,
    );
    assert.equal(patched.metadata?.annotations?.['cutover.io/pending'], '{}');

    await assert.rejects(api.deleteNamespacedLease({ name: 'lock', namespace: NS, body: { preconditions: { resourceVersion: rv1 } } }), (err) => code(err) === 409);
    await api.deleteNamespacedLease({ name: 'lock', namespace: NS });
    await assert.rejects(api.readNamespacedLease({ name: 'lock', namespace: NS }), (err) => code(err) === 404);
  });

  test('a renewTime that is not a MicroTime is refused (400), a zero duration is invalid (422)', async () => {
    const post = (spec: object) =>
      t.fetch(`/apis/coordination.k8s.io/v1/namespaces/${NS}/leases`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: 'bad' }, spec }),
      });
    const millis = await post({ renewTime: '2026-01-01T00:00:00.000Z' });
    assert.equal(millis.status, 400);
    assert.match((await millis.json()).message, /cannot be handled as a Lease: parsing time/);
    const zero = await post({ leaseDurationSeconds: 0 });
    assert.equal(zero.status, 422);
    assert.match((await zero.json()).message, /spec\.leaseDurationSeconds: Invalid value: 0: must be greater than 0/);
  });

  test('the read-only user may read Leases but not write them (403)', async () => {
    const api = t.viewerKc.makeApiClient(CoordinationV1Api);
    await api.listNamespacedLease({ namespace: NS });
    await assert.rejects(
      api.createNamespacedLease({ namespace: NS, body: { metadata: { name: 'nope' }, spec: {} } }),
      (err) => code(err) === 403 && /cannot create resource "leases" in API group "coordination.k8s.io"/.test(message(err)),
    );
  });
});

describe('the apps\' leader election (sim.cutover.io/leader-lease)', () => {
  const lease = (t: TestSim) => t.sim.store.get(R.leases, NS, 'sched-leader');
  const pod = (t: TestSim, name: string) => t.sim.store.get(R.pods, NS, name);
  const hashOf = (p: Obj | undefined) => p?.metadata.labels?.['pod-template-hash'];

  test('one Ready pod holds and renews the Lease; during a rollout it moves to a pod of the new ReplicaSet', async () => {
    const t = await startSim({ clock: new VirtualClock() });
    try {
      installScenario(t.sim, 'leader', NS);
      await t.sim.advance(20_000);
      const first = lease(t)!;
      assert.ok(first, 'the Lease exists');
      const holder = first.spec.holderIdentity as string;
      const holderPod = pod(t, holder);
      assert.ok(holderPod, `the holder ${holder} is a pod`);
      assert.equal(holderPod!.metadata.annotations?.[LEADER_ANN.lease], 'sched-leader');
      assert.equal(first.spec.leaseDurationSeconds, LEADER_LEASE_SECONDS);
      assert.match(first.spec.renewTime, /\.\d{6}Z$/);

      await t.sim.advance(12_000);
      const renewed = lease(t)!;
      assert.equal(renewed.spec.holderIdentity, holder, 'the holder keeps it while alive');
      assert.ok(Date.parse(renewed.spec.renewTime) > Date.parse(first.spec.renewTime), 'renewTime moves');
      assert.ok(Date.parse(renewed.spec.renewTime) + LEADER_LEASE_SECONDS * 1000 > t.sim.clock.now(), 'never expired');

      // kubectl sees it as the real API shows it.
      const got = await t.kubectl(['get', 'leases']);
      assert.match(got.stdout, new RegExp(`sched-leader\\s+${holder}`));

      const oldHash = hashOf(holderPod);
      const holders: string[] = [holder];
      const unsubscribe = t.sim.store.subscribe((ev) => {
        if (ev.rt === R.leases && ev.object.metadata.name === 'sched-leader') {
          const h = ev.object.spec?.holderIdentity;
          if (h !== holders[holders.length - 1]) holders.push(h);
        }
      });
      t.sim.store.mutate(R.deployments, NS, 'sched', (d) => {
        d.spec.template.spec.containers[0].image = 'registry.local/sched:v1.5';
      });
      for (let i = 0; i < 30; i++) await t.sim.advance(5_000);
      unsubscribe();

      const last = lease(t)!;
      const newHolder = pod(t, last.spec.holderIdentity);
      assert.ok(newHolder, `the final holder ${last.spec.holderIdentity} exists`);
      assert.notEqual(hashOf(newHolder), oldHash, 'the leader ends on the new ReplicaSet');
      assert.ok(!newHolder!.metadata.deletionTimestamp);
      assert.ok(last.spec.leaseTransitions >= 1, 'transitions are counted');
      // Released at SIGTERM: the Lease went through an empty holder, never two holders at once.
      assert.ok(holders.includes(''), `released between holders: ${holders.join(' -> ')}`);
    } finally {
      await t.stop();
    }
  });

  test('a holder that does not release on SIGTERM leaves the Lease to expire first', async () => {
    const t = await startSim({ clock: new VirtualClock() });
    try {
      installScenario(t.sim, 'leader', NS);
      t.sim.store.mutate(R.deployments, NS, 'sched', (d) => {
        d.spec.template.metadata.annotations[LEADER_ANN.release] = 'false';
      });
      await t.sim.advance(30_000);
      const holder = lease(t)!.spec.holderIdentity as string;
      await t.sim.store.delete(R.pods, NS, holder);
      await t.sim.advance(8_000); // past SIGTERM (preStop 5 s), within the 15 s lease
      assert.equal(lease(t)!.spec.holderIdentity, holder, 'still held by the dying pod');
      await t.sim.advance(20_000);
      const next = lease(t)!.spec.holderIdentity as string;
      assert.notEqual(next, holder, 'another pod acquired it once it expired');
      assert.ok(pod(t, next) && !pod(t, next)!.metadata.deletionTimestamp);
    } finally {
      await t.stop();
    }
  });
});
