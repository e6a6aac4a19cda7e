import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Sim } from '../../../src/sim/sim.js';
import { VirtualClock } from '../../../src/sim/clock.js';
import { R } from '../../../src/sim/resources.js';

test('many Events about one object in one millisecond are all kept, named as client-go names them', async () => {
  const sim = new Sim({ clock: new VirtualClock() });
  const { recorder, store } = sim.ctx;
  const rs = { apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'web-7c9f', namespace: 'default', uid: 'rs-1' } };
  for (let i = 0; i < 200; i++) recorder.normal('replicaset-controller', rs, 'SuccessfulCreate', `Created pod: web-7c9f-${i}`);
  const events = store.list(R.events, 'default');
  assert.equal(events.length, 200);
  for (const e of events) assert.match(e.metadata.name!, /^web-7c9f\.[0-9a-f]+$/);
  await sim.stop();
});
