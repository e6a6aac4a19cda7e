/**
 * The simulator's storage: every object, one resourceVersion counter bumped on every write
 * (as etcd does), and a bounded history of changes per kind so watches can resume from an RV.
 */
import { isoSeconds, isoTime, type Clock } from './clock.js';
import { ApiError, alreadyExists, conflict, invalid, notFound, type StatusCause } from './errors.js';
import { R, apiVersionOf, storageKey, type ResourceType } from './resources.js';
import { newUid } from './uid.js';
import { cloneJson, copyUnfrozen, deepFreeze, jsonEqual, shareUnchanged } from './json.js';

/** A Kubernetes object as plain JSON. */
export interface Obj {
  apiVersion?: string;
  kind?: string;
  metadata: Meta;
  [field: string]: any;
}

export interface Meta {
  name?: string;
  generateName?: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  deletionGracePeriodSeconds?: number;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: OwnerReference[];
  finalizers?: string[];
  [field: string]: any;
}

export interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller?: boolean;
  blockOwnerDeletion?: boolean;
}

export type EventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface StoreEvent {
  type: EventType;
  rt: ResourceType;
  object: Obj; // frozen deep copy; do not mutate
  old?: Obj; // previous state for MODIFIED and DELETED
  rv: number;
}

/** Per-kind defaulting and validation, registered by the API layer; controllers' writes pass through it too. */
export interface KindHooks {
  defaults?(obj: Obj, ctx: { store: Store; old?: Obj }): void;
  validate?(obj: Obj, old: Obj | undefined): StatusCause[];
}

export interface WriteOptions {
  /** Write only the status subresource. */
  subresource?: 'status';
  /**
   * Return the stored object itself (frozen: read it, never change it) instead of a copy, for
   * controllers' hot paths that write many objects and read little of what they wrote.
   */
  frozen?: boolean;
  /**
   * The caller hands `input` over and keeps no hold on it: its unfrozen parts are stored (and
   * frozen) as they are instead of copied, for controllers that build a new object per write.
   */
  handOver?: boolean;
}

export interface DeleteOptions {
  gracePeriodSeconds?: number;
  propagationPolicy?: 'Background' | 'Foreground' | 'Orphan';
  preconditions?: { uid?: string; resourceVersion?: string };
}

const NAME_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

export function randomSuffix(n = 5): string {
  let s = '';
  for (let i = 0; i < n; i++) s += NAME_ALPHABET[Math.floor(Math.random() * NAME_ALPHABET.length)];
  return s;
}

/**
 * A write's input for the store to finish and keep: the object and its metadata unfrozen (the
 * store sets fields in them); frozen subtrees, stored before, are shared. Unfrozen parts are
 * copied unless the input is handed over.
 */
function ownCopy(input: Obj, handedOver = false): Obj {
  const obj: Obj = Object.isFrozen(input) ? { ...input } : handedOver ? input : copyUnfrozen(input);
  if (obj.metadata && Object.isFrozen(obj.metadata)) obj.metadata = { ...obj.metadata };
  return obj;
}

/**
 * Points what an update left unchanged at the stored version's (frozen) subtrees: versions share
 * them, and the equality checks and the freezing that follow skip them.
 */
function shareWithStored(obj: Obj, current: Obj): void {
  for (const k in obj) if (k !== 'metadata') obj[k] = shareUnchanged(obj[k], current[k]);
  const m = obj.metadata;
  for (const k in m) m[k] = shareUnchanged(m[k], current.metadata[k]);
}

const nsKey = (ns: string | undefined, name: string) => `${ns ?? ''}/${name}`;

interface History {
  events: StoreEvent[];
  /** Every change after this RV is in `events`. */
  since: number;
}

export class Store {
  private rvCounter: number;
  private readonly objects = new Map<string, Map<string, Obj>>();
  private readonly history = new Map<string, History>();
  private readonly listeners = new Set<(ev: StoreEvent) => void>();
  private readonly hooks = new Map<string, KindHooks>();

  constructor(
    readonly clock: Clock,
    readonly historyLimit = 20000,
    private readonly startRv = 1000,
  ) {
    this.rvCounter = startRv;
  }

  /** The current resourceVersion, as a list returns it. */
  get resourceVersion(): number {
    return this.rvCounter;
  }

  setHooks(rt: ResourceType, hooks: KindHooks): void {
    this.hooks.set(storageKey(rt), hooks);
  }

  subscribe(fn: (ev: StoreEvent) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  get(rt: ResourceType, ns: string | undefined, name: string): Obj | undefined {
    const o = this.peek(rt, ns, name);
    return o ? this.present(rt, o) : undefined;
  }

  /** The stored object itself, frozen (read it, never change it), for controllers' hot paths. */
  peek(rt: ResourceType, ns: string | undefined, name: string): Obj | undefined {
    return this.bucket(rt).get(nsKey(rt.namespaced ? ns : undefined, name));
  }

  mustGet(rt: ResourceType, ns: string | undefined, name: string): Obj {
    const o = this.get(rt, ns, name);
    if (!o) throw notFound(rt.resource, rt.group, name);
    return o;
  }

  /** Objects of a kind, in one namespace or all, sorted by namespace then name. Copies. */
  list(rt: ResourceType, ns?: string, filter?: (o: Obj) => boolean): Obj[] {
    const out: Obj[] = [];
    for (const o of this.bucket(rt).values()) {
      if (ns && rt.namespaced && o.metadata.namespace !== ns) continue;
      if (filter && !filter(o)) continue;
      out.push(this.present(rt, o));
    }
    return out.sort((a, b) =>
      (a.metadata.namespace ?? '').localeCompare(b.metadata.namespace ?? '') || a.metadata.name!.localeCompare(b.metadata.name!),
    );
  }

  /** Read-only view without copying, for hot paths (controllers iterating pods). Do not mutate. */
  *scan(rt: ResourceType, ns?: string): Iterable<Obj> {
    for (const o of this.bucket(rt).values()) {
      if (ns && rt.namespaced && o.metadata.namespace !== ns) continue;
      yield o;
    }
  }

  count(rt: ResourceType): number {
    return this.bucket(rt).size;
  }

  create(rt: ResourceType, input: Obj, opts: Pick<WriteOptions, 'frozen' | 'handOver'> = {}): Obj {
    const obj = ownCopy(input, opts.handOver);
    obj.metadata ??= {};
    const m = obj.metadata;
    if (rt.namespaced) {
      if (!m.namespace) throw new ApiError(400, 'BadRequest', 'the namespace of the object must be set');
      const ns = this.bucket(R.namespaces).get(nsKey(undefined, m.namespace));
      if (!ns) throw notFound('namespaces', '', m.namespace);
      if (ns.metadata.deletionTimestamp && rt !== R.events)
        throw new ApiError(
          403,
          'Forbidden',
          `${rt.resource} "${m.name ?? m.generateName}" is forbidden: unable to create new content in namespace ${m.namespace} because it is being terminated`,
        );
    } else delete m.namespace;
    if (!m.name && m.generateName) {
      for (let i = 0; i < 8 && !m.name; i++) {
        const candidate = m.generateName + randomSuffix();
        if (!this.bucket(rt).has(nsKey(m.namespace, candidate))) m.name = candidate;
      }
    }
    if (!m.name) throw invalid(rt.kind, rt.group, '', [{ field: 'metadata.name', reason: 'FieldValueRequired', message: 'Required value: name or generateName is required' }]);
    if (this.bucket(rt).has(nsKey(m.namespace, m.name))) throw alreadyExists(rt.resource, rt.group, m.name);
    obj.apiVersion = apiVersionOf(rt);
    obj.kind = rt.kind;
    m.uid = newUid();
    m.creationTimestamp = isoTime(this.clock);
    delete m.deletionTimestamp;
    delete m.deletionGracePeriodSeconds;
    delete m.resourceVersion;
    if (rt.generation) m.generation = 1;
    else delete m.generation;
    this.admit(rt, obj, undefined);
    return this.commit(rt, 'ADDED', obj, undefined, opts.frozen);
  }

  /**
   * Replaces an object. With `subresource: 'status'` only the status moves; otherwise the status
   * of kinds with a status subresource is kept. A set metadata.resourceVersion is a precondition.
   */
  update(rt: ResourceType, input: Obj, opts: WriteOptions = {}): Obj {
    return this.write(rt, input, opts, opts.handOver ?? false);
  }

  /** update(), taking `input` as its own when `owned` (nobody else holds it) instead of copying it. */
  private write(rt: ResourceType, input: Obj, opts: WriteOptions, owned: boolean): Obj {
    const name = input.metadata?.name;
    const ns = rt.namespaced ? input.metadata?.namespace : undefined;
    if (!name) throw new ApiError(400, 'BadRequest', 'name is required');
    const current = this.bucket(rt).get(nsKey(ns, name));
    if (!current) throw notFound(rt.resource, rt.group, name);
    const want = input.metadata.resourceVersion;
    if (want && want !== current.metadata.resourceVersion) throw conflict(rt.resource, rt.group, name);
    let obj: Obj;
    if (opts.subresource === 'status') {
      // Only the status is new: the rest shares the stored (frozen) spec and metadata values.
      obj = { ...current, metadata: { ...current.metadata }, status: owned ? input.status : copyUnfrozen(input.status) };
      if (obj.status === undefined) delete obj.status;
    } else {
      obj = ownCopy(input, owned);
      if (rt.subresources.includes('status')) {
        if (current.status === undefined) delete obj.status;
        else obj.status = current.status; // frozen, shared
      }
    }
    const m = obj.metadata;
    const cm = current.metadata;
    obj.apiVersion = apiVersionOf(rt);
    obj.kind = rt.kind;
    Object.assign(m, {
      name: cm.name,
      uid: cm.uid,
      creationTimestamp: cm.creationTimestamp,
      ...(rt.namespaced ? { namespace: cm.namespace } : {}),
    });
    if (cm.deletionTimestamp) {
      m.deletionTimestamp = cm.deletionTimestamp;
      m.deletionGracePeriodSeconds = cm.deletionGracePeriodSeconds;
    } else {
      delete m.deletionTimestamp;
      delete m.deletionGracePeriodSeconds;
    }
    if (rt.generation) m.generation = specChanged(current, obj) ? (cm.generation ?? 1) + 1 : cm.generation;
    // A status write keeps the stored spec and metadata, which were validated when written.
    this.admit(rt, obj, current, opts.subresource !== 'status');
    shareWithStored(obj, current);
    // A pod stays for the kubelet unless its grace period is already 0; a namespace also waits for spec.finalizers.
    const podWaits = rt === R.pods && (cm.deletionGracePeriodSeconds ?? 0) > 0;
    const nsWaits = rt === R.namespaces && (obj.spec?.finalizers?.length ?? 0) > 0;
    if (cm.deletionTimestamp && !(m.finalizers?.length) && !podWaits && !nsWaits) {
      return this.commit(rt, 'DELETED', obj, current, opts.frozen);
    }
    if (sameContent(current, obj)) return opts.frozen ? current : this.present(rt, current);
    return this.commit(rt, 'MODIFIED', obj, current, opts.frozen);
  }

  /** Reads the latest state, applies fn to a copy and writes it back (no precondition). */
  mutate(rt: ResourceType, ns: string | undefined, name: string, fn: (o: Obj) => void, opts: WriteOptions = {}): Obj {
    const current = this.mustGet(rt, ns, name);
    fn(current);
    delete current.metadata.resourceVersion;
    return this.write(rt, current, opts, true);
  }

  /**
   * Deletes as the apiserver does: objects with finalizers (and pods with a grace period) get a
   * deletionTimestamp and stay; the rest go at once. Returns the object's last state.
   */
  delete(rt: ResourceType, ns: string | undefined, name: string, opts: DeleteOptions = {}): { object: Obj; gone: boolean } {
    const key = nsKey(rt.namespaced ? ns : undefined, name);
    const current = this.bucket(rt).get(key);
    if (!current) throw notFound(rt.resource, rt.group, name);
    const pre = opts.preconditions;
    if (pre?.uid && pre.uid !== current.metadata.uid)
      throw new ApiError(409, 'Conflict', `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${current.metadata.uid}`);
    if (pre?.resourceVersion && pre.resourceVersion !== current.metadata.resourceVersion) throw conflict(rt.resource, rt.group, name);

    const obj = ownCopy(current);
    const m = obj.metadata;
    const finalizers = new Set(m.finalizers ?? []);
    if (opts.propagationPolicy === 'Orphan') finalizers.add('orphan');
    if (opts.propagationPolicy === 'Foreground') finalizers.add('foregroundDeletion');
    const addsFinalizer = finalizers.size > (m.finalizers?.length ?? 0);

    // Only a scheduled, still running pod gets a grace period; the kubelet finishes the deletion.
    let grace = 0;
    if (rt === R.pods && obj.spec?.nodeName && !isPodTerminal(obj)) {
      grace = opts.gracePeriodSeconds ?? obj.spec?.terminationGracePeriodSeconds ?? 30;
    }
    const specFinalizers = rt === R.namespaces ? (obj.spec?.finalizers?.length ?? 0) : 0;
    if (finalizers.size === 0 && grace <= 0 && specFinalizers === 0) return { object: this.commit(rt, 'DELETED', obj, current), gone: true };
    if (m.deletionTimestamp) {
      const remaining = Date.parse(m.deletionTimestamp) - this.clock.now();
      if (!addsFinalizer && grace * 1000 >= remaining) return { object: this.present(rt, current), gone: false };
    }
    m.finalizers = [...finalizers];
    if (m.finalizers.length === 0) delete m.finalizers;
    m.deletionTimestamp = isoSeconds(this.clock.now() + grace * 1000);
    m.deletionGracePeriodSeconds = grace;
    if (rt.generation) m.generation = (m.generation ?? 1) + 1;
    return { object: this.commit(rt, 'MODIFIED', obj, current), gone: false };
  }

  /** Removes an object now (grace 0), as the kubelet or a finalizer-free GC does. */
  remove(rt: ResourceType, ns: string | undefined, name: string): Obj | undefined {
    const current = this.bucket(rt).get(nsKey(rt.namespaced ? ns : undefined, name));
    if (!current) return undefined;
    return this.commit(rt, 'DELETED', ownCopy(current), current);
  }

  /**
   * Changes since `rv` for one kind, or 'expired' when the history no longer reaches back
   * that far (the watch must answer 410).
   */
  changesSince(rt: ResourceType, rv: number): StoreEvent[] | 'expired' {
    const h = this.historyOf(rt);
    if (rv < h.since) return 'expired';
    let lo = 0;
    let hi = h.events.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (h.events[mid].rv <= rv) lo = mid + 1;
      else hi = mid;
    }
    return h.events.slice(lo);
  }

  /** The oldest RV a watch can still resume from for this kind. */
  oldestResumable(rt: ResourceType): number {
    return this.historyOf(rt).since;
  }

  /** Forgets history up to now, so any older RV gets 410 (tests use it). */
  compact(): void {
    for (const h of this.history.values()) {
      h.events = [];
      h.since = this.rvCounter;
    }
  }

  private admit(rt: ResourceType, obj: Obj, old: Obj | undefined, validate = true): void {
    const hooks = this.hooks.get(storageKey(rt));
    hooks?.defaults?.(obj, { store: this, old });
    if (!validate) return;
    const causes = hooks?.validate?.(obj, old) ?? [];
    if (causes.length) throw invalid(rt.kind, rt.group, obj.metadata.name ?? '', causes);
  }

  private commit(rt: ResourceType, type: EventType, obj: Obj, old: Obj | undefined, frozen = false): Obj {
    const rv = ++this.rvCounter;
    obj.metadata.resourceVersion = String(rv);
    const bucket = this.bucket(rt);
    const key = nsKey(obj.metadata.namespace, obj.metadata.name!);
    const stored = deepFreeze(obj);
    if (type === 'DELETED') bucket.delete(key);
    else bucket.set(key, stored);
    const ev: StoreEvent = { type, rt, object: stored, old, rv };
    const h = this.historyOf(rt);
    h.events.push(ev);
    // Trimmed in chunks (a quarter of the limit at a time), not one event per write, which
    // shifted the whole 20,000-event array on every write once the history was full.
    if (h.events.length > this.historyLimit + Math.max(1, this.historyLimit >> 2)) {
      const dropped = h.events.splice(0, h.events.length - this.historyLimit);
      h.since = dropped[dropped.length - 1].rv;
    }
    for (const fn of this.listeners) fn(ev);
    return frozen ? stored : this.present(rt, stored);
  }

  private present(rt: ResourceType, o: Obj): Obj {
    const c = cloneJson(o);
    c.apiVersion = apiVersionOf(rt);
    c.kind = rt.kind;
    return c;
  }

  private bucket(rt: ResourceType): Map<string, Obj> {
    const k = storageKey(rt);
    let b = this.objects.get(k);
    if (!b) this.objects.set(k, (b = new Map()));
    return b;
  }

  private historyOf(rt: ResourceType): History {
    const k = storageKey(rt);
    let h = this.history.get(k);
    // Nothing before this store's first RV is known: an older RV is from another history (410).
    if (!h) this.history.set(k, (h = { events: [], since: this.startRv }));
    return h;
  }
}

/** podutil.IsPodTerminal: Succeeded or Failed. Here because graceful deletion needs it; controllers import it from podUtil. */
export function isPodTerminal(pod: Obj): boolean {
  const phase = pod.status?.phase;
  return phase === 'Succeeded' || phase === 'Failed';
}

/** Whether anything but metadata and status differs (what bumps metadata.generation). */
function specChanged(a: Obj, b: Obj): boolean {
  return !jsonEqual({ ...a, metadata: undefined, status: undefined, apiVersion: undefined, kind: undefined }, { ...b, metadata: undefined, status: undefined, apiVersion: undefined, kind: undefined });
}

/** Whether a write changes nothing but the resourceVersion (a no-op update writes nothing). */
function sameContent(a: Obj, b: Obj): boolean {
  return jsonEqual({ ...a, metadata: undefined }, { ...b, metadata: undefined }) && jsonEqual({ ...a.metadata, resourceVersion: undefined }, { ...b.metadata, resourceVersion: undefined });
}
