/**
 * The cockpit's metric guards against the sim over https (real client-node, pod metrics through the
 * API server's pod proxy), on the sim's fast clock: a guarded `+` refused with the figures and its
 * audited override; a breach after a step -> countdown -> automatic rollback, audited with the
 * figure; a cancelled countdown leaves the change alone; a healthy canary holds; no pods/proxy
 * access says so once and shows no data.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, describe, it } from 'node:test';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { Sim } from '../../src/sim/sim.js';
import { installScenario } from '../../src/sim/scenarios.js';
import { R } from '../../src/sim/resources.js';
import { Cockpit } from '../../src/engine/cockpit.js';
import { NO_PROXY_ACCESS, type EngineClock } from '../../src/engine/guards.js';
import type { Dialog } from '../../src/store/actionState.js';
import type { GuardView } from '../../src/store/guardState.js';
import { waitFor } from '../helpers/sim.js';

const SPEED = 25;
const NS = 'default';

const simClock = (sim: Sim): EngineClock => ({
  now: () => sim.clock.now(),
  setTimeout(fn, ms) {
    const t = sim.clock.setTimer(ms, fn);
    return () => sim.clock.clearTimer(t);
  },
});

interface Rig {
  sim: Sim;
  dir: string;
  cockpit: Cockpit;
}

const rigs: Rig[] = [];

async function rig(scenario: string, opts: { countdownMs?: number; token?: string; users?: ConstructorParameters<typeof Sim>[0] } = {}): Promise<Rig> {
  const sim = new Sim({ speed: SPEED, ...opts.users });
  await sim.listen(0);
  installScenario(sim, scenario);
  const dir = mkdtempSync(join(tmpdir(), 'cutover-guards-'));
  const kc = new KubeConfig();
  kc.loadFromString(opts.token ? sim.kubeconfig().replace(sim.tokens.admin, opts.token) : sim.kubeconfig());
  const cockpit = new Cockpit({
    kc,
    stateDir: dir,
    flushIntervalMs: 50,
    skipAccessCheck: true,
    guard: { windowMs: 60_000 },
    countdownMs: opts.countdownMs ?? 10_000,
    guardClock: simClock(sim),
  });
  cockpit.start();
  const r = { sim, dir, cockpit };
  rigs.push(r);
  return r;
}

afterEach(async () => {
  for (const r of rigs.splice(0)) {
    await r.cockpit.stop();
    await r.sim.stop();
    rmSync(r.dir, { recursive: true, force: true });
  }
});
after(() => {});

const dialog = (c: Cockpit): Dialog | null => c.store.getState().actions.dialog;
const guard = (c: Cockpit, key: string): GuardView | undefined => c.store.getState().guards.byRelease[key];

async function steady(c: Cockpit, name: string): Promise<string> {
  return waitFor(
    () => {
      const r = c.store.getState().view.releases.find((x) => x.name === name);
      return c.store.getState().health.synced && r && r.deployments.every((d) => d.status.done && d.available === d.desired && d.desired > 0) ? r.key : undefined;
    },
    20_000,
    `${name} steady`,
  );
}

async function runConfirmed(c: Cockpit): Promise<Extract<Dialog, { kind: 'result' }>> {
  assert.equal(dialog(c)?.kind, 'confirm', JSON.stringify(dialog(c)));
  c.dialog({ type: 'confirm' });
  return waitFor(() => {
    const d = dialog(c);
    return d?.kind === 'result' ? d : undefined;
  }, 30_000, 'the action result');
}

const replicas = (sim: Sim, name: string) => sim.store.get(R.deployments, NS, name)!.spec.replicas as number;

describe('cockpit metric guards on the sim', () => {
  it('+ on a breached canary is refused with the figures; ! overrides (audited); the breach after the step counts down and rolls back by itself', async () => {
    const { sim, cockpit: c } = await rig('bad-canary');
    const key = await steady(c, 'cart');
    // A canary in flight is sampled without being opened; the second reading judges it.
    const breached = await waitFor(() => (guard(c, key)?.state === 'breached' ? guard(c, key) : undefined), 20_000, 'cart breached');
    assert.match(breached.reason ?? '', /error rate [78]\.\d% > 1\.0%/);
    assert.ok(breached.candidate.points.length >= 1 && breached.baseline?.label === 'stable');

    c.act('stepUp', key);
    const refused = dialog(c);
    assert.equal(refused?.kind, 'refused', JSON.stringify(refused));
    if (refused?.kind !== 'refused') return;
    assert.match(refused.plan.refusal ?? '', /^metric guard breached: canary: error rate [78]\.\d% > 1\.0% \(by [67]\.\d points\).*\(canary: 5xx [78]\.\d%, p95 \d+ ms/);
    assert.equal(refused.overridable, true);
    assert.equal(replicas(sim, 'cart-canary'), 1, 'nothing written on a refusal');

    c.dialog({ type: 'override' });
    assert.equal(dialog(c)?.kind, 'prompt');
    assert.match((dialog(c) as { title: string }).title, /override the metric guard/);
    c.dialog({ type: 'text', text: 'demo: step anyway' });
    c.dialog({ type: 'confirm' });
    const done = await runConfirmed(c);
    assert.equal(done.ok, true, done.lines.join('\n'));
    assert.equal(replicas(sim, 'cart-canary'), 3);

    // The watch window: breached -> a countdown in the store -> the rollback (canary abort).
    const counting = await waitFor(() => guard(c, key)?.countdown, 20_000, 'the countdown');
    assert.match(counting.why, /^canary: error rate [78]\.\d% > 1\.0% \(by [67]\.\d points\)/);
    assert.match(counting.plan, /^canary cart: 30% -> 0%/);
    assert.ok(counting.secondsLeft > 0 && counting.secondsLeft <= 10);
    const outcome = await waitFor(() => (guard(c, key)?.outcome?.text.startsWith('rolled back') ? guard(c, key)!.outcome : undefined), 30_000, 'the rollback');
    assert.match(outcome!.text, /rolled back \(canary: error rate [78]\.\d% > 1\.0%/);
    assert.equal(guard(c, key)?.countdown, undefined);
    assert.equal(guard(c, key)?.state, 'no-data', 'no alarm left on a side that gets no traffic');
    await waitFor(() => replicas(sim, 'cart-canary') === 0 && replicas(sim, 'cart-stable') === 10, 20_000, 'cart aborted');

    const events = await c.actions.service.kc.makeApiClient(CoreV1Api).listNamespacedEvent({ namespace: NS });
    const step = events.items.find((e) => e.reason === 'CutoverCanaryStep');
    assert.match(step?.message ?? '', /\(gate overridden: demo: step anyway\)/);
    const abort = events.items.find((e) => e.reason === 'CutoverCanaryAbort');
    assert.match(abort?.message ?? '', /guard rollback of cart \(canary: error rate [78]\.\d% > 1\.0% \(by [67]\.\d points\)/);
  });

  it('c during the countdown cancels the rollback: the step stays', async () => {
    const { sim, cockpit: c } = await rig('bad-canary', { countdownMs: 120_000 });
    const key = await steady(c, 'cart');
    await waitFor(() => guard(c, key)?.state === 'breached', 20_000, 'cart breached');
    c.act('stepUp', key);
    c.dialog({ type: 'override' });
    c.dialog({ type: 'text', text: 'testing the cancel' });
    c.dialog({ type: 'confirm' });
    await runConfirmed(c);
    await waitFor(() => guard(c, key)?.countdown, 20_000, 'the countdown');
    c.cancelRollback();
    const g = guard(c, key)!;
    assert.equal(g.countdown, undefined);
    assert.equal(g.watch, undefined);
    assert.match(g.outcome?.text ?? '', /cancelled by the driver/);
    // Long past the countdown's end: nothing rolled back; the guard still reads the figures.
    const readings = g.candidate.points.length;
    await waitFor(() => (guard(c, key)?.candidate.points.length ?? 0) >= readings + 3, 20_000, 'more readings');
    assert.equal(replicas(sim, 'cart-canary'), 3);
    assert.equal(guard(c, key)?.state, 'breached');
    assert.equal(guard(c, key)?.countdown, undefined);
  });

  it('a healthy canary steps without a refusal and holds through its watch window', async () => {
    const { sim, cockpit: c } = await rig('canary');
    const key = await steady(c, 'shop');
    await waitFor(() => guard(c, key)?.state === 'ok', 20_000, 'shop ok');
    c.act('stepUp', key);
    const d = dialog(c);
    assert.equal(d?.kind, 'confirm', JSON.stringify(d));
    if (d?.kind === 'confirm') assert.ok(d.plan.notes.some((n) => /^metric guard ok: canary: 5xx 0\.0%/.test(n)), d.plan.notes.join('\n'));
    await runConfirmed(c);
    assert.ok(guard(c, key)?.watch, 'watching the step');
    const outcome = await waitFor(() => guard(c, key)?.outcome, 30_000, 'the watch outcome');
    assert.equal(outcome!.level, 'good');
    assert.match(outcome!.text, /^held for the watch window/);
    assert.equal(replicas(sim, 'shop-canary'), 3);
  });

  it('without get on pods/proxy: said once, and the state is no data', async () => {
    const users = { users: new Map([['no-proxy', { username: 'no-proxy', groups: ['system:authenticated'], readOnly: false, denied: ['pods/proxy'] }]]) };
    const { cockpit: c } = await rig('bad-canary', { token: 'no-proxy', users });
    const key = await steady(c, 'cart');
    const g = await waitFor(() => (guard(c, key)?.reason === NO_PROXY_ACCESS ? guard(c, key) : undefined), 20_000, 'no data');
    assert.equal(g!.state, 'no-data');
    assert.match(c.store.getState().ui.notice?.text ?? '', /metric guards: reading pod metrics needs get on pods\/proxy in namespace default/);
    // A refusal never comes from no data.
    c.act('stepUp', key);
    assert.equal(dialog(c)?.kind, 'confirm');
  });
});
