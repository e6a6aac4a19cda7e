/**
 * The release rows over a simulated cluster: a scale shows its own progress, never OVER; a pair's
 * row speaks for the release; the empty list says syncing while the kinds are listed.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import React from 'react';
import { render } from 'ink-testing-library';
import type { KubernetesObject } from '@kubernetes/client-node';
import { Sim } from '../../src/sim/sim.js';
import { VirtualClock } from '../../src/sim/clock.js';
import { R } from '../../src/sim/resources.js';
import { installScenario } from '../../src/sim/scenarios.js';
import { DeriveMemo, deriveViewModel, type ViewModel } from '../../src/derive/derive.js';
import { snapshotOf } from '../../src/derive/snapshot.js';
import type { ObjectMaps } from '../../src/kube/watch.js';
import { Releases } from '../../views/screens/Releases.js';
import { gaugeCell, gaugeNote } from '../../views/format.js';

const KINDS = { deployments: R.deployments, replicasets: R.replicasets, pods: R.pods, services: R.services, endpointslices: R.endpointslices };

function derive(sim: Sim, memo: DeriveMemo): ViewModel {
  const maps = Object.fromEntries(Object.entries(KINDS).map(([k, rt]) => [k, new Map(sim.store.list(rt, 'default').map((o) => [o.metadata.uid!, o as KubernetesObject]))])) as ObjectMaps;
  return deriveViewModel(snapshotOf(maps), memo, sim.clock.now());
}

test('a scale shows as scaling with its own progress; the idle colour is not judged', async () => {
  const sim = new Sim({ clock: new VirtualClock() });
  installScenario(sim, 'demo');
  const memo = new DeriveMemo();
  for (let i = 0; i < 60; i++) {
    await sim.advance(1000);
    derive(sim, memo);
  }
  sim.store.mutate(R.deployments, 'default', 'web', (d) => (d.spec.replicas = 14));
  sim.store.mutate(R.deployments, 'default', 'pay-green', (d) => (d.spec.replicas = 14));
  await sim.advance(500);
  const v = derive(sim, memo);
  const web = v.releases.find((r) => r.name === 'web')!;
  const cell = gaugeCell(web, 'unavailable');
  assert.match(cell.text, /^scaling \d+\/14$/);
  assert.equal(cell.tone, 'busy');
  const green = v.releases.find((r) => r.name === 'pay')!.deployments.find((d) => d.name === 'pay-green')!;
  assert.equal(green.gauges.unavailable.level, 'ok');
  assert.equal(gaugeNote(green, 'unavailable'), 'idle colour, not judged');
  const frame = render(<Releases rows={v.releases} cursor={0} width={140} height={12} allNamespaces={false} filtered={false} />).lastFrame()!;
  assert.doesNotMatch(frame, /OVER/);
  assert.match(frame, /pay \[b\/g\]\s+1\s+10\/10\/10\/10\s+green \d+\/14/);
  await sim.stop();
});

test('an empty list says syncing while the kinds are listed, and nothing here once they are', () => {
  const syncing = render(<Releases rows={[]} cursor={0} width={100} height={6} allNamespaces={false} filtered={false} syncing />).lastFrame()!;
  assert.match(syncing, /syncing/);
  assert.doesNotMatch(syncing, /no Deployments here yet/);
  const synced = render(<Releases rows={[]} cursor={0} width={100} height={6} allNamespaces={false} filtered={false} syncing={false} />).lastFrame()!;
  assert.match(synced, /no Deployments here yet/);
});
