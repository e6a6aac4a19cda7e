/**
 * Helpers for controller unit tests: a VirtualClock harness running only the controllers under test
 * (no scheduler or kubelet), so tests write pod status directly.
 */
import { VirtualClock, isoTime } from '../../../src/sim/clock.js';
import { EventRecorder } from '../../../src/sim/events.js';
import { ControllerManager, type Controller, type SimContext } from '../../../src/sim/runtime.js';
import { Store } from '../../../src/sim/store.js';
import { R } from '../../../src/sim/resources.js';
import type { Obj } from '../../../src/sim/store.js';
import { registerKindHooks } from '../../../src/sim/api/hooks.js';
import { EndpointSliceController } from '../../../src/sim/controllers/endpointslice.js';
import { EndpointsController } from '../../../src/sim/controllers/endpoints.js';
import { JobController } from '../../../src/sim/controllers/job.js';
import { TTLAfterFinishedController } from '../../../src/sim/controllers/ttl.js';
import { DisruptionController } from '../../../src/sim/controllers/pdb.js';
import { GarbageCollector } from '../../../src/sim/controllers/gc.js';
import { NamespaceController } from '../../../src/sim/controllers/namespace.js';

export const MY_CONTROLLERS = [EndpointSliceController, EndpointsController, JobController, TTLAfterFinishedController, DisruptionController, GarbageCollector, NamespaceController];

/** The same pieces as Sim (store, clock, recorder, controller manager), with a chosen set of controllers. */
export class Harness {
  readonly clock = new VirtualClock();
  readonly store = new Store(this.clock);
  readonly ctx: SimContext;
  readonly controllers: Controller[];

  constructor(kinds: (new (ctx: SimContext) => Controller)[] = MY_CONTROLLERS) {
    const manager = new ControllerManager(this.store, this.clock, (m) => {
      if (process.env.SIM_DEBUG) console.error(m);
    });
    this.ctx = { store: this.store, clock: this.clock, controllers: manager, recorder: new EventRecorder(this.store, this.clock), podLogs: new Map(), log: () => {} };
    registerKindHooks(this.store);
    this.clock.onTick = () => this.settle();
    this.controllers = kinds.map((K) => new K(this.ctx));
    manager.add(...this.controllers);
    manager.start();
    for (const name of ['default', 'kube-system']) {
      this.store.create(R.namespaces, { metadata: { name, labels: { 'kubernetes.io/metadata.name': name } }, spec: { finalizers: ['kubernetes'] }, status: { phase: 'Active' } });
    }
    for (let i = 1; i <= 3; i++) {
      const name = `sim-node-${i}`;
      this.store.create(R.nodes, {
        metadata: { name, labels: { 'kubernetes.io/hostname': name, 'topology.kubernetes.io/zone': `zone-${String.fromCharCode(96 + i)}` } },
        status: { conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: isoTime(this.clock) }] },
      });
    }
  }

  controller<T>(K: new (ctx: SimContext) => T): T {
    return this.controllers.find((c) => c instanceof (K as any)) as T;
  }

  settle(): Promise<void> {
    return this.ctx.controllers.settle();
  }

  advance(ms: number): Promise<void> {
    return this.clock.advance(ms);
  }

  async stop(): Promise<void> {
    this.ctx.controllers.stop();
  }
}

export type Sim = Harness;

export function newSim(kinds?: (new (ctx: SimContext) => Controller)[]): Harness {
  return new Harness(kinds);
}

/** An object's name; the store names every object it holds, so a missing one is a broken test setup. */
export function nameOf(o: Obj): string {
  if (!o.metadata.name) throw new Error(`object without a name: ${JSON.stringify(o.metadata)}`);
  return o.metadata.name;
}

let ipSeq = 1;
export const nextIP = () => `10.244.${Math.floor(ipSeq / 250) % 250}.${(ipSeq++ % 250) + 1}`;

export interface PodOpts {
  ns?: string;
  labels?: Record<string, string>;
  node?: string;
  ports?: { name?: string; containerPort: number; protocol?: string }[];
  ownerReferences?: Obj['metadata']['ownerReferences'];
}

/** Creates a pod that is scheduled (spec.nodeName) but has no status yet. */
export function createPod(sim: Sim, name: string, o: PodOpts = {}): Obj {
  return sim.store.create(R.pods, {
    metadata: { name, namespace: o.ns ?? 'default', labels: o.labels ?? {}, ...(o.ownerReferences ? { ownerReferences: o.ownerReferences } : {}) },
    spec: {
      nodeName: o.node ?? 'sim-node-1',
      containers: [{ name: 'app', image: 'nginx', ports: o.ports ?? [{ name: 'http', containerPort: 8080, protocol: 'TCP' }] }],
    },
  });
}

/** Writes a pod's status as the kubelet would: Running with an IP, Ready as given, or a terminal phase. */
export function setPodStatus(sim: Sim, ns: string, name: string, s: { phase?: string; ready?: boolean; ip?: string; finishedAt?: string; exitCode?: number }): Obj {
  const now = new Date(sim.clock.now()).toISOString().replace(/\.\d{3}Z$/, 'Z');
  return sim.store.mutate(
    R.pods,
    ns,
    name,
    (p) => {
      const phase = s.phase ?? 'Running';
      const ip = s.ip ?? p.status?.podIP ?? nextIP();
      const ready = s.ready ?? false;
      p.status = {
        phase,
        podIP: ip,
        podIPs: [{ ip }],
        conditions: [
          { type: 'PodScheduled', status: 'True', lastTransitionTime: now },
          { type: 'Ready', status: ready ? 'True' : 'False', lastTransitionTime: now },
        ],
        ...(phase === 'Succeeded' || phase === 'Failed'
          ? { containerStatuses: [{ name: 'app', ready: false, restartCount: 0, state: { terminated: { exitCode: s.exitCode ?? (phase === 'Succeeded' ? 0 : 1), finishedAt: s.finishedAt ?? now } } }] }
          : {}),
      };
    },
    { subresource: 'status' },
  );
}

export function createService(sim: Sim, name: string, selector: Record<string, string> | undefined, extra: Obj['spec'] = {}, ns = 'default'): Obj {
  return sim.store.create(R.services, {
    metadata: { name, namespace: ns, labels: { app: name } },
    spec: { clusterIP: '10.96.0.10', type: 'ClusterIP', ...(selector ? { selector } : {}), ports: [{ name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' }], ...extra },
  });
}

export function slicesOf(sim: Sim, svc: string, ns = 'default'): Obj[] {
  return sim.store.list(R.endpointslices, ns, (s) => s.metadata.labels?.['kubernetes.io/service-name'] === svc);
}

export function endpointsOf(sim: Sim, svc: string, ns = 'default'): any[] {
  return slicesOf(sim, svc, ns).flatMap((s) => s.endpoints ?? []);
}

export function epByPod(sim: Sim, svc: string, pod: string, ns = 'default'): any {
  return endpointsOf(sim, svc, ns).find((e) => e.targetRef?.name === pod);
}

/** Counts store writes of one kind from now on. */
export function countWrites(sim: Sim, resource: string): { readonly n: number; stop(): void } {
  let n = 0;
  const unsub = sim.store.subscribe((ev) => {
    if (ev.rt.resource === resource) n++;
  });
  return {
    get n() {
      return n;
    },
    stop: () => unsub(),
  };
}
