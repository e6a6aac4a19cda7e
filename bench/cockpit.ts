/**
 * Cockpit benchmark at 5,000 pods (or any number: 50,000 with `npm run bench -- --50k`) with steady churn: event-to-frame and key-to-frame latency,
 * and the cockpit's RSS and CPU. The sim runs in a child process; the cockpit renders with ink
 * (same options as the real one) into an in-memory terminal.
 * Run: npm run bench (or: npm exec -- node --import tsx bench/cockpit.ts [pods]); on a real API server
 * filled by `npm run bench:peers`: BENCH_KUBECONFIG=FILE node --import tsx bench/cockpit.ts [pods].
 * BENCH_CHURN=RELABELS,DELETES sets the churn per second (default 100,2); BENCH_NAMESPACES=N spreads
 * the sim's pods over N namespaces and watches all of them (-A).
 */
import './production.js';
import { EventEmitter } from 'node:events';
import { performance } from 'node:perf_hooks';
import { spawn } from 'node:child_process';
import { KubeConfig, KubernetesObjectApi, PatchStrategy } from '@kubernetes/client-node';
import { Cockpit } from '../src/engine/cockpit.js';
import { renderCockpit } from '../views/run.js';
import { Stdin } from '../test/views/harness.js';
import { startSimChild } from './simChild.js';
import { mib, ms, percentile, until } from './stats.js';
import { settle } from './controlPlane.js';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

class Terminal extends EventEmitter {
  isTTY = true;
  columns = 160;
  rows = 50;
  writes: number[] = [];
  write = (_chunk: string) => {
    this.writes.push(performance.now());
    return true;
  };
}

/** When the first frame at or after `t` was written. */
const nextWriteAfter = async (term: Terminal, t: number, timeoutMs = 5000): Promise<number> => {
  const end = performance.now() + timeoutMs;
  for (;;) {
    const w = term.writes.find((x) => x >= t);
    if (w !== undefined) return w;
    if (performance.now() > end) throw new Error('no frame was written');
    await new Promise((r) => setImmediate(r));
  }
};

/** Pod label writes and pod deletions per second (BENCH_CHURN=RELABELS,DELETES; default 100,2). */
const CHURN = (process.env.BENCH_CHURN ?? '100,2').split(',').slice(0, 2);
/**
 * BENCH_NAMESPACES=N: the cockpit watches all namespaces, as with -A; the sim spreads its pods over
 * N namespaces (a real server holds what `BENCH_NAMESPACES=N npm run bench:peers` filled).
 */
const NAMESPACES = Number(process.env.BENCH_NAMESPACES ?? 1);
/** Cursor keys pressed (BENCH_KEYS=N, default 100). */
const KEYS = Number(process.env.BENCH_KEYS ?? 100);

/**
 * The cluster under the cockpit: the sim in a child process, or with BENCH_KUBECONFIG=FILE a real
 * API server whose namespace `load` holds the pods already (`npm run bench:peers` fills it), with
 * the same churn from bench/churn.ts in a child process. A kubeconfig in a `cluster/start.sh`
 * state dir: first waits for that control plane to settle (runs on a busy one measure its backlog).
 */
async function cluster(pods: number): Promise<{ kc: KubeConfig; stop: () => void; settled?: string }> {
  const kubeconfig = process.env.BENCH_KUBECONFIG;
  if (!kubeconfig) return startSimChild(pods, [...CHURN, String(NAMESPACES)]);
  const stateDir = dirname(resolve(kubeconfig));
  const settled = existsSync(join(stateDir, 'pids')) ? await settle(stateDir) : undefined;
  const kc = new KubeConfig();
  kc.loadFromFile(kubeconfig);
  const churn = spawn(process.execPath, ['--import', 'tsx', 'bench/churn.ts', kubeconfig, ...CHURN], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    churn.stdout.on('data', (d) => String(d).includes('ready') && resolve());
    churn.on('exit', (code) => reject(new Error(`churn process exited with ${code}`)));
  });
  return { kc, stop: () => churn.kill('SIGTERM'), settled };
}

export async function benchCockpit(pods = Number(process.argv[2] ?? 5000)): Promise<Record<string, string>> {
  const sim = await cluster(pods);
  try {
    const kc = sim.kc;
    const cockpit = new Cockpit({ kc, ...(NAMESPACES > 1 ? { allNamespaces: true } : { namespace: 'load' }) });
    const term = new Terminal();
    const keys = new Stdin();
    const t0 = performance.now();
    // First rows in the store, every kind synced (the store's health), and each new desired count
    // of load-000, as they happen: subscribed before the views, so before a frame they render.
    let rowsAt = 0;
    let syncedAt = 0;
    const desiredAt = new Map<number, number>();
    cockpit.store.subscribe((s) => {
      if (!rowsAt && s.view.releases.length > 0) rowsAt = performance.now();
      if (!syncedAt && s.health.synced) syncedAt = performance.now();
      const desired = s.view.releases.find((r) => r.name === 'load-000' && r.namespace === 'load')?.primary.desired;
      if (desired !== undefined && !desiredAt.has(desired)) desiredAt.set(desired, performance.now());
    });
    cockpit.start();
    const ui = renderCockpit(cockpit, { stdout: term as unknown as NodeJS.WriteStream, stdin: keys as unknown as NodeJS.ReadStream, stderr: term as unknown as NodeJS.WriteStream });
    const releases = Math.ceil(pods / 50);
    const timeout = Math.max(120_000, pods * 12);
    await until(() => rowsAt > 0, timeout, 'the first release rows');
    const firstFrameMs = (await nextWriteAfter(term, rowsAt, timeout)) - t0;
    await until(() => cockpit.store.getState().view.releases.length >= releases && cockpit.store.getState().snapshot.pods.length >= pods, timeout, 'the cockpit to list every pod');
    const syncMs = performance.now() - t0;
    await until(() => syncedAt > 0, timeout, 'every kind to sync');

    // Event to frame: scale load-000; time from the event reaching the cockpit's informer cache
    // to the first frame written that shows it (and, for reference, from the request).
    const objects = KubernetesObjectApi.makeApiClient(kc);
    const deployments = (cockpit as unknown as { watch: { objects: { deployments: Map<string, { spec?: { replicas?: number } }> } } }).watch.objects.deployments;
    const cached = () => deployments.get('load/load-000')?.spec?.replicas;
    const eventLat: number[] = [];
    const requestLat: number[] = [];
    for (let i = 0; i < 30; i++) {
      const replicas = i % 2 === 0 ? 49 : 50;
      desiredAt.delete(replicas);
      const start = performance.now();
      await objects.patch({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'load-000', namespace: 'load' }, spec: { replicas } }, undefined, undefined, 'bench', undefined, PatchStrategy.MergePatch);
      while (cached() !== replicas) await new Promise((r) => setImmediate(r));
      const arrived = performance.now();
      await until(() => desiredAt.has(replicas), 10_000, 'the scale to reach the store');
      const frame = await nextWriteAfter(term, desiredAt.get(replicas)!);
      eventLat.push(frame - arrived);
      requestLat.push(frame - start);
      await new Promise((r) => setTimeout(r, 150));
    }

    // Key to frame: cursor moves.
    const keyLat: number[] = [];
    // Keys at uneven gaps (100 to 300 ms, the same sequence every run): at a fixed gap the keys
    // locked onto the flushes' 150-ms beat and each landed just after a flush's frame, in ink's
    // frame window.
    // 100 keys by default (BENCH_KEYS=N): a p95 of 40 was their second worst.
    for (let i = 0; i < KEYS; i++) {
      await new Promise((r) => setTimeout(r, 100 + ((i * 7919) % 201)));
      const start = performance.now();
      keys.write(i % 2 === 0 ? 'j' : 'k');
      keyLat.push((await nextWriteAfter(term, start)) - start);
    }

    // CPU and memory under steady churn, no input.
    const cpu0 = process.cpuUsage();
    const w0 = performance.now();
    await new Promise((r) => setTimeout(r, 10_000));
    const cpu = process.cpuUsage(cpu0);
    const wall = performance.now() - w0;
    const { rss, heapUsed, external, arrayBuffers } = process.memoryUsage();
    const snap = cockpit.store.getState().snapshot;
    cockpit.quit();
    // ink's exit promise does not settle on an in-memory terminal; give it a moment only.
    await Promise.race([ui, new Promise((r) => setTimeout(r, 500))]);
    await cockpit.stop();
    return {
      pods: String(pods),
      ...(sim.settled ? { 'before the cockpit': sim.settled } : {}),
      'first frame with release rows': ms(firstFrameMs),
      'every kind synced': ms(syncedAt - t0),
      'initial sync (list + first frame)': ms(syncMs),
      'event-to-frame p50': ms(percentile(eventLat, 50)),
      'event-to-frame p95': ms(percentile(eventLat, 95)),
      'key-to-frame p50': ms(percentile(keyLat, 50)),
      'key-to-frame p95': ms(percentile(keyLat, 95)),
      'key-to-frame worst five': keyLat.sort((a, b) => b - a).slice(0, 5).map((x) => x.toFixed(0)).join(', ') + ' ms',
      'request-to-frame p50 (incl. server lag)': ms(percentile(requestLat, 50)),
      'cockpit RSS': mib(rss),
      'cockpit heap used': `${mib(heapUsed)} (external ${mib(external)}, array buffers ${mib(arrayBuffers)})`,
      'objects held': `${snap.pods.length} pods, ${snap.events.length} events, ${snap.replicasets.length} replicasets`,
      'cockpit CPU under churn': `${(((cpu.user + cpu.system) / 1000 / wall) * 100).toFixed(0)}% of one core`,
    };
  } finally {
    sim.stop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const figures = await benchCockpit();
  for (const [k, v] of Object.entries(figures)) console.log(`${k.padEnd(40)} ${v}`);
  process.exit(0);
}
