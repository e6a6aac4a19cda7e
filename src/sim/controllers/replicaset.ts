/**
 * ReplicaSet controller (pkg/controller/replicaset/replica_set.go): creates pods from the template
 * in slow-start batches, deletes surplus pods by the victim ranking, adopts matching orphans and
 * releases pods that stop matching, and writes status (with a minReadySeconds re-check timer).
 */
import { isoTime } from '../clock.js';
import { matchesRequirements, matchesSelector, selectorRequirements, type Requirement } from '../labels.js';
import { R } from '../resources.js';
import { controllerOf, keyOf, splitKey, type Controller, type SimContext } from '../runtime.js';
import { jsonEqual } from '../json.js';
import type { Obj, StoreEvent } from '../store.js';
import { availableAt, getPodReadyCondition, isPodActive, isPodAvailable, isPodReady, isPodTerminating, podsToDelete, type PodIndex } from './podUtil.js';

const BURST_REPLICAS = 500;
const SLOW_START_INITIAL_BATCH = 1;
export const RS_COMPONENT = 'replicaset-controller';

export function controllerRef(owner: Obj): { apiVersion: string; kind: string; name: string; uid: string; controller: true; blockOwnerDeletion: true } {
  return { apiVersion: owner.apiVersion!, kind: owner.kind!, name: owner.metadata.name!, uid: owner.metadata.uid!, controller: true, blockOwnerDeletion: true };
}

/** Runs fn count times in batches 1, 2, 4, ...; stops after the first batch with an error. Returns successes and the first error. */
export function slowStartBatch(count: number, initial: number, fn: () => void): { ok: number; err?: unknown } {
  let remaining = count;
  let ok = 0;
  for (let batch = Math.min(remaining, initial); batch > 0; batch = Math.min(2 * batch, remaining)) {
    let err: unknown;
    for (let i = 0; i < batch; i++) {
      try {
        fn();
        ok++;
      } catch (e) {
        err ??= e;
      }
    }
    if (err !== undefined) return { ok, err };
    remaining -= batch;
  }
  return { ok };
}

/** Whether a pod update can change what an RS counts (labels, owner, deletion, phase, readiness). */
function rsRelevantChange(a: Obj, b: Obj): boolean {
  if (a.metadata.deletionTimestamp !== b.metadata.deletionTimestamp || a.status?.phase !== b.status?.phase) return true;
  const ra = getPodReadyCondition(a);
  const rb = getPodReadyCondition(b);
  if (ra?.status !== rb?.status || ra?.lastTransitionTime !== rb?.lastTransitionTime) return true;
  return !jsonEqual(a.metadata.labels ?? {}, b.metadata.labels ?? {}) || !jsonEqual(a.metadata.ownerReferences ?? [], b.metadata.ownerReferences ?? []);
}

export class ReplicaSetController implements Controller {
  readonly name = 'replicaset';

  constructor(
    private readonly ctx: SimContext,
    private readonly pods: PodIndex,
  ) {}

  onEvent(ev: StoreEvent, queue: (key: string) => void): void {
    if (ev.rt === R.replicasets) {
      queue(keyOf(ev.object));
      return;
    }
    if (ev.rt !== R.pods) return;
    const pod = ev.object;
    const ns = pod.metadata.namespace!;
    if (ev.type === 'MODIFIED' && ev.old && !rsRelevantChange(ev.old, pod)) return;
    const ref = controllerOf(pod);
    const oldRef = ev.old ? controllerOf(ev.old) : undefined;
    if (ref?.kind === 'ReplicaSet') queue(`${ns}/${ref.name}`);
    if (oldRef?.kind === 'ReplicaSet' && oldRef.uid !== ref?.uid) queue(`${ns}/${oldRef.name}`);
    if (!ref && ev.type !== 'DELETED') {
      // An orphan: every RS whose selector matches may adopt it.
      for (const rs of this.ctx.store.scan(R.replicasets, ns)) {
        if (!rs.metadata.deletionTimestamp && matchesSelector(rs.spec?.selector, pod.metadata.labels)) queue(keyOf(rs));
      }
    }
  }

  sync(key: string): void {
    const [ns, name] = splitKey(key);
    const { store } = this.ctx;
    const rs = store.peek(R.replicasets, ns, name);
    if (!rs) return;
    const allPods = this.claimPods(rs);
    const active = allPods.filter(isPodActive);
    const terminating = allPods.filter(isPodTerminating);
    let manageErr: unknown;
    if (!rs.metadata.deletionTimestamp) {
      try {
        this.manageReplicas(active, rs);
      } catch (err) {
        manageErr = err;
      }
    }
    // Re-read: manageReplicas changed the pods.
    const after = this.pods.owned(rs.metadata.uid!);
    const activeNow = after.filter(isPodActive);
    const terminatingNow = after.filter(isPodTerminating);
    void terminating;
    const status = this.calculateStatus(rs, activeNow, terminatingNow, manageErr, active.length);
    let updated = rs;
    if (JSON.stringify(status) !== JSON.stringify(rs.status ?? {})) {
      updated = store.update(R.replicasets, { ...rs, status }, { subresource: 'status', frozen: true });
    }
    // Re-check availability once minReadySeconds has passed for ready pods.
    const minReady = updated.spec?.minReadySeconds ?? 0;
    if (minReady > 0) {
      const nowMs = this.ctx.clock.now();
      let next = Infinity;
      for (const p of activeNow) {
        if (isPodAvailable(p, minReady, nowMs)) continue;
        const at = availableAt(p, minReady);
        if (at !== undefined) next = Math.min(next, at);
      }
      if (next !== Infinity) this.ctx.controllers.enqueueAfter(this, key, Math.max(0, next - nowMs) + 1);
    }
    if (manageErr) throw manageErr;
  }

  /** Pods controlled by the RS, plus orphans it adopts; releases owned pods that no longer match. */
  private claimPods(rs: Obj): Obj[] {
    const { store } = this.ctx;
    const uid = rs.metadata.uid!;
    const out: Obj[] = [];
    let reqs: Requirement[] | undefined;
    try {
      reqs = rs.spec?.selector ? selectorRequirements(rs.spec.selector) : undefined;
    } catch {
      reqs = undefined;
    }
    const matches = (labels: Record<string, string> | undefined) => (reqs ? matchesRequirements(reqs, labels) : false);
    for (const pod of this.pods.owned(uid)) {
      if (matches(pod.metadata.labels) || rs.metadata.deletionTimestamp) {
        out.push(pod);
        continue;
      }
      // Release: the pod no longer matches the selector.
      try {
        store.mutate(R.pods, pod.metadata.namespace, pod.metadata.name!, (p) => {
          p.metadata.ownerReferences = (p.metadata.ownerReferences ?? []).filter((r) => r.uid !== uid);
          if (!p.metadata.ownerReferences!.length) delete p.metadata.ownerReferences;
        });
      } catch {
        /* gone */
      }
    }
    if (rs.metadata.deletionTimestamp) return out;
    for (const pod of this.pods.orphansIn(rs.metadata.namespace!)) {
      if (pod.metadata.deletionTimestamp || !matches(pod.metadata.labels)) continue;
      try {
        const adopted = store.mutate(R.pods, pod.metadata.namespace, pod.metadata.name!, (p) => {
          p.metadata.ownerReferences = [...(p.metadata.ownerReferences ?? []), controllerRef(rs)];
        });
        out.push(adopted);
      } catch {
        /* gone */
      }
    }
    return out;
  }

  private manageReplicas(active: Obj[], rs: Obj): void {
    const { store, recorder } = this.ctx;
    const want = rs.spec?.replicas ?? 1;
    let diff = active.length - want;
    if (diff < 0) {
      diff = Math.min(-diff, BURST_REPLICAS);
      const tpl = rs.spec?.template ?? {};
      const res = slowStartBatch(diff, SLOW_START_INITIAL_BATCH, () => {
        const pod: Obj = {
          metadata: {
            generateName: `${rs.metadata.name}-`,
            namespace: rs.metadata.namespace,
            labels: { ...(tpl.metadata?.labels ?? {}) },
            ...(tpl.metadata?.annotations ? { annotations: { ...tpl.metadata.annotations } } : {}),
            ...(tpl.metadata?.finalizers ? { finalizers: [...tpl.metadata.finalizers] } : {}),
            ownerReferences: [controllerRef(rs)],
          },
          spec: { ...tpl.spec },
        };
        try {
          const created = store.create(R.pods, pod, { frozen: true, handOver: true });
          recorder.normal(RS_COMPONENT, rs, 'SuccessfulCreate', `Created pod: ${created.metadata.name}`);
        } catch (err) {
          recorder.warning(RS_COMPONENT, rs, 'FailedCreate', `Error creating: ${(err as Error).message}`);
          throw err;
        }
      });
      if (res.err) throw res.err;
    } else if (diff > 0) {
      diff = Math.min(diff, BURST_REPLICAS);
      const related = this.relatedPods(rs);
      const victims = podsToDelete(active, related, diff, this.ctx.clock.now());
      let firstErr: unknown;
      for (const pod of victims) {
        try {
          store.delete(R.pods, pod.metadata.namespace, pod.metadata.name!);
          recorder.normal(RS_COMPONENT, rs, 'SuccessfulDelete', `Deleted pod: ${pod.metadata.name}`);
        } catch (err) {
          if ((err as { code?: number }).code === 404) continue;
          recorder.warning(RS_COMPONENT, rs, 'FailedDelete', `Error deleting: ${(err as Error).message}`);
          firstErr ??= err;
        }
      }
      if (firstErr) throw firstErr;
    }
  }

  /** getIndirectlyRelatedPods: pods of every RS controlled by the same owner. */
  private relatedPods(rs: Obj): Obj[] {
    const owner = controllerOf(rs);
    if (!owner) return this.pods.owned(rs.metadata.uid!);
    const out: Obj[] = [];
    for (const other of this.ctx.store.scan(R.replicasets, rs.metadata.namespace)) {
      if (controllerOf(other)?.uid === owner.uid) out.push(...this.pods.owned(other.metadata.uid!));
    }
    return out;
  }

  private calculateStatus(rs: Obj, active: Obj[], terminating: Obj[], manageErr: unknown, activeBefore: number): any {
    const nowMs = this.ctx.clock.now();
    const minReady = rs.spec?.minReadySeconds ?? 0;
    const tplEntries = Object.entries((rs.spec?.template?.metadata?.labels ?? {}) as Record<string, string>);
    let fully = 0;
    let ready = 0;
    let available = 0;
    for (const p of active) {
      const l = p.metadata.labels ?? {};
      if (tplEntries.every(([k, v]) => l[k] === v)) fully++;
      if (isPodReady(p)) {
        ready++;
        if (isPodAvailable(p, minReady, nowMs)) available++;
      }
    }
    const status: any = structuredClone(rs.status ?? {});
    const failure = (status.conditions as any[] | undefined)?.find((c) => c.type === 'ReplicaFailure');
    if (manageErr && !failure) {
      const d = activeBefore - (rs.spec?.replicas ?? 1);
      const reason = d < 0 ? 'FailedCreate' : d > 0 ? 'FailedDelete' : '';
      status.conditions = [
        ...((status.conditions as any[] | undefined) ?? []).filter((c) => c.type !== 'ReplicaFailure'),
        { type: 'ReplicaFailure', status: 'True', lastTransitionTime: isoTime(this.ctx.clock), reason, message: (manageErr as Error).message },
      ];
    } else if (!manageErr && failure) {
      status.conditions = (status.conditions as any[]).filter((c) => c.type !== 'ReplicaFailure');
      if (!status.conditions.length) delete status.conditions;
    }
    status.replicas = active.length;
    status.fullyLabeledReplicas = fully;
    status.readyReplicas = ready;
    status.availableReplicas = available;
    status.terminatingReplicas = terminating.length;
    status.observedGeneration = rs.metadata.generation;
    // apps/v1 ReplicaSetStatus: replicas is always written; the other counts are omitempty.
    for (const k of ['fullyLabeledReplicas', 'readyReplicas', 'availableReplicas', 'observedGeneration']) if (!status[k]) delete status[k];
    return status;
  }
}
