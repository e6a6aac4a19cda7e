/**
 * The simulated kubelets of every node: runs bound pods through Pending -> Running -> Ready,
 * crash loops with CrashLoopBackOff, Job pods to Succeeded/Failed, and graceful deletion
 * (preStop while still serving, SIGTERM, exit or SIGKILL at the grace deadline, then removal).
 *
 * Timing comes from pod annotations (src/sim/podBehaviour.ts). Every transition is scheduled on
 * the clock; transitions due at the same instant are handled in one sync (one key per due time),
 * so pods created together become Ready together, as the worked examples assume.
 */
import { createHash } from 'node:crypto';
import { isoSeconds, isoTime } from '../clock.js';
import { podBehaviour, type PodBehaviour } from '../podBehaviour.js';
import { R } from '../resources.js';
import { keyOf, splitKey, type Controller, type SimContext } from '../runtime.js';
import { jsonEqual } from '../json.js';
import { isPodTerminal, type Obj, type StoreEvent } from '../store.js';

export const KUBELET_COMPONENT = 'kubelet';
const BACKOFF_INITIAL_MS = 10_000;
const BACKOFF_MAX_MS = 300_000;
const PRESTOP_EXTENSION_MS = 2_000;

interface Termination {
  start: number;
  /** start + grace period, before any preStop extension. */
  graceEnd: number;
  sigtermAt: number;
  killAt: number;
  readyFalseAt: number;
  exitAt: number;
  killed: boolean;
  sigtermLogged?: boolean;
}

interface PodRuntime {
  uid: string;
  key: string;
  node: string;
  b: PodBehaviour;
  boundAt: number;
  /** The current container instance started (undefined while Pending or in back-off). */
  runningSince?: number;
  startDue: number;
  readyDue?: number;
  ready: boolean;
  readySince?: number;
  crashDue?: number;
  exitDue?: number;
  restartCount: number;
  lastState?: any;
  /** In CrashLoopBackOff until then. */
  backoffUntil?: number;
  backoffMs?: number;
  finished?: { exitCode: number; reason: string; startedAt: number; finishedAt: number };
  term?: Termination;
  ip?: string;
  ipSlot?: number;
  containerId?: { restarts: number; id: string };
}

const sha = (s: string): string => createHash('sha256').update(s).digest('hex');

export class Kubelet implements Controller {
  readonly name = 'kubelet';
  private readonly pods = new Map<string, PodRuntime>(); // uid -> runtime
  private readonly due = new Map<number, Set<string>>(); // due ms -> pod keys
  private readonly pulled = new Set<string>(); // node \0 image
  private readonly ipFree = new Map<string, number[]>();
  private readonly ipNext = new Map<string, number>();

  constructor(private readonly ctx: SimContext) {
    for (const p of ctx.store.scan(R.pods)) this.latest.set(keyOf(p), p);
  }

  /** The latest stored (frozen) pod per key, so syncs read without copying. */
  private readonly latest = new Map<string, Obj>();

  onEvent(ev: StoreEvent, queue: (key: string) => void): void {
    if (ev.rt !== R.pods) return;
    const pod = ev.object;
    const key = keyOf(pod);
    if (ev.type === 'DELETED') {
      this.latest.delete(key);
      const rt = this.pods.get(pod.metadata.uid!);
      if (rt) this.forget(rt);
      return;
    }
    this.latest.set(key, pod);
    if (!pod.spec?.nodeName) return;
    // Our own status writes need no re-sync: only binding and deletion move a known pod on.
    const known = this.pods.has(pod.metadata.uid!);
    const old = ev.old;
    if (known && old && old.spec?.nodeName === pod.spec.nodeName && old.metadata.deletionTimestamp === pod.metadata.deletionTimestamp && old.metadata.deletionGracePeriodSeconds === pod.metadata.deletionGracePeriodSeconds) return;
    queue(key);
  }

  sync(key: string): void {
    if (key.startsWith('@')) {
      const at = Number(key.slice(1));
      const keys = this.due.get(at);
      this.due.delete(at);
      for (const k of keys ?? []) this.syncPod(k);
      return;
    }
    this.syncPod(key);
  }

  private log(rt: PodRuntime, line: string): void {
    let l = this.ctx.podLogs.get(rt.uid);
    if (!l) this.ctx.podLogs.set(rt.uid, (l = []));
    l.push(`${isoTime(this.ctx.clock)} ${line}`);
    if (l.length > 2000) l.splice(0, l.length - 1000);
  }

  private event(pod: Obj, rt: PodRuntime, type: 'Normal' | 'Warning', reason: string, message: string): void {
    this.ctx.recorder.record({ component: KUBELET_COMPONENT, host: rt.node }, pod, type, reason, message);
  }

  private schedule(rt: PodRuntime, at: number): void {
    const now = this.ctx.clock.now();
    const t = Math.max(at, now);
    let s = this.due.get(t);
    if (!s) this.due.set(t, (s = new Set()));
    s.add(rt.key);
    this.ctx.controllers.enqueueAfter(this, `@${t}`, t - now);
  }

  private forget(rt: PodRuntime): void {
    this.pods.delete(rt.uid);
    if (rt.ipSlot !== undefined) {
      let f = this.ipFree.get(rt.node);
      if (!f) this.ipFree.set(rt.node, (f = []));
      f.push(rt.ipSlot);
    }
  }

  private allocateIp(node: string): { ip: string; slot: number } {
    const free = this.ipFree.get(node);
    let slot: number;
    if (free?.length) {
      free.sort((a, b) => a - b);
      slot = free.shift()!;
    } else {
      slot = this.ipNext.get(node) ?? 0;
      this.ipNext.set(node, slot + 1);
    }
    const nodeIdx = Number(/(\d+)$/.exec(node)?.[1] ?? '1');
    // 10.244.<node>.<n>; past 253 pods on a node the third octet moves on by 16.
    const third = nodeIdx + 16 * Math.floor(slot / 253);
    return { ip: `10.244.${third % 256}.${(slot % 253) + 2}`, slot };
  }

  private syncPod(key: string): void {
    const [ns, name] = splitKey(key);
    const pod = this.latest.get(key);
    if (!pod || !pod.spec?.nodeName) return;
    const now = this.ctx.clock.now();
    let rt = this.pods.get(pod.metadata.uid!);
    if (!rt) {
      if (isPodTerminal(pod)) {
        if (pod.metadata.deletionTimestamp) this.ctx.store.remove(R.pods, ns, name);
        return;
      }
      rt = this.admit(pod, now);
    }
    this.step(pod, rt, now);
  }

  private admit(pod: Obj, now: number): PodRuntime {
    const b = podBehaviour(pod);
    const rt: PodRuntime = {
      uid: pod.metadata.uid!,
      key: keyOf(pod),
      node: pod.spec.nodeName,
      b,
      boundAt: now,
      startDue: now + b.startAfter * 1000,
      ready: false,
      restartCount: 0,
    };
    this.pods.set(rt.uid, rt);
    for (const w of b.warnings) this.event(pod, rt, 'Warning', 'InvalidSimAnnotation', w);
    for (const c of (pod.spec.containers as any[] | undefined) ?? []) {
      const image = String(c.image ?? '');
      if (c.imagePullPolicy !== 'Always' && this.pulled.has(`${rt.node}\0${image}`)) continue;
      this.event(pod, rt, 'Normal', 'Pulling', `Pulling image "${image}"`);
    }
    return rt;
  }

  /** Applies every transition due by now, writes the status, schedules the next one. */
  private step(pod: Obj, rt: PodRuntime, now: number): void {
    const containers: any[] = pod.spec.containers ?? [];
    const main = containers[0] ?? { name: 'app', image: 'unknown' };
    const desc = `${main.name} (${main.image})`;

    // Graceful deletion seen for the first time.
    if (pod.metadata.deletionTimestamp && !rt.term && !rt.finished) {
      const graceMs = (pod.metadata.deletionGracePeriodSeconds ?? pod.spec.terminationGracePeriodSeconds ?? 30) * 1000;
      const running = rt.runningSince !== undefined;
      for (const c of containers) this.event(pod, rt, 'Normal', 'Killing', `Stopping container ${c.name}`);
      if (!running) {
        rt.term = { start: now, graceEnd: now, sigtermAt: now, killAt: now, readyFalseAt: now, exitAt: now, killed: false };
      } else {
        const preStopMs = rt.b.preStopSeconds * 1000;
        const overran = preStopMs >= graceMs && preStopMs > 0;
        const sigtermAt = now + Math.min(preStopMs, graceMs);
        const killAt = overran ? now + graceMs + PRESTOP_EXTENSION_MS : now + graceMs;
        const cleanExit = sigtermAt + rt.b.shutdownAfter * 1000;
        const exitAt = Math.min(cleanExit, killAt);
        rt.term = {
          start: now,
          graceEnd: now + graceMs,
          sigtermAt,
          killAt,
          exitAt,
          readyFalseAt: Math.min(sigtermAt + Math.min(1000, rt.b.shutdownAfter * 1000), exitAt),
          killed: cleanExit > killAt,
        };
        if (preStopMs > 0) this.log(rt, `preStop hook: sleep ${rt.b.preStopSeconds}s (still serving)`);
      }
    }
    // A later delete with a shorter grace period moves the deadline earlier.
    if (rt.term && pod.metadata.deletionTimestamp) {
      const deadline = Date.parse(pod.metadata.deletionTimestamp);
      if (deadline + 1000 < rt.term.graceEnd) {
        const t = rt.term;
        t.graceEnd = Math.max(now, deadline);
        t.killAt = t.graceEnd;
        t.sigtermAt = Math.min(t.sigtermAt, t.killAt);
        if (t.exitAt > t.killAt) {
          t.exitAt = t.killAt;
          t.killed = true;
        }
        t.readyFalseAt = Math.min(t.readyFalseAt, t.exitAt);
      }
    }

    // Advance the container's life through every transition due by now.
    for (let guard = 0; guard < 100; guard++) {
      const next = this.nextTransition(rt);
      if (next === undefined || next > now) break;
      this.apply(pod, rt, next, desc, containers);
      if (rt.finished && rt.term) break;
    }

    if (rt.term && rt.finished) {
      this.writeStatus(pod, rt, now);
      this.ctx.store.remove(R.pods, pod.metadata.namespace, pod.metadata.name!);
      this.forget(rt);
      return;
    }
    this.writeStatus(pod, rt, now);
    const next = this.nextTransition(rt);
    if (next !== undefined && next <= now) {
      // A transition that does not move the state on would spin; retry later instead.
      this.ctx.log(`kubelet: ${rt.key}: transition at ${new Date(next).toISOString()} made no progress`);
      this.schedule(rt, now + 1000);
    } else if (next !== undefined) this.schedule(rt, next);
  }

  private nextTransition(rt: PodRuntime): number | undefined {
    if (rt.finished) return undefined;
    const t = rt.term;
    const cands: number[] = [];
    if (t) {
      if (rt.runningSince === undefined) return t.exitAt;
      if (!t.sigtermLogged) cands.push(t.sigtermAt);
      if (rt.ready) cands.push(t.readyFalseAt);
      // Readiness can still turn True during preStop.
      if (!rt.ready && rt.readyDue !== undefined && rt.readyDue < t.sigtermAt) cands.push(rt.readyDue);
      cands.push(t.exitAt);
      return Math.min(...cands);
    }
    if (rt.backoffUntil !== undefined) return rt.backoffUntil;
    if (rt.runningSince === undefined) return rt.startDue;
    if (!rt.ready && rt.readyDue !== undefined) cands.push(rt.readyDue);
    if (rt.crashDue !== undefined) cands.push(rt.crashDue);
    if (rt.exitDue !== undefined) cands.push(rt.exitDue);
    return cands.length ? Math.min(...cands) : undefined;
  }

  private startContainer(pod: Obj, rt: PodRuntime, at: number, desc: string, containers: any[]): void {
    rt.runningSince = at;
    rt.backoffUntil = undefined;
    const b = rt.b;
    rt.readyDue = b.runToCompletion ? undefined : b.readyAfter === undefined ? undefined : at + b.readyAfter * 1000;
    if (b.runToCompletion && b.readyAfter !== undefined) rt.readyDue = at; // Job pods are Ready while running
    rt.crashDue = !b.runToCompletion && b.crashAfter !== undefined ? at + b.crashAfter * 1000 : undefined;
    rt.exitDue = b.runToCompletion ? at + b.exitAfter * 1000 : undefined;
    if (!rt.ip) {
      const { ip, slot } = this.allocateIp(rt.node);
      rt.ip = ip;
      rt.ipSlot = slot;
    }
    for (const c of containers) {
      const image = String(c.image ?? '');
      const k = `${rt.node}\0${image}`;
      if (rt.restartCount === 0) {
        if (!this.pulled.has(k) || c.imagePullPolicy === 'Always') {
          const secs = Math.max(0.1, Math.min(rt.b.startAfter, 1.5)).toFixed(3).replace(/0+$/, '');
          this.event(pod, rt, 'Normal', 'Pulled', `Successfully pulled image "${image}" in ${secs}s (${secs}s including waiting). Image size: ${(parseInt(sha(image).slice(0, 6), 16) % 90_000_000) + 10_000_000} bytes.`);
          this.pulled.add(k);
        } else {
          this.event(pod, rt, 'Normal', 'Pulled', `Container image "${image}" already present on machine`);
        }
      } else {
        this.event(pod, rt, 'Normal', 'Pulled', `Container image "${image}" already present on machine`);
      }
      this.event(pod, rt, 'Normal', 'Created', `Created container: ${c.name}`);
      this.event(pod, rt, 'Normal', 'Started', `Started container ${c.name}`);
    }
    this.log(rt, rt.restartCount ? `starting ${desc} (restart #${rt.restartCount})` : `starting ${desc}`);
    if (b.runToCompletion) {
      this.log(rt, 'connecting to database');
      this.log(rt, 'applying migration 1/3...');
    } else {
      const port = containers[0]?.ports?.[0]?.containerPort;
      this.log(rt, port ? `listening on :${port}` : 'listening');
    }
  }

  private apply(pod: Obj, rt: PodRuntime, at: number, desc: string, containers: any[]): void {
    const t = rt.term;
    if (t) {
      if (rt.runningSince === undefined) {
        rt.finished = { exitCode: 137, reason: 'ContainerStatusUnknown', startedAt: at, finishedAt: at };
        return;
      }
      if (!rt.ready && rt.readyDue !== undefined && rt.readyDue === at && at < t.sigtermAt) {
        rt.ready = true;
        rt.readyDue = undefined;
        rt.readySince = at;
        this.log(rt, 'ready');
        return;
      }
      if (!t.sigtermLogged && t.sigtermAt === at) {
        t.sigtermLogged = true;
        this.log(rt, 'SIGTERM received, draining in-flight requests');
        return;
      }
      if (rt.ready && t.readyFalseAt === at) {
        rt.ready = false;
        rt.readySince = at;
        this.log(rt, 'stopped accepting new connections');
        if (t.exitAt !== at) return;
      }
      if (t.exitAt === at) {
        if (t.killed) {
          this.log(rt, 'SIGKILL: grace period expired');
          rt.finished = { exitCode: 137, reason: 'Error', startedAt: rt.runningSince, finishedAt: at };
        } else {
          this.log(rt, 'shutdown complete');
          rt.finished = { exitCode: 0, reason: 'Completed', startedAt: rt.runningSince, finishedAt: at };
        }
        rt.ready = false;
      }
      return;
    }
    if (rt.backoffUntil !== undefined && at === rt.backoffUntil) {
      this.startContainer(pod, rt, at, desc, containers);
      return;
    }
    if (rt.runningSince === undefined && at === rt.startDue) {
      this.startContainer(pod, rt, at, desc, containers);
      if (rt.readyDue === at) {
        rt.ready = true;
        rt.readyDue = undefined;
        rt.readySince = at;
        if (!rt.b.runToCompletion) this.log(rt, 'ready');
      }
      return;
    }
    if (!rt.ready && rt.readyDue === at) {
      rt.ready = true;
        rt.readyDue = undefined;
      rt.readySince = at;
      this.log(rt, 'ready');
      return;
    }
    if (rt.crashDue === at) {
      this.log(rt, 'fatal: unrecoverable error, exiting with code 1');
      this.exitAndMaybeRestart(pod, rt, at, 1, containers);
      return;
    }
    if (rt.exitDue === at) {
      const code = rt.b.exitCode;
      if (code === 0) {
        this.log(rt, 'applying migration 2/3...');
        this.log(rt, 'applying migration 3/3...');
        this.log(rt, 'migrations complete');
      } else {
        this.log(rt, 'applying migration 2/3...');
        this.log(rt, `migration 2/3 failed: exiting with code ${code}`);
      }
      this.exitAndMaybeRestart(pod, rt, at, code, containers);
    }
  }

  private exitAndMaybeRestart(pod: Obj, rt: PodRuntime, at: number, code: number, containers: any[]): void {
    const reason = code === 0 ? 'Completed' : 'Error';
    const startedAt = rt.runningSince!;
    const restart = rt.b.restartPolicy === 'Always' || (rt.b.restartPolicy === 'OnFailure' && code !== 0);
    rt.ready = false;
    rt.readySince = at;
    rt.readyDue = undefined;
    rt.crashDue = undefined;
    rt.exitDue = undefined;
    if (!restart) {
      rt.runningSince = startedAt;
      rt.finished = { exitCode: code, reason, startedAt, finishedAt: at };
      return;
    }
    rt.lastState = { terminated: { exitCode: code, reason, startedAt: isoSeconds(startedAt), finishedAt: isoSeconds(at), containerID: this.containerId(rt) } };
    rt.restartCount++;
    rt.runningSince = undefined;
    rt.backoffMs = Math.min(BACKOFF_MAX_MS, BACKOFF_INITIAL_MS * 2 ** (rt.restartCount - 1));
    rt.backoffUntil = at + rt.backoffMs;
    for (const c of containers) {
      this.event(pod, rt, 'Warning', 'BackOff', `Back-off restarting failed container ${c.name} in pod ${pod.metadata.name}_${pod.metadata.namespace}(${pod.metadata.uid})`);
    }
  }

  /** The current container's ID (kept per restart: a sha256 on every status write cost a tenth of the kubelet's time). */
  private containerId(rt: PodRuntime): string {
    if (rt.containerId?.restarts !== rt.restartCount) rt.containerId = { restarts: rt.restartCount, id: `containerd://${sha(`${rt.uid}/${rt.restartCount}`)}` };
    return rt.containerId.id;
  }

  /** The imageID a container status reports, per image. */
  private readonly imageRefs = new Map<string, string>();
  private imageRef(image: string): string {
    let ref = this.imageRefs.get(image);
    if (ref === undefined) {
      ref = image.includes('@') ? image : `${image.includes('/') ? image.replace(/:[^/:]+$/, '') : `docker.io/library/${image.replace(/:[^/:]+$/, '')}`}@sha256:${sha(image)}`;
      this.imageRefs.set(image, ref);
    }
    return ref;
  }

  private writeStatus(pod: Obj, rt: PodRuntime, now: number): void {
    const prev = pod.status ?? {};
    const prevConds = new Map<string, any>(((prev.conditions as any[] | undefined) ?? []).map((c) => [c.type, c]));
    const nowIso = isoSeconds(now);
    const cond = (type: string, ok: boolean, reason?: string, message?: string, since?: number) => {
      const status = ok ? 'True' : 'False';
      const p = prevConds.get(type);
      const c: any = { type, status, lastProbeTime: null, lastTransitionTime: p && p.status === status ? p.lastTransitionTime : since !== undefined ? isoSeconds(since) : nowIso };
      if (!ok && reason) c.reason = reason;
      if (!ok && message) c.message = message;
      return c;
    };
    const containers: any[] = pod.spec.containers ?? [];
    const running = rt.runningSince !== undefined && !rt.finished;
    const names = containers.map((c) => c.name);
    const notReadyMsg = `containers with unready status: [${names.join(' ')}]`;
    const ready = rt.ready && !rt.finished;
    let phase = 'Pending';
    if (rt.finished) phase = rt.finished.exitCode === 0 ? 'Succeeded' : 'Failed';
    else if (running || rt.restartCount > 0) phase = 'Running';
    const completed = !!rt.finished && !rt.term;
    const conditions = [
      cond('PodReadyToStartContainers', !rt.finished || !rt.term, undefined, undefined, rt.boundAt),
      cond('Initialized', true, undefined, undefined, rt.boundAt),
      cond('Ready', ready, completed ? 'PodCompleted' : 'ContainersNotReady', completed ? undefined : notReadyMsg, rt.readySince),
      cond('ContainersReady', ready, completed ? 'PodCompleted' : 'ContainersNotReady', completed ? undefined : notReadyMsg, rt.readySince),
      prevConds.get('PodScheduled') ?? cond('PodScheduled', true, undefined, undefined, rt.boundAt),
    ];
    const containerStatuses = containers.map((c) => {
      const image = String(c.image ?? '');
      const imageRef = this.imageRef(image);
      let state: any;
      if (rt.finished) {
        state = { terminated: { exitCode: rt.finished.exitCode, reason: rt.finished.reason, startedAt: isoSeconds(rt.finished.startedAt), finishedAt: isoSeconds(rt.finished.finishedAt), containerID: this.containerId(rt) } };
      } else if (running) state = { running: { startedAt: isoSeconds(rt.runningSince!) } };
      else if (rt.backoffUntil !== undefined)
        state = { waiting: { reason: 'CrashLoopBackOff', message: `back-off ${Math.round(rt.backoffMs! / 1000) >= 60 ? `${Math.floor(rt.backoffMs! / 60000)}m${(rt.backoffMs! / 1000) % 60}s` : `${rt.backoffMs! / 1000}s`} restarting failed container=${c.name} pod=${pod.metadata.name}_${pod.metadata.namespace}(${pod.metadata.uid})` } };
      else state = { waiting: { reason: 'ContainerCreating' } };
      const s: any = {
        name: c.name,
        state,
        lastState: rt.lastState ?? {},
        ready,
        restartCount: rt.restartCount,
        image,
        imageID: rt.runningSince !== undefined || rt.restartCount > 0 || rt.finished ? imageRef : '',
        started: running,
      };
      if (rt.runningSince !== undefined || rt.restartCount > 0 || rt.finished) s.containerID = this.containerId(rt);
      return s;
    });
    const status: any = {
      ...prev,
      phase,
      conditions,
      hostIP: this.nodeIp(rt.node),
      hostIPs: [{ ip: this.nodeIp(rt.node) }],
      startTime: prev.startTime ?? isoSeconds(rt.boundAt),
      containerStatuses,
      qosClass: prev.qosClass ?? 'BestEffort',
    };
    if (rt.ip && phase !== 'Pending') {
      status.podIP = rt.ip;
      status.podIPs = [{ ip: rt.ip }];
    }
    if ((pod.spec.initContainers as any[] | undefined)?.length) {
      status.initContainerStatuses = (pod.spec.initContainers as any[]).map((c) => ({
        name: c.name,
        state: { terminated: { exitCode: 0, reason: 'Completed', startedAt: isoSeconds(rt.boundAt), finishedAt: isoSeconds(rt.boundAt), containerID: `containerd://${sha(`${rt.uid}/init/${c.name}`)}` } },
        lastState: {},
        ready: true,
        restartCount: 0,
        image: c.image,
        imageID: '',
        started: false,
      }));
    }
    if (jsonEqual(status, prev)) return;
    this.ctx.store.update(R.pods, { ...pod, status }, { subresource: 'status', frozen: true, handOver: true });
  }

  private readonly nodeIps = new Map<string, string>();
  private nodeIp(node: string): string {
    let ip = this.nodeIps.get(node);
    if (!ip) {
      const n = this.ctx.store.get(R.nodes, undefined, node);
      ip = (n?.status?.addresses as any[] | undefined)?.find((a) => a.type === 'InternalIP')?.address ?? '192.168.0.10';
      this.nodeIps.set(node, ip!);
    }
    return ip!;
  }
}
