/**
 * The driver lock against the real control plane, where Lease semantics are the API server's:
 * alice and bob (the admin impersonating them, with RBAC on Leases, Events and Namespaces) claim,
 * are refused, take over (an Event), race for a free lock (one 409 loser, told who won), let a lock
 * run out, and meet a freeze; carol, without RBAC, gets the advisory answer.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { KubeConfig } from '@kubernetes/client-node';
import { DriverService } from '../../src/engine/driver.js';
import { driverIdentity, DriverLease } from '../../src/kube/lease.js';
import { FREEZE_ANNOTATION } from '../../src/model/freeze.js';
import { useControlPlane, waitFor, type ControlPlane } from './controlPlane.js';

/** The admin's credentials impersonating `user` (the kubeconfig user's name is `user` too). */
function kubeConfigAs(cp: ControlPlane, user: string, namespace: string): KubeConfig {
  const admin = cp.kc.getCurrentUser()!;
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: cp.kc.clusters,
    users: [{ ...admin, name: user, impersonateUser: user }],
    contexts: [{ name: user, cluster: cp.kc.getCurrentCluster()!.name, user, namespace }],
    currentContext: user,
  });
  return kc;
}

const RBAC = (ns: string) =>
  JSON.stringify({
    apiVersion: 'v1',
    kind: 'List',
    items: [
      {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'ClusterRole',
        metadata: { name: `cutover-pair-${ns}` },
        rules: [
          { apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['get', 'list', 'watch', 'create', 'update', 'patch'] },
          { apiGroups: [''], resources: ['events'], verbs: ['create', 'get', 'list'] },
          { apiGroups: [''], resources: ['namespaces'], verbs: ['get'] },
        ],
      },
      {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'ClusterRoleBinding',
        metadata: { name: `cutover-pair-${ns}` },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: `cutover-pair-${ns}` },
        subjects: ['alice', 'bob'].map((name) => ({ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name })),
      },
    ],
  });

describe('the driver lock on the real control plane', { timeout: 55 * 60_000 }, () => {
  const plane = useControlPlane();

  it('claim, refusal, audited take-over, a 409 race, expiry, a freeze, and a user without Leases', async () => {
    const cp = plane();
    const ns = await cp.namespace('pair');
    const applied = await cp.kubectl(['apply', '-f', '-'], { input: RBAC(ns) });
    assert.equal(applied.code, 0, applied.stderr);
    const A = driverIdentity('alice', 'a-host');
    const B = driverIdentity('bob', 'b-host');
    const key = `${ns}/rolling/web`;
    const service = (who: string, identity: string) => new DriverService({ kc: kubeConfigAs(cp, who, ns), identity, user: who, context: who, renewEveryMs: 500 });
    const alice = service('alice', A);
    const bob = service('bob', B);
    try {
      // RBAC may take a moment to reach the authorizer's cache.
      await waitFor(
        async () => {
          const may = await alice.claim(key);
          return (may.ok && may.lock === 'held') || undefined;
        },
        15_000,
        'alice holds the lock',
      );
      const refused = await bob.claim(key);
      assert.ok(!refused.ok && refused.reason === 'driven' && refused.drivenBy === A, JSON.stringify(refused));
      assert.ok(refused.since instanceof Date);

      assert.deepEqual(await bob.takeOver(key, 'alice is on a call'), { ok: true, lock: 'held' });
      const events = JSON.parse((await cp.kubectl(['get', 'events', '-n', ns, '--field-selector', 'reason=CutoverTakeOver', '-o', 'json'])).stdout).items as { message: string; involvedObject: { name: string } }[];
      assert.equal(events.length, 1);
      assert.equal(events[0].message, `bob: took over driving web from ${A}: alice is on a call`);
      const again = await alice.mayAct(key);
      assert.ok(!again.ok && again.reason === 'driven' && again.drivenBy === B);
      await bob.stop();
      assert.deepEqual(await alice.mayAct(key), { ok: true, lock: 'free' }, 'released on stop');

      // Two users grab a free lock at the same moment: the API server's resourceVersion lets one win.
      const raceKey = `${ns}/rolling/race`;
      const [ra, rb] = await Promise.all([
        new DriverLease(kubeConfigAs(cp, 'alice', ns), { namespace: ns, release: 'race', identity: A }).acquire(),
        new DriverLease(kubeConfigAs(cp, 'bob', ns), { namespace: ns, release: 'race', identity: B }).acquire(),
      ]);
      assert.equal([ra, rb].filter((r) => r.ok).length, 1, JSON.stringify([ra, rb]));
      const loser = [ra, rb].find((r) => !r.ok)!;
      assert.ok(!loser.ok && loser.reason === 'held' && loser.raced, JSON.stringify(loser));
      const winner = ra.ok ? A : B;
      assert.equal(loser.lock.holder, winner);
      const c = await service('alice', A).mayAct(raceKey);
      assert.ok(winner === A ? c.ok : !c.ok);

      // A holder that vanishes: its lock runs out by itself.
      assert.ok((await new DriverLease(kubeConfigAs(cp, 'alice', ns), { namespace: ns, release: 'gone', identity: A, durationSeconds: 1 }).acquire()).ok);
      const bob2 = service('bob', B);
      assert.ok(!(await bob2.mayAct(`${ns}/rolling/gone`)).ok);
      await waitFor(async () => (await bob2.mayAct(`${ns}/rolling/gone`)).ok || undefined, 10_000, 'the lock to run out');

      // A freeze declared on the namespace refuses both until overridden.
      const freeze = JSON.stringify({ start: '2020-01-01T00:00:00Z', end: '2099-01-01T00:00:00Z', reason: 'launch day' });
      assert.equal((await cp.kubectl(['annotate', 'namespace', ns, `${FREEZE_ANNOTATION}=${freeze}`])).code, 0);
      for (const s of [alice, bob2]) {
        const f = await s.claim(`${ns}/rolling/frozen`);
        assert.ok(!f.ok && f.reason === 'frozen' && f.why === `launch day (namespace ${ns})`, JSON.stringify(f));
      }
      const overridden = await bob2.claim(`${ns}/rolling/frozen`, { freezeOverride: 'hotfix' });
      assert.ok(overridden.ok && overridden.freezeOverridden === `launch day (namespace ${ns}); overridden: hotfix`, JSON.stringify(overridden));
      await bob2.stop();

      // carol has no RBAC here: the lock is advisory for her.
      const carol = service('carol', 'carol@c');
      const v = await carol.claim(`${ns}/rolling/other`);
      assert.ok(v.ok && v.lock === 'advisory', JSON.stringify(v));
      assert.match(v.note ?? '', /forbidden.*the lock is advisory/i);
    } finally {
      await alice.stop();
      await bob.stop();
      await cp.kubectl(['delete', 'clusterrole,clusterrolebinding', `cutover-pair-${ns}`]);
    }
  });
});
