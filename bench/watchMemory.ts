/**
 * What the watch holds at N pods, alone: a sim in a child process (N pods in namespace `load`, no
 * churn), a ClusterWatch reading it, and after every kind has synced, the heap after a full GC and
 * the RSS. Compares implementations of src/kube/watch.ts run by run.
 * Run: node --expose-gc --import tsx bench/watchMemory.ts [PODS]
 */
import { performance } from 'node:perf_hooks';
import { connect } from '../src/kube/config.js';
import { ClusterWatch } from '../src/kube/watch.js';
import { startSimChild } from './simChild.js';
import { mib, ms, until } from './stats.js';

const pods = Number(process.argv[2] ?? 5000);
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with node --expose-gc');
const sim = await startSimChild(pods, ['0', '0']);
try {
  const kc = sim.kc;
  gc();
  const base = process.memoryUsage();
  const t0 = performance.now();
  const watch = new ClusterWatch(connect(kc, { namespace: 'load' }), () => {});
  watch.start();
  await until(() => watch.synced && watch.objects.pods.size >= pods, 300_000, 'every kind to sync');
  const syncMs = performance.now() - t0;
  // Let the watches settle, then measure what stays.
  await new Promise((r) => setTimeout(r, 3000));
  gc();
  const m = process.memoryUsage();
  const figures = {
    pods: String(watch.objects.pods.size),
    events: String(watch.objects.events.size),
    'all kinds synced': ms(syncMs),
    'heap after GC (watch only)': mib(m.heapUsed - base.heapUsed),
    'RSS (process)': mib(m.rss),
  };
  for (const [k, v] of Object.entries(figures)) console.log(`${k.padEnd(28)} ${v}`);
  await watch.stop();
} finally {
  sim.stop();
}
process.exit(0);
