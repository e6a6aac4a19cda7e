import type { V1Endpoint, V1EndpointSlice, V1Pod } from '@kubernetes/client-node';
import { compareText } from './compare.js';
import { controllerRef } from './pods.js';

export const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';

export type EndpointState = 'ready' | 'serving-terminating' | 'not-ready';
export type PodTrafficState = EndpointState | 'none';

export interface EndpointView {
  /** targetRef pod name, or the first address when the endpoint has no pod. */
  key: string;
  pod?: string;
  addresses: string[];
  nodeName?: string;
  state: EndpointState;
  terminating: boolean;
  deployment?: string;
}

export interface DeploymentTraffic {
  /** Owning Deployment name; '' for endpoints no Deployment owns. */
  deployment: string;
  ready: number;
  servingTerminating: number;
  notReady: number;
  /** ready / totalReady, 0..1. */
  share: number;
}

export interface ServiceTraffic {
  service: string;
  endpoints: EndpointView[];
  /** State per given pod name; 'none' when no endpoint points at it. */
  podStates: Map<string, PodTrafficState>;
  byDeployment: DeploymentTraffic[];
  totalReady: number;
  /** No ready endpoint at all: every share is 0 and the Service drops traffic. */
  noReadyEndpoints: boolean;
}

/**
 * Per the EndpointSlice API, a nil `ready` or `serving` means true and a nil `terminating` false.
 */
export function endpointState(endpoint: V1Endpoint): { state: EndpointState; terminating: boolean } {
  const ready = endpoint.conditions?.ready ?? true;
  const serving = endpoint.conditions?.serving ?? ready;
  const terminating = endpoint.conditions?.terminating ?? false;
  if (ready) return { state: 'ready', terminating };
  if (terminating && serving) return { state: 'serving-terminating', terminating };
  return { state: 'not-ready', terminating };
}

const STATE_RANK: Record<EndpointState, number> = { ready: 2, 'serving-terminating': 1, 'not-ready': 0 };

export function slicesForService(
  slices: Iterable<V1EndpointSlice>,
  service: string,
  namespace?: string,
): V1EndpointSlice[] {
  return [...slices].filter(
    (s) =>
      s.metadata?.labels?.[SERVICE_NAME_LABEL] === service &&
      (namespace === undefined || s.metadata?.namespace === undefined || s.metadata.namespace === namespace),
  );
}

export interface TrafficInput {
  service: string;
  namespace?: string;
  /** Slices of the namespace; those not labelled for `service` are ignored. */
  slices: Iterable<V1EndpointSlice>;
  /** Pods of interest (e.g. the release's); used for attribution and for the 'none' state. */
  pods: Iterable<V1Pod>;
  /** ReplicaSet name -> Deployment name (see deploymentByReplicaSet). */
  deploymentOfReplicaSet: ReadonlyMap<string, string>;
}

/**
 * Who gets the Service's traffic. The same pod can appear in several slices (dual-stack, or a
 * reconcile in flight); it is counted once, in its best state.
 */
export function serviceTraffic(input: TrafficInput): ServiceTraffic {
  const podByName = new Map<string, V1Pod>();
  for (const pod of input.pods) if (pod.metadata?.name) podByName.set(pod.metadata.name, pod);

  const deploymentOfPod = (podName: string | undefined): string | undefined => {
    const pod = podName === undefined ? undefined : podByName.get(podName);
    const owner = controllerRef(pod);
    return owner?.kind === 'ReplicaSet' ? input.deploymentOfReplicaSet.get(owner.name) : undefined;
  };

  const byKey = new Map<string, EndpointView>();
  for (const slice of slicesForService(input.slices, input.service, input.namespace)) {
    for (const endpoint of slice.endpoints ?? []) {
      const pod = endpoint.targetRef?.kind === 'Pod' ? endpoint.targetRef.name : undefined;
      const key = pod ?? endpoint.addresses?.[0];
      if (key === undefined) continue;
      const { state, terminating } = endpointState(endpoint);
      const previous = byKey.get(key);
      if (previous && STATE_RANK[previous.state] >= STATE_RANK[state]) {
        previous.addresses = [...new Set([...previous.addresses, ...(endpoint.addresses ?? [])])];
        continue;
      }
      byKey.set(key, {
        key,
        pod,
        addresses: [...new Set([...(previous?.addresses ?? []), ...(endpoint.addresses ?? [])])],
        nodeName: endpoint.nodeName,
        state,
        terminating,
        deployment: deploymentOfPod(pod),
      });
    }
  }
  const endpoints = [...byKey.values()].sort((a, b) => compareText(a.key, b.key));

  const podStates = new Map<string, PodTrafficState>();
  for (const name of podByName.keys()) podStates.set(name, byKey.get(name)?.state ?? 'none');

  const groups = new Map<string, DeploymentTraffic>();
  const groupFor = (deployment: string) => {
    let g = groups.get(deployment);
    if (!g) {
      g = { deployment, ready: 0, servingTerminating: 0, notReady: 0, share: 0 };
      groups.set(deployment, g);
    }
    return g;
  };
  for (const pod of podByName.values()) {
    const d = deploymentOfPod(pod.metadata?.name);
    if (d !== undefined) groupFor(d);
  }
  let totalReady = 0;
  for (const ep of endpoints) {
    const g = groupFor(ep.deployment ?? '');
    if (ep.state === 'ready') {
      g.ready++;
      totalReady++;
    } else if (ep.state === 'serving-terminating') g.servingTerminating++;
    else g.notReady++;
  }
  for (const g of groups.values()) g.share = totalReady === 0 ? 0 : g.ready / totalReady;

  return {
    service: input.service,
    endpoints,
    podStates,
    byDeployment: [...groups.values()].sort((a, b) => compareText(a.deployment, b.deployment)),
    totalReady,
    noReadyEndpoints: totalReady === 0,
  };
}

/** Share of ready endpoints one Deployment holds (0 when unknown or no traffic). */
export function trafficShare(traffic: ServiceTraffic, deployment: string): number {
  return traffic.byDeployment.find((g) => g.deployment === deployment)?.share ?? 0;
}
