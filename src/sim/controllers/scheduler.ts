/**
 * A small default-scheduler: binds pending pods to the least-loaded Ready, schedulable node whose
 * labels satisfy the pod's nodeSelector (round-robin among equals), as pods/binding would: it sets
 * spec.nodeName and the PodScheduled condition, and records `Scheduled`.
 */
import { isoTime } from '../clock.js';
import { R } from '../resources.js';
import { keyOf, splitKey, type Controller, type SimContext } from '../runtime.js';
import { isPodTerminal, type Obj, type StoreEvent } from '../store.js';

export const SCHEDULER_COMPONENT = 'default-scheduler';

const nodeReady = (n: Obj): boolean => !!(n.status?.conditions as any[] | undefined)?.some((c) => c.type === 'Ready' && c.status === 'True');

export class Scheduler implements Controller {
  readonly name = 'scheduler';
  /** Non-terminal pods bound per node. */
  private readonly load = new Map<string, Set<string>>();
  private readonly podNode = new Map<string, string>();
  private readonly unschedulable = new Set<string>();
  private rr = 0;
  private seeded = false;

  constructor(private readonly ctx: SimContext) {}

  private readonly nodes = new Map<string, Obj>();
  /** The nodes sorted by name, until a node changes. */
  private byName?: Obj[];

  onEvent(ev: StoreEvent, queue: (key: string) => void): void {
    if (ev.rt === R.nodes) {
      if (ev.type === 'DELETED') this.nodes.delete(ev.object.metadata.name!);
      else this.nodes.set(ev.object.metadata.name!, ev.object);
      this.byName = undefined;
      // A node appeared or changed: retry pods that found no node.
      for (const k of this.unschedulable) queue(k);
      this.unschedulable.clear();
      return;
    }
    if (ev.rt !== R.pods) return;
    const pod = ev.object;
    const uid = pod.metadata.uid!;
    const node = pod.spec?.nodeName as string | undefined;
    const terminal = isPodTerminal(pod);
    const prev = this.podNode.get(uid);
    if (prev && (ev.type === 'DELETED' || terminal || prev !== node)) {
      this.load.get(prev)?.delete(uid);
      this.podNode.delete(uid);
    }
    if (ev.type === 'DELETED') {
      this.unschedulable.delete(keyOf(pod));
      return;
    }
    if (node && !terminal && !this.podNode.has(uid)) {
      let s = this.load.get(node);
      if (!s) this.load.set(node, (s = new Set()));
      s.add(uid);
      this.podNode.set(uid, node);
    }
    if (!node && !pod.metadata.deletionTimestamp && (pod.spec?.schedulerName ?? SCHEDULER_COMPONENT) === SCHEDULER_COMPONENT) queue(keyOf(pod));
  }

  sync(key: string): void {
    const [ns, name] = splitKey(key);
    const { store, recorder } = this.ctx;
    const pod = store.peek(R.pods, ns, name);
    if (!pod || pod.spec?.nodeName || pod.metadata.deletionTimestamp) return;
    if (!this.seeded) {
      for (const n of store.scan(R.nodes)) this.nodes.set(n.metadata.name!, n);
      this.seeded = true;
    }
    const nodes = (this.byName ??= [...this.nodes.values()].sort((a, b) => (a.metadata.name! < b.metadata.name! ? -1 : 1)));
    const sel: Record<string, string> = pod.spec?.nodeSelector ?? {};
    const fit = nodes.filter(
      (n) => nodeReady(n) && !n.spec?.unschedulable && Object.entries(sel).every(([k, v]) => n.metadata.labels?.[k] === v),
    );
    if (!fit.length) {
      this.unschedulable.add(key);
      const msg = `0/${nodes.length} nodes are available: ${nodes.length ? `${nodes.length} node(s) didn't match Pod's node affinity/selector or were not ready` : 'no nodes registered'}. preemption: 0/${nodes.length} nodes are available: ${nodes.length} Preemption is not helpful for scheduling.`;
      const cond = (pod.status?.conditions as any[] | undefined)?.find((c) => c.type === 'PodScheduled');
      if (cond?.status !== 'False') {
        this.setScheduled(pod, { status: 'False', reason: 'Unschedulable', message: msg });
        recorder.warning(SCHEDULER_COMPONENT, pod, 'FailedScheduling', msg);
      }
      return;
    }
    // Least loaded first; round-robin among the equally loaded.
    const count = (n: Obj) => this.load.get(n.metadata.name!)?.size ?? 0;
    const min = Math.min(...fit.map(count));
    const candidates = fit.filter((n) => count(n) === min);
    const node = candidates[this.rr++ % candidates.length];
    const nodeName = node.metadata.name!;
    const bound = store.update(R.pods, { ...pod, spec: { ...pod.spec, nodeName } }, { frozen: true, handOver: true });
    this.setScheduled(bound, { status: 'True' });
    recorder.normal(SCHEDULER_COMPONENT, pod, 'Scheduled', `Successfully assigned ${ns}/${name} to ${nodeName}`);
  }

  /** Writes the PodScheduled condition of `pod`, the stored pod as just read or written (status subresource). */
  private setScheduled(pod: Obj, condition: { status: 'True' | 'False'; reason?: string; message?: string }): void {
    const status = pod.status ?? {};
    const conditions = [
      ...((status.conditions as any[] | undefined) ?? []).filter((c) => c.type !== 'PodScheduled'),
      { type: 'PodScheduled', status: condition.status, lastProbeTime: null, lastTransitionTime: isoTime(this.ctx.clock), ...(condition.reason ? { reason: condition.reason, message: condition.message } : {}) },
    ];
    this.ctx.store.update(R.pods, { ...pod, status: { ...status, phase: status.phase ?? 'Pending', conditions } }, { subresource: 'status', frozen: true, handOver: true });
  }
}
