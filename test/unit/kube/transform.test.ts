import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubernetesObject } from '@kubernetes/client-node';
import { keepForKind } from '../../../src/kube/transform.js';
import { compactEvent } from '../../../src/model/events.js';
import { WATCHED_KINDS, type WatchedKind } from '../../../src/kube/kinds.js';
import type { ObjectMaps } from '../../../src/kube/watch.js';
import { DeriveMemo, deriveViewModel } from '../../../src/derive/derive.js';
import { snapshotOf } from '../../../src/derive/snapshot.js';
import { Sim } from '../../../src/sim/sim.js';
import { VirtualClock } from '../../../src/sim/clock.js';
import { RESOURCE } from '../../helpers/snapshot.js';
import { installScenario } from '../../../src/sim/scenarios.js';

/** What a real API server adds that the sim does not: managedFields everywhere, and the bulk of a pod spec. */
function asRealServerSends(kind: WatchedKind, o: KubernetesObject): KubernetesObject {
  const copy = structuredClone(o) as KubernetesObject & { spec?: Record<string, unknown> };
  copy.metadata = { ...copy.metadata, managedFields: [{ manager: 'kube-controller-manager', operation: 'Update', fieldsType: 'FieldsV1', fieldsV1: { 'f:status': {} } }] };
  if (kind === 'pods' && copy.spec) {
    copy.spec.volumes = [{ name: 'kube-api-access', projected: { sources: [{ serviceAccountToken: { path: 'token' } }] } }];
    copy.spec.containers = (copy.spec.containers as Record<string, unknown>[]).map((c) => ({ ...c, env: [{ name: 'A', value: 'x'.repeat(200) }], volumeMounts: [{ name: 'kube-api-access', mountPath: '/var/run' }] }));
    copy.metadata!.annotations = { ...copy.metadata!.annotations, 'kubectl.kubernetes.io/last-applied-configuration': '{}' };
  }
  return copy;
}

const withoutManagedFields = (v: unknown): unknown => JSON.parse(JSON.stringify(v, (k, x) => (k === 'managedFields' ? undefined : x)));

test('what the watch keeps of each object changes nothing the cockpit derives, mid-rollout and settled', async () => {
  const sim = new Sim({ clock: new VirtualClock() });
  installScenario(sim, 'demo');
  for (const at of [3_000, 60_000]) {
    await sim.advance(at);
    const full = {} as ObjectMaps;
    const kept = {} as ObjectMaps;
    for (const kind of WATCHED_KINDS) {
      const objects = sim.store.list(RESOURCE[kind], 'default') as KubernetesObject[];
      full[kind] = new Map(objects.map((o) => [o.metadata!.uid!, asRealServerSends(kind, o)]));
      kept[kind] = new Map(objects.map((o) => [o.metadata!.uid!, keepForKind(kind, asRealServerSends(kind, o))]));
    }
    const now = sim.clock.now();
    const expected = deriveViewModel(snapshotOf(full), new DeriveMemo(), now);
    const actual = deriveViewModel(snapshotOf(kept), new DeriveMemo(), now);
    assert.ok(expected.releases.length >= 4);
    // The view holds some objects themselves: Deployments and Services differ by managedFields only,
    // Events are the same ones in the same order, as compactEvent keeps them.
    const compacted = (releases: typeof expected.releases) => releases.map((r) => ({ ...r, events: r.events.map(compactEvent) }));
    assert.ok(expected.releases.some((r) => r.events.length > 0));
    assert.deepEqual(withoutManagedFields(compacted(actual.releases)), withoutManagedFields(compacted(expected.releases)));
    assert.deepEqual(actual.events, expected.events.map(compactEvent));
    assert.deepEqual(withoutManagedFields(actual.services), withoutManagedFields(expected.services));
    assert.deepEqual(withoutManagedFields(actual.jobs), withoutManagedFields(expected.jobs));
  }
  await sim.stop();
});

test('kept objects carry no managedFields, and pods no volumes, env, last-applied manifest, IPs or image digests', () => {
  const pod = keepForKind('pods', asRealServerSends('pods', {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'web-1', namespace: 'default', uid: 'u1', labels: { app: 'web' } },
    spec: { nodeName: 'n1', containers: [{ name: 'app', image: 'web:v1' }] },
    status: {
      phase: 'Running',
      podIP: '10.0.0.7',
      hostIP: '192.168.1.2',
      qosClass: 'BestEffort',
      startTime: '2026-01-01T00:00:00Z',
      conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: '2026-01-01T00:00:05Z', lastProbeTime: null }],
      containerStatuses: [{ name: 'app', ready: true, restartCount: 1, image: 'web:v1', imageID: 'sha256:abc', containerID: 'containerd://1', started: true, state: { running: { startedAt: '2026-01-01T00:00:01Z' } }, lastState: { terminated: { exitCode: 1 } } }],
    },
  } as KubernetesObject)) as KubernetesObject & { spec: Record<string, unknown>; status: Record<string, unknown> };
  assert.equal(pod.metadata?.managedFields, undefined);
  assert.deepEqual(pod.spec, { nodeName: 'n1', containers: [{ name: 'app', image: 'web:v1' }] });
  assert.deepEqual(pod.metadata?.annotations, {});
  assert.deepEqual(pod.metadata?.labels, { app: 'web' });
  assert.deepEqual(pod.status, {
    phase: 'Running',
    startTime: '2026-01-01T00:00:00Z',
    conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: '2026-01-01T00:00:05Z' }],
    containerStatuses: [{ name: 'app', ready: true, restartCount: 1, image: 'web:v1', started: true, state: { running: { startedAt: '2026-01-01T00:00:01Z' } } }],
  });
  const deployment = keepForKind('deployments', asRealServerSends('deployments', { metadata: { name: 'web', uid: 'd1' } }));
  assert.equal(deployment.metadata?.managedFields, undefined);
});
