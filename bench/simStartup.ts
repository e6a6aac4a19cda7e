/**
 * The simulator's start at scale: `installLoad(sim, PODS)` until every pod is Running and Ready,
 * then the process's memory after a full GC. Run with --expose-gc for the after-GC figures:
 *   node --expose-gc --import tsx bench/simStartup.ts [pods]
 */
import { performance } from 'node:perf_hooks';
import { Sim } from '../src/sim/sim.js';
import { R } from '../src/sim/resources.js';
import { installLoad } from '../src/sim/scenarios.js';
import { isPodReady } from '../src/sim/controllers/podUtil.js';
import { mib, until } from './stats.js';

const PODS = Number(process.argv[2] ?? 50_000);

export async function benchSimStartup(pods = PODS): Promise<Record<string, string>> {
  const sim = new Sim({ speed: 50 });
  await sim.listen(0);
  const ready = readyPods(sim);
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  installLoad(sim, pods);
  await until(() => ready.size >= pods, 600_000, `${pods} Running and Ready pods`);
  const startup = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  global.gc?.();
  const mem = process.memoryUsage();
  const figures = {
    pods: String(pods),
    'startup to all Running and Ready': `${(startup / 1000).toFixed(1)} s (simulated x50)`,
    // Less bent by other work on the machine than the elapsed time.
    'CPU time of the start-up': `${((cpu.user + cpu.system) / 1e6).toFixed(1)} s`,
    [`RSS${global.gc ? ' after GC' : ' (no --expose-gc)'}`]: mib(mem.rss),
    'heap used': mib(mem.heapUsed),
    'peak RSS': mib(process.resourceUsage().maxRSS * 1024),
    'objects stored': `${sim.store.count(R.pods)} pods, ${sim.store.count(R.events)} events`,
  };
  await sim.stop();
  return figures;
}

/** Names of the Running and Ready pods in namespace load, kept from the store's events (a scan per poll would cost the sim's time). */
function readyPods(sim: Sim): Set<string> {
  const ready = new Set<string>();
  sim.store.subscribe((ev) => {
    if (ev.rt !== R.pods || ev.object.metadata.namespace !== 'load') return;
    if (ev.type !== 'DELETED' && ev.object.status?.phase === 'Running' && isPodReady(ev.object)) ready.add(ev.object.metadata.name!);
    else ready.delete(ev.object.metadata.name!);
  });
  return ready;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const figures = await benchSimStartup();
  for (const [k, v] of Object.entries(figures)) console.log(`${k.padEnd(40)} ${v}`);
  process.exit(0);
}
