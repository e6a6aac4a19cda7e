import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Sim } from '../../../src/sim/sim.js';
import { VirtualClock } from '../../../src/sim/clock.js';
import { R } from '../../../src/sim/resources.js';
import { installScenario } from '../../../src/sim/scenarios.js';
import { deriveViewModel, type TrackedHistory, type ViewModel } from '../../../src/derive/derive.js';
import { snapshotOfSim } from '../../helpers/snapshot.js';

/** Derives the view model from the sim's store, as a cockpit flush would from its informers. */
function flush(sim: Sim, histories: Map<string, TrackedHistory>): ViewModel {
  return deriveViewModel(snapshotOfSim(sim, 'default'), histories, sim.clock.now());
}

async function steps(sim: Sim, ms: number, every: number, onFlush: (v: ViewModel) => void, histories: Map<string, TrackedHistory>) {
  for (let t = 0; t < ms; t += every) {
    await sim.advance(every);
    const v = flush(sim, histories);
    for (const [k, h] of v.histories) histories.set(k, h);
    onFlush(v);
  }
}

test('a Deployment being created is not judged until it first reaches minimum availability', async () => {
  const sim = new Sim({ clock: new VirtualClock() });
  installScenario(sim, 'rolling');
  const histories = new Map<string, TrackedHistory>();
  const verdicts: string[] = [];
  await steps(sim, 30_000, 500, (v) => verdicts.push(v.releases.find((r) => r.name === 'web')!.verdict.text), histories);
  assert.ok(!verdicts.includes('traffic outage'), `verdicts seen: ${[...new Set(verdicts)].join(', ')}`);
  assert.equal(verdicts.at(-1), 'zero downtime kept');
  await sim.stop();
});

test('a rolling update with maxUnavailable 0 keeps zero downtime; losing every pod afterwards is an outage', async () => {
  const sim = new Sim({ clock: new VirtualClock() });
  installScenario(sim, 'rolling');
  const histories = new Map<string, TrackedHistory>();
  await steps(sim, 30_000, 1000, () => {}, histories);
  sim.store.mutate(R.deployments, 'default', 'web', (d) => (d.spec.template.spec.containers[0].image = 'registry.local/web:v2.1'));
  let last!: ViewModel;
  let sawRolling = false;
  await steps(sim, 180_000, 500, (v) => {
    last = v;
    sawRolling ||= v.releases[0].verdict.text === 'rolling';
  }, histories);
  const web = last.releases.find((r) => r.name === 'web')!;
  assert.ok(sawRolling, 'the rollout was seen in progress');
  assert.equal(web.primary.replicaSets.toRevision, 2);
  assert.equal(web.verdict.text, 'zero downtime kept');
  assert.equal(web.primary.availability.minAvailable?.value, 10, 'available never fell below 10');

  for (const p of sim.store.list(R.pods, 'default')) sim.store.delete(R.pods, 'default', p.metadata.name!, { gracePeriodSeconds: 0 });
  await steps(sim, 2_000, 500, (v) => (last = v), histories);
  assert.equal(last.releases.find((r) => r.name === 'web')!.verdict.text, 'no ready endpoints');
  await steps(sim, 60_000, 1000, (v) => (last = v), histories);
  const recovered = last.releases.find((r) => r.name === 'web')!;
  assert.equal(recovered.primary.available, 10, 'the ReplicaSet brought the pods back');
  assert.equal(recovered.verdict.text, 'traffic outage', 'the outage stays in the record');
  await sim.stop();
});

test('scaling up is not a budget breach; losing serving pods still is', async () => {
  const sim = new Sim({ clock: new VirtualClock() });
  installScenario(sim, 'canary');
  const histories = new Map<string, TrackedHistory>();
  const verdicts = new Set<string>();
  await steps(sim, 30_000, 1000, () => {}, histories);
  sim.store.mutate(R.deployments, 'default', 'shop-canary', (d) => (d.spec.replicas = 3));
  await steps(sim, 30_000, 500, (v) => verdicts.add(v.releases.find((r) => r.name === 'shop')!.verdict.text), histories);
  assert.ok(!verdicts.has('budget breached'), `verdicts seen: ${[...verdicts].join(', ')}`);
  let last!: ViewModel;
  const victim = sim.store.list(R.pods, 'default').find((p) => p.metadata.labels?.track === 'stable')!;
  sim.store.delete(R.pods, 'default', victim.metadata.name!, { gracePeriodSeconds: 0 });
  await steps(sim, 1_000, 500, (v) => (last = v), histories);
  assert.equal(last.releases.find((r) => r.name === 'shop')!.verdict.text, 'budget breached');
  await sim.stop();
});
