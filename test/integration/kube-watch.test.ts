import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KubeConfig } from '@kubernetes/client-node';
import { connect } from '../../src/kube/config.js';
import { ClusterWatch } from '../../src/kube/watch.js';
import { Sim } from '../../src/sim/sim.js';
import { R } from '../../src/sim/resources.js';
import { installScenario } from '../../src/sim/scenarios.js';
import { waitFor } from '../helpers/sim.js';

const names = (w: ClusterWatch) => [...w.objects.deployments.values()].map((d) => d.metadata?.name).sort();

test('the watch marks data stale when the cluster goes away, and recovers when it is back', async () => {
  const first = new Sim({ speed: 20 });
  const url = await first.listen(0);
  const port = Number(new URL(url).port);
  installScenario(first, 'pdb');
  const kc = new KubeConfig();
  kc.loadFromString(first.kubeconfig());
  let changes = 0;
  const watch = new ClusterWatch(connect(kc, {}), () => changes++, { baseDelayMs: 100, maxDelayMs: 400 });
  watch.start();
  let second: Sim | undefined;
  try {
    await waitFor(() => watch.synced, 10_000, 'first sync');
    assert.deepEqual(names(watch), ['api']);
    assert.equal(watch.lostSince, undefined);

    await first.stop();
    await waitFor(() => watch.lostSince !== undefined, 10_000, 'the loss noticed');
    // The open watches see the connection close; their retries then meet a refused connection.
    const refused = () => Object.values(watch.statuses).find((s) => /\(connection refused\)/.test(s.failure?.message ?? ''));
    await waitFor(refused, 10_000, 'a retry refused');
    const failing = refused()!;
    assert.equal(failing.failure!.kind, 'unreachable');
    assert.match(failing.failure!.message, /^cannot reach https:\/\/127\.0\.0\.1:\d+ \(connection refused\)$/);
    assert.ok(failing.retryAt! > Date.now() - 1000, 'a retry is scheduled');
    assert.deepEqual(names(watch), ['api'], 'the last known data stays on screen');

    // Same port, tokens and CA: the kubeconfig stays valid; the objects are new ones.
    second = new Sim({ speed: 20, tokens: first.tokens, tls: first.tls });
    await second.listen(port);
    installScenario(second, 'canary');
    await waitFor(() => watch.lostSince === undefined && names(watch).join() === 'shop-canary,shop-stable', 20_000, 'recovery with the new objects');
    assert.equal(second.store.count(R.deployments) >= 2, true);
    assert.ok(changes > 0);
  } finally {
    await watch.stop();
    await second?.stop();
  }
});

test('kinds the user may not read are settled and named, not a lost watch', async () => {
  const token = 'limited-user-token';
  const sim = new Sim({ speed: 20, users: new Map([[token, { username: 'limited', groups: ['system:authenticated'], readOnly: true, denied: ['cronjobs', 'events'] }]]) });
  await sim.listen(0);
  installScenario(sim, 'pdb');
  const kc = new KubeConfig();
  kc.loadFromString(sim.kubeconfig().replace(sim.tokens.admin, token));
  const watch = new ClusterWatch(connect(kc, {}), () => {}, { baseDelayMs: 100, maxDelayMs: 400 });
  watch.start();
  try {
    await waitFor(() => watch.synced, 10_000, 'sync despite the denied kinds');
    assert.deepEqual(watch.denied, ['cronjobs', 'events']);
    assert.equal(watch.lostSince, undefined, 'a denied kind is not a lost watch');
    assert.equal(watch.statuses.events.failure?.kind, 'forbidden');
    assert.match(watch.statuses.events.failure!.message, /User "limited" cannot list resource "events"/);
    await waitFor(() => names(watch).join() === 'api', 10_000, 'the readable kinds arrive');
  } finally {
    await watch.stop();
    await sim.stop();
  }
});
