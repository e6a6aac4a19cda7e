/** Services: who gets each one's traffic, recomputed only when its inputs changed. */
import type { V1Deployment, V1EndpointSlice, V1Pod, V1Service } from '@kubernetes/client-node';
import { controllerRef, formatEqualitySelector, SERVICE_NAME_LABEL, serviceTraffic, type LabelIndex, type ServiceTraffic } from '../model/index.js';
import { groupBy, nameOf } from './util.js';

export interface ServiceView {
  key: string;
  namespace: string;
  name: string;
  selector: string;
  traffic: ServiceTraffic;
}

export interface TrafficMemo {
  inputs: unknown[];
  /** Pods the endpoints name that are not the selected Deployments' (an orphan, a former selector's): looked up by name. */
  strays: string[];
  traffic: ServiceTraffic;
  /** Made with the traffic: the same view while its inputs are. */
  view: ServiceView;
}

/** One namespace's Deployments with their pods, as the traffic model needs them. */
export interface NamespacePods {
  /** The namespace's Deployments by their template labels. */
  deployments: LabelIndex<V1Deployment>;
  podsOfDeployment: ReadonlyMap<string, V1Pod[]>;
  /** A pod of the namespace by name: only endpoints naming pods outside the selected Deployments need it. */
  podByName: (name: string) => V1Pod | undefined;
  /** ReplicaSet name -> Deployment name. */
  rsToDeployment: ReadonlyMap<string, string>;
}

/**
 * Traffic of every Service with a selector in one namespace. `previous` holds the last flush's
 * results by namespace/name; the results of this one are written to `next`.
 */
export function namespaceTraffic(
  ns: string,
  services: readonly V1Service[],
  slices: readonly V1EndpointSlice[],
  pods: NamespacePods,
  previous: ReadonlyMap<string, TrafficMemo> | undefined,
  next: Map<string, TrafficMemo>,
): { views: ServiceView[]; byService: Map<string, ServiceTraffic> } {
  const slicesOf = groupBy(slices, (sl) => sl.metadata?.labels?.[SERVICE_NAME_LABEL]);
  const views: ServiceView[] = [];
  const byService = new Map<string, ServiceTraffic>();
  for (const svc of services) {
    if (!svc.spec?.selector || Object.keys(svc.spec.selector).length === 0) continue;
    // Only the pods that matter to this Service: those of the Deployments it selects, and any
    // other pod its endpoints name. Each Deployment's pods are one array while none changed, so
    // an unchanged Service costs a comparison per Deployment, not one per pod, and makes no array.
    const svcSlices = slicesOf.get(nameOf(svc)) ?? NONE;
    const matched = pods.deployments.matching(svc.spec.selector);
    const key = `${ns}/${nameOf(svc)}`;
    const memo = previous?.get(key);
    let entry: TrafficMemo;
    if (memo && sameTrafficInputs(memo, svc, svcSlices, matched, pods)) {
      entry = memo;
    } else {
      const podLists = matched.map((d) => podsOf(pods, d));
      const selected = new Set<V1Pod>(podLists.flat());
      const names = new Set([...selected].map(nameOf));
      const strays = [...new Set(svcSlices.flatMap((sl) => (sl.endpoints ?? []).map((e) => e.targetRef?.name ?? '')))].filter((n) => n && !names.has(n));
      for (const name of strays) {
        const pod = pods.podByName(name);
        if (pod) selected.add(pod);
      }
      const traffic = serviceTraffic({ service: nameOf(svc), namespace: ns, slices: svcSlices, pods: selected, deploymentOfReplicaSet: pods.rsToDeployment });
      const view = { key, namespace: ns, name: nameOf(svc), selector: formatEqualitySelector(svc.spec.selector), traffic };
      const inputs: unknown[] = [svc, ...svcSlices, ...matched, ...podLists];
      for (const name of strays) inputs.push(...strayInputs(pods, name));
      entry = { inputs, strays, traffic, view };
    }
    next.set(key, entry);
    byService.set(nameOf(svc), entry.traffic);
    views.push(entry.view);
  }
  return { views, byService };
}

const NONE: never[] = [];

const podsOf = (pods: NamespacePods, d: V1Deployment): V1Pod[] => pods.podsOfDeployment.get(nameOf(d)) ?? NONE;

/** A pod the endpoints name outside the selected Deployments, and the Deployment it now belongs to. */
function strayInputs(pods: NamespacePods, name: string): [V1Pod | undefined, string | undefined] {
  const pod = pods.podByName(name);
  const rs = pod ? controllerRef(pod)?.name : undefined;
  return [pod, rs ? pods.rsToDeployment.get(rs) : undefined];
}

/** Whether a Service's traffic was made from these very objects (memo.inputs, in the order they were listed). */
function sameTrafficInputs(memo: TrafficMemo, svc: V1Service, slices: readonly V1EndpointSlice[], matched: readonly V1Deployment[], pods: NamespacePods): boolean {
  const inputs = memo.inputs;
  if (inputs.length !== 1 + slices.length + 2 * matched.length + 2 * memo.strays.length || inputs[0] !== svc) return false;
  let i = 1;
  for (const sl of slices) if (inputs[i++] !== sl) return false;
  for (const d of matched) if (inputs[i++] !== d) return false;
  for (const d of matched) if (inputs[i++] !== podsOf(pods, d)) return false;
  for (const name of memo.strays) {
    const [pod, deployment] = strayInputs(pods, name);
    if (inputs[i++] !== pod || inputs[i++] !== deployment) return false;
  }
  return true;
}
