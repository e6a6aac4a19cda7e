/**
 * A ReplicaSet of int32-max replicas: each sync creates at most burstReplicas (500) pods, in
 * slow-start batches, and the controller manager yields to the event loop between slices of work,
 * so the API keeps answering and a scale-down stops the creation.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { R } from '../../../src/sim/resources.js';
import type { Controller, SimContext } from '../../../src/sim/runtime.js';
import type { StoreEvent } from '../../../src/sim/store.js';
import { PodIndex } from '../../../src/sim/controllers/podUtil.js';
import { ReplicaSetController, slowStartBatch } from '../../../src/sim/controllers/replicaset.js';
import { newSim, type Sim } from './helpers.js';

/** The ReplicaSet controller alone (no scheduler or kubelet), with the pod index it reads. */
function rsSim(): Sim {
  const index = new PodIndex();
  class PodIndexer implements Controller {
    readonly name = 'pod-index';
    onEvent(ev: StoreEvent): void {
      if (ev.rt === R.pods) index.apply(ev);
    }
    sync(): void {}
  }
  class RS extends ReplicaSetController {
    constructor(ctx: SimContext) {
      super(ctx, index);
    }
  }
  return newSim([PodIndexer, RS]);
}

function createRS(sim: Sim, replicas: number): void {
  const labels = { app: 'huge' };
  sim.store.create(R.replicasets, {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: { name: 'huge', namespace: 'default' },
    spec: { replicas, selector: { matchLabels: labels }, template: { metadata: { labels }, spec: { containers: [{ name: 'app', image: 'nginx' }] } } },
  });
}

const podCount = (sim: Sim) => sim.store.list(R.pods, 'default').length;
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

test('slowStartBatch runs batches of 1, 2, 4 ... and stops after the batch with the first error', () => {
  assert.equal(slowStartBatch(500, 1, () => {}).ok, 500);
  let calls = 0;
  const failing = slowStartBatch(100, 1, () => {
    calls++;
    if (calls === 5) throw new Error('quota');
  });
  assert.equal(calls, 7, 'batches 1, 2 and 4 run; the one of 8 never starts');
  assert.equal(failing.ok, 6);
  assert.equal((failing.err as Error).message, 'quota');
});

test('one sync of a ReplicaSet of 2147483647 replicas creates 500 pods', async () => {
  const sim = rsSim();
  try {
    createRS(sim, 2147483647);
    sim.ctx.controllers.drain(1);
    assert.equal(podCount(sim), 500);
  } finally {
    await sim.stop();
  }
});

test('while a huge ReplicaSet fills, the event loop turns, and scaling it down stops the creation', async () => {
  const sim = rsSim();
  try {
    createRS(sim, 2147483647);
    // Turns of the event loop come while the controller still has pods to create (a pump that ran
    // until nothing is queued would never return here).
    while (podCount(sim) < 1000) await nextTurn();
    const seen = podCount(sim);
    await nextTurn();
    await nextTurn();
    assert.ok(podCount(sim) > seen, 'creation goes on between turns');
    sim.store.mutate(R.replicasets, 'default', 'huge', (rs) => void (rs.spec.replicas = 3));
    await sim.settle();
    const left = sim.store.list(R.pods, 'default').filter((p) => !p.metadata.deletionTimestamp);
    assert.equal(left.length, 3);
    assert.equal(sim.store.get(R.replicasets, 'default', 'huge')!.status?.replicas, 3);
  } finally {
    await sim.stop();
  }
});
