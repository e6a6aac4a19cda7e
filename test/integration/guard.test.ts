/**
 * `cutover guard` end to end against the sim (HTTPS, real client-node), metrics read from the
 * simulated pods through the API server's pod proxy. The sim runs a fast clock and the guard
 * sleeps in simulated time, so a 1-minute window takes about a second.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { CoreV1Api } from '@kubernetes/client-node';
import { runGuard } from '../../src/cli/guard.js';
import { R } from '../../src/sim/resources.js';
import type { Obj } from '../../src/sim/store.js';

/** The breach line names the canary's 5xx share; rates come from counter deltas over a scrape interval, so allow a point either way. */
function assertBreachNear(out: string, percent: number): void {
  const m = /BREACHED: canary: 5xx (\d+\.\d)%/.exec(out);
  assert.ok(m, `no breach line in:\n${out}`);
  assert.ok(Math.abs(Number(m[1]) - percent) <= 1, `canary 5xx ${m[1]}% is not about ${percent}%`);
}
import { startSim, type TestSim } from '../helpers/sim.js';

const SPEED = 50;
const NS = 'default';

class Capture extends Writable {
  text = '';
  override _write(chunk: Buffer, _enc: string, cb: () => void) {
    this.text += chunk.toString();
    cb();
  }
}

function app(name: string, labels: Record<string, string>, replicas: number, image: string, annotations: Record<string, string> = {}): Obj {
  return {
    metadata: { name, namespace: NS, labels },
    spec: {
      replicas,
      selector: { matchLabels: labels },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } },
      progressDeadlineSeconds: 600,
      template: {
        metadata: { labels, annotations: { 'sim.cutover.io/ready-after': '1', ...annotations } },
        spec: { containers: [{ name: 'app', image, ports: [{ containerPort: 8080 }] }] },
      },
    },
  };
}

const service = (name: string, selector: Record<string, string>): Obj => ({ metadata: { name, namespace: NS }, spec: { selector, ports: [{ port: 80, targetPort: 8080 }] } });

describe('cutover guard against the sim (pod scrape)', () => {
  let t: TestSim;
  let stateDir: string;
  before(async () => {
    t = await startSim({ speed: SPEED, users: new Map([['no-proxy', { username: 'no-proxy', groups: ['system:authenticated'], readOnly: false, denied: ['pods/proxy'] }]]) });
    stateDir = mkdtempSync(join(tmpdir(), 'cutover-guard-'));
  });
  after(async () => {
    await t.stop();
    rmSync(stateDir, { recursive: true, force: true });
  });

  const guard = async (argv: string[], kubeconfig = t.kubeconfigPath) => {
    const stdout = new Capture();
    const stderr = new Capture();
    const code = await runGuard([...argv, '--kubeconfig', kubeconfig], {
      stdout,
      stderr,
      stateDir,
      clock: { now: () => t.sim.clock.now(), sleep: (ms) => new Promise((r) => setTimeout(r, ms / SPEED)) },
    });
    return { code, out: stdout.text, err: stderr.text };
  };

  test('a canary whose new version errors is aborted, and the Event names the figure', async () => {
    t.sim.store.create(R.deployments, app('shop-stable', { app: 'shop', track: 'stable' }, 3, 'shop:v1'));
    t.sim.store.create(R.deployments, app('shop-canary', { app: 'shop', track: 'canary' }, 1, 'shop:v2', { 'sim.cutover.io/error-rate': '5' }));
    t.sim.store.create(R.services, service('shop', { app: 'shop' }));
    const r = await guard(['shop', '--for', '60s', '--interval', '10s']);
    assert.equal(r.code, 1, r.out + r.err);
    assertBreachNear(r.out, 5);
    assert.match(r.out, /guard shop: rolled back: canary: error rate [4-6]\.\d% > 1\.0% \(by [3-5]\.\d points\)/);
    assert.equal(t.sim.store.get(R.deployments, NS, 'shop-canary')!.spec.replicas, 0);
    assert.equal(t.sim.store.get(R.deployments, NS, 'shop-stable')!.spec.replicas, 4);
    const events = await t.kc.makeApiClient(CoreV1Api).listNamespacedEvent({ namespace: NS });
    const audit = events.items.find((e) => e.reason === 'CutoverCanaryAbort');
    assert.ok(audit, 'an audit Event for the abort');
    assert.match(audit!.message ?? '', /guard rollback of shop \(canary: error rate [4-6]\.\d% > 1\.0% \(by [3-5]\.\d points\)/);
  });

  test('a healthy rollout holds; --json carries the measurements', async () => {
    t.sim.store.create(R.deployments, app('web', { app: 'web' }, 2, 'web:v1'));
    await new Promise((r) => setTimeout(r, 100));
    t.sim.store.mutate(R.deployments, NS, 'web', (d) => {
      d.spec.template.spec.containers[0].image = 'web:v2';
    });
    const r = await guard(['web', '--for', '40s', '--interval', '10s', '--max-p95', '300ms', '--json']);
    assert.equal(r.code, 0, r.out + r.err);
    const doc = JSON.parse(r.out) as { outcome: string; measurements: { state: string; line: string }[] };
    assert.equal(doc.outcome, 'held');
    assert.ok(doc.measurements.length >= 2, r.err);
    assert.ok(doc.measurements.every((m) => m.state === 'ok'), r.err);
    assert.match(doc.measurements[0].line, /^ok: new ReplicaSet web-[a-z0-9]+: 5xx 0\.0%, p95 70 ms, \d+\.\d req\/s$/);
    assert.equal(t.sim.store.get(R.deployments, NS, 'web')!.spec.template.spec.containers[0].image, 'web:v2');
  });

  test('a rollout that misses its deadline is undone as kubectl rollout undo would', async () => {
    t.sim.store.mutate(R.deployments, NS, 'web', (d) => {
      d.spec.template.spec.containers[0].image = 'web:v3';
      d.spec.template.metadata.annotations = { 'sim.cutover.io/never-ready': 'true' };
    });
    const r = await guard(['web', '--timeout', '30s', '--for', '20s']);
    assert.equal(r.code, 1, r.out + r.err);
    assert.match(r.out, /guard web: rolled back: rollout failed: timed out after 30 s/);
    assert.equal(t.sim.store.get(R.deployments, NS, 'web')!.spec.template.spec.containers[0].image, 'web:v2');
  });

  test('without get on pods/proxy: one clear line, nothing undone', async () => {
    const kubeconfig = join(stateDir, 'no-proxy.kubeconfig');
    const { writeFileSync } = await import('node:fs');
    writeFileSync(kubeconfig, t.sim.kubeconfig().replace(t.sim.tokens.admin, 'no-proxy'));
    const r = await guard(['shop-stable', '--for', '20s'], kubeconfig);
    assert.equal(r.code, 3, r.out + r.err);
    assert.match(r.out, /not judged: reading pod metrics needs get on pods\/proxy in namespace default/);
  });

  test('--demo: the bad-canary scenario breaks its guard and is rolled back on the in-process cluster', async () => {
    const stdout = new Capture();
    const code = await runGuard(['cart', '--demo', '--speed', String(SPEED), '--for', '1m'], { stdout, stderr: new Capture(), stateDir });
    assert.equal(code, 1, stdout.text);
    assertBreachNear(stdout.text, 8);
    assert.match(stdout.text, /done: guard rollback of cart/);
  });

  test('usage errors exit 2', async () => {
    for (const argv of [['web', '--interval', 'soon'], ['web', '--max-error-rate', '150%'], [], ['web', '--interval', '10m', '--for', '5m'], ['nope', '--for', '10s']]) {
      const r = await guard(argv);
      assert.equal(r.code, 2, `${argv.join(' ')}: ${r.out}${r.err}`);
      assert.match(r.err, /^cutover guard: /);
    }
  });
});
