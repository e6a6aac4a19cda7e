/**
 * A Service's traffic is kept between flushes while the objects it was made from are the same:
 * each input, changed alone, makes it again.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { V1Deployment, V1EndpointSlice, V1Pod, V1Service } from '@kubernetes/client-node';
import { LabelIndex } from '../../../src/model/index.js';
import { namespaceTraffic, type NamespacePods, type TrafficMemo } from '../../../src/derive/services.js';

const service: V1Service = { metadata: { name: 'web', namespace: 'ns' }, spec: { selector: { app: 'web' } } };
const deployment = (name: string): V1Deployment => ({ metadata: { name, namespace: 'ns', uid: name }, spec: { selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } } } } });
const pod = (name: string, rs: string): V1Pod => ({ metadata: { name, namespace: 'ns', uid: name, ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: rs, uid: rs, controller: true }] } });
const slice = (pods: string[]): V1EndpointSlice => ({
  addressType: 'IPv4',
  metadata: { name: 'web-abc', namespace: 'ns', labels: { 'kubernetes.io/service-name': 'web' } },
  endpoints: pods.map((p, i) => ({ addresses: [`10.0.0.${i + 1}`], conditions: { ready: true }, targetRef: { kind: 'Pod', name: p, namespace: 'ns' } })),
});

function traffic(deployments: V1Deployment[], podsOf: Record<string, V1Pod[]>, slices: V1EndpointSlice[], previous?: Map<string, TrafficMemo>) {
  const next = new Map<string, TrafficMemo>();
  const all = Object.values(podsOf).flat();
  const pods: NamespacePods = {
    deployments: new LabelIndex(deployments, (d) => d.spec?.template?.metadata?.labels),
    podsOfDeployment: new Map(Object.entries(podsOf)),
    podByName: (name) => all.find((p) => p.metadata?.name === name),
    rsToDeployment: new Map([['web-v1', 'web'], ['web-v2', 'web-canary']]),
  };
  const out = namespaceTraffic('ns', [service], slices, pods, previous, next);
  return { byDeployment: out.byService.get('web')!.byDeployment.map((d) => `${d.deployment || '(none)'} ${d.ready}`).sort(), next, view: out.views[0] };
}

test("a Service's traffic is kept while its objects are the same, and made again when a Deployment's pods, a slice or the Deployments change", () => {
  const web = deployment('web');
  const canary = deployment('web-canary');
  const a = pod('a', 'web-v1');
  const sl = slice(['a', 'b']);
  const webPods = [a];
  const none: V1Pod[] = [];
  const first = traffic([web, canary], { web: webPods, 'web-canary': none }, [sl]);
  // b is named by the endpoints but not listed yet: no Deployment for it.
  assert.deepEqual(first.byDeployment, ['(none) 1', 'web 1']);

  const same = traffic([web, canary], { web: webPods, 'web-canary': none }, [sl], first.next);
  assert.equal(same.view, first.view, 'the same objects: the same view');

  // The canary's pods now hold b (same slice, same Deployments): b is the canary's.
  const b = pod('b', 'web-v2');
  const canaryPods = [b];
  const podsMoved = traffic([web, canary], { web: webPods, 'web-canary': canaryPods }, [sl], first.next);
  assert.notEqual(podsMoved.view, first.view);
  assert.deepEqual(podsMoved.byDeployment, ['web 1', 'web-canary 1']);

  const onlyA = slice(['a']);
  const sliceMoved = traffic([web, canary], { web: webPods, 'web-canary': canaryPods }, [onlyA], podsMoved.next);
  assert.deepEqual(sliceMoved.byDeployment, ['web 1', 'web-canary 0']);

  // A canary pod no endpoint names yet (not Ready): only the canary's pods changed.
  const c = pod('c', 'web-v2');
  const started = traffic([web, canary], { web: webPods, 'web-canary': [b, c] }, [onlyA], sliceMoved.next);
  assert.equal(started.view.traffic.podStates.get('c'), 'none');

  const fewer = traffic([web], { web: webPods }, [slice(['a'])], sliceMoved.next);
  assert.notEqual(fewer.view, sliceMoved.view, 'a Deployment gone: made again');
});
