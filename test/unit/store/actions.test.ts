/** The action controller's transitions without a cluster: plan into the store, prompts, picker, refusals, prod names. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { ActionController, isGateRefusal } from '../../../src/engine/controller.js';
import { confirmTarget } from '../../../src/actions/registry.js';
import { actionTarget } from '../../../src/actions/target.js';
import type { Dialog } from '../../../src/store/actionState.js';
import { fixtureStore, NS } from '../../helpers/fixtures.js';

function setup(context = 'staging', opts: { dryRun?: boolean; canarySteps?: number[] } = {}) {
  const store = fixtureStore({ connection: { context } });
  const kc = new KubeConfig();
  kc.loadFromOptions({ clusters: [{ name: 'c', server: 'https://127.0.0.1:1' }], users: [{ name: 'u' }], contexts: [{ name: context, cluster: 'c', user: 'u' }], currentContext: context });
  const dir = mkdtempSync(join(tmpdir(), 'cutover-unit-'));
  const notices: string[] = [];
  const c = new ActionController({ store, kc, stateDir: dir, notify: (t) => notices.push(t), ...opts });
  const key = (name: string) => store.getState().view.releases.find((r) => r.name === name)!.key;
  const dialog = () => store.getState().actions.dialog as Dialog;
  return { store, c, key, dialog, notices, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

test('a canary step is planned from the store into a confirm dialog; cancel closes it', () => {
  const { c, key, dialog, notices, cleanup } = setup();
  c.request('stepUp', key('shop'));
  const d = dialog();
  assert.equal(d.kind, 'confirm');
  assert.equal(d.kind === 'confirm' && d.plan.title, 'canary shop: 10% -> 30% (stable 9 -> 7, canary 1 -> 3)');
  assert.equal(d.kind === 'confirm' && d.confirmName, undefined);
  c.key({ type: 'cancel' });
  assert.equal(dialog(), null);
  assert.match(notices.at(-1)!, /^cancelled: canary shop/);
  cleanup();
});

test('--steps changes the ladder; - on a rolling release scales down by one', () => {
  const { c, key, dialog, cleanup } = setup('staging', { canarySteps: [20, 100] });
  c.request('stepUp', key('shop'));
  assert.match(dialog().kind === 'confirm' ? (dialog() as { plan: { title: string } }).plan.title : '', /10% -> 20% \(stable 9 -> 8, canary 1 -> 2\)/);
  c.key({ type: 'cancel' });
  c.request('stepDown', key('api'));
  const d = dialog();
  assert.equal(d.kind === 'confirm' && d.plan.title, 'scale api: 4 -> 3');
  cleanup();
});

test('prod contexts ask for the Deployment name; a flip asks for the release (the Service it writes)', () => {
  const { c, key, dialog, cleanup } = setup('prod-eu');
  c.request('stepUp', key('shop'));
  const d = dialog();
  assert.equal(d.kind === 'confirm' && d.confirmName, 'shop-canary');
  c.key({ type: 'text', text: 'shop' });
  c.key({ type: 'confirm' });
  assert.match((dialog() as { error?: string }).error!, /"shop" is not "shop-canary"/);
  c.key({ type: 'cancel' });
  c.request('flip', key('pay'));
  assert.equal((dialog() as { confirmName?: string }).confirmName, 'pay');
  cleanup();
});

test('prompts: replicas must be whole; an image prompt plans set image of the idle colour; p toggles pause', () => {
  const { c, store, key, dialog, cleanup } = setup();
  c.request('scaleIdle', key('pay'));
  assert.equal(dialog().kind, 'prompt');
  c.key({ type: 'confirm' });
  assert.match((dialog() as { error?: string }).error!, /type a replicas first/);
  c.key({ type: 'text', text: '2' });
  c.key({ type: 'confirm' });
  assert.match((dialog() as { plan: { title: string } }).plan.title, /scale pay-green \(idle green of pay\): replicas 4 -> 2/);
  c.key({ type: 'cancel' });

  const pay = store.getState().view.releases.find((r) => r.name === 'pay')!;
  assert.equal(actionTarget(pay).deployment.name, 'pay-green');
  c.request('setImage', key('pay'));
  for (let i = 0; i < 60; i++) c.key({ type: 'backspace' });
  c.key({ type: 'text', text: 'registry.local/pay:v9' });
  c.key({ type: 'confirm' });
  const d = dialog();
  assert.equal(d.kind, 'confirm');
  assert.match(d.kind === 'confirm' ? d.plan.title : '', /^set image pay-green \(container \w+\): .* -> registry.local\/pay:v9$/);
  c.key({ type: 'cancel' });

  c.request('pauseResume', key('api'));
  assert.equal((dialog() as { plan: { action: string } }).plan.action, 'pause');
  cleanup();
});

test('refusals: a flip on a canary, undo with an empty journal; gate refusals are overridable', () => {
  const { c, key, dialog, cleanup } = setup();
  c.request('flip', key('shop'));
  const d = dialog();
  assert.equal(d.kind, 'refused');
  assert.equal(d.kind === 'refused' && d.overridable, false);
  c.key({ type: 'override' });
  assert.equal(dialog().kind, 'refused', '! does nothing on a refusal that is not a gate');
  c.key({ type: 'close' });
  c.request('undoLast', undefined);
  assert.match((dialog() as { plan: { refusal: string } }).plan.refusal, /nothing to undo: the journal holds no undoable change by this user on this context/);
  assert.equal(isGateRefusal({ action: 'flip', title: '', namespace: NS, subject: '', steps: [], notes: [], refusal: 'migration gate closed: x' }), true);
  cleanup();
});

test('the revision picker starts on the previous revision, moves within bounds, refuses the current one', () => {
  const { c, key, dialog, cleanup } = setup();
  c.request('undoRevision', key('web'));
  const d = dialog();
  assert.equal(d.kind, 'picker');
  if (d.kind !== 'picker') return;
  assert.ok(d.revisions.length >= 2, 'web has two revisions in the fixture');
  assert.equal(d.revisions[d.cursor].current, false);
  c.key({ type: 'move', to: 'bottom' });
  c.key({ type: 'move', to: 5 });
  const p = dialog() as Extract<Dialog, { kind: 'picker' }>;
  assert.equal(p.cursor, p.revisions.length - 1);
  const current = p.revisions.findIndex((r) => r.current);
  c.key({ type: 'move', to: current - p.cursor });
  c.key({ type: 'confirm' });
  assert.match((dialog() as { error?: string }).error!, /is the template running now/);
  cleanup();
});

test('a denied permission disables the key with the reason; a running action blocks another', () => {
  const { c, store, key, dialog, notices, cleanup } = setup();
  store.setState((s) => ({ actions: { ...s.actions, access: { patchDeployments: { allowed: false, reason: 'patch deployments.apps is not allowed in shop-ns (no)' }, patchServices: { allowed: true }, createJobs: { allowed: true } } } }));
  c.request('restart', key('api'));
  assert.equal(dialog(), null);
  assert.match(notices.at(-1)!, /^r: disabled: patch deployments.apps is not allowed/);
  c.request('flip', key('pay'));
  assert.equal(dialog().kind, 'confirm');
  assert.equal(confirmTarget((dialog() as { plan: Parameters<typeof confirmTarget>[0] }).plan).name, 'pay');
  cleanup();
});

test('the request carries the side the view points at; the prompt names the target and parses before planning', () => {
  const { c, key, dialog, cleanup } = setup();
  c.request('restart', key('pay'));
  assert.equal((dialog() as { plan: { title: string } }).plan.title, 'restart pay-green', 'blue-green: the idle colour by default');
  c.key({ type: 'cancel' });
  c.request('scale', key('pay'), 'pay-blue');
  const p = dialog() as Extract<Dialog, { kind: 'prompt' }>;
  assert.equal(p.title, 'scale pay-blue (LIVE) (now 4 replicas)');
  for (const ch of '2147483648') c.key({ type: 'text', text: ch });
  c.key({ type: 'confirm' });
  assert.match((dialog() as { error?: string }).error!, /"2147483648" is not a whole number from 0 to 2147483647/);
  c.key({ type: 'cancel' });
  c.request('setImage', key('shop'));
  assert.match((dialog() as { title: string }).title, /^set image of shop-canary \(canary\)/);
  cleanup();
});

test('the result offers u only for the undo of the action just run: after m, never "flip pay back"', async () => {
  const { c, key, dialog, cleanup } = setup();
  // Plans without steps run without a cluster; what matters is what each leaves in the journal.
  const flip = { action: 'flip' as const, title: 'flip pay: blue -> green', namespace: NS, subject: 'pay', steps: [], notes: [], undo: { action: 'flip' as const, args: {}, expect: [], description: 'flip pay back: green -> blue' } };
  c.plan({ key: 'flip', releaseKey: key('pay') }, flip);
  c.key({ type: 'confirm' });
  await c.settled;
  const flipped = dialog();
  assert.equal(flipped.kind === 'result' && flipped.undoHint, 'flip pay back: green -> blue');
  c.key({ type: 'close' });
  const migrate = { action: 'migrate' as const, title: 'migrate web: run web-migrate-v2-5-0', namespace: NS, subject: 'web', steps: [], notes: [] };
  c.plan({ key: 'migrate', releaseKey: key('web') }, migrate);
  c.key({ type: 'confirm' });
  await c.settled;
  const migrated = dialog();
  assert.equal(migrated.kind, 'result');
  assert.equal(migrated.kind === 'result' && migrated.undoHint, undefined, 'a migration has no undo: the hint says nothing');
  cleanup();
});

test('quit while an action runs: asks first, Esc keeps waiting; again forces: it stops before its next write, the journal gets its undo, exitReport says what was left', async () => {
  const { store, c, key, dialog, cleanup } = setup();
  // A cluster that takes the first write, then never makes the canary available.
  const written: string[] = [];
  c.service.client.read = (async () => ({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { resourceVersion: '7' }, spec: { replicas: 1 } })) as typeof c.service.client.read;
  c.service.client.patch = (async (ref: { name: string }, _s: string, body: Record<string, unknown>) => {
    written.push(`${ref.name} ${JSON.stringify(body)}`);
    return {};
  }) as typeof c.service.client.patch;
  c.service.client.waitFor = ((_p: string, _c: unknown, _t: number, _o: unknown, signal?: AbortSignal) =>
    new Promise<void>((_, reject) => signal?.addEventListener('abort', () => reject(new Error('stopped waiting (cancelled); the writes already made stay'))))) as typeof c.service.client.waitFor;

  assert.equal(c.holdQuit(), false, 'nothing runs: quit at once');
  c.request('stepUp', key('shop'));
  c.key({ type: 'confirm' });
  await new Promise((r) => setImmediate(r));
  assert.equal(dialog().kind, 'running');
  assert.deepEqual(written, ['shop-canary {"spec":{"replicas":3}}']);

  assert.equal(c.holdQuit(), true, 'the first press asks');
  assert.equal((dialog() as { quitAsked?: boolean }).quitAsked, true);
  c.key({ type: 'cancel' });
  assert.equal(dialog().kind, 'running', 'Esc on the question keeps waiting');
  assert.equal((dialog() as { quitAsked?: boolean }).quitAsked, false);
  assert.equal((dialog() as { stopping?: boolean }).stopping, undefined, 'and does not stop the wait');

  assert.equal(c.holdQuit(), true, 'asks again');
  assert.equal(c.holdQuit(), false, 'the second press forces the quit');
  await c.stop();
  assert.deepEqual(written, ['shop-canary {"spec":{"replicas":3}}'], 'shop-stable is not written after the force');
  const report = c.exitReport();
  assert.match(report[0], /quit while "canary shop: 10% -> 30%.*" was running/);
  assert.ok(report.includes('    deployment shop-ns/shop-canary: spec.replicas 1 -> 3'), report.join('\n'));
  assert.ok(report.some((l) => /not done/.test(l)) && report.some((l) => /shop-stable: spec.replicas 9 -> 7/.test(l)), report.join('\n'));
  assert.ok(report.some((l) => /press u \(journal #1/.test(l)), report.join('\n'));
  assert.ok(report.includes(`    kubectl --context staging -n shop-ns patch deployment shop-canary --type merge -p '{"spec":{"replicas":1}}'`), report.join('\n'));

  // A new controller (a new cockpit) of the same user and context finds the entry; the fixture's
  // cluster still has the canary at 1, so its u refuses: the world is not what the quit left.
  const again = new ActionController({ store, kc: c.service.kc, stateDir: (c.service as unknown as { dir: string }).dir });
  const entry = again.service.journal.lastUndoable();
  assert.equal(entry?.id, 1);
  assert.equal(entry?.ok, false);
  assert.match(entry?.undo?.description ?? '', /put back what the unfinished canary shop: 10% -> 30% .* wrote \(shop-canary: spec.replicas 3 -> 1\)/);
  again.request('undoLast', undefined);
  assert.match((dialog() as { plan: { refusal?: string } }).plan.refusal ?? '', /shop-canary spec.replicas is 1 now, cutover left it at 3: the world changed/);
  cleanup();
});
