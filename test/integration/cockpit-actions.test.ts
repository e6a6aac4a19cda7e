/**
 * The cockpit engine's release actions against the in-process sim over https: `+` plans into the
 * store, confirm runs it, the real kubectl sees the result; a second cockpit on the same namespace
 * sees the action's Event; RBAC disables keys for a read-only user.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { KubeConfig } from '@kubernetes/client-node';
import { Sim } from '../../src/sim/sim.js';
import { installScenario } from '../../src/sim/scenarios.js';
import { Cockpit } from '../../src/engine/cockpit.js';
import type { Dialog } from '../../src/store/actionState.js';
import { KUBECTL, waitFor } from '../helpers/sim.js';

interface Rig {
  sim: Sim;
  dir: string;
  kubeconfig: string;
  cockpits: Cockpit[];
  open(opts?: { context?: string; dryRun?: boolean }): Cockpit;
  /** The real kubectl, asynchronously (the sim serves from this process). */
  kubectl(...args: string[]): Promise<string>;
}

async function rig(scenario: string): Promise<Rig> {
  const sim = new Sim({ speed: 20 });
  await sim.listen(0);
  installScenario(sim, scenario);
  const dir = mkdtempSync(join(tmpdir(), 'cutover-cockpit-'));
  const kubeconfig = join(dir, 'kubeconfig');
  writeFileSync(kubeconfig, sim.kubeconfig());
  const r: Rig = {
    sim,
    dir,
    kubeconfig,
    cockpits: [],
    open(opts = {}) {
      const kc = new KubeConfig();
      kc.loadFromString(sim.kubeconfig());
      const c = new Cockpit({ kc, context: opts.context, dryRun: opts.dryRun, stateDir: join(dir, `state-${r.cockpits.length}`), flushIntervalMs: 50 });
      c.start();
      r.cockpits.push(c);
      return c;
    },
    kubectl: async (...args) => (await promisify(execFile)(KUBECTL, ['--kubeconfig', kubeconfig, ...args], { encoding: 'utf8', env: { ...process.env, HOME: dir } })).stdout,
  };
  return r;
}

async function close(r: Rig | undefined): Promise<void> {
  if (!r) return;
  for (const c of r.cockpits) await c.stop();
  await r.sim.stop();
  rmSync(r.dir, { recursive: true, force: true });
}

const releaseKey = (c: Cockpit, name: string) => c.store.getState().view.releases.find((r) => r.name === name)?.key;

/** Waits until every kind has synced and every Deployment of the release is rolled out and available. */
async function steady(c: Cockpit, name: string): Promise<string> {
  return waitFor(
    () => {
      if (!c.store.getState().health.synced) return undefined;
      const r = c.store.getState().view.releases.find((x) => x.name === name);
      return r && r.deployments.every((d) => d.status.done && d.available === d.desired && d.desired > 0) ? r.key : undefined;
    },
    20_000,
    `${name} steady`,
  );
}

const dialog = (c: Cockpit): Dialog | null => c.store.getState().actions.dialog;

async function result(c: Cockpit): Promise<Extract<Dialog, { kind: 'result' }>> {
  return waitFor(() => {
    const d = dialog(c);
    return d?.kind === 'result' ? d : undefined;
  }, 30_000, 'the action result');
}

describe('cockpit actions on the sim', () => {
  let r: Rig;
  before(async () => {
    r = await rig('demo');
  });
  after(() => close(r));

  it('+ plans a canary step into the store; confirm runs it; kubectl sees 7 + 3; a partner cockpit sees the Event', async () => {
    const a = r.open();
    const b = r.open();
    const key = await steady(a, 'shop');
    await steady(b, 'shop');
    await waitFor(() => a.store.getState().actions.access, 5000, 'access reviews');
    assert.equal(a.store.getState().actions.access!.patchDeployments.allowed, true);

    a.act('stepUp', key);
    const d = dialog(a);
    assert.equal(d?.kind, 'confirm', JSON.stringify(d));
    if (d?.kind !== 'confirm') return;
    assert.match(d.plan.title, /canary shop: 10% -> 30% \(stable 9 -> 7, canary 1 -> 3\)/);
    assert.equal(d.confirmName, undefined, 'not a prod context');
    // nothing written before the confirm
    assert.equal(await r.kubectl('get', 'deploy', 'shop-canary', '-o', 'jsonpath={.spec.replicas}'), '1');

    a.dialog({ type: 'confirm' });
    assert.equal(dialog(a)?.kind, 'running');
    const res = await result(a);
    assert.equal(res.ok, true, res.lines.join('\n'));
    assert.match(res.lines[0], /^done: canary shop: 10% -> 30%/);
    assert.ok(res.changed.some((l) => /deployment shop-canary: spec.replicas 1 -> 3/.test(l)), res.changed.join('\n'));
    assert.equal(await r.kubectl('get', 'deploy', 'shop-canary', '-o', 'jsonpath={.spec.replicas}'), '3');
    assert.equal(await r.kubectl('get', 'deploy', 'shop-stable', '-o', 'jsonpath={.spec.replicas}'), '7');

    // the other cockpit: the Event reaches its events view and the release's events
    await waitFor(
      () => b.store.getState().view.events.some((e) => e.reason === 'CutoverCanaryStep' && /canary shop: 10% -> 30%/.test(e.message ?? '')),
      10_000,
      'CutoverCanaryStep in the partner cockpit',
    );
    const ev = b.store.getState().view.events.find((e) => e.reason === 'CutoverCanaryStep')!;
    assert.equal(ev.involvedObject?.name, 'shop-canary');
    assert.equal(ev.reportingComponent, 'cutover');

    // u: undo the last action, re-planned (back to 10%)
    a.dialog({ type: 'close' });
    await steady(a, 'shop');
    a.act('undoLast', undefined);
    const u = dialog(a);
    assert.equal(u?.kind, 'confirm', JSON.stringify(u && 'plan' in u ? u.plan : u));
    if (u?.kind !== 'confirm') return;
    assert.match(u.plan.title, /undo #1: canary shop back to 10%/);
    a.dialog({ type: 'confirm' });
    assert.equal((await result(a)).ok, true);
    assert.equal(await r.kubectl('get', 'deploy', 'shop-canary', '-o', 'jsonpath={.spec.replicas}'), '1');
    a.dialog({ type: 'close' });
    a.act('undoLast', undefined);
    const again = dialog(a);
    assert.equal(again?.kind, 'refused');
    assert.match(again?.kind === 'refused' ? again.plan.refusal! : '', /nothing to undo/);
    a.dialog({ type: 'cancel' });
  });

  it('u is refused with the reason when the world changed since the action', async () => {
    const a = r.open();
    const key = await steady(a, 'api');
    a.act('pauseResume', key);
    assert.equal(dialog(a)?.kind, 'confirm');
    a.dialog({ type: 'confirm' });
    assert.equal((await result(a)).ok, true);
    assert.equal(await r.kubectl('get', 'deploy', 'api', '-o', 'jsonpath={.spec.paused}'), 'true');
    a.dialog({ type: 'close' });
    await r.kubectl('rollout', 'resume', 'deployment/api');
    await waitFor(() => a.store.getState().view.releases.find((x) => x.name === 'api')?.primary.paused === false, 5000, 'resume seen');
    a.act('undoLast', undefined);
    const d = dialog(a);
    assert.equal(d?.kind, 'refused');
    assert.match(d?.kind === 'refused' ? d.plan.refusal! : '', /spec\.paused is (false|\(unset\)) now, cutover left it at true: the world changed/);
    a.dialog({ type: 'cancel' });
  });

  it('the migration gate refuses set image; ! with a reason overrides it, audited in the Event', async () => {
    const a = r.open();
    const key = await steady(a, 'web');
    a.act('setImage', key);
    assert.equal(dialog(a)?.kind, 'prompt');
    a.dialog({ type: 'backspace' });
    for (const ch of ['x', 'y']) a.dialog({ type: 'text', text: ch });
    const p = dialog(a);
    assert.equal(p?.kind === 'prompt' ? p.text : '', 'registry.local/web:v2.xy');
    // replace the text: clear and type the image the migration template is for
    for (let i = 0; i < 40; i++) a.dialog({ type: 'backspace' });
    a.dialog({ type: 'text', text: 'registry.local/web:v2.5.0' });
    a.dialog({ type: 'confirm' });
    const refused = dialog(a);
    assert.equal(refused?.kind, 'refused');
    if (refused?.kind !== 'refused') return;
    assert.match(refused.plan.refusal!, /migration gate closed: no migration has run for registry.local\/web:v2.5.0/);
    assert.equal(refused.overridable, true);
    a.dialog({ type: 'override' });
    assert.equal(dialog(a)?.kind, 'prompt');
    a.dialog({ type: 'text', text: 'hotfix, migration is a no-op' });
    a.dialog({ type: 'confirm' });
    const c = dialog(a);
    assert.equal(c?.kind, 'confirm');
    if (c?.kind !== 'confirm') return;
    assert.ok(c.plan.notes.some((n) => /migration gate overridden \(hotfix, migration is a no-op\)/.test(n)), c.plan.notes.join('\n'));
    a.dialog({ type: 'confirm' });
    assert.equal((await result(a)).ok, true);
    assert.equal(await r.kubectl('get', 'deploy', 'web', '-o', 'jsonpath={.spec.template.spec.containers[0].image}'), 'registry.local/web:v2.5.0');
    const events = JSON.parse(await r.kubectl('get', 'events', '-o', 'json')).items as { reason: string; message: string }[];
    assert.ok(events.some((e) => e.reason === 'CutoverSetImage' && /gate overridden: hotfix, migration is a no-op/.test(e.message)), 'audited override');
    a.dialog({ type: 'close' });
  });

  it('m runs the migration Job and follows it: Job state, then its log tail in the result', async () => {
    const a = r.open();
    const key = await steady(a, 'web');
    a.act('migrate', key);
    const d = dialog(a);
    assert.equal(d?.kind, 'confirm', JSON.stringify(d && 'plan' in d ? d.plan.refusal : d));
    if (d?.kind !== 'confirm') return;
    assert.match(d.plan.title, /migrate web: run web-migrate-v2-5-0 for registry.local\/web:v2.5.0/);
    a.dialog({ type: 'confirm' });
    const running = dialog(a);
    assert.equal(running?.kind, 'running');
    const job = running?.kind === 'running' ? running.job! : '';
    assert.match(job, /^web-migrate-v2-5-0-\d{14}$/);
    const res = await result(a);
    assert.equal(res.ok, true, res.lines.join('\n'));
    assert.equal(res.job, job);
    assert.ok(res.log, 'log tail read');
    assert.equal(await r.kubectl('get', 'job', job, '-o', 'jsonpath={.status.conditions[?(@.type=="Complete")].status}'), 'True');
    await waitFor(() => a.store.getState().view.jobs.find((j) => j.name === job)?.state === 'Complete', 3000, 'Job Complete in the view');
    a.dialog({ type: 'close' });
  });

  it('a prod context asks to type the Deployment name; --dry-run changes nothing', async () => {
    const kcText = r.sim.kubeconfig().replace(/cutover-sim(?!-viewer)\b/g, 'prod-eu');
    writeFileSync(r.kubeconfig + '.prod', kcText);
    const kc = new KubeConfig();
    kc.loadFromString(kcText);
    const a = new Cockpit({ kc, dryRun: true, stateDir: join(r.dir, 'prod'), flushIntervalMs: 50 });
    r.cockpits.push(a);
    a.start();
    assert.equal(a.store.getState().connection.context, 'prod-eu');
    const key = await steady(a, 'pay');
    a.act('flip', key);
    const d = dialog(a);
    assert.equal(d?.kind, 'confirm');
    if (d?.kind !== 'confirm') return;
    assert.equal(d.confirmName, 'pay', 'a flip writes the Service: its subject');
    a.dialog({ type: 'confirm' });
    assert.match((dialog(a) as { error?: string }).error ?? '', /"" is not "pay"/);
    for (const ch of 'pay') a.dialog({ type: 'text', text: ch });
    a.dialog({ type: 'confirm' });
    const res = await result(a);
    assert.equal(res.ok, true, res.lines.join('\n'));
    assert.equal(res.dryRun, true);
    assert.match(res.lines[0], /dry run: nothing was changed/);
    assert.equal(await r.kubectl('get', 'svc', 'pay', '-o', 'jsonpath={.spec.selector.version}'), 'blue');
  });

  it('a read-only user: the reviews disable the keys with the reason', async () => {
    const a = r.open({ context: 'cutover-sim-viewer' });
    const key = await steady(a, 'shop');
    await waitFor(() => a.store.getState().actions.access, 5000, 'access reviews');
    const access = a.store.getState().actions.access!;
    assert.equal(access.patchDeployments.allowed, false);
    assert.match(access.patchServices.reason!, /patch services is not allowed in default \(cutover-sim: user "cutover-viewer" is read-only\)/);
    a.act('stepUp', key);
    assert.equal(dialog(a), null);
    assert.match(a.store.getState().ui.notice?.text ?? '', /\+: disabled: patch deployments.apps is not allowed/);
  });
});
