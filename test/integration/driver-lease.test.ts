/**
 * The driver lock (src/kube/lease.ts) against the sim over HTTPS with the real client-node, as
 * two users (alice, bob), the read-only viewer and a user denied Leases altogether.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { KubeConfig } from '@kubernetes/client-node';
import { DriverLease, driverIdentity, driverLeaseName, PENDING_ANNOTATION, type LockOutcome } from '../../src/kube/lease.js';
import { R } from '../../src/sim/resources.js';
import { startSim, type TestSim } from '../helpers/sim.js';
import { kubeConfigAs, pairUsers } from '../helpers/users.js';

const NS = 'default';

function held(o: LockOutcome): string | undefined {
  return o.ok ? o.lock.holder : o.reason === 'held' ? `held by ${o.lock.holder}` : `${o.reason}: ${o.message}`;
}

describe('the driver lock in a Lease', () => {
  let t: TestSim;
  let alice: KubeConfig;
  let bob: KubeConfig;
  const A = driverIdentity('alice', 'a-host');
  const B = driverIdentity('bob', 'b-host');
  const lock = (kc: KubeConfig, release: string, identity: string, extra: { now?: () => number; durationSeconds?: number } = {}) =>
    new DriverLease(kc, { namespace: NS, release, identity, ...extra });

  before(async () => {
    t = await startSim({ users: pairUsers() });
    alice = kubeConfigAs(t, 'alice');
    bob = kubeConfigAs(t, 'bob');
  });
  after(() => t.stop());

  test('the first taker holds it; the other user is told who holds it since when; the holder renews', async () => {
    const a = lock(alice, 'web', A);
    const b = lock(bob, 'web', B);
    const first = await a.acquire();
    assert.equal(held(first), A);
    assert.equal(a.name, driverLeaseName('web'));
    const refused = await b.acquire();
    assert.ok(!refused.ok && refused.reason === 'held' && !refused.raced, held(refused));
    assert.equal(refused.lock.holder, A);
    assert.ok(refused.lock.since instanceof Date);
    assert.equal(refused.lock.durationSeconds, 60);

    const stored = t.sim.store.get(R.leases, NS, 'cutover-driver-web')!;
    assert.equal(stored.spec.holderIdentity, A);
    assert.match(stored.spec.renewTime, /\.\d{6}Z$/, 'MicroTime on the wire');
    assert.equal(stored.metadata.labels?.['app.kubernetes.io/managed-by'], 'cutover');

    const rv = stored.metadata.resourceVersion;
    await new Promise((r) => setTimeout(r, 5));
    const renewed = await a.renew();
    assert.ok(renewed.ok);
    assert.notEqual(t.sim.store.get(R.leases, NS, 'cutover-driver-web')!.metadata.resourceVersion, rv);
    assert.equal(renewed.lock.since?.getTime(), first.ok ? first.lock.since?.getTime() : NaN, 'a renewal keeps acquireTime');
  });

  test('a write that loses the race (409) re-reads and reports the winner', async () => {
    const b = lock(bob, 'race', B);
    assert.ok((await b.acquire()).ok);
    await b.release();
    // alice reads the free lock; bob takes it before her write lands (her clock is read in between).
    let raced = false;
    const a = lock(alice, 'race', A, {
      now: () => {
        if (!raced) {
          raced = true;
          t.sim.store.mutate(R.leases, NS, 'cutover-driver-race', (l) => {
            l.spec.holderIdentity = B;
            l.spec.renewTime = new Date().toISOString().replace('Z', '000Z');
          });
        }
        return Date.now();
      },
    });
    const outcome = await a.acquire();
    assert.ok(!outcome.ok && outcome.reason === 'held' && outcome.raced, held(outcome));
    assert.equal(outcome.lock.holder, B);
  });

  test('take-over, then the old holder learns it lost; release frees it; a vanished holder expires', async () => {
    const a = lock(alice, 'shop', A);
    const b = lock(bob, 'shop', B);
    assert.ok((await a.acquire()).ok);
    const taken = await b.takeOver();
    assert.ok(taken.ok);
    assert.equal(taken.lock.holder, B);
    assert.equal(taken.lock.transitions, 1);
    const lost = await a.renew();
    assert.ok(!lost.ok && lost.reason === 'held' && lost.lock.holder === B, held(lost));

    assert.ok((await a.release()).ok === false, 'alice cannot release what bob holds');
    assert.equal(t.sim.store.get(R.leases, NS, 'cutover-driver-shop')!.spec.holderIdentity, B);
    const released = await b.release();
    assert.ok(released.ok && released.lock.holder === undefined);
    assert.equal(held(await a.acquire()), A);

    // alice vanishes: after the lock's duration bob takes it without a take-over.
    const later = lock(bob, 'shop', B, { now: () => Date.now() + 61_000 });
    assert.equal(held(await later.acquire()), B);
    assert.equal((await later.read())!.transitions, 3);
  });

  test('a renewal that missed a take-over and its release reports the lock lost instead of taking it back', async () => {
    const a = lock(alice, 'cart', A);
    const b = lock(bob, 'cart', B);
    assert.ok((await a.acquire()).ok);
    assert.ok((await b.takeOver()).ok);
    assert.ok((await b.release()).ok);
    const lost = await a.renew();
    assert.ok(!lost.ok && lost.reason === 'held' && lost.lock.holder === undefined, held(lost));
    assert.equal(t.sim.store.get(R.leases, NS, 'cutover-driver-cart')!.spec.holderIdentity, undefined, 'still free');
    // A lock of its own that ran out while nobody else took it (a sleeping laptop) is taken back.
    let skew = 0;
    const c = lock(alice, 'cart-2', A, { durationSeconds: 1, now: () => Date.now() + skew });
    assert.ok((await c.acquire()).ok);
    skew = 2_000;
    assert.equal(held(await c.renew()), A);
    // Explicitly acting again (acquire) takes a free lock whoever held it last.
    assert.equal(held(await a.acquire()), A);
  });

  test('the pending action of a cancel window is published on the Lease for the partner', async () => {
    const a = lock(alice, 'pay', A);
    const b = lock(bob, 'pay', B);
    const at = new Date();
    const pending = { action: 'flip', title: 'switch pay to green', by: A, at: at.toISOString(), fireAt: new Date(at.getTime() + 5000).toISOString() };
    const published = await a.publishPending(pending);
    assert.ok(published.ok, 'publishing takes a free lock');
    assert.deepEqual((await b.read())!.pending, pending);
    assert.ok(!(await b.publishPending(pending)).ok, 'only the holder publishes');
    assert.ok((await a.publishPending(undefined)).ok);
    assert.equal((await b.read())!.pending, undefined);
    assert.equal(t.sim.store.get(R.leases, NS, 'cutover-driver-pay')!.metadata.annotations?.[PENDING_ANNOTATION], undefined);
  });

  test('a user who may not write Leases gets one clear line (the lock is advisory)', async () => {
    const viewer = await lock(t.viewerKc, 'web2', 'cutover-viewer@v').acquire();
    assert.ok(!viewer.ok && viewer.reason === 'forbidden');
    assert.match(viewer.message, /cannot take the driver lock \(Lease cutover-driver-web2 in default\): .*cannot create resource "leases".*\(403\); the lock is advisory/);
    const denied = await lock(kubeConfigAs(t, 'carol'), 'web2', 'carol@c').acquire();
    assert.ok(!denied.ok && denied.reason === 'forbidden');
    assert.match(denied.message, /cannot get resource "leases"/);
  });
});
