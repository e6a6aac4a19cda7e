/**
 * Differential checks: the same scenario runs against the embedded simulator and the real control
 * plane at the same time (the sim at speed 1, so timers line up), and what both show is compared
 * after normalising what legitimately differs (names, hashes, timestamps, uids, IPs).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Watch, type KubernetesObject } from '@kubernetes/client-node';
import { Sim } from '../../src/sim/sim.js';
import { service, zeroDowntimeDeployment } from '../../src/sim/scenarios.js';
import { after, before } from 'node:test';
import { removeDir, targetFor, useControlPlane, waitFor, type Target } from './controlPlane.js';

export interface SimTarget extends Target {
  sim: Sim;
  namespace(prefix: string): Promise<string>;
  stop(): Promise<void>;
}

/** A target that hands out fresh namespaces: the sim or the real control plane. */
export type NsTarget = Target & { namespace(prefix: string): Promise<string> };

/**
 * For a describe block: the real control plane and a sim at speed 1, started before and stopped
 * after. `both(f)` runs f on each at the same time and logs both results (describe them with
 * `show`, default JSON) for a failing diff.
 */
export function useSimAndControlPlane() {
  const cp = useControlPlane();
  let sim: SimTarget;
  before(async () => {
    sim = await startSimTarget(1);
  });
  after(async () => {
    await sim?.stop();
  });
  return async <T>(f: (t: NsTarget) => Promise<T>, show: (r: T) => string = (r) => JSON.stringify(r)) => {
    const [s, c] = await Promise.all([f(sim), f(cp())]);
    process.stderr.write(`# sim:\n#   ${show(s).split('\n').join('\n#   ')}\n# cluster:\n#   ${show(c).split('\n').join('\n#   ')}\n`);
    return { s, c };
  };
}

/** The simulator's recent log lines (controller errors, kubelet oddities) and controller trace per target, for failure reports. */
const simLogs = new WeakMap<Target, { log: string[]; trace: string[] }>();

/** Appends a time-stamped line, keeping the last `max` (in halves, not one shift per line). */
function keep(lines: string[], line: string, max: number): void {
  lines.push(`${new Date().toISOString()} ${line}`);
  if (lines.length > max) lines.splice(0, max >> 1);
}

export async function startSimTarget(speed = 1): Promise<SimTarget> {
  const log: string[] = [];
  const trace: string[] = [];
  const sim = new Sim({ speed, log: (line) => keep(log, line, 200), trace: (line) => keep(trace, line, 40_000) });
  await sim.listen(0);
  const dir = mkdtempSync(join(tmpdir(), 'cutover-diff-sim-'));
  const path = join(dir, 'kubeconfig');
  writeFileSync(path, sim.kubeconfig());
  const t = targetFor('sim', path, dir);
  let n = 0;
  const target: SimTarget = {
    ...t,
    sim,
    async namespace(prefix) {
      const ns = `${prefix}-${++n}`;
      const r = await t.kubectl(['create', 'namespace', ns]);
      if (r.code !== 0) throw new Error(`sim: create namespace ${ns}: ${r.stderr}`);
      return ns;
    },
    async stop() {
      await sim.stop();
      removeDir(dir);
    },
  };
  simLogs.set(target, { log, trace });
  return target;
}

export type Manifest = Record<string, any>;

export function deploymentManifest(
  ns: string,
  name: string,
  opts: {
    replicas: number;
    image?: string;
    maxSurge?: string | number;
    maxUnavailable?: string | number;
    recreate?: boolean;
    readyAfter?: number;
    neverReady?: boolean;
    progressDeadlineSeconds?: number;
    minReadySeconds?: number;
    grace?: number;
    preStopSleep?: number;
    shutdownAfter?: number;
    labels?: Record<string, string>;
    /** The app label (default: the name). */
    app?: string;
    changeCause?: string;
  },
): Manifest {
  // ready-aligned (kwok only): Ready at the whole second creationTimestamp + ready-after + 1, so a
  // batch created in one ReplicaSet sync turns Ready within one second, as the sim's kubelet does.
  const annotations: Record<string, string> = { 'sim.cutover.io/ready-after': String(opts.readyAfter ?? 1), 'sim.cutover.io/ready-aligned': 'true' };
  if (opts.neverReady) annotations['sim.cutover.io/never-ready'] = 'true';
  if (opts.shutdownAfter !== undefined) annotations['sim.cutover.io/shutdown-after'] = String(opts.shutdownAfter);
  const d = zeroDowntimeDeployment(ns, {
    name,
    app: opts.app ?? name,
    labels: opts.labels,
    replicas: opts.replicas,
    image: opts.image ?? `registry.local/${name}:v1`,
    maxSurge: opts.maxSurge,
    maxUnavailable: opts.maxUnavailable,
    progressDeadlineSeconds: opts.progressDeadlineSeconds,
    annotations,
    changeCause: opts.changeCause,
  }) as Manifest;
  const spec = d.spec;
  if (opts.minReadySeconds !== undefined) spec.minReadySeconds = opts.minReadySeconds;
  if (opts.recreate) spec.strategy = { type: 'Recreate' };
  const pod = spec.template.spec;
  pod.terminationGracePeriodSeconds = opts.grace ?? 2;
  if (opts.preStopSleep !== undefined) pod.containers[0].lifecycle = { preStop: { exec: { command: ['/bin/sh', '-c', `sleep ${opts.preStopSleep}`] } } };
  else delete pod.containers[0].lifecycle;
  return { apiVersion: 'apps/v1', kind: 'Deployment', ...d };
}

export function serviceManifest(ns: string, name: string, selector: Record<string, string>): Manifest {
  return { apiVersion: 'v1', kind: 'Service', ...service(ns, name, selector) };
}

export async function apply(t: Target, ...objs: Manifest[]): Promise<void> {
  const r = await t.kubectl(['apply', '-f', '-'], { input: objs.map((o) => JSON.stringify(o)).join('\n') });
  if (r.code !== 0) throw new Error(`${t.name}: kubectl apply: ${r.stderr}`);
}

export async function kubectlOk(t: Target, args: string[], timeoutMs = 60_000): Promise<string> {
  const r = await t.kubectl(args, { timeoutMs });
  if (r.code !== 0) {
    const state = args[0] === 'rollout' ? await snapshot(t, args) : '';
    const printed = r.stdout.trim() ? `\nit printed:\n${r.stdout.trim().split('\n').slice(-5).join('\n')}` : '';
    throw new Error(`${t.name}: kubectl ${args.join(' ')} (exit ${r.code}): ${r.stderr}${printed}${state}`);
  }
  return r.stdout;
}

/** What a failed rollout left behind: the namespace's Deployments, ReplicaSets and pods, their status, and the sim's log and controller trace for it. */
async function snapshot(t: Target, args: string[]): Promise<string> {
  const i = args.indexOf('-n');
  const ns = i >= 0 ? args[i + 1] : 'default';
  const wide = await t.kubectl(['get', 'deploy,rs,pods', '-n', ns, '-o', 'wide']);
  const status = await t.kubectl(['get', 'deploy,rs', '-n', ns, '-o', 'jsonpath={range .items[*]}{.kind}/{.metadata.name} gen={.metadata.generation} spec.replicas={.spec.replicas} minReadySeconds={.spec.minReadySeconds} status={.status}{"\\n"}{end}']);
  const ready = await t.kubectl(['get', 'pods', '-n', ns, '-o', 'jsonpath={range .items[*]}{.metadata.name} {.status.conditions[?(@.type=="Ready")]}{"\\n"}{end}']);
  const sim = simLogs.get(t);
  const log = sim?.log.slice(-40).join('\n') ?? '';
  const trace = sim?.trace.filter((l) => l.includes(` ${ns}/`)).slice(-80).join('\n') ?? '';
  return [
    `\n--- ${t.name} ${ns} at ${new Date().toISOString()}:\n${wide.stdout}${wide.stderr}`,
    `${status.stdout}${status.stderr}`,
    `pods' Ready condition:\n${ready.stdout}${ready.stderr}`,
    ...(log ? [`--- sim log:\n${log}`] : []),
    ...(trace ? [`--- sim controllers on ${ns} (last 80):\n${trace}`] : []),
  ].join('\n');
}

export async function getJson(t: Target, args: string[]): Promise<any> {
  return JSON.parse(await kubectlOk(t, ['get', ...args, '-o', 'json']));
}

/** A client-node watch on a namespaced collection, calling back with every event; returns a stop function. */
export async function watchCollection(t: Target, path: string, onEvent: (type: string, obj: any) => void): Promise<() => void> {
  const req = await new Watch(t.kc).watch(path, {}, (type, obj: KubernetesObject) => onEvent(type, obj), () => {});
  return () => req.abort();
}

/** Pushes a value unless it equals the last one. */
export function pushDistinct<T>(list: T[], v: T): void {
  if (list.length === 0 || JSON.stringify(list[list.length - 1]) !== JSON.stringify(v)) list.push(v);
}

/**
 * Waits until the wall clock is early in a second (100-400 ms past), so that a batch of pods
 * created now gets one creationTimestamp second (see ready-aligned).
 */
export async function earlyInSecond(): Promise<void> {
  for (;;) {
    const ms = Date.now() % 1000;
    if (ms >= 100 && ms <= 400) return;
    await new Promise((r) => setTimeout(r, ms < 100 ? 100 - ms : 1100 - ms));
  }
}

export async function rolledOut(t: Target, ns: string, name: string, timeoutMs = 60_000): Promise<void> {
  await kubectlOk(t, ['rollout', 'status', `deploy/${name}`, '-n', ns, `--timeout=${Math.round(timeoutMs / 1000)}s`], timeoutMs + 5000);
}

/** Replaces every occurrence of a name, RS/pod hash suffixes, timestamps, uids and IPs. */
export function normalise(text: string, names: Record<string, string> = {}): string {
  let s = text;
  for (const [from, to] of Object.entries(names)) s = s.split(from).join(to);
  return s
    .replace(/\b\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z\b/g, 'TIME')
    .replace(/\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/g, 'UID')
    .replace(/\b\d+\.\d+\.\d+\.\d+\b/g, 'IP');
}

export { waitFor };
