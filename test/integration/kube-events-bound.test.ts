import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KubeConfig } from '@kubernetes/client-node';
import { connect } from '../../src/kube/config.js';
import { ClusterWatch } from '../../src/kube/watch.js';
import { AUDIT_COMPONENT, EVENTS_KEPT } from '../../src/model/events.js';
import { Sim } from '../../src/sim/sim.js';
import { R } from '../../src/sim/resources.js';
import { ensureNamespace } from '../../src/sim/scenarios.js';
import { waitFor } from '../helpers/sim.js';

const T0 = Date.UTC(2026, 0, 1);

function event(sim: Sim, i: number, audit = false): void {
  sim.store.create(R.events, {
    metadata: { name: `e-${String(i).padStart(6, '0')}`, namespace: 'ev' },
    involvedObject: { kind: 'Pod', name: `p-${i % 500}`, namespace: 'ev', uid: `uid-${i % 500}` },
    reason: audit ? 'CutoverCanaryStep' : 'Started',
    message: `event ${i}`,
    type: 'Normal',
    lastTimestamp: new Date(T0 + i * 1000).toISOString(),
    ...(audit ? { reportingComponent: AUDIT_COMPONENT } : {}),
  });
}

test('the watch holds the newest Events up to its bound, and every audit Event whatever its age, through list and watch', async () => {
  const sim = new Sim({ speed: 20 });
  await sim.listen(0);
  ensureNamespace(sim, 'ev');
  const listed = EVENTS_KEPT + EVENTS_KEPT / 2;
  event(sim, 0, true); // the oldest of all: an audit Event
  for (let i = 1; i < listed; i++) event(sim, i);
  const kc = new KubeConfig();
  kc.loadFromString(sim.kubeconfig('ev'));
  const watch = new ClusterWatch(connect(kc, {}), () => {}, { kinds: ['events'] });
  watch.start();
  const held = () => watch.objects.events;
  const oldestHeld = () => Math.min(...[...held().values()].filter((e) => !e.metadata?.name?.startsWith('e-000000')).map((e) => Number(e.metadata!.name!.slice(2))));
  try {
    await waitFor(() => watch.synced, 30_000, 'the Events listed');
    assert.ok(held().size <= EVENTS_KEPT + EVENTS_KEPT / 4 + 1, `${held().size} Events held after the list`);
    assert.ok(held().has('ev/e-000000'), 'the audit Event is kept');
    assert.ok(held().has(`ev/e-${String(listed - 1).padStart(6, '0')}`), 'the newest is kept');
    // Only the oldest went: whatever is held is a run up to the newest.
    assert.equal(held().size - 1, listed - oldestHeld());

    // Watched ones push the oldest out in turn; a dropped Event that changes comes back.
    const more = EVENTS_KEPT / 2;
    for (let i = listed; i < listed + more; i++) event(sim, i);
    const newest = `ev/e-${String(listed + more - 1).padStart(6, '0')}`;
    await waitFor(() => held().has(newest), 30_000, 'the watched Events');
    assert.ok(held().size <= EVENTS_KEPT + EVENTS_KEPT / 4 + 1, `${held().size} Events held after the watch`);
    assert.ok(oldestHeld() > listed - EVENTS_KEPT, 'the oldest listed ones went');
    assert.ok(held().has('ev/e-000000'), 'the audit Event is still kept');
    sim.store.mutate(R.events, 'ev', 'e-000001', (e) => {
      e.count = 2;
      e.lastTimestamp = new Date(T0 + (listed + more) * 1000).toISOString();
    });
    await waitFor(() => held().has('ev/e-000001'), 30_000, 'the changed Event back');
  } finally {
    await watch.stop();
    await sim.stop();
  }
});
