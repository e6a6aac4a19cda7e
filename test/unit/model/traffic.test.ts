import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { V1Pod } from '@kubernetes/client-node';
import { endpointState, serviceTraffic, trafficShare } from '../../../src/model/traffic.js';
import { deployment, endpoint, pod, replicaSet, slice } from './fixtures.js';

test('endpoint state from EndpointSlice conditions (section 4)', () => {
  // ready = serving && !terminating, serving = pod Ready, terminating = deletionTimestamp set.
  const cases: [string, Parameters<typeof endpointState>[0]['conditions'], string, boolean][] = [
    ['Ready pod', { ready: true, serving: true, terminating: false }, 'ready', false],
    ['unready pod', { ready: false, serving: false, terminating: false }, 'not-ready', false],
    ['terminating, still Ready (preStop sleep)', { ready: false, serving: true, terminating: true }, 'serving-terminating', true],
    ['terminating and no longer Ready', { ready: false, serving: false, terminating: true }, 'not-ready', true],
    ['publishNotReadyAddresses keeps ready', { ready: true, serving: false, terminating: false }, 'ready', false],
    ['nil conditions mean ready', undefined, 'ready', false],
    ['nil serving follows ready', { ready: false, terminating: true }, 'not-ready', true],
  ];
  for (const [name, conditions, state, terminating] of cases) {
    assert.deepEqual(endpointState({ addresses: ['10.0.0.1'], conditions }), { state, terminating }, name);
  }
});

function canaryCluster(stableReady: number, canaryReady: number) {
  const stable = deployment('myapp-stable', { labels: { app: 'myapp', track: 'stable' } });
  const canary = deployment('myapp-canary', { labels: { app: 'myapp', track: 'canary' } });
  const rsStable = replicaSet('myapp-stable-s1', { owner: stable });
  const rsCanary = replicaSet('myapp-canary-c1', { owner: canary });
  const pods: V1Pod[] = [];
  const endpoints = [];
  for (let i = 0; i < stableReady; i++) {
    pods.push(pod(`myapp-stable-s1-${i}`, { rs: rsStable }));
    endpoints.push(endpoint(`myapp-stable-s1-${i}`, { ready: true, serving: true, terminating: false }, `10.1.0.${i}`));
  }
  for (let i = 0; i < canaryReady; i++) {
    pods.push(pod(`myapp-canary-c1-${i}`, { rs: rsCanary }));
    endpoints.push(endpoint(`myapp-canary-c1-${i}`, { ready: true, serving: true, terminating: false }, `10.2.0.${i}`));
  }
  return {
    service: 'myapp',
    slices: [slice('myapp-abcde', 'myapp', endpoints)],
    pods,
    deploymentOfReplicaSet: new Map([
      ['myapp-stable-s1', 'myapp-stable'],
      ['myapp-canary-c1', 'myapp-canary'],
    ]),
  };
}

test('canary share follows ready endpoints through the 9/1 -> 7/3 -> 5/5 -> 0/10 steps', () => {
  const steps: [number, number, number][] = [
    [9, 1, 0.1],
    [7, 3, 0.3],
    [5, 5, 0.5],
    [0, 10, 1],
  ];
  for (const [s, c, canaryShare] of steps) {
    const traffic = serviceTraffic(canaryCluster(s, c));
    assert.equal(traffic.totalReady, 10, `${s}/${c}`);
    assert.equal(trafficShare(traffic, 'myapp-canary'), canaryShare, `${s}/${c} canary`);
    assert.equal(trafficShare(traffic, 'myapp-stable'), (10 - Math.round(canaryShare * 10)) / 10, `${s}/${c} stable`);
    assert.equal(traffic.noReadyEndpoints, false);
  }
});

test('no ready endpoints: every share is 0 and the outage is flagged', () => {
  const input = canaryCluster(2, 1);
  input.slices = [
    slice('myapp-abcde', 'myapp', [
      endpoint('myapp-stable-s1-0', { ready: false, serving: false, terminating: false }),
      endpoint('myapp-stable-s1-1', { ready: false, serving: true, terminating: true }),
    ]),
  ];
  const traffic = serviceTraffic(input);
  assert.equal(traffic.totalReady, 0);
  assert.equal(traffic.noReadyEndpoints, true);
  assert.deepEqual(
    traffic.byDeployment.map((g) => [g.deployment, g.ready, g.servingTerminating, g.notReady, g.share]),
    [
      ['myapp-canary', 0, 0, 0, 0],
      ['myapp-stable', 0, 1, 1, 0],
    ],
  );
  assert.equal(traffic.podStates.get('myapp-stable-s1-1'), 'serving-terminating');
  assert.equal(traffic.podStates.get('myapp-canary-c1-0'), 'none');
});

test('a pod listed in two slices (dual-stack or mid-reconcile) counts once, in its best state', () => {
  const input = canaryCluster(1, 1);
  input.slices = [
    slice('myapp-v4', 'myapp', [
      endpoint('myapp-stable-s1-0', { ready: false, serving: false, terminating: false }, '10.1.0.0'),
      endpoint('myapp-canary-c1-0', { ready: true }, '10.2.0.0'),
    ]),
    slice('myapp-v6', 'myapp', [endpoint('myapp-stable-s1-0', { ready: true }, 'fd00::1')], 'IPv6'),
    slice('other-svc', 'other', [endpoint('myapp-canary-c1-0', { ready: true }, '10.2.0.0')]),
  ];
  const traffic = serviceTraffic(input);
  assert.equal(traffic.totalReady, 2);
  assert.deepEqual(
    traffic.endpoints.map((e) => [e.key, e.state, e.deployment, e.addresses]),
    [
      ['myapp-canary-c1-0', 'ready', 'myapp-canary', ['10.2.0.0']],
      ['myapp-stable-s1-0', 'ready', 'myapp-stable', ['10.1.0.0', 'fd00::1']],
    ],
  );
});

test('endpoints of pods nobody owns are grouped under an empty deployment name', () => {
  const traffic = serviceTraffic({
    service: 'legacy',
    slices: [slice('legacy-1', 'legacy', [{ addresses: ['192.168.1.5'], conditions: { ready: true } }])],
    pods: [],
    deploymentOfReplicaSet: new Map(),
  });
  assert.deepEqual(traffic.byDeployment, [{ deployment: '', ready: 1, servingTerminating: 0, notReady: 0, share: 1 }]);
  assert.equal(traffic.endpoints[0].key, '192.168.1.5');
});
