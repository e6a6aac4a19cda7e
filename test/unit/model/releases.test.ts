import { test } from 'node:test';
import assert from 'node:assert/strict';
import { detectReleases, releaseByDeployment, singleDifferingKey } from '../../../src/model/releases.js';
import { deployment, service } from './fixtures.js';

test('seed canary: stable and canary Deployments behind one Service', () => {
  const releases = detectReleases(
    [
      deployment('myapp-stable', { replicas: 9, labels: { app: 'myapp', track: 'stable' } }),
      deployment('myapp-canary', { replicas: 1, labels: { app: 'myapp', track: 'canary' } }),
    ],
    [service('myapp', { app: 'myapp' })],
  );
  assert.deepEqual(releases, [
    {
      id: 'canary/myapp',
      kind: 'canary',
      name: 'myapp',
      service: 'myapp',
      deployments: ['myapp-canary', 'myapp-stable'],
      stable: 'myapp-stable',
      canary: 'myapp-canary',
    },
  ]);
});

test('canary told apart by the -canary name suffix when there is no track label', () => {
  const [release] = detectReleases(
    [
      deployment('shop-canary', { labels: { app: 'shop', build: 'b2' } }),
      deployment('shop', { labels: { app: 'shop', build: 'b1' } }),
    ],
    [service('shop-svc', { app: 'shop' })],
  );
  assert.equal(release.kind, 'canary');
  assert.equal(release.kind === 'canary' && release.stable, 'shop');
  assert.equal(release.kind === 'canary' && release.canary, 'shop-canary');
});

test('seed blue-green: the Service selector picks the live colour', () => {
  const deployments = [
    deployment('myapp-blue', { labels: { app: 'myapp', version: 'blue' } }),
    deployment('myapp-green', { labels: { app: 'myapp', version: 'green' } }),
  ];
  const before = detectReleases(deployments, [service('myapp', { app: 'myapp', version: 'blue' })]);
  assert.deepEqual(before, [
    {
      id: 'bluegreen/myapp',
      kind: 'bluegreen',
      name: 'myapp',
      service: 'myapp',
      deployments: ['myapp-blue', 'myapp-green'],
      live: 'myapp-blue',
      idle: 'myapp-green',
      switchKey: 'version',
      liveValue: 'blue',
      idleValue: 'green',
    },
  ]);
  // Patching the selector to version: green flips live and idle.
  const [after] = detectReleases(deployments, [service('myapp', { app: 'myapp', version: 'green' })]);
  assert.equal(after.kind === 'bluegreen' && after.live, 'myapp-green');
  assert.equal(after.kind === 'bluegreen' && after.idle, 'myapp-blue');
});

test('unrelated apps behind their own Services stay plain rolling releases', () => {
  const releases = detectReleases(
    [
      deployment('web', { labels: { app: 'web', tier: 'front' } }),
      deployment('api', { labels: { app: 'api', tier: 'front' } }),
      deployment('worker', { labels: { app: 'worker' } }),
    ],
    [service('web', { app: 'web', tier: 'front' }), service('api', { app: 'api' }), service('headless', undefined)],
  );
  assert.deepEqual(
    releases.map((r) => [r.id, r.service]),
    [
      ['rolling/api', 'api'],
      ['rolling/web', 'web'],
      ['rolling/worker', undefined],
    ],
  );
});

test('each Deployment belongs to exactly one release, ordering is by name', () => {
  const deployments = [
    deployment('zeta', { labels: { app: 'zeta' } }),
    deployment('pay-canary', { labels: { app: 'pay', track: 'canary' } }),
    deployment('pay-stable', { labels: { app: 'pay', track: 'stable' } }),
    deployment('cart-green', { labels: { app: 'cart', version: 'green' } }),
    deployment('cart-blue', { labels: { app: 'cart', version: 'blue' } }),
    deployment('alpha', { labels: { app: 'alpha' } }),
  ];
  const services = [
    service('pay', { app: 'pay' }),
    service('pay-all', { app: 'pay' }),
    service('cart', { app: 'cart', version: 'green' }),
  ];
  const releases = detectReleases(deployments, services);
  assert.deepEqual(
    releases.map((r) => r.id),
    ['rolling/alpha', 'bluegreen/cart', 'canary/pay', 'rolling/zeta'],
  );
  const owners = releaseByDeployment(releases);
  assert.equal(owners.size, deployments.length);
  assert.equal(owners.get('cart-blue')?.id, 'bluegreen/cart');
  // Same answer whatever order the informers delivered objects in.
  assert.deepEqual(detectReleases([...deployments].reverse(), [...services].reverse()), releases);
});

test('a lone canary-looking Deployment without a partner is a rolling release', () => {
  const releases = detectReleases(
    [deployment('web-canary', { labels: { app: 'web', track: 'canary' } })],
    [service('web', { app: 'web' })],
  );
  assert.deepEqual(releases.map((r) => r.id), ['rolling/web-canary']);
});

test('Services only pair Deployments of their own namespace', () => {
  const releases = detectReleases(
    [
      deployment('myapp-blue', { labels: { app: 'myapp', version: 'blue' } }),
      deployment('myapp-green', { labels: { app: 'myapp', version: 'green' }, namespace: 'other' }),
    ],
    [service('myapp', { app: 'myapp', version: 'blue' })],
  );
  assert.deepEqual(releases.map((r) => r.kind), ['rolling', 'rolling']);
});

test('singleDifferingKey', () => {
  const cases: [Record<string, string>, Record<string, string>, string | undefined][] = [
    [{ app: 'a', version: 'blue' }, { app: 'a', version: 'green' }, 'version'],
    [{ app: 'a', version: 'blue' }, { app: 'a', version: 'blue' }, undefined],
    [{ app: 'a', version: 'blue' }, { app: 'b', version: 'green' }, undefined],
    [{ app: 'a', version: 'blue' }, { app: 'a', colour: 'green' }, undefined],
    [{ app: 'a' }, { app: 'a', version: 'green' }, undefined],
  ];
  for (const [a, b, want] of cases) assert.equal(singleDifferingKey(a, b), want, `${JSON.stringify(a)} vs ${JSON.stringify(b)}`);
});
