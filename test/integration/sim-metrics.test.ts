/**
 * The simulated pods' Prometheus exposition through the API server's pod proxy, read over HTTPS
 * with the admin token and with real kubectl (`get --raw`), under a virtual clock.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { VirtualClock } from '../../src/sim/clock.js';
import { R } from '../../src/sim/resources.js';
import type { Obj } from '../../src/sim/store.js';
import { deployment, startSim, type TestSim } from '../helpers/sim.js';

const NS = 'default';

function app(name: string, annotations: Record<string, string>, replicas = 1) {
  const d = deployment(name, { replicas, image: `registry.local/${name}:v1` }) as any;
  d.spec.template.metadata.annotations = { 'sim.cutover.io/ready-after': '0', ...annotations };
  d.spec.template.spec.containers[0].ports = [{ containerPort: 8080 }];
  return d;
}

const podsOf = (t: TestSim, name: string): Obj[] => t.sim.store.list(R.pods, NS, (p) => p.metadata.labels?.app === name);

function series(text: string, name: string): number {
  const line = text.split('\n').find((l) => l.slice(0, l.lastIndexOf(' ')) === name);
  assert.ok(line, `no ${name} in:\n${text}`);
  return Number(line!.slice(line!.lastIndexOf(' ') + 1));
}

describe('sim pod proxy: /metrics', () => {
  let t: TestSim;
  before(async () => {
    t = await startSim({ clock: new VirtualClock(), users: new Map([['no-proxy', { username: 'no-proxy', groups: ['system:authenticated'], readOnly: false, denied: ['pods/proxy'] }]]) });
    t.sim.store.create(R.deployments, app('healthy', {}));
    t.sim.store.create(R.deployments, app('bad', { 'sim.cutover.io/error-rate': '5', 'sim.cutover.io/latency-ms': '120', 'sim.cutover.io/rps': '20' }));
    await t.sim.advance(2_000); // scheduled, started
  });
  after(() => t.stop());

  test('counters grow with the sim clock as the annotations say', async () => {
    const [pod] = podsOf(t, 'bad');
    const path = `/api/v1/namespaces/${NS}/pods/${pod.metadata.name}:8080/proxy/metrics`;
    const first = await (await t.fetch(path)).text();
    await t.sim.advance(100_000);
    const res = await t.fetch(path);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
    const second = await res.text();
    const total = (s: string) => series(s, 'http_requests_total{code="200"}') + series(s, 'http_requests_total{code="500"}');
    assert.equal(total(second) - total(first), 2000, '20 rps for 100 s');
    const errors = series(second, 'http_requests_total{code="500"}') - series(first, 'http_requests_total{code="500"}');
    assert.ok(Math.abs(errors - 100) <= 1, `5% of 2000 are errors, got ${errors}`);
    assert.equal(series(second, 'http_request_duration_seconds_count'), total(second));
    // Latencies spread evenly over 60..180 ms: none under 50 ms, all under 200 ms.
    assert.equal(series(second, 'http_request_duration_seconds_bucket{le="0.05"}'), 0);
    assert.equal(series(second, 'http_request_duration_seconds_bucket{le="0.2"}'), total(second));
  });

  test('defaults are a healthy app; the port may be left out', async () => {
    const [pod] = podsOf(t, 'healthy');
    const text = await (await t.fetch(`/api/v1/namespaces/${NS}/pods/${pod.metadata.name}/proxy/metrics`)).text();
    assert.equal(series(text, 'http_requests_total{code="500"}'), 0);
    assert.ok(series(text, 'http_requests_total{code="200"}') > 0);
  });

  test('kubectl get --raw reads it', async () => {
    const [pod] = podsOf(t, 'healthy');
    const r = await t.kubectl(['get', '--raw', `/api/v1/namespaces/${NS}/pods/${pod.metadata.name}:8080/proxy/metrics`]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^# HELP http_requests_total/m);
  });

  test('a pod not running, or a port nothing listens on, gets the API server proxy errors', async () => {
    t.sim.store.create(R.deployments, app('late', { 'sim.cutover.io/start-after': '30' }));
    await t.sim.advance(1_000);
    const [pending] = podsOf(t, 'late');
    const res = await t.fetch(`/api/v1/namespaces/${NS}/pods/${pending.metadata.name}:8080/proxy/metrics`);
    assert.equal(res.status, 400);
    assert.equal(((await res.json()) as { message: string }).message, 'address not allowed');

    const [running] = podsOf(t, 'healthy');
    const wrongPort = await t.fetch(`/api/v1/namespaces/${NS}/pods/${running.metadata.name}:9999/proxy/metrics`);
    assert.equal(wrongPort.status, 503);
    const body = (await wrongPort.json()) as { reason: string; message: string };
    assert.equal(body.reason, 'ServiceUnavailable');
    assert.equal(body.message, `error trying to reach service: dial tcp ${running.status.podIP}:9999: connect: connection refused`);
  });

  test('pods/proxy is its own permission', async () => {
    const [pod] = podsOf(t, 'healthy');
    const res = await t.fetch(`/api/v1/namespaces/${NS}/pods/${pod.metadata.name}/proxy/metrics`, { token: 'no-proxy' });
    assert.equal(res.status, 403);
    const body = (await res.json()) as { message: string };
    assert.match(body.message, /cannot get resource "pods\/proxy" in API group "" in the namespace "default"/);
    const missing = await t.fetch(`/api/v1/namespaces/${NS}/pods/nope/proxy/metrics`);
    assert.equal(missing.status, 404);
  });
});
