/**
 * Simulator benchmark at 5,000 pods: list latency through @kubernetes/client-node and as a Table
 * (kubectl get), watch events per second delivered to 10 watchers, how long a created Event takes
 * to reach a watcher (what a partner cockpit sees after an action), and the simulator's memory.
 * Run: npm run bench (or: npm exec -- node --import tsx bench/sim.ts [pods])
 */
import { CoreV1Api, KubeConfig, Watch, type CoreV1Event } from '@kubernetes/client-node';
import { request } from 'node:https';
import { performance } from 'node:perf_hooks';
import { Sim } from '../src/sim/sim.js';
import { R } from '../src/sim/resources.js';
import { installLoad } from '../src/sim/scenarios.js';
import { mib, ms, percentile, until } from './stats.js';

const PODS = Number(process.argv[2] ?? 5000);
const WATCHERS = 10;
const CHANGES = 2000;

export async function benchSim(pods = PODS): Promise<Record<string, string>> {
  const sim = new Sim({ speed: 50 });
  const url = await sim.listen(0);
  const t0 = performance.now();
  installLoad(sim, pods);
  await until(() => countRunning(sim) >= pods, 300_000, `${pods} running pods`);
  const startup = performance.now() - t0;
  global.gc?.();
  const mem = process.memoryUsage();

  const kc = new KubeConfig();
  kc.loadFromString(sim.kubeconfig());
  const core = kc.makeApiClient(CoreV1Api);
  const lat: number[] = [];
  for (let i = 0; i < 10; i++) {
    const s = performance.now();
    const list = await core.listNamespacedPod({ namespace: 'load' });
    lat.push(performance.now() - s);
    if (list.items.length < pods) throw new Error(`listed ${list.items.length} pods, expected ${pods}`);
  }

  const tableLat: number[] = [];
  for (let i = 0; i < 10; i++) {
    const s = performance.now();
    const rows = await tableRows(`${url}/api/v1/namespaces/load/pods`, sim);
    tableLat.push(performance.now() - s);
    if (rows < pods) throw new Error(`listed ${rows} table rows, expected ${pods}`);
  }

  // An Event created through the API, until one watcher has it: 20 times.
  const eventLat: number[] = [];
  let arrived: (name: string) => void = () => {};
  const eventWatch = await new Watch(kc).watch('/api/v1/namespaces/load/events', { resourceVersion: String(sim.store.resourceVersion) }, (type, e: CoreV1Event) => {
    if (type === 'ADDED' && e.metadata?.name) arrived(e.metadata.name);
  }, () => {});
  await new Promise((r) => setTimeout(r, 300));
  for (let i = 0; i < 20; i++) {
    const name = `bench-event-${i}`;
    const seen = new Promise<void>((resolve) => (arrived = (n) => n === name && resolve()));
    const s = performance.now();
    await core.createNamespacedEvent({
      namespace: 'load',
      body: { metadata: { name, namespace: 'load' }, involvedObject: { kind: 'Deployment', name: 'load-000', namespace: 'load' }, reason: 'Bench', message: 'bench', type: 'Normal' },
    });
    await seen;
    eventLat.push(performance.now() - s);
  }
  eventWatch.abort();

  // 10 watchers from the current RV; then CHANGES label writes; count deliveries.
  const rv = String(sim.store.resourceVersion);
  let received = 0;
  const requests: { abort(): void }[] = [];
  for (let i = 0; i < WATCHERS; i++) {
    requests.push(
      await new Watch(kc).watch('/api/v1/namespaces/load/pods', { resourceVersion: rv }, (type) => {
        if (type === 'MODIFIED') received++;
      }, () => {}),
    );
  }
  await new Promise((r) => setTimeout(r, 300));
  const names = sim.store.list(R.pods, 'load').map((p) => p.metadata.name!).slice(0, CHANGES);
  const ws = performance.now();
  let i = 0;
  for (const name of names) sim.store.mutate(R.pods, 'load', name, (p) => (p.metadata.labels = { ...p.metadata.labels, bench: String(i++) }));
  const expected = names.length * WATCHERS;
  await until(() => received >= expected, 120_000, `${expected} watch events`);
  const watchSecs = (performance.now() - ws) / 1000;
  for (const r of requests) r.abort();
  await sim.stop();
  return {
    pods: String(pods),
    'startup to all Running': `${(startup / 1000).toFixed(1)} s (simulated x50)`,
    'list pods p50': ms(percentile(lat, 50)),
    'list pods p95': ms(percentile(lat, 95)),
    'list pods as Table p50': ms(percentile(tableLat, 50)),
    'list pods as Table p95': ms(percentile(tableLat, 95)),
    'Event create to a watcher p50': ms(percentile(eventLat, 50)),
    'Event create to a watcher p95': ms(percentile(eventLat, 95)),
    'watch events delivered/s (10 watchers)': `${Math.round(expected / watchSecs)} (${expected} events in ${watchSecs.toFixed(2)} s)`,
    'sim RSS': mib(mem.rss),
    'sim heap used': mib(mem.heapUsed),
  };
}

/** GET as a Table (what kubectl get asks for), with the admin token; returns the row count. */
function tableRows(url: string, sim: Sim): Promise<number> {
  return new Promise((resolve, reject) => {
    const headers = { Accept: 'application/json;as=Table;v=v1;g=meta.k8s.io', Authorization: `Bearer ${sim.tokens.admin}` };
    request(url, { headers, ca: sim.tls.ca }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve((JSON.parse(Buffer.concat(chunks).toString()).rows ?? []).length));
      res.on('error', reject);
    })
      .on('error', reject)
      .end();
  });
}

function countRunning(sim: Sim): number {
  let n = 0;
  for (const p of sim.store.scan(R.pods, 'load')) if (p.status?.phase === 'Running') n++;
  return n;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const figures = await benchSim();
  for (const [k, v] of Object.entries(figures)) console.log(`${k.padEnd(40)} ${v}`);
  process.exit(0);
}
