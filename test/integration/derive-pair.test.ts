/**
 * derive/pair on the sim's own objects (virtual clock): who drives a release from its driver Lease
 * (live, pending, expired), the leader scenario's Lease with the holder's revision, the warnings and
 * the hand-off during a rollout, and the timeline interleaving audit Events and hand-offs.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { DeriveMemo, deriveViewModel, type ReleaseView } from '../../src/derive/derive.js';
import { PENDING_ANNOTATION } from '../../src/kube/lease.js';
import { VirtualClock } from '../../src/sim/clock.js';
import { R } from '../../src/sim/resources.js';
import { installScenario } from '../../src/sim/scenarios.js';
import { snapshotOfSim } from '../helpers/snapshot.js';
import { startSim, type TestSim } from '../helpers/sim.js';

const NS = 'default';

describe('derive: a release as a pair steers it', () => {
  let t: TestSim;
  const memo = new DeriveMemo();
  const sched = (): ReleaseView => {
    const view = deriveViewModel(snapshotOfSim(t.sim, NS), memo, t.sim.clock.now());
    return view.releases.find((r) => r.name === 'sched')!;
  };
  const micro = (ms: number) => new Date(ms).toISOString().replace('Z', '000Z');

  before(async () => {
    t = await startSim({ clock: new VirtualClock() });
    installScenario(t.sim, 'leader', NS);
    await t.sim.advance(20_000);
  });
  after(async () => {
    await t.stop();
  });

  test('the driver lock: holder and since while live, the pending action, nothing once expired', async () => {
    assert.equal(sched().driver, undefined);
    const now = t.sim.clock.now();
    t.sim.store.create(R.leases, {
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: {
        name: 'cutover-driver-sched',
        namespace: NS,
        annotations: { [PENDING_ANNOTATION]: JSON.stringify({ action: 'restart', title: 'restart sched', by: 'alice@a', at: new Date(now).toISOString(), fireAt: new Date(now + 5000).toISOString() }) },
      },
      spec: { holderIdentity: 'alice@a', leaseDurationSeconds: 10, acquireTime: micro(now - 1000), renewTime: micro(now) },
    });
    const d = sched().driver;
    assert.equal(d?.holder, 'alice@a');
    assert.equal(d?.since?.getTime(), now - 1000);
    assert.equal(d?.pending?.title, 'restart sched');
    assert.equal(sched().leaders?.length, 1, 'the driver Lease is no leader Lease');
    await t.sim.advance(11_000);
    assert.equal(sched().driver, undefined, 'expired');
  });

  test("the app's leader: holder pod and revision; during a rollout a warning, then the hand-off on the timeline with the audit Events", async () => {
    const first = sched().leaders![0];
    assert.equal(first.lease, 'sched-leader');
    assert.ok(first.pod && first.holder === first.pod);
    assert.equal(first.revision, 1);
    assert.equal(first.warning, undefined);

    t.sim.store.create(R.events, {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: 'sched.cutover.1', namespace: NS },
      involvedObject: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'sched', namespace: NS },
      reason: 'CutoverSetImage',
      message: 'alice: set image sched sched=registry.local/sched:v1.5',
      type: 'Normal',
      reportingComponent: 'cutover',
      lastTimestamp: new Date(t.sim.clock.now()).toISOString(),
    });
    t.sim.store.mutate(R.deployments, NS, 'sched', (d) => {
      d.spec.template.spec.containers[0].image = 'registry.local/sched:v1.5';
    });
    const warnings = new Set<string>();
    for (let i = 0; i < 30; i++) {
      await t.sim.advance(5_000);
      for (const l of sched().leaders ?? []) if (l.warning) warnings.add(l.warning);
    }
    const last = sched();
    assert.equal(last.leaders![0].revision, 2, 'the leader ends on the new revision');
    assert.ok([...warnings].some((w) => /runs revision 1 on the old ReplicaSet while the rollout moves to revision 2/.test(w)), [...warnings].join('\n'));
    assert.ok([...warnings].some((w) => /is terminating: Lease sched-leader moves/.test(w)), [...warnings].join('\n'));
    const handoffs = last.timeline!.filter((e) => e.kind === 'hand-off');
    assert.ok(handoffs.length >= 1, JSON.stringify(last.timeline));
    assert.match(handoffs.at(-1)!.text, /^leader sched-leader: \S+ \(rev 1\) -> /);
    const action = last.timeline!.find((e) => e.kind === 'action');
    assert.deepEqual(action && { who: action.who, text: action.text }, { who: 'alice', text: 'set image sched sched=registry.local/sched:v1.5' });
    assert.ok(last.timeline!.indexOf(action!) > last.timeline!.indexOf(handoffs[0]), 'newest first: the hand-offs came after the action');
  });
});
