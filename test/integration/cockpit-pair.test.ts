/**
 * Two cockpits on one namespace as alice and bob, against the sim over HTTPS: alice steps the
 * canary and becomes its driver; bob's view says who drives since when and his `+` is refused; bob
 * takes over (an Event on the release); alice's key is then refused; bob quits and his lock goes;
 * the cancel window shows on the partner's view and Esc cancels it; a freeze refuses both until a
 * typed, audited override. The timeline of the release interleaves both users' actions.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Cockpit } from '../../src/engine/cockpit.js';
import type { Dialog } from '../../src/store/actionState.js';
import { driverIdentity } from '../../src/kube/lease.js';
import { FREEZE_ANNOTATION } from '../../src/model/freeze.js';
import { R } from '../../src/sim/resources.js';
import { installScenario } from '../../src/sim/scenarios.js';
import { startSim, waitFor, type TestSim } from '../helpers/sim.js';
import { kubeConfigAs, pairUsers, PAIR_USERS } from '../helpers/users.js';

const NS = 'default';

describe('two cockpits steering one release as a pair', { timeout: 120_000 }, () => {
  let t: TestSim;
  let dir: string;
  const cockpits: Cockpit[] = [];
  const open = (who: keyof typeof PAIR_USERS, graceMs = 0) => {
    const c = new Cockpit({
      kc: kubeConfigAs(t, who, NS),
      stateDir: join(dir, `${who}-${cockpits.length}`),
      flushIntervalMs: 50,
      skipAccessCheck: true,
      pair: { identity: driverIdentity(who, `${who}-host`), lockSeconds: 3, graceMs },
    });
    c.start();
    cockpits.push(c);
    return c;
  };
  const dialog = (c: Cockpit): Dialog | null => c.store.getState().actions.dialog;
  const shop = (c: Cockpit) => c.store.getState().view.releases.find((r) => r.name === 'shop');
  const steady = (c: Cockpit) =>
    waitFor(() => {
      const r = shop(c);
      return c.store.getState().health.synced && r && r.deployments.every((d) => d.status.done && d.available === d.desired) ? r.key : undefined;
    }, 20_000, 'shop steady');
  const open_ = <K extends Dialog['kind']>(c: Cockpit, kind: K, ms: number) =>
    waitFor(() => {
      const d = dialog(c);
      return d?.kind === kind ? (d as Extract<Dialog, { kind: K }>) : undefined;
    }, ms, `the ${kind} dialog`);
  const result = (c: Cockpit) => open_(c, 'result', 30_000);
  const refused = (c: Cockpit) => open_(c, 'refused', 10_000);
  const type = (c: Cockpit, text: string) => {
    for (const ch of text) c.dialog({ type: 'text', text: ch });
    c.dialog({ type: 'confirm' });
  };

  before(async () => {
    t = await startSim({ users: pairUsers(), speed: 20 });
    installScenario(t.sim, 'canary', NS);
    dir = mkdtempSync(join(tmpdir(), 'cutover-pair-'));
  });
  after(async () => {
    for (const c of cockpits) await c.stop();
    await t.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('A drives, B is refused and takes over (audited), then A is refused; B quits and the lock goes', async () => {
    const a = open('alice');
    const b = open('bob');
    const key = await steady(a);
    await steady(b);

    a.act('stepUp', key);
    assert.equal(dialog(a)?.kind, 'confirm');
    a.dialog({ type: 'confirm' });
    assert.equal((await result(a)).ok, true);
    a.dialog({ type: 'close' });

    const driven = await waitFor(() => shop(b)?.driver, 5000, "bob's view of the driver");
    assert.equal(driven.holder, 'alice@alice-host');
    assert.ok(driven.since instanceof Date);

    b.act('stepUp', key);
    const r = await refused(b);
    assert.equal(r.drivenBy, 'alice@alice-host');
    assert.match(r.plan.refusal ?? '', /^driven by alice@alice-host since \d\d:\d\d: T takes over/);

    b.dialog({ type: 'takeOver' });
    assert.equal(dialog(b)?.kind, 'takeover');
    type(b, 'alice is in a meeting');
    // The refused request is planned again once the lock is bob's.
    await waitFor(() => dialog(b)?.kind === 'confirm', 10_000, "bob's plan after the take-over");
    b.dialog({ type: 'cancel' });
    const audit = t.sim.store.list(R.events, NS).find((e) => e.reason === 'CutoverTakeOver');
    assert.equal(audit?.message, 'bob: took over driving shop from alice@alice-host: alice is in a meeting');

    await waitFor(() => shop(a)?.driver?.holder === 'bob@bob-host', 5000, "alice's view of the new driver");
    a.act('stepUp', key);
    assert.match((await refused(a)).plan.refusal ?? '', /^driven by bob@bob-host/);
    a.dialog({ type: 'close' });

    const timeline = await waitFor(() => (shop(a)?.timeline?.some((e) => e.kind === 'take-over') ? shop(a)!.timeline : undefined), 5000, 'the take-over on the timeline');
    assert.ok(timeline.some((e) => e.who === 'alice' && e.kind === 'action' && /canary shop/.test(e.text)), JSON.stringify(timeline));
    assert.ok(timeline.some((e) => e.who === 'bob' && e.kind === 'take-over'));

    await b.stop();
    await waitFor(() => !shop(a)?.driver, 5000, 'the lock released on quit');
    a.act('stepDown', key);
    assert.equal(dialog(a)?.kind, 'confirm');
    a.dialog({ type: 'cancel' });
  });

  it('the cancel window: the partner sees the pending action and its countdown; Esc cancels, nothing changes', async () => {
    const a = open('alice', 60_000);
    const b = open('bob');
    const key = await steady(a);
    await steady(b);
    const before = t.sim.store.get(R.deployments, NS, 'shop-canary')!.spec.replicas;
    a.act('stepUp', key);
    a.dialog({ type: 'confirm' });
    await waitFor(() => dialog(a)?.kind === 'grace', 10_000, 'the cancel window');
    const pending = await waitFor(() => shop(b)?.driver?.pending, 5000, 'the pending action in bob\'s view');
    assert.equal(pending.by, 'alice@alice-host');
    assert.match(pending.title, /^canary shop: /);
    assert.ok(Date.parse(pending.fireAt) > Date.now() + 50_000);
    a.dialog({ type: 'cancel' });
    await waitFor(() => dialog(a) === null, 5000, 'the window closed');
    assert.match(a.store.getState().ui.notice?.text ?? '', /cancelled in the cancel window/);
    await waitFor(() => !shop(b)?.driver?.pending, 5000, 'the pending action cleared');
    assert.equal(t.sim.store.get(R.deployments, NS, 'shop-canary')!.spec.replicas, before);
    await a.stop();
  });

  it('a freeze refuses both cockpits with its reason until a typed override, which is audited', async () => {
    const a = open('alice');
    const b = open('bob');
    const key = await steady(a);
    await steady(b);
    const end = new Date(Date.now() + 3_600_000).toISOString();
    t.sim.store.mutate(R.namespaces, undefined, NS, (ns) => {
      ns.metadata.annotations = { ...ns.metadata.annotations, [FREEZE_ANNOTATION]: JSON.stringify({ start: '2020-01-01T00:00:00Z', end, reason: 'launch day' }) };
    });
    try {
      for (const c of [a, b]) {
        c.act('stepUp', key);
        c.dialog({ type: 'confirm' });
        const r = await refused(c);
        assert.equal(r.frozen, true);
        assert.match(r.plan.refusal ?? '', /^frozen: launch day \(namespace default\) \(until .*\); ! overrides it/);
        c.dialog({ type: 'close' });
      }
      a.act('stepUp', key);
      a.dialog({ type: 'confirm' });
      await refused(a);
      a.dialog({ type: 'override' });
      const prompt = dialog(a);
      assert.ok(prompt?.kind === 'prompt' && prompt.purpose === 'freeze-override');
      type(a, 'hotfix INC-42');
      const confirm = dialog(a);
      assert.ok(confirm?.kind === 'confirm' && confirm.request.freezeOverride === 'hotfix INC-42');
      a.dialog({ type: 'confirm' });
      assert.equal((await result(a)).ok, true);
      const event = t.sim.store.list(R.events, NS).find((e) => e.reason === 'CutoverCanaryStep' && /hotfix INC-42/.test(e.message ?? ''));
      assert.ok(event, 'the override in the Event');
      assert.match(event!.message!, /launch day/);
    } finally {
      t.sim.store.mutate(R.namespaces, undefined, NS, (ns) => {
        delete ns.metadata.annotations?.[FREEZE_ANNOTATION];
      });
    }
  });
});
