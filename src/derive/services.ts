/** Services: who gets each one's traffic, recomputed only when its inputs changed. */
import type { V1Deployment, V1EndpointSlice, V1Pod, V1Service } from '@kubernetes/client-node';
import { controllerRef, formatEqualitySelector, SERVICE_NAME_LABEL, serviceTraffic, type LabelIndex, type ServiceTraffic } from '../model/index.js';
import { groupBy, nameOf, sameInputs } from './util.js';

export interface ServiceView {
  key: string;
  namespace: string;
  name: string;
  selector: string;
  traffic: ServiceTraffic;
}

export interface TrafficMemo {
  inputs: unknown[];
  traffic: ServiceTraffic;
}

/** One namespace's Deployments with their pods, as the traffic model needs them. */
export interface NamespacePods {
  /** The namespace's Deployments by their template labels. */
  deployments: LabelIndex<V1Deployment>;
  podsOfDeployment: ReadonlyMap<string, V1Pod[]>;
  podsByName: ReadonlyMap<string, V1Pod>;
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
    // Only the pods that matter to this Service: those its endpoints name and those of the Deployments it selects.
    const svcSlices = slicesOf.get(nameOf(svc)) ?? [];
    const selected = new Set<V1Pod>();
    for (const sl of svcSlices) for (const e of sl.endpoints ?? []) {
      const pod = e.targetRef?.name ? pods.podsByName.get(e.targetRef.name) : undefined;
      if (pod) selected.add(pod);
    }
    for (const d of pods.deployments.matching(svc.spec.selector)) for (const p of pods.podsOfDeployment.get(nameOf(d)) ?? []) selected.add(p);
    const key = `${ns}/${nameOf(svc)}`;
    const owners = [...selected].map((p) => controllerRef(p)?.name).map((rs) => (rs ? pods.rsToDeployment.get(rs) : undefined));
    const inputs = [svc, ...svcSlices, ...selected, ...owners];
    const memo = previous?.get(key);
    const traffic =
      memo && sameInputs(memo.inputs, inputs)
        ? memo.traffic
        : serviceTraffic({ service: nameOf(svc), namespace: ns, slices: svcSlices, pods: selected, deploymentOfReplicaSet: pods.rsToDeployment });
    next.set(key, { inputs, traffic });
    byService.set(nameOf(svc), traffic);
    views.push({ key, namespace: ns, name: nameOf(svc), selector: formatEqualitySelector(svc.spec.selector), traffic });
  }
  return { views, byService };
}
