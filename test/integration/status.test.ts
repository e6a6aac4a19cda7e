import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { R } from '../../src/sim/resources.js';
import { installScenario } from '../../src/sim/scenarios.js';
import { startSim, waitFor, type TestSim } from '../helpers/sim.js';

/** Runs the real CLI (`cutover status ...`) and returns its exit code and output. */
function cutover(args: string[], timeoutMs = 60_000): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', 'bin/cutover.ts', ...args], { timeout: timeoutMs }, (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout: String(stdout), stderr: String(stderr) });
    });
  });
}

const steady = (t: TestSim, names: string[]) =>
  waitFor(() => names.every((n) => { const d = t.sim.store.get(R.deployments, 'default', n); return d && d.status?.availableReplicas === d.spec.replicas && d.status?.updatedReplicas === d.spec.replicas; }), 30_000, names.join(', '));

describe('cutover status', () => {
  let t: TestSim;
  before(async () => {
    t = await startSim({ speed: 20 });
    installScenario(t.sim, 'demo');
    await steady(t, ['web', 'shop-stable', 'shop-canary', 'pay-blue', 'pay-green', 'api']);
  });
  after(() => t.stop());

  it('prints every release with budgets, traffic and verdicts', async () => {
    const r = await cutover(['status', '--kubeconfig', t.kubeconfigPath]);
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.split('\n');
    assert.match(lines[0], /^RELEASE\s+DEPLOYMENT\s+REV\s+DESIRED\s+UPDATED\s+READY\s+AVAILABLE\s+SURGE\s+UNAVAIL\s+TRAFFIC\s+VERDICT\s+STATUS/);
    const row = (deployment: string) => lines.find((l) => l.split(/\s+/)[1] === deployment || l.split(/\s+/)[2] === deployment) ?? '';
    assert.match(row('web'), /^web\s+web\s+1\s+10\s+10\s+10\s+10\s+0\/3\s+0\/0\s+100%\s+zero downtime kept\s+deployment "web" successfully rolled out/);
    assert.match(row('shop-canary'), /shop \(canary\)\s+shop-canary\s+.*\s10%\s/);
    assert.match(row('shop-stable'), /\s90%\s/);
    assert.match(row('pay-blue'), /\slive\s/);
    assert.match(row('pay-green'), /\sidle\s/);
  });

  it('--json for one Deployment gives the resolved budget, rollout status and checklist', async () => {
    const r = await cutover(['status', 'web', '--json', '--kubeconfig', t.kubeconfigPath]);
    assert.equal(r.code, 0, r.stderr);
    const json = JSON.parse(r.stdout);
    assert.equal(json.releases.length, 1);
    const d = json.releases[0].deployments[0];
    assert.deepEqual([d.surge.limit, d.unavailable.limit], [3, 0]);
    assert.equal(d.rolloutStatus.done, true);
    assert.ok(d.checklist.some((c: { id: string }) => c.id.length > 0));
    assert.equal(json.releases[0].verdict.text, 'zero downtime kept');
  });

  it('--watch follows a rollout to the end and exits 0', async () => {
    // New pods take 120 simulated seconds (6 s here) to be ready, so the watch starts mid-rollout.
    t.sim.store.mutate(R.deployments, 'default', 'api', (d) => {
      d.spec.template.spec.containers[0].image = 'registry.local/api:v2.1';
      d.spec.template.metadata.annotations = { 'sim.cutover.io/ready-after': '120' };
    });
    const r = await cutover(['status', 'api', '--watch', '--kubeconfig', t.kubeconfigPath]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /Waiting for deployment "api" rollout to finish/);
    assert.match(r.stdout.trim().split('\n').filter((l) => /^api\s/.test(l)).at(-1)!, /1->2|2\s.*successfully rolled out/);
  });

  it('names what does not exist, with a non-zero exit', async () => {
    const r = await cutover(['status', 'nope', '--kubeconfig', t.kubeconfigPath]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^cutover: no release or Deployment named "nope"/);
  });
});

describe('cutover status on failures', () => {
  it('--watch exits 1 when the rollout exceeds its progress deadline', async () => {
    const t = await startSim({ speed: 20 });
    try {
      installScenario(t.sim, 'stuck');
      // The scenario starts the never-ready v3.2 rollout 20 simulated seconds in.
      await waitFor(() => /v3\.2$/.test(t.sim.store.get(R.deployments, 'default', 'search')?.spec.template.spec.containers[0].image ?? ''), 20_000, 'the v3.2 rollout');
      const r = await cutover(['status', 'search', '--watch', '--kubeconfig', t.kubeconfigPath]);
      assert.equal(r.code, 1, r.stdout + r.stderr);
      assert.match(r.stdout, /deployment "search" exceeded its progress deadline/);
    } finally {
      await t.stop();
    }
  });

  it('exits 1 when the release\'s verdict is a failure, as kubectl rollout status does; --json says the same', async () => {
    const t = await startSim({ speed: 20 });
    try {
      installScenario(t.sim, 'stuck');
      await waitFor(() => t.sim.store.get(R.deployments, 'default', 'search')?.status?.conditions?.some((c: { reason?: string }) => c.reason === 'ProgressDeadlineExceeded'), 40_000, 'the deadline to pass');
      const r = await cutover(['status', 'search', '--kubeconfig', t.kubeconfigPath]);
      assert.equal(r.code, 1, r.stdout + r.stderr);
      assert.match(r.stdout, /search\s+search\s.*deadline exceeded/);
      const j = await cutover(['status', 'search', '--json', '--kubeconfig', t.kubeconfigPath]);
      assert.equal(j.code, 1, j.stderr);
      const release = JSON.parse(j.stdout).releases[0];
      assert.deepEqual([release.phase, release.verdict.level, release.verdict.text, release.failed], ['stuck', 'fail', 'deadline exceeded', true]);
      assert.equal(release.deployments[0].phase, 'stuck');
    } finally {
      await t.stop();
    }
  });

  it('an unreachable cluster is one line saying what failed, not a stack trace', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cutover-status-'));
    const t = await startSim();
    const kubeconfig = join(dir, 'kubeconfig');
    writeFileSync(kubeconfig, t.sim.kubeconfig());
    await t.stop();
    const r = await cutover(['status', '--kubeconfig', kubeconfig, '--timeout', '2']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^cutover: cannot reach https:\/\/127\.0\.0\.1:\d+ \(connection refused\); check the cluster is up/);
    assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
  });
});
