/**
 * The disruption controller (`pkg/controller/disruption/disruption.go`): PodDisruptionBudget status
 * (expectedPods, currentHealthy, desiredHealthy, disruptionsAllowed, disruptedPods,
 * observedGeneration) and the DisruptionAllowed condition (True/SufficientPods,
 * False/InsufficientPods, False/SyncFailed when the expected count cannot be computed).
 */
import type { Controller, SimContext } from '../runtime.js';
import { splitKey } from '../runtime.js';
import { R } from '../resources.js';
import { matchesSelector } from '../labels.js';
import type { Obj, StoreEvent } from '../store.js';
import { isoTime } from '../clock.js';
import { scaledValue } from './intstr.js';
import { NsIndex, canonical, isNotFound, sameKind, sameLabels } from './ctrlutil.js';
import { isPodReady } from './podUtil.js';

/** How long an entry of status.disruptedPods keeps a pod out of currentHealthy (DeletionTimeout). */
export const DELETION_TIMEOUT_MS = 2 * 60_000;
const SOURCE = 'controllermanager';

export class DisruptionController implements Controller {
  readonly name = 'disruption-controller';
  private readonly pods = new NsIndex();
  private readonly pdbs = new NsIndex();

  constructor(private readonly ctx: SimContext) {
    this.pods.seed(ctx.store.scan(R.pods));
    this.pdbs.seed(ctx.store.scan(R.pdbs));
  }

  onEvent(ev: StoreEvent, queue: (key: string) => void): void {
    const ns = ev.object.metadata.namespace ?? '';
    if (sameKind(ev.rt, R.pdbs)) {
      this.pdbs.apply(ev);
      if (ev.type !== 'DELETED') queue(`${ns}/${ev.object.metadata.name}`);
      return;
    }
    if (sameKind(ev.rt, R.pods)) {
      this.pods.apply(ev);
      if (!this.pdbs.has(ns) || (ev.type === 'MODIFIED' && ev.old && !podChanged(ev.old, ev.object))) return;
      for (const pdb of this.pdbs.inNamespace(ns)) {
        const sel = pdb.spec?.selector;
        if (matchesSelector(sel, ev.object.metadata.labels) || (ev.old && matchesSelector(sel, ev.old.metadata.labels))) queue(`${ns}/${pdb.metadata.name}`);
      }
      return;
    }
    // A scale change of an owning controller changes expectedPods.
    if (sameKind(ev.rt, R.deployments) || sameKind(ev.rt, R.replicasets)) {
      if (ev.type === 'MODIFIED' && ev.old?.spec?.replicas === ev.object.spec?.replicas) return;
      for (const pdb of this.pdbs.inNamespace(ns)) queue(`${ns}/${pdb.metadata.name}`);
    }
  }

  sync(key: string): void {
    const [ns, name] = splitKey(key);
    const { store, clock, recorder } = this.ctx;
    const pdb = store.get(R.pdbs, ns, name);
    if (!pdb || pdb.metadata.deletionTimestamp) return;
    const pods = [...this.pods.inNamespace(ns)].filter((p) => matchesSelector(pdb.spec?.selector, p.metadata.labels));
    if (pods.length === 0) recorder.normal(SOURCE, pdb, 'NoPods', 'No matching pods found');

    let expected: number;
    let desiredHealthy: number;
    try {
      ({ expected, desiredHealthy } = this.expectedPodCount(pdb, pods));
    } catch (err) {
      recorder.warning(SOURCE, pdb, 'CalculateExpectedPodCountFailed', `Failed to calculate the number of expected pods: ${(err as Error).message}`);
      return this.failSafe(pdb, (err as Error).message);
    }
    const nowMs = clock.now();
    const disrupted = this.disruptedPodMap(pdb, pods, nowMs, key);
    const currentHealthy = this.countHealthy(pods, disrupted, nowMs);
    let disruptionsAllowed = currentHealthy - desiredHealthy;
    if (expected <= 0 || disruptionsAllowed <= 0) disruptionsAllowed = 0;

    const status: any = {
      ...(Object.keys(disrupted).length ? { disruptedPods: disrupted } : {}),
      disruptionsAllowed,
      currentHealthy,
      desiredHealthy,
      expectedPods: expected,
      observedGeneration: pdb.metadata.generation,
    };
    status.conditions = setCondition(
      pdb.status?.conditions,
      disruptionsAllowed > 0
        ? { type: 'DisruptionAllowed', status: 'True', reason: 'SufficientPods', message: '', observedGeneration: status.observedGeneration }
        : { type: 'DisruptionAllowed', status: 'False', reason: 'InsufficientPods', message: '', observedGeneration: status.observedGeneration },
      isoTime(clock),
    );
    this.writeStatus(pdb, status);
  }

  /** getExpectedPodCount */
  private expectedPodCount(pdb: Obj, pods: Obj[]): { expected: number; desiredHealthy: number } {
    const { maxUnavailable, minAvailable } = pdb.spec ?? {};
    if (maxUnavailable != null) {
      const expected = this.expectedScale(pdb, pods);
      const mu = scaledValue(maxUnavailable, expected, true);
      return { expected, desiredHealthy: Math.max(0, expected - mu) };
    }
    if (minAvailable != null) {
      if (typeof minAvailable === 'number') return { expected: pods.length, desiredHealthy: minAvailable };
      const expected = this.expectedScale(pdb, pods);
      return { expected, desiredHealthy: scaledValue(minAvailable, expected, true) };
    }
    return { expected: pods.length, desiredHealthy: 0 };
  }

  /** getExpectedScale: the summed scale of the distinct controllers of the pods (RS -> Deployment). */
  private expectedScale(pdb: Obj, pods: Obj[]): number {
    const { store } = this.ctx;
    const seen = new Map<string, number>();
    const unmanaged: string[] = [];
    for (const pod of pods) {
      const ref = pod.metadata.ownerReferences?.find((r) => r.controller);
      if (!ref) {
        unmanaged.push(pod.metadata.name!);
        continue;
      }
      if (seen.has(ref.uid)) continue;
      let found: { uid: string; scale: number } | undefined;
      if (ref.kind === 'ReplicaSet' && ref.apiVersion === 'apps/v1') {
        const rs = store.get(R.replicasets, pod.metadata.namespace, ref.name);
        if (rs && rs.metadata.uid === ref.uid) {
          const dref = rs.metadata.ownerReferences?.find((r) => r.controller);
          if (dref?.kind === 'Deployment' && dref.apiVersion === 'apps/v1') {
            const d = store.get(R.deployments, pod.metadata.namespace, dref.name);
            if (d && d.metadata.uid === dref.uid) found = { uid: d.metadata.uid!, scale: d.spec?.replicas ?? 1 };
          } else found = { uid: rs.metadata.uid!, scale: rs.spec?.replicas ?? 1 };
        }
      } else if (ref.kind === 'Deployment' && ref.apiVersion === 'apps/v1') {
        const d = store.get(R.deployments, pod.metadata.namespace, ref.name);
        if (d && d.metadata.uid === ref.uid) found = { uid: d.metadata.uid!, scale: d.spec?.replicas ?? 1 };
      }
      if (!found) throw new Error(`found no controllers for pod "${pod.metadata.name}"`);
      seen.set(ref.uid, 0);
      if (!seen.has(`scale:${found.uid}`)) seen.set(`scale:${found.uid}`, found.scale);
    }
    if (unmanaged.length) {
      this.ctx.recorder.warning(
        SOURCE,
        pdb,
        'UnmanagedPods',
        `Pods selected by this PodDisruptionBudget (selector: ${JSON.stringify(pdb.spec?.selector)}) were found to be unmanaged. As a result, the status of the PDB cannot be calculated correctly, which may result in undefined behavior. To account for these pods please set ".spec.minAvailable" field of the PDB to an integer value.`,
      );
    }
    let total = 0;
    for (const [k, v] of seen) if (k.startsWith('scale:')) total += v;
    return total;
  }

  /** buildDisruptedPodMap: keep entries of pods that exist, are not deleting and have not timed out. */
  private disruptedPodMap(pdb: Obj, pods: Obj[], nowMs: number, key: string): Record<string, string> {
    const current: Record<string, string> = pdb.status?.disruptedPods ?? {};
    const byName = new Map(pods.map((p) => [p.metadata.name!, p]));
    const out: Record<string, string> = {};
    let recheck: number | undefined;
    for (const [podName, at] of Object.entries(current)) {
      const pod = byName.get(podName);
      if (!pod || pod.metadata.deletionTimestamp) continue;
      const expires = Date.parse(at) + DELETION_TIMEOUT_MS;
      if (expires <= nowMs) continue;
      out[podName] = at;
      recheck = recheck === undefined ? expires : Math.min(recheck, expires);
    }
    if (recheck !== undefined) this.ctx.controllers.enqueueAfter(this, key, recheck - nowMs);
    return out;
  }

  private countHealthy(pods: Obj[], disrupted: Record<string, string>, nowMs: number): number {
    let n = 0;
    for (const p of pods) {
      if (p.metadata.deletionTimestamp) continue;
      const at = disrupted[p.metadata.name!];
      if (at && Date.parse(at) + DELETION_TIMEOUT_MS > nowMs) continue;
      if (isPodReady(p)) n++;
    }
    return n;
  }

  private failSafe(pdb: Obj, message: string): void {
    const status = { ...(pdb.status ?? {}), disruptionsAllowed: 0 };
    status.conditions = setCondition(
      pdb.status?.conditions,
      { type: 'DisruptionAllowed', status: 'False', reason: 'SyncFailed', message, observedGeneration: pdb.status?.observedGeneration },
      isoTime(this.ctx.clock),
    );
    this.writeStatus(pdb, status);
  }

  private writeStatus(pdb: Obj, status: any): void {
    if (canonical(status) === canonical(pdb.status ?? {})) return;
    try {
      this.ctx.store.update(R.pdbs, { ...pdb, status }, { subresource: 'status' });
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }
}

function podChanged(a: Obj, b: Obj): boolean {
  return (
    !sameLabels(a.metadata.labels, b.metadata.labels) ||
    a.metadata.deletionTimestamp !== b.metadata.deletionTimestamp ||
    isPodReady(a) !== isPodReady(b) ||
    (a.metadata.ownerReferences !== b.metadata.ownerReferences && canonical(a.metadata.ownerReferences ?? []) !== canonical(b.metadata.ownerReferences ?? []))
  );
}

/** apimeta.SetStatusCondition: lastTransitionTime moves only when the status changes. */
function setCondition(list: any[] | undefined, c: any, now: string): any[] {
  const out = [...(list ?? [])].map((x) => ({ ...x }));
  const i = out.findIndex((x) => x.type === c.type);
  if (i < 0) {
    out.push({ type: c.type, status: c.status, observedGeneration: c.observedGeneration, lastTransitionTime: now, reason: c.reason, message: c.message });
    return out;
  }
  const prev = out[i];
  out[i] = {
    type: c.type,
    status: c.status,
    observedGeneration: c.observedGeneration,
    lastTransitionTime: prev.status === c.status ? prev.lastTransitionTime : now,
    reason: c.reason,
    message: c.message,
  };
  return out;
}
