/**
 * The engine's driver service against the sim over HTTPS: two cockpits as alice and bob on one
 * release, the take-over audited as an Event, the lost lock noticed by renewal, release on stop,
 * freezes (and their override), the cancel window seen by the partner, and a user without Leases.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { DriverService } from '../../src/engine/driver.js';
import { driverIdentity, DriverLease } from '../../src/kube/lease.js';
import { FREEZE_ANNOTATION } from '../../src/model/freeze.js';
import { R } from '../../src/sim/resources.js';
import { installScenario } from '../../src/sim/scenarios.js';
import { startSim, waitFor, type TestSim } from '../helpers/sim.js';
import { kubeConfigAs, pairUsers, PAIR_USERS } from '../helpers/users.js';

const NS = 'default';
const WEB = `${NS}/rolling/web`;
const A = driverIdentity('alice', 'a-host');
const B = driverIdentity('bob', 'b-host');

describe('the driver service', () => {
  let t: TestSim;
  const services: DriverService[] = [];
  const service = (who: keyof typeof PAIR_USERS, identity: string, extra: Partial<ConstructorParameters<typeof DriverService>[0]> = {}) => {
    const s = new DriverService({ kc: kubeConfigAs(t, who), identity, user: who, context: who, renewEveryMs: 100, ...extra });
    services.push(s);
    return s;
  };

  before(async () => {
    t = await startSim({ users: pairUsers() });
    installScenario(t.sim, 'rolling', NS);
  });
  after(async () => {
    for (const s of services) await s.stop();
    await t.stop();
  });

  test('A drives; B is told who and since when; B takes over (audited); A learns it lost; B quits and A may act again', async () => {
    const lost: string[] = [];
    const alice = service('alice', A, { onLost: (key, by) => lost.push(`${key} ${by}`) });
    const bob = service('bob', B);

    assert.deepEqual(await alice.mayAct(WEB), { ok: true, lock: 'free' });
    assert.deepEqual(await alice.claim(WEB), { ok: true, lock: 'held' });
    assert.deepEqual(alice.driving(), [WEB]);

    const refused = await bob.claim(WEB);
    assert.ok(!refused.ok && refused.reason === 'driven');
    assert.equal(refused.drivenBy, A);
    assert.ok(refused.since instanceof Date);

    await assert.rejects(bob.takeOver(WEB, '  '), /needs a reason/);
    const taken = await bob.takeOver(WEB, 'alice is off to lunch');
    assert.deepEqual(taken, { ok: true, lock: 'held' });
    const event = t.sim.store.list(R.events, NS).find((e) => e.reason === 'CutoverTakeOver');
    assert.ok(event, 'an Event on the release');
    assert.equal(event!.involvedObject.kind, 'Deployment');
    assert.equal(event!.involvedObject.name, 'web');
    assert.equal(event!.message, `bob: took over driving web from ${A}: alice is off to lunch`);

    const aliceNow = await alice.mayAct(WEB);
    assert.ok(!aliceNow.ok && aliceNow.reason === 'driven' && aliceNow.drivenBy === B);
    await waitFor(() => lost.length > 0, 5000, "alice's renewal to notice");
    assert.deepEqual(lost, [`${WEB} ${B}`]);
    assert.deepEqual(alice.driving(), []);

    await bob.stop();
    assert.equal(t.sim.store.get(R.leases, NS, 'cutover-driver-web')!.spec.holderIdentity, undefined, 'released on stop');
    assert.deepEqual(await alice.mayAct(WEB), { ok: true, lock: 'free' });
  });

  test('a holder that vanishes without releasing: its lock expires by itself', async () => {
    const lease = new DriverLease(kubeConfigAs(t, 'alice'), { namespace: NS, release: 'gone', identity: A, durationSeconds: 1 });
    assert.ok((await lease.acquire()).ok);
    const bob = service('bob', B);
    const key = `${NS}/rolling/gone`;
    const busy = await bob.mayAct(key);
    assert.ok(!busy.ok && busy.reason === 'driven');
    await waitFor(async () => (await bob.mayAct(key)).ok, 5000, 'the lock to expire');
  });

  test('a freeze refuses both users with its reason and end, until a typed override', async () => {
    const alice = service('alice', A);
    const bob = service('bob', B);
    const end = new Date(Date.now() + 3_600_000).toISOString();
    t.sim.store.mutate(R.namespaces, undefined, NS, (ns) => {
      ns.metadata.annotations = { ...ns.metadata.annotations, [FREEZE_ANNOTATION]: JSON.stringify({ start: '2020-01-01T00:00:00Z', end, reason: 'launch day' }) };
    });
    try {
      for (const s of [alice, bob]) {
        const v = await s.claim(WEB);
        assert.ok(!v.ok && v.reason === 'frozen');
        assert.equal(v.why, 'launch day (namespace default)');
        assert.equal(v.until?.toISOString(), new Date(end).toISOString());
      }
      const overridden = await alice.claim(WEB, { freezeOverride: 'hotfix for INC-42' });
      assert.ok(overridden.ok, JSON.stringify(overridden));
      assert.equal(overridden.freezeOverridden, 'launch day (namespace default); overridden: hotfix for INC-42');
    } finally {
      t.sim.store.mutate(R.namespaces, undefined, NS, (ns) => {
        delete ns.metadata.annotations?.[FREEZE_ANNOTATION];
      });
      await alice.stop();
    }
  });

  test('the cancel window: the partner sees the pending action; Esc cancels; otherwise it fires', async () => {
    const alice = service('alice', A);
    const key = `${NS}/canary/shop`;
    const partner = new DriverLease(kubeConfigAs(t, 'bob'), { namespace: NS, release: 'shop', identity: B });
    assert.ok((await alice.claim(key)).ok);

    const abort = new AbortController();
    const ticks: number[] = [];
    const cancelled = alice.grace(key, 60_000, { action: 'canary-step', title: 'step shop to 30%' }, abort.signal, (ms) => ticks.push(ms));
    const seen = await waitFor(async () => (await partner.read())?.pending, 5000, 'the pending action on the Lease');
    assert.equal(seen.action, 'canary-step');
    assert.equal(seen.title, 'step shop to 30%');
    assert.equal(seen.by, A);
    assert.equal(Date.parse(seen.fireAt) - Date.parse(seen.at), 60_000);
    abort.abort();
    assert.equal(await cancelled, 'cancelled');
    assert.equal((await partner.read())?.pending, undefined, 'cleared when cancelled');
    assert.equal(ticks[0], 60_000);

    assert.equal(await alice.grace(key, 50, { action: 'canary-step', title: 'step shop to 30%' }), 'fire');
    assert.equal((await partner.read())?.pending, undefined, 'cleared when fired');
    assert.equal(await alice.grace(key, 0, { action: 'canary-step', title: 'x' }), 'fire', 'no window solo');
  });

  test('a user who may not use Leases may act while nobody holds the lock, with the reason', async () => {
    const carol = service('carol', 'carol@c');
    const v = await carol.claim(`${NS}/rolling/api`);
    assert.ok(v.ok && v.lock === 'advisory');
    assert.match(v.note ?? '', /cannot get resource "leases".*the lock is advisory/);
  });
});
