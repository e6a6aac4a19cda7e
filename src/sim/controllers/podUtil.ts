/**
 * Pod helpers for the controllers: readiness/availability (podutil; IsPodTerminal is in store.ts), active/terminating
 * filters, the scale-down victim ranking (controller_utils.go ActivePodsWithRanks) and an index
 * of pods by controller uid kept from store events.
 */
import { isPodTerminal, type Obj, type StoreEvent } from '../store.js';

export const POD_DELETION_COST = 'controller.kubernetes.io/pod-deletion-cost';

/** podutil.GetPodReadyCondition. */
export const getPodReadyCondition = (pod: Obj | undefined): any => (pod?.status?.conditions as any[] | undefined)?.find((c) => c.type === 'Ready');
/** podutil.IsPodReady: the Ready condition is True. */
export const isPodReady = (pod: Obj | undefined): boolean => getPodReadyCondition(pod)?.status === 'True';
/** controller.IsPodActive: not terminal, not being deleted. */
export const isPodActive = (pod: Obj): boolean => !isPodTerminal(pod) && !pod.metadata.deletionTimestamp;
/** controller.IsPodTerminating: being deleted but not terminal yet. */
export const isPodTerminating = (pod: Obj): boolean => !!pod.metadata.deletionTimestamp && !isPodTerminal(pod);

/** podutil.IsPodAvailable: Ready, and Ready for more than minReadySeconds (strictly). */
export function isPodAvailable(pod: Obj, minReadySeconds: number, nowMs: number): boolean {
  const c = getPodReadyCondition(pod);
  if (c?.status !== 'True') return false;
  if (!minReadySeconds) return true;
  const ltt = Date.parse(c.lastTransitionTime ?? '');
  return Number.isFinite(ltt) && ltt + minReadySeconds * 1000 < nowMs;
}

/** When a Ready pod becomes available, or undefined if it is not Ready (or already counts). */
export function availableAt(pod: Obj, minReadySeconds: number): number | undefined {
  const c = getPodReadyCondition(pod);
  if (c?.status !== 'True' || !minReadySeconds) return undefined;
  const ltt = Date.parse(c.lastTransitionTime ?? '');
  return Number.isFinite(ltt) ? ltt + minReadySeconds * 1000 : undefined;
}

const PHASE_ORDINAL: Record<string, number> = { Pending: 0, Unknown: 1, Running: 2 };

function deletionCost(pod: Obj): number {
  const v = pod.metadata.annotations?.[POD_DELETION_COST];
  if (v === undefined || !/^[+-]?\d+$/.test(v.trim())) return 0;
  const n = Number(v);
  return n < -2147483648 || n > 2147483647 ? 0 : n;
}

function maxRestarts(pod: Obj): [number, number] {
  let regular = 0;
  let sidecar = 0;
  for (const s of (pod.status?.containerStatuses as any[] | undefined) ?? []) regular = Math.max(regular, s.restartCount ?? 0);
  const initSpecs = new Map<string, any>(((pod.spec?.initContainers as any[] | undefined) ?? []).map((c) => [c.name, c]));
  for (const s of (pod.status?.initContainerStatuses as any[] | undefined) ?? []) {
    if (initSpecs.get(s.name)?.restartPolicy === 'Always') sidecar = Math.max(sidecar, s.restartCount ?? 0);
  }
  return [regular, sidecar];
}

/** logarithmicRankDiff: compares floor(log2(age in ns)). */
function logRankDiff(t1: number, t2: number, nowMs: number): number {
  const d1 = (nowMs - t1) * 1e6;
  const d2 = (nowMs - t2) * 1e6;
  const r1 = d1 > 0 ? Math.floor(Math.log2(d1)) : -1;
  const r2 = d2 > 0 ? Math.floor(Math.log2(d2)) : -1;
  return r1 - r2;
}

const timeOf = (s: string | undefined): number | undefined => {
  if (!s) return undefined;
  const t = Date.parse(s);
  return Number.isFinite(t) ? t : undefined;
};

/**
 * ActivePodsWithRanks.Less with LogarithmicScaleDown (GA): returns < 0 when a should be deleted
 * before b. rankA/rankB: active related pods on the same node (doubled-up pods go first).
 */
export function compareVictims(a: Obj, b: Obj, rankA: number, rankB: number, nowMs: number): number {
  const na = a.spec?.nodeName ?? '';
  const nb = b.spec?.nodeName ?? '';
  // 1. unassigned < assigned
  if (na !== nb && (!na || !nb)) return !na ? -1 : 1;
  // 2. Pending < Unknown < Running
  const pa = PHASE_ORDINAL[a.status?.phase] ?? 0;
  const pb = PHASE_ORDINAL[b.status?.phase] ?? 0;
  if (pa !== pb) return pa - pb;
  // 3. not ready < ready
  const ra = isPodReady(a);
  const rb = isPodReady(b);
  if (ra !== rb) return ra ? 1 : -1;
  // 4. lower pod-deletion-cost first
  const ca = deletionCost(a);
  const cb = deletionCost(b);
  if (ca !== cb) return ca - cb;
  // 5. doubled up first
  if (rankA !== rankB) return rankB - rankA;
  const uidCmp = (): number => ((a.metadata.uid ?? '') < (b.metadata.uid ?? '') ? -1 : (a.metadata.uid ?? '') > (b.metadata.uid ?? '') ? 1 : 0);
  // 6. ready for a shorter time first (log buckets)
  if (ra && rb) {
    const ta = timeOf(getPodReadyCondition(a)?.lastTransitionTime);
    const tb = timeOf(getPodReadyCondition(b)?.lastTransitionTime);
    if (ta !== tb) {
      if (ta === undefined || tb === undefined) return afterOrZero(ta, tb) ? -1 : 1;
      const d = logRankDiff(ta, tb, nowMs);
      if (d === 0) {
        const u = uidCmp();
        if (u !== 0) return u;
      } else return d;
    }
  }
  // 7. more restarts first
  const [ra1, rs1] = maxRestarts(a);
  const [rb1, rs2] = maxRestarts(b);
  if (ra1 !== rb1) return rb1 - ra1;
  if (rs1 !== rs2) return rs2 - rs1;
  // 8. newer first (empty creation time first)
  const ta = timeOf(a.metadata.creationTimestamp);
  const tb = timeOf(b.metadata.creationTimestamp);
  if (ta !== tb) {
    if (ta === undefined || tb === undefined) return afterOrZero(ta, tb) ? -1 : 1;
    const d = logRankDiff(ta, tb, nowMs);
    if (d === 0) return uidCmp();
    return d;
  }
  return 0;
}

/** afterOrZero: zero time first, else the later time first. */
function afterOrZero(t1: number | undefined, t2: number | undefined): boolean {
  if (t1 === undefined || t2 === undefined) return t1 === undefined;
  return t1 > t2;
}

/**
 * getPodsToDelete: ranks `pods` (the RS's active pods) using `related` (active pods of every RS of
 * the same Deployment) for the doubled-up rule, and returns the first `diff`.
 */
export function podsToDelete(pods: Obj[], related: Obj[], diff: number, nowMs: number): Obj[] {
  if (diff >= pods.length) return pods.slice(0, diff);
  const onNode = new Map<string, number>();
  for (const p of related) if (isPodActive(p)) onNode.set(p.spec?.nodeName ?? '', (onNode.get(p.spec?.nodeName ?? '') ?? 0) + 1);
  const ranked = pods.map((p) => ({ p, rank: onNode.get(p.spec?.nodeName ?? '') ?? 0 }));
  ranked.sort((x, y) => compareVictims(x.p, y.p, x.rank, y.rank, nowMs));
  return ranked.slice(0, diff).map((x) => x.p);
}

/** Pods by controller uid, and orphans per namespace, maintained from store events (frozen store objects). */
export class PodIndex {
  private readonly byOwner = new Map<string, Map<string, Obj>>();
  private readonly ownerOf = new Map<string, string>(); // pod uid -> owner uid
  readonly orphans = new Map<string, Map<string, Obj>>(); // ns -> pod uid -> pod

  apply(ev: StoreEvent): void {
    const pod = ev.object;
    const uid = pod.metadata.uid!;
    const prev = this.ownerOf.get(uid);
    const ns = pod.metadata.namespace ?? '';
    if (prev !== undefined) {
      this.byOwner.get(prev)?.delete(uid);
      if (this.byOwner.get(prev)?.size === 0) this.byOwner.delete(prev);
      this.ownerOf.delete(uid);
    }
    this.orphans.get(ns)?.delete(uid);
    if (ev.type === 'DELETED') return;
    const owner = pod.metadata.ownerReferences?.find((r) => r.controller)?.uid;
    if (owner) {
      let m = this.byOwner.get(owner);
      if (!m) this.byOwner.set(owner, (m = new Map()));
      m.set(uid, pod);
      this.ownerOf.set(uid, owner);
    } else {
      let m = this.orphans.get(ns);
      if (!m) this.orphans.set(ns, (m = new Map()));
      m.set(uid, pod);
    }
  }

  owned(ownerUid: string): Obj[] {
    const m = this.byOwner.get(ownerUid);
    return m ? [...m.values()] : [];
  }

  orphansIn(ns: string): Obj[] {
    const m = this.orphans.get(ns);
    return m ? [...m.values()] : [];
  }
}
