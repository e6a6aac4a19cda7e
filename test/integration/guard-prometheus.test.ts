/**
 * The Prometheus source and `cutover guard --prometheus` against a REAL Prometheus that scrapes
 * the sim through the API server's pod proxy (kubernetes_sd_configs, see helpers/prometheus.ts).
 * Real time at speed 1: Prometheus computes rates over its own scrape timestamps.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { runGuard } from '../../src/cli/guard.js';
import { loadState, findRelease } from '../../src/actions/state.js';
import { PrometheusSource } from '../../src/metrics/prometheus.js';
import { releaseSides } from '../../src/metrics/sides.js';
import { judge } from '../../src/model/guard.js';
import { R } from '../../src/sim/resources.js';
import type { Obj } from '../../src/sim/store.js';
import { freePort, prometheusMissing, startPrometheus, type TestPrometheus } from '../helpers/prometheus.js';
import { startSim, waitFor, type TestSim } from '../helpers/sim.js';

const NS = 'default';
const missing = prometheusMissing();
if (missing) console.log(`# skipping the real-Prometheus tests: ${missing}`);

class Capture extends Writable {
  text = '';
  override _write(chunk: Buffer, _enc: string, cb: () => void) {
    this.text += chunk.toString();
    cb();
  }
}

function app(name: string, labels: Record<string, string>, replicas: number, image: string, podAnnotations: Record<string, string> = {}, annotations: Record<string, string> = {}): Obj {
  return {
    metadata: { name, namespace: NS, labels, annotations },
    spec: {
      replicas,
      selector: { matchLabels: labels },
      template: {
        metadata: { labels, annotations: { 'sim.cutover.io/ready-after': '0', 'sim.cutover.io/start-after': '0', ...podAnnotations } },
        spec: { containers: [{ name: 'app', image, ports: [{ containerPort: 8080 }] }] },
      },
    },
  };
}

const service = (name: string, selector: Record<string, string>): Obj => ({ metadata: { name, namespace: NS }, spec: { selector, ports: [{ port: 80, targetPort: 8080 }] } });

describe('metric guards against a real Prometheus', { skip: missing }, () => {
  let t: TestSim;
  let prom: TestPrometheus;
  let stateDir: string;
  before(async () => {
    t = await startSim({ speed: 1 });
    stateDir = mkdtempSync(join(tmpdir(), 'cutover-guard-prom-'));
    t.sim.store.create(R.deployments, app('shop-stable', { app: 'shop', track: 'stable' }, 2, 'shop:v1'));
    t.sim.store.create(R.deployments, app('shop-canary', { app: 'shop', track: 'canary' }, 1, 'shop:v2', { 'sim.cutover.io/error-rate': '5', 'sim.cutover.io/latency-ms': '120' }));
    t.sim.store.create(R.services, service('shop', { app: 'shop' }));
    t.sim.store.create(R.deployments, app('cart-stable', { app: 'cart', track: 'stable' }, 2, 'cart:v1'));
    t.sim.store.create(R.deployments, app('cart-canary', { app: 'cart', track: 'canary' }, 1, 'cart:v2'));
    t.sim.store.create(R.services, service('cart', { app: 'cart' }));
    prom = await startPrometheus(t);
    await prom.waitForSeries('sum by (pod) (rate(http_requests_total[4s]))', 6);
  });
  after(async () => {
    await prom?.stop();
    await t?.stop();
    rmSync(stateDir, { recursive: true, force: true });
  });

  const guard = async (argv: string[]) => {
    const stdout = new Capture();
    const stderr = new Capture();
    const code = await runGuard([...argv, '--prometheus', prom.url, '--kubeconfig', t.kubeconfigPath], { stdout, stderr, stateDir });
    return { code, out: stdout.text, err: stderr.text };
  };

  const sidesOf = async (name: string) => {
    const input = await loadState(t.kc, NS);
    return releaseSides(findRelease(input, name)!);
  };

  test('the PromQL source measures each side: 5xx share, p95, request rate', async () => {
    const source = new PrometheusSource(prom.url, 8000);
    const m = await source.measure(await sidesOf('shop'));
    assert.equal(m.error, undefined);
    assert.ok(Math.abs(m.candidate.errorRate! - 0.05) < 0.015, `canary error rate ${m.candidate.errorRate}`);
    assert.equal(m.baseline!.errorRate, 0);
    // 120 ms median spread over 60..180 ms: p95 falls in the 0.15..0.2 s bucket.
    assert.ok(m.candidate.p95Ms! > 150 && m.candidate.p95Ms! <= 200, `canary p95 ${m.candidate.p95Ms}`);
    assert.ok(m.baseline!.rps! > 0, `stable rps ${m.baseline!.rps}`); // exact only once the series span the whole range
    assert.equal(judge(m).state, 'breached');
  });

  test('an empty result is inconclusive, never a pass', async () => {
    const source = new PrometheusSource(prom.url, 4000);
    const sides = await sidesOf('cart');
    const overridden = { ...sides, candidate: { ...sides.candidate, annotations: { 'cutover.io/metric.error-rate': 'sum(rate(no_such_metric{namespace="{{namespace}}"}[{{interval}}]))' } } };
    const m = await source.measure(overridden);
    assert.ok(Number.isNaN(m.candidate.errorRate), `got ${m.candidate.errorRate}`);
    assert.equal(judge(m).state, 'inconclusive');
    const noPods = await source.measure({ ...sides, candidate: { ...sides.candidate, pods: [] } });
    assert.equal(judge(noPods).state, 'inconclusive');
  });

  test('cutover guard --prometheus: a Deployment whose query finds nothing is not judged (exit 3)', async () => {
    t.sim.store.create(R.deployments, app('quiet', { app: 'quiet' }, 1, 'quiet:v1', {}, { 'cutover.io/metric.error-rate': 'sum(rate(no_such_metric[{{interval}}]))' }));
    const r = await guard(['quiet', '--for', '8s', '--interval', '4s']);
    assert.equal(r.code, 3, r.out + r.err);
    assert.match(r.out, /not judged: inconclusive: no error rate for the new side \(empty or NaN result\); nothing was undone/);
  });

  test('cutover guard --prometheus: a healthy canary holds', async () => {
    const r = await guard(['cart', '--for', '12s', '--interval', '4s', '--max-p95', '300ms']);
    assert.equal(r.code, 0, r.out + r.err);
    assert.match(r.out, /guard cart: held/);
    assert.equal(t.sim.store.get(R.deployments, NS, 'cart-canary')!.spec.replicas, 1);
  });

  test('cutover guard --prometheus: a breaking canary is rolled back', async () => {
    const r = await guard(['shop', '--for', '20s', '--interval', '4s', '--max-p95', '300ms']);
    assert.equal(r.code, 1, r.out + r.err);
    assert.match(r.out, /guard shop: rolled back: canary: error rate \d\.\d% > 1\.0%/);
    await waitFor(() => t.sim.store.get(R.deployments, NS, 'shop-canary')!.spec.replicas === 0, 5000, 'canary at 0');
    assert.equal(t.sim.store.get(R.deployments, NS, 'shop-stable')!.spec.replicas, 3);
  });

  test('an unreachable Prometheus: errors up to the limit, then not judged', async () => {
    const closed = await freePort();
    const stdout = new Capture();
    const code = await runGuard(['cart', '--for', '30s', '--interval', '1s', '--prometheus', `http://127.0.0.1:${closed}`, '--kubeconfig', t.kubeconfigPath], { stdout, stderr: new Capture(), stateDir });
    assert.equal(code, 3, stdout.text);
    assert.match(stdout.text, new RegExp(`not judged: inconclusive: the metrics source failed 5 times in a row: cannot reach Prometheus at http://127\\.0\\.0\\.1:${closed} \\(ECONNREFUSED\\)`));
  });
});
