/**
 * Interrupting an action never hides it, against the sim over https with the real kubectl: a
 * cockpit quit (asked, then forced) in the middle of a canary step leaves shop-canary at 3 and
 * shop-stable at 9; it says so and names the undo; a NEW cockpit's u plans putting the canary
 * back from the shared journal and runs it.
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

describe('a cockpit quit in the middle of an action', () => {
  let sim: Sim;
  let dir: string;
  let kubeconfig: string;
  const cockpits: Cockpit[] = [];
  const kubectl = async (...args: string[]) => (await promisify(execFile)(KUBECTL, ['--kubeconfig', kubeconfig, ...args], { encoding: 'utf8', env: { ...process.env, HOME: dir } })).stdout;
  const open = () => {
    const kc = new KubeConfig();
    kc.loadFromString(sim.kubeconfig());
    // One state directory: the journal every cockpit of this user and context shares.
    const c = new Cockpit({ kc, stateDir: join(dir, 'state'), flushIntervalMs: 50, skipAccessCheck: true });
    c.start();
    cockpits.push(c);
    return c;
  };
  const dialog = (c: Cockpit): Dialog | null => c.store.getState().actions.dialog;
  const steadyShop = (c: Cockpit) =>
    waitFor(() => {
      const r = c.store.getState().view.releases.find((x) => x.name === 'shop');
      return c.store.getState().health.synced && r?.deployments.every((d) => d.status.done && d.available === d.desired) ? r.key : undefined;
    }, 20_000, 'shop steady');

  before(async () => {
    sim = new Sim({ speed: 20 });
    await sim.listen(0);
    installScenario(sim, 'demo');
    dir = mkdtempSync(join(tmpdir(), 'cutover-interrupt-'));
    kubeconfig = join(dir, 'kubeconfig');
    writeFileSync(kubeconfig, sim.kubeconfig());
  });
  after(async () => {
    for (const c of cockpits) await c.stop();
    await sim?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('asks, then forced: the canary write stays, the stable one is never made; a new cockpit\'s u puts the canary back', async () => {
    const a = open();
    const key = await steadyShop(a);
    // No node takes new pods: the canary's new pods stay Pending, so the step waits forever.
    const nodes = (await kubectl('get', 'nodes', '-o', 'name')).trim().split('\n');
    for (const n of nodes) await kubectl('cordon', n);

    a.act('stepUp', key);
    assert.equal(dialog(a)?.kind, 'confirm');
    a.dialog({ type: 'confirm' });
    await waitFor(() => a.store.getState().view.releases.find((x) => x.name === 'shop')?.deployments.find((d) => d.name === 'shop-canary')?.desired === 3, 10_000, 'shop-canary 1 -> 3 written');
    assert.equal(dialog(a)?.kind, 'running');

    a.quit();
    const asked = dialog(a);
    assert.equal(asked?.kind === 'running' && asked.quitAsked, true, 'the first Ctrl-C/q asks');
    let quit = false;
    a.onQuit = () => (quit = true);
    a.quit();
    assert.equal(quit, true, 'the second one quits');
    await a.stop();
    assert.equal(await kubectl('get', 'deploy', 'shop-canary', '-o', 'jsonpath={.spec.replicas}'), '3');
    assert.equal(await kubectl('get', 'deploy', 'shop-stable', '-o', 'jsonpath={.spec.replicas}'), '9', 'stopped before the next write');
    const report = a.exitReport();
    assert.ok(report.some((l) => /deployment default\/shop-canary: spec.replicas 1 -> 3/.test(l)), report.join('\n'));
    assert.ok(report.some((l) => /not done/.test(l)) && report.some((l) => /shop-stable: spec.replicas 9 -> 7/.test(l)), report.join('\n'));
    assert.ok(report.some((l) => /kubectl --context \S+ -n default patch deployment shop-canary --type merge -p '\{"spec":\{"replicas":1\}\}'/.test(l)), report.join('\n'));

    for (const n of nodes) await kubectl('uncordon', n);
    const b = open();
    await waitFor(() => b.store.getState().health.synced && b.store.getState().view.releases.some((x) => x.name === 'shop'), 20_000, 'b synced');
    b.act('undoLast', undefined);
    const u = dialog(b);
    assert.equal(u?.kind, 'confirm', JSON.stringify(u && 'plan' in u ? u.plan.refusal : u));
    if (u?.kind !== 'confirm') return;
    assert.match(u.plan.title, /^undo #1: put back what the unfinished canary shop: 10% -> 30% .* wrote \(shop-canary: spec.replicas 3 -> 1\)/);
    assert.equal(u.plan.steps.length, 1);
    b.dialog({ type: 'confirm' });
    const done = await waitFor(() => {
      const d = dialog(b);
      return d?.kind === 'result' ? d : undefined;
    }, 20_000, 'the undo result');
    assert.equal(done.ok, true, done.lines.join('\n'));
    assert.equal(await kubectl('get', 'deploy', 'shop-canary', '-o', 'jsonpath={.spec.replicas}'), '1');
    assert.equal(await kubectl('get', 'deploy', 'shop-stable', '-o', 'jsonpath={.spec.replicas}'), '9');
    b.dialog({ type: 'close' });
    b.act('undoLast', undefined);
    assert.match((dialog(b) as { plan: { refusal?: string } }).plan.refusal ?? '', /nothing to undo/, 'undone once, in the shared journal');
  });
});
