/**
 * What one flush costs at N pods, without I/O: the sim's objects as the informers would hold
 * them, then a derive for a flush that changed nothing, one pod, one Event, one Deployment: its
 * whole time, and its longest step (deriveSteps: what a key pressed during the flush waits for).
 * Usage: [BENCH_OBJECTS=FILE] [BENCH_CASE=N BENCH_ROUNDS=R] node --import tsx bench/derive.ts [PODS]
 */
import type { KubernetesObject } from '@kubernetes/client-node';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { DeriveMemo, deriveSteps } from '../src/derive/derive.js';
import { SNAPSHOT_KINDS, snapshotOf, type Snapshot, type Versions } from '../src/derive/snapshot.js';
import type { ObjectMaps } from '../src/kube/watch.js';
import { boundForKind, keepForKind } from '../src/kube/transform.js';
import { Sim } from '../src/sim/sim.js';
import { R } from '../src/sim/resources.js';
import { installLoad } from '../src/sim/scenarios.js';
import { RESOURCE } from '../test/helpers/snapshot.js';
import { percentile } from './stats.js';

const PODS = Number(process.argv[2] ?? 5000);
/** BENCH_NAMESPACES=N: the pods spread over `load`, `load-1`, ... as a cockpit with -A sees them. */
const NAMESPACES = Array.from({ length: Number(process.env.BENCH_NAMESPACES ?? 1) }, (_, i) => (i === 0 ? 'load' : `load-${i}`));

/** The sim's objects at PODS, as the informers hold them (trimmed, Events bounded); BENCH_OBJECTS=FILE keeps them between runs. */
async function objects(): Promise<Record<string, [string, KubernetesObject][]>> {
  const file = process.env.BENCH_OBJECTS;
  if (file && existsSync(file)) return JSON.parse(readFileSync(file, 'utf8'));
  const sim = new Sim({ speed: 50 });
  for (const ns of NAMESPACES) installLoad(sim, Math.ceil(PODS / NAMESPACES.length), ns);
  const running = () => {
    let n = 0;
    for (const p of sim.store.scan(R.pods)) if (p.status?.phase === 'Running' && p.status.conditions?.some((c: { type: string; status: string }) => c.type === 'Ready' && c.status === 'True')) n++;
    return n;
  };
  while (running() < PODS) await new Promise((r) => setTimeout(r, 200));
  await new Promise((r) => setTimeout(r, 1000));
  const out: Record<string, [string, KubernetesObject][]> = {};
  for (const kind of SNAPSHOT_KINDS) {
    let items = sim.store.list(RESOURCE[kind]).map((o) => keepForKind(kind, structuredClone(o) as KubernetesObject));
    const bound = boundForKind(kind);
    if (bound && items.length > bound.max) items = items.sort((a, b) => bound.time(b) - bound.time(a)).slice(0, bound.max);
    out[kind] = items.map((o) => [`${o.metadata?.namespace}/${o.metadata?.name}`, o]);
  }
  await sim.stop();
  if (file) writeFileSync(file, JSON.stringify(out));
  return out;
}

const loaded = await objects();
const maps = Object.fromEntries(SNAPSHOT_KINDS.map((k) => [k, new Map(loaded[k])])) as unknown as ObjectMaps;
const versions: Versions = Object.fromEntries(SNAPSHOT_KINDS.map((k) => [k, 0]));
const memo = new DeriveMemo();
let snap: Snapshot | undefined;
let then: Versions = {};
let now = Date.now();
/** As the cockpit: the watch began once, a minute before the first flush. */
const observedSince = now - 60_000;

/** One flush: its whole time and its longest step (the snapshot counts as one). */
function flush(): { total: number; step: number } {
  const t = performance.now();
  const current = { ...versions };
  snap = snapshotOf(maps, snap ? { previous: snap, then, now: current } : undefined);
  then = current;
  now += 150;
  const steps = deriveSteps(snap, memo, now, { observedSince });
  let longest = 0;
  for (let last = t; ; ) {
    const done = steps.next().done;
    const at = performance.now();
    longest = Math.max(longest, at - last);
    last = at;
    if (done) break;
  }
  return { total: performance.now() - t, step: longest };
}

const keys = Object.fromEntries(SNAPSHOT_KINDS.map((k) => [k, [...maps[k].keys()]]));
const touch = <K extends keyof ObjectMaps>(kind: K, change: (o: KubernetesObject) => KubernetesObject) => {
  const map = maps[kind] as Map<string, KubernetesObject>;
  const key = keys[kind][Math.floor(Math.random() * keys[kind].length)];
  map.set(key, change(map.get(key)!));
  versions[kind] = (versions[kind] ?? 0) + 1;
};
let n = 0;
const relabel = (o: KubernetesObject) => ({ ...o, metadata: { ...o.metadata, resourceVersion: `x${++n}`, labels: { ...o.metadata?.labels, churn: String(n) } } });
const newEvent = () => {
  const map = maps.events as Map<string, KubernetesObject>;
  const any = map.values().next().value as KubernetesObject & { lastTimestamp?: Date };
  const name = `bench.${++n}`;
  map.set(`${any.metadata?.namespace}/${name}`, { ...any, metadata: { ...any.metadata, name, uid: name, resourceVersion: `x${n}` }, lastTimestamp: new Date(now) } as KubernetesObject);
  versions.events = (versions.events ?? 0) + 1;
};

const cases: [string, () => void][] = [
  ['nothing changed', () => {}],
  ['one pod relabelled', () => touch('pods', relabel)],
  ['one Event added', newEvent],
  ['one Deployment relabelled', () => touch('deployments', relabel)],
  ['one pod, one Event, one Deployment', () => (touch('pods', relabel), newEvent(), touch('deployments', relabel))],
];
const cold = flush().total;
console.log(`${maps.pods.size} pods, ${maps.events.size} Events held, ${maps.deployments.size} Deployments; first derive ${cold.toFixed(0)} ms`);
// BENCH_CASE=N runs only that case, BENCH_ROUNDS times (for a profile).
const only = process.env.BENCH_CASE;
const rounds = Number(process.env.BENCH_ROUNDS ?? 30);
for (const [name, change] of only ? [cases[Number(only)]] : cases) {
  const times: number[] = [];
  const steps: number[] = [];
  for (let i = 0; i < rounds; i++) {
    change();
    const f = flush();
    times.push(f.total);
    steps.push(f.step);
  }
  const ms = (xs: number[]) => `p50 ${percentile(xs, 50).toFixed(1)} ms  p95 ${percentile(xs, 95).toFixed(1)} ms`;
  console.log(`${name.padEnd(36)} ${ms(times)}   longest step ${ms(steps)}`);
}
