/**
 * How fast the cockpit's picture heals: a sim behind a TCP proxy, a ClusterWatch through it
 * (real client-node over HTTPS). For outages of 8 s and 20 s (connection refused), the time from
 * the server answering again to a live picture that has what changed meanwhile; for a stalled
 * connection (accepted, no bytes), the time until the health turns stale, and to heal after.
 * Run: npm run bench:recovery (or: node --import tsx bench/recovery.ts)
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { V1Deployment } from '@kubernetes/client-node';
import type { ClusterWatch } from '../src/kube/watch.js';
import { R } from '../src/sim/resources.js';
import { isLive, startWatched } from '../test/helpers/watched.js';
import { until } from './stats.js';

const replicasOfApi = (w: ClusterWatch) => ([...w.objects.deployments.values()] as V1Deployment[]).find((d) => d.metadata?.name === 'api')?.spec?.replicas;

/** ms from `from` until the first report that is live and shows api at `replicas`. */
async function healedAfter(w: Awaited<ReturnType<typeof startWatched<number | undefined>>>, from: number, replicas: number): Promise<number> {
  await until(() => w.timeline.some((s) => s.at >= from && s.live && s.data === replicas), 60_000, 'the picture to heal');
  return w.timeline.find((s) => s.at >= from && s.live && s.data === replicas)!.at - from;
}

async function outage(seconds: number): Promise<string> {
  const w = await startWatched(replicasOfApi);
  try {
    await until(() => isLive(w.watch.health), 30_000, 'first sync');
    await w.proxy.refuse();
    w.sim.store.mutate(R.deployments, 'default', 'api', (d) => (d.spec.replicas = 6));
    await sleep(seconds * 1000);
    const answered = Date.now();
    await w.proxy.resume();
    return `${await healedAfter(w, answered, 6)} ms`;
  } finally {
    await w.stop();
  }
}

async function stall(): Promise<[string, string]> {
  const w = await startWatched(replicasOfApi);
  try {
    await until(() => isLive(w.watch.health), 30_000, 'first sync');
    const stalled = Date.now();
    w.proxy.stall();
    w.sim.store.mutate(R.deployments, 'default', 'api', (d) => (d.spec.replicas = 6));
    await until(() => w.watch.health.lostSince !== undefined, 60_000, 'the stall to be noticed');
    const noticed = Date.now() - stalled;
    await sleep(2000);
    const flowing = Date.now();
    await w.proxy.resume();
    return [`${noticed} ms (${w.watch.health.failure?.reason})`, `${await healedAfter(w, flowing, 6)} ms`];
  } finally {
    await w.stop();
  }
}

const figures: [string, string][] = [];
figures.push(['heal after 8 s outage', await outage(8)]);
figures.push(['heal after 20 s outage', await outage(20)]);
const [noticed, healed] = await stall();
figures.push(['stalled connection noticed after', noticed]);
figures.push(['heal after the stall ends', healed]);
for (const [k, v] of figures) console.log(`${k.padEnd(34)} ${v}`);
process.exit(0);
