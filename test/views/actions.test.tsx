/**
 * The action dialogs in frames: the real ActionController (planning is pure, from the fixture's
 * snapshot and view) behind the App's intents. The fixture's context is "prod-eu", so the confirm
 * dialog asks to type the Deployment name; a staging context confirms with y. Running a plan meets
 * a closed port, so the result is a failure with nothing changed.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import stringWidth from 'string-width';
import { KubeConfig } from '@kubernetes/client-node';
import { ActionController } from '../../src/engine/controller.js';
import type { Intents } from '../../src/engine/cockpit.js';
import type { CockpitStore } from '../../src/store/state.js';
import { planFlip } from '../../src/actions/flip.js';
import { fixtureStore, recordingIntents, NS } from '../helpers/fixtures.js';
import { renderApp, linesOf, KEYS, type Rendered } from './harness.js';
import { KEYMAP } from '../../views/keymap.js';
import { ACTION_KEYS, REGISTRY, type ActionKey } from '../../src/actions/registry.js';
import { withRelease } from '../helpers/releases.js';

function closedPortKc(context: string): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'c', server: 'https://127.0.0.1:1', skipTLSVerify: true }],
    users: [{ name: 'alice', token: 't' }],
    contexts: [{ name: context, cluster: 'c', user: 'alice', namespace: NS }],
    currentContext: context,
  });
  return kc;
}

async function setup(opts: { context?: string; readonly?: boolean; size?: { columns: number; rows: number } } = {}) {
  const context = opts.context ?? 'prod-eu';
  const store = fixtureStore({ connection: { context } });
  const dir = mkdtempSync(join(tmpdir(), 'cutover-views-'));
  const controller = new ActionController({ store, kc: closedPortKc(context), stateDir: dir, notify: (text, level) => base.notify(text, level) });
  const base = recordingIntents(store);
  const intents: Intents & { calls: string[] } = { ...base, act: (a, key, side) => controller.request(a, key, side), dialog: (i) => controller.key(i) };
  const app = await renderApp({ store, intents, readonly: opts.readonly }, opts.size ?? { columns: 120, rows: 40 });
  return {
    store,
    controller,
    intents,
    app,
    done: () => {
      app.unmount();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Moves the releases cursor onto `name`. */
async function select(app: Rendered, store: CockpitStore, name: string) {
  const i = store.getState().view.releases.findIndex((r) => r.name === name);
  await app.press('g', ...Array(i).fill('j'));
}

function fits(app: Rendered, size = { columns: 120, rows: 40 }) {
  const out = linesOf(app.lastFrame());
  assert.ok(out.length <= size.rows, `${out.length} lines`);
  for (const l of out) assert.ok(stringWidth(l) <= size.columns, `too wide: ${l}`);
}

test('+ on the canary opens the confirm dialog with the plan; prod asks for the Deployment name; Esc cancels', async () => {
  const { app, store, done } = await setup();
  await select(app, store, 'shop');
  await app.press('+');
  const f = app.lastFrame();
  assert.match(f, /\? confirm: canary shop: 10% -> 30% \(stable 9 -> 7, canary 1 -> 3\)/);
  assert.match(f, /1\. deployment shop-canary {2}spec\.replicas {2}1 -> 3/);
  assert.match(f, /2\. wait {2}until shop-canary has 3 available pods/);
  assert.match(f, /3\. deployment shop-stable {2}spec\.replicas {2}9 -> 7/);
  assert.match(f, /notes:\n\s+- 30% of 10 = 3 canary, 7 stable/);
  assert.match(f, /undo later with u: canary shop back to 10%/);
  assert.match(f, /context prod-eu is production: type the Deployment name shop-canary and Enter/);
  // the screen above keeps showing the release
  assert.match(f, /shop \[canary\].*canary 10%/);
  fits(app);
  // y is text here, not a confirmation
  await app.press('y', KEYS.enter);
  assert.match(app.lastFrame(), /✗ "y" is not "shop-canary"/);
  assert.equal(store.getState().actions.dialog?.kind, 'confirm');
  await app.press(KEYS.escape);
  assert.equal(store.getState().actions.dialog, null);
  assert.match(app.lastFrame(), /cancelled: canary shop: 10% -> 30%.*nothing was changed/);
  done();
});

test('staging: y runs it; the run fails against a closed port and the result says nothing was changed', async () => {
  const { app, store, controller, done } = await setup({ context: 'staging' });
  await select(app, store, 'pay');
  await app.press('f');
  assert.match(app.lastFrame(), /\? confirm: flip pay: blue -> green \(pay-blue -> pay-green\)/);
  assert.match(app.lastFrame(), /service pay {2}spec\.selector\.version {2}blue -> green/);
  assert.match(app.lastFrame(), /y\/Enter run it {3}n\/Esc cancel/);
  await app.press('y');
  await controller.settled;
  await app.press();
  const f = app.lastFrame();
  assert.match(f, /✗ failed: flip pay: blue -> green/);
  assert.match(f, /nothing was changed/);
  fits(app);
  // any other key closes the result and acts as usual
  await app.press('j');
  assert.equal(store.getState().actions.dialog, null);
  done();
});

test('a refusal in its own style; a migration-gate refusal offers ! to override with a reason', async () => {
  const { app, store, done } = await setup({ context: 'staging' });
  await select(app, store, 'api');
  await app.press('P');
  let f = app.lastFrame();
  assert.match(f, /✗ refused: canary api: promote/);
  assert.match(f, /api is a plain rolling release, not a canary/);
  assert.match(f, /nothing was changed/);
  assert.doesNotMatch(f, /! override/);
  await app.press(KEYS.escape);
  assert.equal(store.getState().actions.dialog, null);

  // a gate refusal, planned by the real planner, as the controller shows it
  const input = { namespace: NS, snapshot: store.getState().snapshot, view: store.getState().view, now: store.getState().now };
  const gateJob = { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'pay-migrate', namespace: NS, labels: { 'cutover.io/migration-for': 'pay' } }, spec: { suspend: true, template: {} } };
  const plan = planFlip(...withRelease({ ...input, snapshot: { ...input.snapshot, jobs: [...input.snapshot.jobs, gateJob] } }, 'pay'));
  assert.match(plan.refusal ?? '', /migration gate closed/);
  const key = store.getState().view.releases.find((r) => r.name === 'pay')!.key;
  store.setState((s) => ({ actions: { ...s.actions, dialog: { kind: 'refused', request: { key: 'flip', releaseKey: key }, plan, overridable: true } } }));
  await app.press();
  f = app.lastFrame();
  assert.match(f, /✗ refused: flip pay/);
  assert.match(f, /migration gate closed: no migration has run for/);
  assert.match(f, /! override the gate \(type a reason; audited\)/);
  await app.press('!');
  assert.match(app.lastFrame(), /\? override the migration gate for: flip pay/);
  assert.match(app.lastFrame(), /reason: █/);
  await app.press('h', 'o', 't', 'f', 'i', 'x');
  assert.match(app.lastFrame(), /reason: hotfix█/);
  await app.press(KEYS.escape);
  assert.equal(store.getState().actions.dialog, null);
  done();
});

test('progress while running: steps, live counts from the store, the Job and its log tail', async () => {
  const { app, store, done } = await setup({ context: 'staging' });
  const state = store.getState();
  const input = { namespace: NS, snapshot: state.snapshot, view: state.view, now: state.now };
  const { planCanary } = await import('../../src/actions/canary.js');
  const plan = planCanary(...withRelease(input, 'shop'), 'step');
  store.setState((s) => ({
    actions: {
      ...s.actions,
      dialog: {
        kind: 'running',
        plan,
        dryRun: false,
        started: state.now - 4000,
        progress: ['deployment shop-ns/shop-canary: spec.replicas 1 -> 3', 'until shop-canary has 3 available pods', 'shop-canary: 1/3 available, 3 updated, 3 total'],
        job: 'web-migrate-1',
        log: { pod: 'web-migrate-1-abc', lines: ['applying 0042_add_column', 'done'] },
      },
    },
  }));
  await app.press();
  const f = app.lastFrame();
  assert.match(f, /… running: canary shop: 10% -> 30%.* 4 s/);
  assert.match(f, /shop-canary: 1\/3 available, 3 updated, 3 total/);
  assert.match(f, /live shop-canary: \d+\/1 available, \d+ ready, \d+ updated/);
  assert.match(f, /live shop-stable: /);
  assert.match(f, /job web-migrate-1: not seen yet/);
  assert.match(f, /log of web-migrate-1-abc \(last 2 lines\):\n\s+\| applying 0042_add_column/);
  assert.match(f, /Esc stop waiting \(writes already made stay\)/);
  // keys other than Esc do nothing while running
  await app.press('+', 'q');
  assert.equal(store.getState().actions.dialog?.kind, 'running');
  fits(app);
  done();
});

test('result with a rollback offered: u opens the confirm of the rollback', async () => {
  const { app, store, done } = await setup({ context: 'staging' });
  const state = store.getState();
  const input = { namespace: NS, snapshot: state.snapshot, view: state.view, now: state.now };
  const { planCanary } = await import('../../src/actions/canary.js');
  const plan = planCanary(...withRelease(input, 'shop'), 'step');
  const first = plan.steps[0] as import('../../src/actions/types.js').PatchStep;
  const rollback = { action: 'undo-action' as const, title: `restore after failed ${plan.title}`, namespace: NS, subject: 'shop', steps: [first.inverse!], notes: ['puts back every write the failed action made, newest first'] };
  const lines = [`failed: ${plan.title}: timed out after 600 s: shop-canary: 1/3 available`, 'changed before the failure:', '  deployment shop-ns/shop-canary: spec.replicas 1 -> 3', 'to restore the previous state:', '  deployment shop-ns/shop-canary: spec.replicas 3 -> 1'];
  store.setState((s) => ({ actions: { ...s.actions, dialog: { kind: 'result', plan, ok: false, dryRun: false, lines, changed: [], rollback } } }));
  await app.press();
  let f = app.lastFrame();
  assert.match(f, /✗ failed: canary shop: 10% -> 30%.*timed out/);
  assert.match(f, /to restore the previous state:\n\s+deployment shop-ns\/shop-canary: spec\.replicas 3 -> 1/);
  assert.match(f, /u apply the rollback \(confirm first\)/);
  await app.press('u');
  f = app.lastFrame();
  assert.match(f, /\? confirm: restore after failed canary shop/);
  assert.match(f, /deployment shop-canary {2}spec\.replicas {2}3 -> 1/);
  done();
});

test('U opens the revision picker; s and i prompt; readonly hides and ignores every release key', async () => {
  const { app, store, done } = await setup({ context: 'staging' });
  await select(app, store, 'web');
  await app.press('U');
  let f = app.lastFrame();
  assert.match(f, /\? rollout undo web: pick the revision to go back to/);
  assert.match(f, /rev \d+\s+\(running now\)/);
  assert.match(f, /↑↓ pick {3}Enter plan the undo {3}Esc cancel/);
  await app.press(KEYS.escape);
  await app.press('s');
  assert.match(app.lastFrame(), /\? scale web \(now 10 replicas\)/);
  await app.press('x', KEYS.enter);
  assert.match(app.lastFrame(), /✗ "x" is not a whole number/);
  await app.press(KEYS.backspace, '1', '2', KEYS.enter);
  f = app.lastFrame();
  assert.match(f, /\? confirm: scale web: 10 -> 12/);
  assert.match(f, /deployment web {2}spec\.replicas {2}10 -> 12/);
  await app.press('n');
  await app.press('i');
  assert.match(app.lastFrame(), /\? set image of web \(now registry/);
  await app.press(KEYS.escape);
  done();

  const ro = await setup({ readonly: true });
  await ro.app.press('?');
  const help = ro.app.lastFrame();
  for (const b of KEYMAP.filter((k) => k.mutating)) assert.ok(!help.includes(b.description), `hidden: ${b.description}`);
  await ro.app.press(KEYS.escape);
  await select(ro.app, ro.store, 'shop');
  for (const k of ['+', '-', 'P', 'A', 'f', 'S', 'm', 'p', 'r', 'i', 's', 'U', 'u']) {
    await ro.app.press(k);
    assert.equal(ro.store.getState().actions.dialog, null, `readonly ignores ${k}`);
  }
  ro.done();
});

test('help lists the dialog keys, the gate override, and keys RBAC disabled with the reason', async () => {
  const { app, store, done } = await setup({ context: 'staging', size: { columns: 200, rows: 60 } });
  store.setState((s) => ({
    actions: {
      ...s.actions,
      access: { patchDeployments: { allowed: true }, patchServices: { allowed: false, reason: 'patch services is not allowed in shop-ns (RBAC: no rule)' }, createJobs: { allowed: true } },
    },
  }));
  await app.press('?');
  const f = app.lastFrame();
  assert.match(f, /f\s+blue-green: flip the Service to the idle colour \(again = flip back\) \(DISABLED: patch s/);
  assert.match(f, /In an action dialog/);
  assert.match(f, /Gate override/);
  await app.press(KEYS.escape);
  await select(app, store, 'pay');
  // a disabled key: no dialog; a notice with the reason (the controller's notify)
  await app.press('f');
  assert.equal(store.getState().actions.dialog, null);
  assert.match(app.lastFrame(), /f: disabled: patch services is not allowed in shop-ns/);
  done();
});

test('the footer names the target; in a pair, the pod under the cursor picks the side, and the plan says LIVE', async () => {
  const { app, store, done } = await setup({ context: 'staging' });
  await select(app, store, 'pay');
  assert.match(app.lastFrame(), /p r i s U → pay-green \(idle\)/);
  await app.press(KEYS.enter);
  // opening the detail view picks nothing: the default stays the idle colour
  assert.match(app.lastFrame(), /p r i s U → pay-green \(idle\)/);
  await app.press('r');
  assert.match(app.lastFrame(), /\? confirm: restart pay-green/);
  await app.press('n');
  // pods are listed live colour first: moving onto one picks pay-blue
  await app.press('j', 'k');
  assert.match(app.lastFrame(), /p r i s U → pay-blue \(LIVE\)/);
  await app.press('s');
  assert.match(app.lastFrame(), /\? scale pay-blue \(LIVE\) \(now 4 replicas\)/);
  await app.press('2', KEYS.enter);
  const f = app.lastFrame();
  assert.match(f, /\? confirm: scale pay-blue: 4 -> 2/);
  assert.match(f, /pay-blue is the LIVE colour of pay: Service pay sends it all the traffic now/);
  await app.press('n');
  // further down the list: the idle colour's pods
  await app.press('G');
  assert.match(app.lastFrame(), /p r i s U → pay-green \(idle\)/);
  done();
});

test('dialog keys come from the keymap: the picker moves with j/k/G, Enter plans; a prompt refuses a bad image before planning', async () => {
  const { app, store, done } = await setup({ context: 'staging' });
  await select(app, store, 'web');
  await app.press('U');
  const picker = () => store.getState().actions.dialog as Extract<import('../../src/store/actionState.js').Dialog, { kind: 'picker' }>;
  const start = picker().cursor;
  await app.press('G');
  assert.equal(picker().cursor, picker().revisions.length - 1);
  await app.press('g');
  assert.equal(picker().cursor, 0);
  await app.press('j');
  assert.equal(picker().cursor, Math.min(1, picker().revisions.length - 1));
  void start;
  await app.press(KEYS.escape);
  assert.equal(store.getState().actions.dialog, null);
  for (const b of KEYMAP.filter((k) => k.group === 'dialog')) assert.ok(b.dialogs?.length, `${b.action} says which dialogs it works in`);

  await app.press('i');
  for (let n = 0; n < 40; n++) await app.press(KEYS.backspace);
  await app.press(...'app=UPPER/Repo::v1'.split(''), KEYS.enter);
  assert.match(app.lastFrame(), /✗ "UPPER\/Repo::v1" is not an image reference \(invalid reference format\)/);
  assert.equal(store.getState().actions.dialog?.kind, 'prompt', 'still the prompt: nothing planned');
  await app.press(KEYS.escape);
  await app.press('s', ...'2147483648'.split(''), KEYS.enter);
  assert.match(app.lastFrame(), /✗ "2147483648" is not a whole number from 0 to 2147483647/);
  done();
});

test('release keys in the keymap are the registry entries', () => {
  const release = KEYMAP.filter((b) => b.group === 'release');
  assert.deepEqual(
    release.map((b) => b.action),
    ACTION_KEYS,
  );
  for (const b of release) {
    assert.equal(b.label, REGISTRY[b.action as ActionKey].keys.join(' '));
    assert.equal(b.description, REGISTRY[b.action as ActionKey].help);
    assert.equal(b.mutating, true);
  }
});
