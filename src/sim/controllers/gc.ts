/**
 * The garbage collector (`pkg/controller/garbagecollector`), over an owner -> dependents graph kept
 * from store events:
 * - background: an object whose every owner (matched by uid) is gone is deleted (pods gracefully);
 *   dangling references next to a live owner are dropped;
 * - foreground: an owner with the `foregroundDeletion` finalizer gets its dependents deleted and
 *   loses the finalizer once no dependent with blockOwnerDeletion remains;
 * - orphan: an owner with the `orphan` finalizer has its references stripped from its dependents,
 *   then loses the finalizer.
 */
import type { Controller, SimContext } from '../runtime.js';
import { RESOURCES, resourceForKind, storageKey, type ResourceType } from '../resources.js';
import { jsonEqual } from '../json.js';
import type { Obj, OwnerReference, StoreEvent } from '../store.js';
import { isNotFound } from './ctrlutil.js';

const ORPHAN = 'orphan';
const FOREGROUND = 'foregroundDeletion';

interface Node {
  rt: ResourceType;
  ns: string;
  name: string;
  uid: string;
  owners: OwnerReference[];
  deleting: boolean;
  finalizers: string[];
}

/** Kinds that can own objects here, by `apiVersion/kind`. */
const OWNER_KINDS = new Map<string, ResourceType>();
for (const rt of RESOURCES) {
  if (rt.createOnly) continue;
  OWNER_KINDS.set(`${rt.group ? rt.group + '/' : ''}${rt.version}/${rt.kind}`, rt);
}

const nodeKey = (rt: ResourceType, ns: string, name: string) => `${storageKey(rt)}|${ns}/${name}`;

export class GarbageCollector implements Controller {
  readonly name = 'garbage-collector';
  /** Every object that owns or is owned, by uid. */
  private readonly nodes = new Map<string, Node>();
  /** owner uid -> dependent uids. */
  private readonly dependents = new Map<string, Set<string>>();
  /** Live objects of owner kinds: uid by `rtKey|ns/name`, so a reference is checked without a store read. */
  private readonly live = new Map<string, string>();

  constructor(private readonly ctx: SimContext) {
    for (const rt of RESOURCES) {
      if (rt.createOnly || rt.resource === 'events') continue;
      for (const o of ctx.store.scan(rt)) this.observe({ type: 'ADDED', rt, object: o, rv: 0 });
    }
  }

  private observe(ev: StoreEvent): void {
    const o = ev.object;
    const uid = o.metadata.uid!;
    const ns = o.metadata.namespace ?? '';
    const lk = nodeKey(ev.rt, ns, o.metadata.name!);
    const prev = this.nodes.get(uid);
    if (prev) for (const r of prev.owners) this.dependents.get(r.uid)?.delete(uid);
    if (ev.type === 'DELETED') {
      this.nodes.delete(uid);
      if (this.live.get(lk) === uid) this.live.delete(lk);
      return;
    }
    this.live.set(lk, uid);
    const owners = o.metadata.ownerReferences ?? [];
    const finalizers = o.metadata.finalizers ?? [];
    if (owners.length || finalizers.includes(ORPHAN) || finalizers.includes(FOREGROUND) || this.dependents.has(uid) || prev) {
      this.nodes.set(uid, { rt: ev.rt, ns, name: o.metadata.name!, uid, owners, deleting: !!o.metadata.deletionTimestamp, finalizers });
    }
    for (const r of owners) {
      let s = this.dependents.get(r.uid);
      if (!s) this.dependents.set(r.uid, (s = new Set()));
      s.add(uid);
    }
  }

  onEvent(ev: StoreEvent, queue: (key: string) => void): void {
    if (ev.rt.resource === 'events') return;
    // Most writes (status ones) move nothing the graph holds; an object being deleted is looked at on every write.
    if (ev.type === 'MODIFIED' && ev.old && !ev.object.metadata.deletionTimestamp && sameOwnership(ev.old, ev.object)) return;
    const uid = ev.object.metadata.uid!;
    const before = this.nodes.get(uid);
    this.observe(ev);
    const o = ev.object;
    const ns = o.metadata.namespace ?? '';
    const key = `${storageKey(ev.rt)}|${ns}/${o.metadata.name}|${uid}`;
    if (ev.type === 'DELETED') {
      // Its dependents may now be dangling; owners waiting in foreground may be done.
      for (const d of this.dependents.get(uid) ?? []) this.queueNode(d, queue);
      for (const r of before?.owners ?? []) this.queueNode(r.uid, queue);
      return;
    }
    const fin = o.metadata.finalizers ?? [];
    if (o.metadata.deletionTimestamp && (fin.includes(ORPHAN) || fin.includes(FOREGROUND))) queue(key);
    if (o.metadata.ownerReferences?.length) {
      const changedRefs = !before || !jsonEqual(before.owners, o.metadata.ownerReferences ?? []);
      if (ev.type === 'ADDED' || changedRefs || (o.metadata.deletionTimestamp && !before?.deleting)) queue(key);
    }
  }

  private queueNode(uid: string, queue: (key: string) => void): void {
    const n = this.nodes.get(uid);
    if (n) queue(`${storageKey(n.rt)}|${n.ns}/${n.name}|${uid}`);
  }

  /** The live owner a reference points to, by kind, name and uid; 'unknown' when the kind is not served. */
  private ownerState(ns: string, ref: OwnerReference): 'live' | 'gone' | 'unknown' {
    const rt = OWNER_KINDS.get(`${ref.apiVersion}/${ref.kind}`);
    if (!rt) return 'unknown';
    const uid = this.live.get(nodeKey(rt, rt.namespaced ? ns : '', ref.name));
    return uid === ref.uid ? 'live' : 'gone';
  }

  sync(key: string): void {
    const [rtKey, rest, uid] = key.split('|');
    const slash = rest.indexOf('/');
    const ns = rest.slice(0, slash);
    const name = rest.slice(slash + 1);
    const rt = RESOURCES.find((r) => storageKey(r) === rtKey && !r.createOnly);
    if (!rt) return;
    const obj = this.ctx.store.get(rt, ns || undefined, name);
    if (!obj || obj.metadata.uid !== uid) return;
    const fin = obj.metadata.finalizers ?? [];
    if (obj.metadata.deletionTimestamp && fin.includes(ORPHAN)) return this.orphanDependents(rt, obj);
    if (obj.metadata.deletionTimestamp && fin.includes(FOREGROUND)) this.deleteDependents(rt, obj);
    this.attemptToDelete(rt, obj);
  }

  /** attemptToDeleteItem: delete when every owner is gone; drop dangling refs when some owner lives. */
  private attemptToDelete(rt: ResourceType, obj: Obj): void {
    const refs = obj.metadata.ownerReferences ?? [];
    if (!refs.length) return;
    const ns = obj.metadata.namespace ?? '';
    const states = refs.map((r) => this.ownerState(ns, r));
    const dangling = refs.filter((_, i) => states[i] === 'gone');
    if (dangling.length === 0) {
      // Owners alive: if one of them is deleting in foreground and this reference blocks it, go first.
      const waiting = refs.some((r) => r.blockOwnerDeletion && this.nodes.get(r.uid)?.deleting && this.nodes.get(r.uid)?.finalizers.includes(FOREGROUND));
      if (waiting && !obj.metadata.deletionTimestamp) this.deleteObject(rt, obj, this.dependents.get(obj.metadata.uid!)?.size ? 'Foreground' : 'Background');
      return;
    }
    const solid = refs.filter((_, i) => states[i] !== 'gone');
    if (solid.length > 0) {
      const gone = new Set(dangling.map((r) => r.uid));
      this.ctx.store.mutate(rt, obj.metadata.namespace, obj.metadata.name!, (o) => {
        o.metadata.ownerReferences = (o.metadata.ownerReferences ?? []).filter((r: OwnerReference) => !gone.has(r.uid));
        if (o.metadata.ownerReferences.length === 0) delete o.metadata.ownerReferences;
      });
      return;
    }
    if (obj.metadata.deletionTimestamp) return;
    const fin = obj.metadata.finalizers ?? [];
    const policy = fin.includes(ORPHAN) ? 'Orphan' : fin.includes(FOREGROUND) ? 'Foreground' : 'Background';
    this.deleteObject(rt, obj, policy);
  }

  private deleteObject(rt: ResourceType, obj: Obj, policy: 'Background' | 'Foreground' | 'Orphan'): void {
    try {
      this.ctx.store.delete(rt, obj.metadata.namespace, obj.metadata.name!, {
        propagationPolicy: policy,
        preconditions: { uid: obj.metadata.uid },
      });
    } catch (err) {
      if (!isNotFound(err) && (err as { code?: number }).code !== 409) throw err;
    }
  }

  /** processDeletingDependentsItem: delete dependents, then drop the finalizer when none blocks. */
  private deleteDependents(_rt: ResourceType, owner: Obj): void {
    const uid = owner.metadata.uid!;
    for (const d of [...(this.dependents.get(uid) ?? [])]) {
      const n = this.nodes.get(d);
      if (!n || n.deleting) continue;
      const dep = this.ctx.store.get(n.rt, n.ns || undefined, n.name);
      if (!dep || dep.metadata.deletionTimestamp) continue;
      // A dependent that owns things itself goes in foreground too, so the chain unwinds bottom-up.
      this.deleteObject(n.rt, dep, this.dependents.get(d)?.size || resourceIsOwnerKind(n.rt) ? 'Foreground' : 'Background');
    }
    const blocking = [...(this.dependents.get(uid) ?? [])].filter((d) => {
      const n = this.nodes.get(d);
      return n?.owners.some((r) => r.uid === uid && r.blockOwnerDeletion);
    });
    if (blocking.length === 0) this.removeFinalizer(_rt, owner, FOREGROUND);
  }

  private orphanDependents(rt: ResourceType, owner: Obj): void {
    const uid = owner.metadata.uid!;
    for (const d of [...(this.dependents.get(uid) ?? [])]) {
      const n = this.nodes.get(d);
      if (!n) continue;
      try {
        this.ctx.store.mutate(n.rt, n.ns || undefined, n.name, (o) => {
          o.metadata.ownerReferences = (o.metadata.ownerReferences ?? []).filter((r: OwnerReference) => r.uid !== uid);
          if (o.metadata.ownerReferences.length === 0) delete o.metadata.ownerReferences;
        });
      } catch (err) {
        if (!isNotFound(err)) throw err;
      }
    }
    this.removeFinalizer(rt, owner, ORPHAN);
  }

  private removeFinalizer(rt: ResourceType, owner: Obj, finalizer: string): void {
    try {
      this.ctx.store.mutate(rt, owner.metadata.namespace, owner.metadata.name!, (o) => {
        if (o.metadata.uid !== owner.metadata.uid) return;
        o.metadata.finalizers = (o.metadata.finalizers ?? []).filter((f: string) => f !== finalizer);
        if (o.metadata.finalizers.length === 0) delete o.metadata.finalizers;
      });
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }
}

/** Whether two versions of an object agree on the owners and finalizers the graph keeps of it. */
function sameOwnership(a: Obj, b: Obj): boolean {
  return jsonEqual(a.metadata.ownerReferences, b.metadata.ownerReferences) && jsonEqual(a.metadata.finalizers, b.metadata.finalizers);
}

/** Workload kinds whose deletion should cascade in foreground when their owner is deleted in foreground. */
function resourceIsOwnerKind(rt: ResourceType): boolean {
  return ['Deployment', 'ReplicaSet', 'Job', 'CronJob'].some((k) => {
    try {
      return storageKey(resourceForKind(k, k === 'Job' || k === 'CronJob' ? 'batch' : 'apps')) === storageKey(rt);
    } catch {
      return false;
    }
  });
}
