/**
 * pause, resume, restart, set image, scale and undo of the last action, run through ActionService
 * against the sim over HTTP, and read back with the real kubectl.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { planPause, planRestart, planResume, planScale, planSetImage } from '../../src/actions/rollout.js';
import { planUndoLast } from '../../src/actions/registry.js';
import { runRollout } from '../../src/cli/rollout.js';
import { startActionSim, type ActionSim } from './actions-canary-flip-helpers.js';

function capture() {
  const s = new PassThrough();
  let text = '';
  s.on('data', (d) => (text += String(d)));
  return { stream: s, text: () => text };
}

describe('rollout actions through ActionService (sim over HTTP, kubectl reads back)', { timeout: 120_000 }, () => {
  let a: ActionSim;
  before(async () => {
    a = await startActionSim('rolling', ['web']);
  });
  after(async () => {
    await a?.close();
  });

  const get = (path: string) => a.jsonpath(['get', 'deploy', 'web'], path);

  it('pause sets spec.paused, a second pause is refused, resume clears it', async () => {
    const r = await a.service.run(planPause(await a.state(), 'web'));
    assert.equal(r.result.ok, true, r.lines.join('\n'));
    assert.equal(await get('{.spec.paused}'), 'true');
    assert.match(planPause(await a.state(), 'web').refusal ?? '', /already paused/);
    assert.equal(planRestart(await a.state(), 'web').refusal, "can't restart paused deployment (run rollout resume first)");
    const back = await a.service.run(planResume(await a.state(), 'web'));
    assert.equal(back.result.ok, true, back.lines.join('\n'));
    assert.equal(await get('{.spec.paused}'), '', 'paused: false is omitted (omitempty), as a real API server does');
  });

  it('restart gives a new revision in kubectl rollout history', async () => {
    const before = await a.kubectl(['rollout', 'history', 'deploy/web']);
    assert.doesNotMatch(before.stdout, /^2\s/m);
    const r = await a.service.run(planRestart(await a.state(), 'web'));
    assert.equal(r.result.ok, true, r.lines.join('\n'));
    assert.match(await get("{.spec.template.metadata.annotations['kubectl\\.kubernetes\\.io/restartedAt']}"), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    await a.settled(['web'], 30_000);
    const hist = await a.kubectl(['rollout', 'history', 'deploy/web']);
    assert.match(hist.stdout, /^2\s/m, hist.stdout + hist.stderr);
    assert.equal(await get("{.metadata.annotations['deployment\\.kubernetes\\.io/revision']}"), '2');
  });

  it('set image: new image and revision 3', async () => {
    const r = await a.service.run(planSetImage(await a.state(), 'web', undefined, 'registry.local/web:v2.1'));
    assert.equal(r.result.ok, true, r.lines.join('\n'));
    await a.settled(['web'], 30_000);
    assert.equal(await get('{.spec.template.spec.containers[0].image}'), 'registry.local/web:v2.1');
    assert.equal(await get("{.metadata.annotations['deployment\\.kubernetes\\.io/revision']}"), '3');
  });

  it('scale 10 -> 6, then the undo of the last action scales back to 10', async () => {
    const r = await a.service.run(planScale(await a.state(), 'web', 6));
    assert.equal(r.result.ok, true, r.lines.join('\n'));
    assert.equal(await a.replicas('web'), 6);
    const entry = a.service.journal.lastUndoable();
    assert.equal(entry?.action, 'scale');
    const undo = planUndoLast(await a.state(), entry);
    assert.equal(undo.refusal, undefined, undo.refusal);
    const u = await a.service.run(undo);
    assert.equal(u.result.ok, true, u.lines.join('\n'));
    a.service.journal.markUndone(entry!.id);
    assert.equal(await a.replicas('web'), 10);
  });

  it('the undo of the set image is refused once someone else changed the image', async () => {
    const entry = a.service.journal.lastUndoable();
    assert.equal(entry?.action, 'set-image');
    const k = await a.kubectl(['set', 'image', 'deploy/web', 'web=registry.local/web:v9']);
    assert.equal(k.code, 0, k.stderr);
    const undo = planUndoLast(await a.state(), entry);
    assert.equal(undo.refusal, 'web spec.template.spec.containers.0.image is registry.local/web:v9 now, cutover left it at registry.local/web:v2.1: the world changed');
    await a.settled(['web'], 30_000);
  });

  it('headless: cutover scale and pause through act.ts, with --yes', async () => {
    const out = capture();
    const err = capture();
    const io = { stdout: out.stream, stderr: err.stream, isTTY: false, stateDir: a.stateDir };
    const code = await runRollout('scale', ['web', '8', '--kubeconfig', a.kubeconfigPath, '--yes', '--wait', '--timeout', '30'], io);
    assert.equal(code, 0, out.text() + err.text());
    assert.match(out.text(), /spec\.replicas 10 -> 8/);
    assert.equal(await a.replicas('web'), 8);
    assert.equal(await runRollout('scale', ['web', '-1', '--kubeconfig', a.kubeconfigPath, '--yes'], io), 2);
    assert.equal(await runRollout('pause', ['web', '--kubeconfig', a.kubeconfigPath], io), 1, 'no terminal and no --yes: nothing runs');
    assert.equal(await get('{.spec.paused}'), '', 'paused: false is omitted (omitempty), as a real API server does');
    const audit = readFileSync(join(a.stateDir, 'audit.jsonl'), 'utf8');
    assert.match(audit, /"action":"scale"/);
  });
});
