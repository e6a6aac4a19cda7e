/**
 * The EndpointSlice controller (kube-controller-manager's `endpointslice-controller`, reconciler from
 * kubernetes/endpointslice): one or more slices per Service with a selector, an endpoint per pod with
 * an IP that is not terminal (terminating pods stay, with serving/terminating conditions), at most
 * 100 endpoints a slice, and as few slice writes as the upstream reconciler makes.
 */
import type { Controller, SimContext } from '../runtime.js';
import { splitKey } from '../runtime.js';
import { R } from '../resources.js';
import { matchesEquality } from '../labels.js';
import { isPodTerminal, type Obj, type Store, type StoreEvent } from '../store.js';
import { NsIndex, canonical, isNotFound, sameKind, sameLabels } from './ctrlutil.js';
import { isPodReady } from './podUtil.js';

export const LABEL_SERVICE_NAME = 'kubernetes.io/service-name';
export const LABEL_MANAGED_BY = 'endpointslice.kubernetes.io/managed-by';
export const ENDPOINTSLICE_CONTROLLER_NAME = 'endpointslice-controller.k8s.io';
export const LABEL_HEADLESS = 'service.kubernetes.io/headless';
export const LABEL_ZONE = 'topology.kubernetes.io/zone';
export const MAX_ENDPOINTS_PER_SLICE = 100;

/** util.ShouldPodBeInEndpoints: not terminal, has an IP, and (unless included) not terminating. */
export function shouldPodBeInEndpoints(pod: Obj, includeTerminating: boolean): boolean {
  if (isPodTerminal(pod)) return false;
  if (!pod.status?.podIP && !pod.status?.podIPs?.length) return false;
  if (!includeTerminating && pod.metadata.deletionTimestamp) return false;
  return true;
}

/** Pod IPs as the apiserver reports them (podIPs, defaulted from podIP). */
export function podIPs(pod: Obj): string[] {
  const list: { ip: string }[] | undefined = pod.status?.podIPs;
  if (list?.length) return list.map((p) => p.ip);
  return pod.status?.podIP ? [pod.status.podIP] : [];
}

const isIPv6 = (ip: string) => ip.includes(':');

/** podutil.FindPort: a named targetPort is looked up in the pod's container ports (same protocol). */
export function findPort(pod: Obj, svcPort: any): number | undefined {
  const target = svcPort.targetPort ?? svcPort.port;
  const protocol = svcPort.protocol ?? 'TCP';
  if (typeof target === 'number') return target;
  if (typeof target === 'string') {
    const containers = [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? []).filter((c: any) => c.restartPolicy === 'Always')];
    for (const c of containers) {
      for (const p of c.ports ?? []) {
        if (p.name === target && (p.protocol ?? 'TCP') === protocol) return p.containerPort;
      }
    }
  }
  return undefined;
}

export function shouldSetHostname(pod: Obj, svc: Obj): boolean {
  return !!pod.spec?.hostname && pod.spec?.subdomain === svc.metadata.name && pod.metadata.namespace === svc.metadata.namespace;
}

export const isServiceIPSet = (svc: Obj): boolean => !!svc.spec?.clusterIP && svc.spec.clusterIP !== 'None';

/** The Service selector the endpoint controllers act on, or undefined (selector-less or ExternalName). */
export function serviceSelector(svc: Obj): Record<string, string> | undefined {
  if (svc.spec?.type === 'ExternalName') return undefined;
  const sel = svc.spec?.selector;
  if (!sel || Object.keys(sel).length === 0) return undefined;
  return sel;
}

/** Pods and Services per namespace, kept from store events, for the controllers that give Services their pods' endpoints. */
export class ServicePods {
  readonly pods = new NsIndex();
  readonly services = new NsIndex();
  /**
   * Services with a selector, by one `key=value` pair of it (the first key in order), per
   * namespace: a pod event looks up its own labels here instead of testing every Service.
   */
  private readonly bySelectorPair = new Map<string, Map<string, Set<string>>>();
  /** `namespace/name` of a Service -> the pair it is indexed under. */
  private readonly indexedAs = new Map<string, string>();

  constructor(store: Store) {
    this.pods.seed(store.scan(R.pods));
    for (const svc of store.scan(R.services)) this.applyService({ type: 'ADDED', object: svc } as StoreEvent);
  }

  /** Applies a pod or Service event and returns the `namespace/name` of the Services to sync; undefined for other kinds. */
  apply(ev: StoreEvent): string[] | undefined {
    if (sameKind(ev.rt, R.pods)) {
      this.pods.apply(ev);
      return this.servicesForPodEvent(ev);
    }
    if (sameKind(ev.rt, R.services)) {
      this.applyService(ev);
      return [`${ev.object.metadata.namespace}/${ev.object.metadata.name}`];
    }
    return undefined;
  }

  private applyService(ev: StoreEvent): void {
    this.services.apply(ev);
    const svc = ev.object;
    const ns = svc.metadata.namespace ?? '';
    const key = `${ns}/${svc.metadata.name}`;
    const was = this.indexedAs.get(key);
    if (was !== undefined) {
      this.bySelectorPair.get(ns)?.get(was)?.delete(svc.metadata.name!);
      this.indexedAs.delete(key);
    }
    const sel = ev.type === 'DELETED' ? undefined : serviceSelector(svc);
    if (!sel) return;
    const first = Object.keys(sel).sort()[0];
    const pair = `${first}=${sel[first]}`;
    let byPair = this.bySelectorPair.get(ns);
    if (!byPair) this.bySelectorPair.set(ns, (byPair = new Map()));
    let names = byPair.get(pair);
    if (!names) byPair.set(pair, (names = new Set()));
    names.add(svc.metadata.name!);
    this.indexedAs.set(key, pair);
  }

  /** Services of a namespace whose selector matches a pod, from the old and the new state of a pod event. */
  private servicesForPodEvent(ev: StoreEvent): string[] {
    const pod = ev.object;
    const old = ev.old;
    if (ev.type === 'MODIFIED' && old && !podEndpointsChanged(old, pod)) return [];
    const ns = pod.metadata.namespace ?? '';
    const byPair = this.bySelectorPair.get(ns);
    if (!byPair) return [];
    const keys = new Set<string>();
    this.addServicesSelecting(ns, byPair, pod.metadata.labels, keys);
    if (old && old.metadata.labels !== pod.metadata.labels) this.addServicesSelecting(ns, byPair, old.metadata.labels, keys);
    return [...keys];
  }

  private addServicesSelecting(ns: string, byPair: Map<string, Set<string>>, labels: Record<string, string> | undefined, keys: Set<string>): void {
    for (const k in labels) {
      const names = byPair.get(`${k}=${labels[k]}`);
      if (!names) continue;
      for (const name of names) {
        const sel = serviceSelector(this.services.get(ns, name)!);
        if (sel && matchesEquality(sel, labels)) keys.add(`${ns}/${name}`);
      }
    }
  }
}

/** util.podEndpointsChanged, folded into one answer: labels, hostname, deletion, readiness, IPs, phase. */
function podEndpointsChanged(a: Obj, b: Obj): boolean {
  if (!sameLabels(a.metadata.labels, b.metadata.labels)) return true;
  if (a.spec?.hostname !== b.spec?.hostname || a.spec?.subdomain !== b.spec?.subdomain) return true;
  if (a.metadata.deletionTimestamp !== b.metadata.deletionTimestamp) return true;
  if (a.spec?.nodeName !== b.spec?.nodeName) return true;
  // Versions share what a write left unchanged: the same status object needs no look.
  if (a.status === b.status) return false;
  if (isPodReady(a) !== isPodReady(b)) return true;
  if (!samePodIPs(a, b)) return true;
  if (isPodTerminal(a) !== isPodTerminal(b)) return true;
  return false;
}

function samePodIPs(a: Obj, b: Obj): boolean {
  const x = podIPs(a);
  const y = podIPs(b);
  return x.length === y.length && x.every((ip, i) => ip === y[i]);
}

interface Endpoint {
  addresses: string[];
  conditions: { ready: boolean; serving: boolean; terminating: boolean };
  hostname?: string;
  targetRef: { kind: 'Pod'; namespace: string; name: string; uid: string };
  nodeName?: string;
  zone?: string;
}

interface Slice extends Obj {
  addressType: string;
  endpoints: Endpoint[];
  ports: any[];
}

/** endpointset hashEndpoint: addresses, hostname and the target pod's namespace/name. */
const endpointKey = (ep: Endpoint) =>
  `${[...ep.addresses].sort().join(',')}|${ep.hostname ?? ''}|${ep.targetRef?.namespace ?? ''}/${ep.targetRef?.name ?? ''}`;

const portMapKey = (ports: any[]) => ports.map((p) => canonical(p)).sort().join(';');

export class EndpointSliceController implements Controller {
  readonly name = 'endpointslice-controller';
  private readonly watched: ServicePods;
  private readonly zones = new Map<string, string | undefined>();
  private readonly nodes = new Set<string>();
  /** Managed slices per `namespace/service`. */
  private readonly slices = new Map<string, Map<string, Slice>>();
  private writing = false;
  /** Slice writes made, for tests and benchmarks. */
  writes = 0;

  constructor(private readonly ctx: SimContext) {
    const { store } = ctx;
    this.watched = new ServicePods(store);
    for (const n of store.scan(R.nodes)) this.applyNode({ type: 'ADDED', object: n } as StoreEvent);
    for (const s of store.scan(R.endpointslices)) this.applySlice({ type: 'ADDED', object: s } as StoreEvent);
  }

  onEvent(ev: StoreEvent, queue: (key: string) => void): void {
    const keys = this.watched.apply(ev);
    if (keys) keys.forEach((k) => queue(k));
    else if (sameKind(ev.rt, R.endpointslices)) {
      const key = this.applySlice(ev);
      // Changes made by someone else (or deletions) bring the Service back to its desired state.
      if (key && !this.writing) queue(key);
    } else if (sameKind(ev.rt, R.nodes)) {
      this.applyNode(ev);
    }
  }

  private applyNode(ev: StoreEvent): void {
    const name = ev.object.metadata.name!;
    if (ev.type === 'DELETED') {
      this.nodes.delete(name);
      this.zones.delete(name);
    } else {
      this.nodes.add(name);
      this.zones.set(name, ev.object.metadata.labels?.[LABEL_ZONE] || undefined);
    }
  }

  private applySlice(ev: StoreEvent): string | undefined {
    const s = ev.object as Slice;
    const labels = s.metadata.labels ?? {};
    const oldLabels = ev.old?.metadata.labels ?? {};
    const ns = s.metadata.namespace ?? '';
    // A slice relabelled away from us leaves the index under its old service.
    if (ev.old && (oldLabels[LABEL_MANAGED_BY] !== labels[LABEL_MANAGED_BY] || oldLabels[LABEL_SERVICE_NAME] !== labels[LABEL_SERVICE_NAME])) {
      this.slices.get(`${ns}/${oldLabels[LABEL_SERVICE_NAME]}`)?.delete(s.metadata.name!);
    }
    if (labels[LABEL_MANAGED_BY] !== ENDPOINTSLICE_CONTROLLER_NAME || !labels[LABEL_SERVICE_NAME]) {
      return oldLabels[LABEL_MANAGED_BY] === ENDPOINTSLICE_CONTROLLER_NAME && oldLabels[LABEL_SERVICE_NAME] ? `${ns}/${oldLabels[LABEL_SERVICE_NAME]}` : undefined;
    }
    const key = `${ns}/${labels[LABEL_SERVICE_NAME]}`;
    let m = this.slices.get(key);
    if (!m) this.slices.set(key, (m = new Map()));
    if (ev.type === 'DELETED') m.delete(s.metadata.name!);
    else m.set(s.metadata.name!, s);
    if (m.size === 0) this.slices.delete(key);
    return key;
  }

  /** Managed slices of a Service (read-only store objects). */
  slicesOf(ns: string, service: string): Slice[] {
    return [...(this.slices.get(`${ns}/${service}`)?.values() ?? [])];
  }

  sync(key: string): void {
    const [ns, name] = splitKey(key);
    const svc = this.watched.services.get(ns, name);
    // A deleted Service's slices go with the garbage collector (they are owned by it).
    if (!svc) return;
    const selector = serviceSelector(svc);
    if (!selector) return;
    const addressType = (svc.spec?.ipFamilies ?? ['IPv4'])[0] === 'IPv6' ? 'IPv6' : 'IPv4';
    const existing = this.slicesOf(ns, name).filter((s) => s.addressType === addressType);
    const plan = this.reconcile(svc, selector, existing, addressType);
    this.apply(svc, plan);
  }

  private desiredLabels(svc: Obj): Record<string, string> {
    const labels: Record<string, string> = {};
    for (const [k, v] of Object.entries(svc.metadata.labels ?? {})) {
      if (k === LABEL_SERVICE_NAME || k === LABEL_MANAGED_BY || k === LABEL_HEADLESS) continue;
      labels[k] = v as string;
    }
    if (!isServiceIPSet(svc)) labels[LABEL_HEADLESS] = '';
    labels[LABEL_SERVICE_NAME] = svc.metadata.name!;
    labels[LABEL_MANAGED_BY] = ENDPOINTSLICE_CONTROLLER_NAME;
    return labels;
  }

  private newSlice(svc: Obj, ports: any[], addressType: string): Slice {
    return {
      apiVersion: 'discovery.k8s.io/v1',
      kind: 'EndpointSlice',
      metadata: {
        generateName: `${svc.metadata.name}-`,
        namespace: svc.metadata.namespace,
        labels: this.desiredLabels(svc),
        ownerReferences: [{ apiVersion: 'v1', kind: 'Service', name: svc.metadata.name!, uid: svc.metadata.uid!, controller: true, blockOwnerDeletion: true }],
      },
      addressType,
      endpoints: [],
      ports,
    };
  }

  private endpointFor(pod: Obj, svc: Obj, addressType: string): Endpoint {
    const serving = isPodReady(pod);
    const terminating = !!pod.metadata.deletionTimestamp;
    const ready = !!svc.spec?.publishNotReadyAddresses || (serving && !terminating);
    const ep: Endpoint = {
      addresses: podIPs(pod).filter((ip) => isIPv6(ip) === (addressType === 'IPv6')),
      conditions: { ready, serving, terminating },
      targetRef: { kind: 'Pod', namespace: pod.metadata.namespace!, name: pod.metadata.name!, uid: pod.metadata.uid! },
    };
    if (shouldSetHostname(pod, svc)) ep.hostname = pod.spec.hostname;
    if (pod.spec?.nodeName) ep.nodeName = pod.spec.nodeName;
    const zone = pod.spec?.nodeName ? this.zones.get(pod.spec.nodeName) : undefined;
    if (zone) ep.zone = zone;
    return ep;
  }

  private endpointPorts(svc: Obj, pod: Obj): any[] {
    const out: any[] = [];
    for (const sp of svc.spec?.ports ?? []) {
      const port = findPort(pod, sp);
      if (port === undefined) continue;
      const ep: any = { name: sp.name ?? '', port, protocol: sp.protocol ?? 'TCP' };
      if (sp.appProtocol) ep.appProtocol = sp.appProtocol;
      out.push(ep);
    }
    return out;
  }

  /** reconciler.reconcileByAddressType and reconcileByPortMapping, then finalize's slice recycling. */
  private reconcile(svc: Obj, selector: Record<string, string>, existing: Slice[], addressType: string) {
    const toCreate: Slice[] = [];
    const toUpdate: Slice[] = [];
    const toDelete: Slice[] = [];
    const existingByPorts = new Map<string, Slice[]>();
    for (const s of existing) {
      const owned = s.metadata.ownerReferences?.some((o) => o.uid === svc.metadata.uid && o.kind === 'Service' && o.apiVersion === 'v1');
      if (!owned) {
        toDelete.push(s);
        continue;
      }
      const k = portMapKey(s.ports ?? []);
      existingByPorts.set(k, [...(existingByPorts.get(k) ?? []), s]);
    }

    const desiredByPorts = new Map<string, { ports: any[]; endpoints: Map<string, Endpoint> }>();
    const pods = [...this.watched.pods.inNamespace(svc.metadata.namespace!)]
      .filter((p) => matchesEquality(selector, p.metadata.labels))
      .sort((a, b) => a.metadata.name!.localeCompare(b.metadata.name!));
    const publishNotReady = !!svc.spec?.publishNotReadyAddresses;
    for (const pod of pods) {
      if (!shouldPodBeInEndpoints(pod, true)) continue;
      const ports = this.endpointPorts(svc, pod);
      const k = portMapKey(ports);
      let d = desiredByPorts.get(k);
      if (!d) desiredByPorts.set(k, (d = { ports, endpoints: new Map() }));
      // Pods on an unknown node are skipped unless not-ready addresses are published (as upstream).
      if (!this.nodes.has(pod.spec?.nodeName ?? '') && !publishNotReady) continue;
      const ep = this.endpointFor(pod, svc, addressType);
      if (ep.addresses.length > 0) d.endpoints.set(endpointKey(ep), ep);
    }

    const labels = this.desiredLabels(svc);
    for (const [k, desired] of desiredByPorts) {
      const r = this.reconcileByPortMapping(svc, existingByPorts.get(k) ?? [], desired.endpoints, desired.ports, addressType, labels);
      toCreate.push(...r.toCreate);
      toUpdate.push(...r.toUpdate);
      toDelete.push(...r.toDelete);
    }
    for (const [k, slices] of existingByPorts) if (!desiredByPorts.has(k)) toDelete.push(...slices);

    // No endpoints at all: keep (or create) one empty placeholder slice.
    if (existing.length === toDelete.length && toCreate.length === 0) {
      const placeholder = this.newSlice(svc, [], addressType);
      const only = toDelete.length === 1 ? toDelete[0] : undefined;
      const isPlaceholder =
        only &&
        only.endpoints?.length === 0 &&
        (only.ports ?? []).length === 0 &&
        canonical(only.metadata.labels ?? {}) === canonical(placeholder.metadata.labels) &&
        canonical(only.metadata.ownerReferences) === canonical(placeholder.metadata.ownerReferences);
      if (isPlaceholder) toDelete.length = 0;
      else toCreate.push(placeholder);
    }

    // finalize: reuse slices about to be deleted for the ones about to be created (one update, not two writes).
    for (let i = 0; i < toDelete.length && toCreate.length > 0; ) {
      const del = toDelete[i];
      const owned = del.metadata.ownerReferences?.some((o) => o.uid === svc.metadata.uid && o.kind === 'Service');
      if (del.addressType === addressType && owned) {
        const created = toCreate.pop()!;
        created.metadata = { ...structuredClone(del.metadata), labels: created.metadata.labels, ownerReferences: created.metadata.ownerReferences };
        toUpdate.push(created);
        toDelete.splice(i, 1);
      } else i++;
    }
    return { toCreate, toUpdate, toDelete };
  }

  private reconcileByPortMapping(
    svc: Obj,
    existing: Slice[],
    desired: Map<string, Endpoint>,
    ports: any[],
    addressType: string,
    labels: Record<string, string>,
  ) {
    const byName = new Map<string, Slice>();
    const unchanged = new Set<string>();
    const update = new Set<string>();
    const del = new Set<string>();
    const sortedExisting = [...existing].sort((a, b) => a.metadata.name!.localeCompare(b.metadata.name!));
    for (const s of sortedExisting) {
      byName.set(s.metadata.name!, s);
      const kept: Endpoint[] = [];
      let changed = false;
      for (const ep of s.endpoints ?? []) {
        const k = endpointKey(ep);
        const got = desired.get(k);
        if (!got) continue;
        kept.push(got);
        if (canonical(got) !== canonical(ep)) changed = true;
        desired.delete(k);
      }
      const labelsChanged = canonical(s.metadata.labels ?? {}) !== canonical(labels);
      if (changed || kept.length !== (s.endpoints ?? []).length) {
        if (kept.length === 0) del.add(s.metadata.name!);
        else {
          byName.set(s.metadata.name!, { ...structuredClone(s), endpoints: kept, metadata: { ...structuredClone(s.metadata), labels } });
          update.add(s.metadata.name!);
        }
      } else if (labelsChanged) {
        byName.set(s.metadata.name!, { ...structuredClone(s), metadata: { ...structuredClone(s.metadata), labels } });
        update.add(s.metadata.name!);
      } else unchanged.add(s.metadata.name!);
    }

    const remaining = [...desired.values()];
    const pop = () => remaining.shift()!;
    // 1. Fill slices that are being updated anyway, fullest first.
    if (remaining.length > 0 && update.size > 0) {
      const slices = [...update].map((n) => byName.get(n)!).sort((a, b) => b.endpoints.length - a.endpoints.length);
      for (const s of slices) while (remaining.length > 0 && s.endpoints.length < MAX_ENDPOINTS_PER_SLICE) s.endpoints.push(pop());
    }
    // 2. New slices, or an unchanged slice the rest fits in best.
    const toCreate: Slice[] = [];
    while (remaining.length > 0) {
      let fill: Slice | undefined;
      if (remaining.length < MAX_ENDPOINTS_PER_SLICE && unchanged.size > 0) {
        let closest = MAX_ENDPOINTS_PER_SLICE;
        for (const n of unchanged) {
          const s = byName.get(n)!;
          const diff = MAX_ENDPOINTS_PER_SLICE - (remaining.length + s.endpoints.length);
          if (diff >= 0 && diff < closest) {
            closest = diff;
            fill = s;
          }
        }
      }
      if (!fill) fill = this.newSlice(svc, ports, addressType);
      else {
        fill = structuredClone(fill) as Slice;
        byName.set(fill.metadata.name!, fill);
      }
      while (remaining.length > 0 && fill.endpoints.length < MAX_ENDPOINTS_PER_SLICE) fill.endpoints.push(pop());
      if (fill.metadata.name) {
        update.add(fill.metadata.name);
        unchanged.delete(fill.metadata.name);
      } else toCreate.push(fill);
    }
    return {
      toCreate,
      toUpdate: [...update].map((n) => byName.get(n)!),
      toDelete: [...del].map((n) => byName.get(n)!),
    };
  }

  private apply(svc: Obj, plan: { toCreate: Slice[]; toUpdate: Slice[]; toDelete: Slice[] }): void {
    const { store } = this.ctx;
    this.writing = true;
    try {
      if (!svc.metadata.deletionTimestamp) {
        for (const s of plan.toCreate) {
          try {
            store.create(R.endpointslices, s);
            this.writes++;
          } catch (err) {
            // A terminating namespace refuses new content; nothing to do then.
            if ((err as { code?: number }).code === 403) return;
            throw err;
          }
        }
      }
      for (const s of plan.toUpdate) {
        store.update(R.endpointslices, s);
        this.writes++;
      }
      for (const s of plan.toDelete) {
        try {
          store.delete(R.endpointslices, s.metadata.namespace, s.metadata.name!);
          this.writes++;
        } catch (err) {
          if (!isNotFound(err)) throw err;
        }
      }
    } finally {
      this.writing = false;
    }
  }
}
