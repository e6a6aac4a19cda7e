/**
 * The App over the embedded cluster, in-process: the demo scenario run on a virtual clock, its
 * objects snapshotted and derived by the real deriveViewModel. Skipped until the sim's controllers
 * create ReplicaSets and pods (the hand-built fixtures cover the screens meanwhile).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Sim } from '../../src/sim/sim.js';
import { VirtualClock } from '../../src/sim/clock.js';
import { installScenario } from '../../src/sim/scenarios.js';
import { DeriveMemo, deriveViewModel, type ViewModel } from '../../src/derive/derive.js';
import { snapshotOfSim } from '../helpers/snapshot.js';
import { createCockpitStore } from '../../src/store/state.js';
import { CONNECTION, recordingIntents } from '../helpers/fixtures.js';
import { renderApp, linesOf, KEYS } from './harness.js';

test('the demo cluster renders in the cockpit', async (t) => {
  const clock = new VirtualClock();
  const sim = new Sim({ clock });
  try {
    installScenario(sim, 'demo');
    let view: ViewModel | undefined;
    let snapshot = snapshotOfSim(sim);
    const memo = new DeriveMemo();
    for (let i = 0; i < 6; i++) {
      await sim.advance(5_000);
      snapshot = snapshotOfSim(sim);
      view = deriveViewModel(snapshot, memo, clock.now());
    }
    if (snapshot.replicasets.length === 0 || !snapshot.pods.some((p) => p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'))) {
      t.skip('the sim does not create ready pods yet');
      return;
    }
    const store = createCockpitStore({ ...CONNECTION, context: 'cutover-sim', namespace: 'default', demo: true }, clock.now());
    store.setState({ snapshot, view: view!, now: clock.now(), health: { synced: true } });
    const app = await renderApp({ store, intents: recordingIntents(store) }, { columns: 120, rows: 40 });
    const f = app.lastFrame();
    assert.match(f, /SIMULATED CLUSTER \(cutover --demo\)/);
    for (const name of ['api', 'pay \\[b/g\\]', 'search', 'shop \\[canary\\]', 'web']) assert.match(f, new RegExp(`^.${name}`, 'm'));
    assert.ok(linesOf(f).length <= 40);
    await app.press(KEYS.enter);
    assert.match(app.lastFrame(), /surge \d+\/\d+ \(/);
    app.unmount();
  } finally {
    await sim.stop();
  }
});
