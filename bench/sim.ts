/**
 * Simulator benchmark at 5,000 pods: list latency through @kubernetes/client-node, watch events
 * per second delivered to 10 watchers, and the simulator's memory.
 * Run: npm run bench (or: npm exec -- node --import tsx bench/sim.ts [pods])
 */
import { CoreV1Api, KubeConfig, Watch } from '@kubernetes/client-node';
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
  await sim.listen(0);
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
    'watch events delivered/s (10 watchers)': `${Math.round(expected / watchSecs)} (${expected} events in ${watchSecs.toFixed(2)} s)`,
    'sim RSS': mib(mem.rss),
    'sim heap used': mib(mem.heapUsed),
  };
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
