/**
 * The legacy Endpoints controller (`pkg/controller/endpoint`): an Endpoints object named after each
 * Service with a selector; ready pods in `addresses`, the rest in `notReadyAddresses`, terminating
 * pods left out unless the Service publishes not-ready addresses; truncated over 1000 addresses.
 */
import type { Controller, SimContext } from '../runtime.js';
import { splitKey } from '../runtime.js';
import { R } from '../resources.js';
import { matchesEquality } from '../labels.js';
import type { Obj, StoreEvent } from '../store.js';
import { canonical, isNotFound, sameKind } from './ctrlutil.js';
import { isPodReady } from './podUtil.js';
import { LABEL_HEADLESS, findPort, isServiceIPSet, podIPs, serviceSelector, ServicePods, shouldPodBeInEndpoints, shouldSetHostname } from './endpointslice.js';

export const ENDPOINTS_MANAGED_BY = 'endpoints.kubernetes.io/managed-by';
export const ENDPOINTS_CONTROLLER_NAME = 'endpoint-controller';
export const OVER_CAPACITY = 'endpoints.kubernetes.io/over-capacity';
export const MAX_CAPACITY = 1000;

interface Address {
  ip: string;
  hostname?: string;
  nodeName?: string;
  targetRef: { kind: 'Pod'; namespace: string; name: string; uid: string };
}
interface Port {
  name?: string;
  port: number;
  protocol: string;
  appProtocol?: string;
}
interface Subset {
  addresses?: Address[];
  notReadyAddresses?: Address[];
  ports?: Port[];
}

const addrKey = (a: Address) => `${a.ip}|${a.targetRef?.uid ?? ''}`;
const byIpUid = (a: Address, b: Address) => a.ip.localeCompare(b.ip) || (a.targetRef?.uid ?? '').localeCompare(b.targetRef?.uid ?? '');

/** endpoints.RepackSubsets + SortSubsets: group ports that share the same address sets. */
export function repackSubsets(entries: { addr: Address; ready: boolean; port?: Port }[]): Subset[] {
  const portToAddrs = new Map<string, { port?: Port; addrs: Map<string, { addr: Address; ready: boolean }> }>();
  for (const e of entries) {
    const pk = e.port ? canonical(e.port) : '<none>';
    let slot = portToAddrs.get(pk);
    if (!slot) portToAddrs.set(pk, (slot = { port: e.port, addrs: new Map() }));
    const k = addrKey(e.addr);
    const prev = slot.addrs.get(k);
    slot.addrs.set(k, { addr: e.addr, ready: e.ready || !!prev?.ready });
  }
  const groups = new Map<string, { ports: Port[]; addrs: { addr: Address; ready: boolean }[] }>();
  for (const { port, addrs } of portToAddrs.values()) {
    const list = [...addrs.values()];
    const key = list.map((a) => `${addrKey(a.addr)}=${a.ready}`).sort().join(',');
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { ports: [], addrs: list }));
    if (port) g.ports.push(port);
  }
  const subsets: Subset[] = [];
  for (const g of groups.values()) {
    const ready = g.addrs.filter((a) => a.ready).map((a) => a.addr).sort(byIpUid);
    const notReady = g.addrs.filter((a) => !a.ready).map((a) => a.addr).sort(byIpUid);
    const s: Subset = {};
    if (ready.length) s.addresses = ready;
    if (notReady.length) s.notReadyAddresses = notReady;
    if (g.ports.length) s.ports = g.ports.sort((a, b) => (a.name ?? '').localeCompare(b.name ?? '') || a.port - b.port);
    subsets.push(s);
  }
  return subsets.sort((a, b) => canonical(a).localeCompare(canonical(b)));
}

/** truncateEndpoints: keep ready addresses first, spread the 1000 across subsets in proportion. */
export function truncateSubsets(subsets: Subset[]): boolean {
  let totalReady = 0;
  let totalNotReady = 0;
  for (const s of subsets) {
    totalReady += s.addresses?.length ?? 0;
    totalNotReady += s.notReadyAddresses?.length ?? 0;
  }
  if (totalReady + totalNotReady <= MAX_CAPACITY) return false;
  const truncateReady = totalReady > MAX_CAPACITY;
  const max = truncateReady ? MAX_CAPACITY : MAX_CAPACITY - totalReady;
  const numTotal = truncateReady ? totalReady : totalNotReady;
  let canBeAdded = max;
  for (const s of subsets) {
    const inSubset = truncateReady ? (s.addresses?.length ?? 0) : (s.notReadyAddresses?.length ?? 0);
    let toBeAdded = Math.ceil((inSubset / numTotal) * max);
    if (toBeAdded > canBeAdded) toBeAdded = canBeAdded;
    if (truncateReady) {
      s.addresses = (s.addresses ?? []).slice(0, toBeAdded);
      delete s.notReadyAddresses;
      canBeAdded -= s.addresses.length;
    } else {
      s.notReadyAddresses = (s.notReadyAddresses ?? []).slice(0, toBeAdded);
      canBeAdded -= s.notReadyAddresses.length;
    }
    if (s.addresses?.length === 0) delete s.addresses;
    if (s.notReadyAddresses?.length === 0) delete s.notReadyAddresses;
  }
  return true;
}

export class EndpointsController implements Controller {
  readonly name = 'endpoint-controller';
  private readonly watched: ServicePods;
  private writing = false;
  writes = 0;

  constructor(private readonly ctx: SimContext) {
    this.watched = new ServicePods(ctx.store);
  }

  onEvent(ev: StoreEvent, queue: (key: string) => void): void {
    const keys = this.watched.apply(ev);
    if (keys) keys.forEach((k) => queue(k));
    else if (sameKind(ev.rt, R.endpoints) && ev.type === 'DELETED' && !this.writing) {
      queue(`${ev.object.metadata.namespace}/${ev.object.metadata.name}`);
    }
  }

  sync(key: string): void {
    const [ns, name] = splitKey(key);
    const { store } = this.ctx;
    const svc = this.watched.services.get(ns, name);
    if (!svc) {
      // The Service is gone: so is its Endpoints object.
      this.write(() => {
        try {
          store.delete(R.endpoints, ns, name);
        } catch (err) {
          if (!isNotFound(err)) throw err;
        }
      });
      return;
    }
    const selector = serviceSelector(svc);
    if (!selector) return;
    const publishNotReady = !!svc.spec?.publishNotReadyAddresses;
    const entries: { addr: Address; ready: boolean; port?: Port }[] = [];
    for (const pod of this.watched.pods.inNamespace(ns)) {
      if (!matchesEquality(selector, pod.metadata.labels)) continue;
      if (!shouldPodBeInEndpoints(pod, publishNotReady)) continue;
      const ip = podIPs(pod).find((i) => i.includes(':') === ((svc.spec?.ipFamilies ?? ['IPv4'])[0] === 'IPv6'));
      if (!ip) continue;
      const addr: Address = {
        ip,
        nodeName: pod.spec?.nodeName ?? '',
        targetRef: { kind: 'Pod', namespace: pod.metadata.namespace!, name: pod.metadata.name!, uid: pod.metadata.uid! },
      };
      if (shouldSetHostname(pod, svc)) addr.hostname = pod.spec.hostname;
      const ready = publishNotReady || isPodReady(pod);
      const ports = svc.spec?.ports ?? [];
      if (ports.length === 0) {
        if (svc.spec?.clusterIP === 'None') entries.push({ addr, ready });
        continue;
      }
      for (const sp of ports) {
        const port = findPort(pod, sp);
        if (port === undefined) continue;
        const p: Port = { name: sp.name, port, protocol: sp.protocol ?? 'TCP' };
        if (!sp.name) delete p.name;
        if (sp.appProtocol) p.appProtocol = sp.appProtocol;
        entries.push({ addr, ready, port: p });
      }
    }
    const subsets = repackSubsets(entries);
    const current = store.get(R.endpoints, ns, name);

    const labels: Record<string, string> = { ...(svc.metadata.labels ?? {}) };
    labels[ENDPOINTS_MANAGED_BY] = ENDPOINTS_CONTROLLER_NAME;
    if (!isServiceIPSet(svc)) labels[LABEL_HEADLESS] = '';
    else delete labels[LABEL_HEADLESS];

    const annotations: Record<string, string> = { ...(current?.metadata.annotations ?? {}) };
    if (truncateSubsets(subsets)) annotations[OVER_CAPACITY] = 'truncated';
    else delete annotations[OVER_CAPACITY];

    if (
      current &&
      canonical(current.subsets ?? []) === canonical(subsets) &&
      canonical(current.metadata.labels ?? {}) === canonical(labels) &&
      canonical(current.metadata.annotations ?? {}) === canonical(annotations)
    )
      return;

    const body: Obj = {
      apiVersion: 'v1',
      kind: 'Endpoints',
      metadata: current ? { ...current.metadata, labels, annotations } : { name, namespace: ns, labels, annotations },
    };
    if (Object.keys(annotations).length === 0) delete body.metadata.annotations;
    if (subsets.length) body.subsets = subsets;
    this.write(() => {
      if (current) store.update(R.endpoints, body);
      else {
        try {
          store.create(R.endpoints, body);
        } catch (err) {
          if ((err as { code?: number }).code === 403) return; // namespace terminating
          throw err;
        }
      }
    });
  }

  private write(fn: () => void): void {
    this.writing = true;
    try {
      fn();
      this.writes++;
    } finally {
      this.writing = false;
    }
  }
}
