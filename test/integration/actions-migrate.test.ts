/**
 * The migration Job before the deploy: a run from the template followed to Complete, a failing run
 * (sim.cutover.io/exit-code "1") ending Failed/BackoffLimitExceeded with the gate closed, then a
 * good run opening it. Through ActionService and the headless command; checked with kubectl.
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import type { V1Job } from '@kubernetes/client-node';
import { stringify } from 'yaml';
import { ActionService } from '../../src/actions/service.js';
import { migrationGate } from '../../src/actions/gate.js';
import { migrationLogTail, planMigration } from '../../src/actions/migrate.js';
import { planSetImage } from '../../src/actions/rollout.js';
import { requireRelease } from '../../src/actions/state.js';
import type { CreateStep } from '../../src/actions/types.js';
import { runMigrate } from '../../src/cli/migrate.js';
import { startActionSim, type ActionSim } from './actions-canary-flip-helpers.js';
import { withRelease } from '../helpers/releases.js';

const TARGET = 'registry.local/web:v2.5.0';
const TEMPLATE = 'web-migrate-v2-5-0';

function capture() {
  const s = new PassThrough();
  let text = '';
  s.on('data', (d) => (text += String(d)));
  return { stream: s, text: () => text };
}

describe('migration Job through ActionService (sim over HTTP, kubectl reads back)', { timeout: 180_000 }, () => {
  let a: ActionSim;
  before(async () => {
    a = await startActionSim('migration', ['web']);
  });
  after(async () => {
    await a?.close();
  });

  const job = (name: string, path: string) => a.jsonpath(['get', 'job', name], path);
  const gate = async () => {
    const input = await a.state();
    return migrationGate(input, requireRelease(input, 'web'), TARGET);
  };

  it('set image to the new version is refused while no migration ran; an override is audited', async () => {
    const p = planSetImage(await a.state(), 'web', undefined, TARGET);
    assert.match(p.refusal ?? '', /migration gate closed: no migration has run for registry.local\/web:v2.5.0/);
    // The override, tried as a server-side dry run: the plan runs and the audit records why.
    const dry = new ActionService(a.akc, { context: 'test', user: 'tester', dryRun: true, dir: a.stateDir });
    const o = planSetImage(await a.state(), 'web', undefined, TARGET, { override: 'schema unchanged in this release' });
    assert.equal(o.refusal, undefined);
    const r = await dry.run(o, { override: 'schema unchanged in this release' });
    assert.equal(r.result.ok, true, r.lines.join('\n'));
    const audit = readFileSync(join(a.stateDir, 'audit.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    assert.equal(audit.at(-1).override, 'schema unchanged in this release');
    assert.equal(audit.at(-1).action, 'set-image');
    assert.equal(await a.jsonpath(['get', 'deploy', 'web'], '{.spec.template.spec.containers[0].image}'), 'registry.local/web:v2.0');
  });

  it('a failing migration ends Failed (BackoffLimitExceeded) and the gate stays closed', async () => {
    const input = await a.state();
    const tpl = input.snapshot.jobs.find((j) => j.metadata?.name === TEMPLATE) as V1Job;
    assert.ok(tpl, 'the scenario has the template');
    const manifest = JSON.parse(JSON.stringify({ apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'web-migrate-broken', labels: tpl.metadata?.labels, annotations: tpl.metadata?.annotations }, spec: { template: tpl.spec?.template } }));
    manifest.spec.template.metadata = { annotations: { 'sim.cutover.io/exit-after': '2', 'sim.cutover.io/exit-code': '1' } };
    const plan = planMigration(...withRelease(input, 'web'), { manifest, timeoutMs: 60_000 });
    assert.equal(plan.refusal, undefined, plan.refusal);
    const name = (plan.steps[0] as CreateStep).target.name;
    const r = await a.service.run(plan);
    assert.equal(r.result.ok, false);
    assert.match(r.result.error ?? '', /BackoffLimitExceeded/);
    assert.equal(await job(name, '{.spec.backoffLimit}'), '0');
    assert.equal(await job(name, '{.status.failed}'), '1');
    assert.equal(await job(name, '{.status.conditions[?(@.type=="Failed")].reason}'), 'BackoffLimitExceeded');
    assert.equal(await job(name, "{.metadata.annotations['cutover\\.io/for-image']}"), TARGET);
    const g = await gate();
    assert.equal(g.open, false);
    assert.match(g.reason ?? '', /failed \(BackoffLimitExceeded\)/);
    assert.match(planSetImage(await a.state(), 'web', undefined, TARGET).refusal ?? '', /BackoffLimitExceeded/);
  });

  it('cutover migrate web: a run from the template, followed to Complete, log tail printed; the gate opens', async () => {
    const out = capture();
    const err = capture();
    const code = await runMigrate(['web', '--kubeconfig', a.kubeconfigPath, '--yes', '--timeout', '60'], { stdout: out.stream, stderr: err.stream, isTTY: false, stateDir: a.stateDir });
    assert.equal(code, 0, out.text() + err.text());
    const name = /create job default\/(\S+):/.exec(out.text())?.[1];
    assert.ok(name?.startsWith(`${TEMPLATE}-`), out.text());
    assert.match(out.text(), /done: migrate web/);
    assert.equal(await job(name!, '{.status.succeeded}'), '1');
    assert.equal(await job(name!, '{.spec.suspend}'), 'false');
    assert.equal(await job(name!, "{.metadata.labels['cutover\\.io/migration-for']}"), 'web');
    assert.equal(await job(TEMPLATE, '{.spec.suspend}'), 'true', 'the template stays suspended');
    const tail = await migrationLogTail(a.akc, 'default', name!, 5);
    assert.ok(tail.pod?.startsWith(name!), JSON.stringify(tail));
    if (tail.lines.length) assert.match(out.text(), /log of /);
    const g = await gate();
    assert.equal(g.open, true, g.reason);
    const si = await a.service.run(planSetImage(await a.state(), 'web', undefined, TARGET));
    assert.equal(si.result.ok, true, si.lines.join('\n'));
    assert.equal(await a.jsonpath(['get', 'deploy', 'web'], '{.spec.template.spec.containers[0].image}'), TARGET);
  });

  it('cutover migrate with a failing --migration FILE exits 1', async () => {
    const input = await a.state();
    const tpl = input.snapshot.jobs.find((j) => j.metadata?.name === TEMPLATE) as V1Job;
    const file = join(a.stateDir, 'migration.yaml');
    const doc = JSON.parse(JSON.stringify({ apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'web-migrate-file' }, spec: { template: tpl.spec?.template } }));
    doc.spec.template.metadata = { annotations: { 'sim.cutover.io/exit-after': '1', 'sim.cutover.io/exit-code': '1' } };
    writeFileSync(file, stringify(doc));
    const out = capture();
    const err = capture();
    const code = await runMigrate(['web', '--migration', file, '--for-image', 'registry.local/web:v2.6.0', '--kubeconfig', a.kubeconfigPath, '--yes', '--timeout', '60'], { stdout: out.stream, stderr: err.stream, isTTY: false, stateDir: a.stateDir });
    assert.equal(code, 1, out.text() + err.text());
    assert.match(out.text(), /BackoffLimitExceeded/);
  });
});
