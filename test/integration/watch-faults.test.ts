/**
 * The watch through faults (real client-node over HTTPS, a real TCP proxy that refuses or stalls):
 * after every relist the cache equals the cluster, the picture heals once the server answers, and a
 * stalled connection turns the health stale with the reason. Order of events only, never durations.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { KubeConfig, type V1Deployment } from '@kubernetes/client-node';
import { Cockpit } from '../../src/engine/cockpit.js';
import type { ClusterWatch } from '../../src/kube/watch.js';
import type { ViewModel } from '../../src/derive/derive.js';
import { Sim } from '../../src/sim/sim.js';
import { R } from '../../src/sim/resources.js';
import { installScenario } from '../../src/sim/scenarios.js';
import { waitFor } from '../helpers/sim.js';
import { cacheDiff, duplicateUids, isLive, startWatched, type Sample } from '../helpers/watched.js';

/** What the tests change while the cockpit cannot see: api's replicas and the PDB. */
const picture = (w: ClusterWatch) => ({
  apiReplicas: ([...w.objects.deployments.values()] as V1Deployment[]).find((d) => d.metadata?.name === 'api')?.spec?.replicas,
  pdb: w.objects.poddisruptionbudgets.size > 0,
});
type Picture = ReturnType<typeof picture>;
const BEFORE: Picture = { apiReplicas: 4, pdb: true };
const AFTER: Picture = { apiReplicas: 6, pdb: false };

function changeWhileUnseen(sim: Sim): void {
  sim.store.mutate(R.deployments, 'default', 'api', (d) => (d.spec.replicas = 6));
  sim.store.delete(R.pdbs, 'default', 'api-pdb');
}

/** The samples from the first one that is not live (the loss noticed) up to `end`. */
function outageSamples(timeline: Sample<Picture>[], from: number, end: number): Sample<Picture>[] {
  const start = timeline.findIndex((s, i) => i >= from && !s.live);
  assert.ok(start >= 0 && start < end, 'the watch noticed the outage before the server answered again');
  return timeline.slice(start, end);
}

describe('outages: every kind relists once the server answers, and live means fresh', { concurrency: true }, () => {
  for (const seconds of [8, 20]) {
    test(`${seconds} s of connection refused`, async () => {
      // Paginated lists in small pages: every list here takes several (limit + continue).
      const w = await startWatched(picture, { watch: { streamingList: false, pageSize: 3 } });
      try {
        await waitFor(() => isLive(w.watch.health), 20_000, 'first sync');
        assert.deepEqual(picture(w.watch), BEFORE);
        const refusedAt = w.timeline.length;
        await w.proxy.refuse();
        changeWhileUnseen(w.sim);
        await waitFor(() => w.watch.health.failure?.reason === 'connection refused', 20_000, 'the refusal named in the health');
        await sleep(seconds * 1000);

        const down = w.watch.health;
        assert.ok(down.lostSince !== undefined, 'stale while the server refuses');
        assert.match(down.failure!.message, /^cannot reach https:\/\/127\.0\.0\.1:\d+ \(connection refused\)$/);
        assert.deepEqual(picture(w.watch), BEFORE, 'the last known picture stays while out of reach');

        const answeredAt = w.timeline.length;
        await w.proxy.resume();
        await waitFor(() => isLive(w.watch.health) && cacheDiff(w.watch, w.sim).length === 0, 30_000, 'live again with the cluster as it is');

        assert.ok(outageSamples(w.timeline, refusedAt, answeredAt).every((s) => !s.live), 'never live while the server refused');
        const firstLive = w.timeline.slice(answeredAt).find((s) => s.live);
        assert.deepEqual(firstLive?.data, AFTER, 'the first live picture after the outage already has what changed during it');
        assert.deepEqual(duplicateUids(w.watch), []);
      } finally {
        await w.stop();
      }
    });
  }
});

test('a stalled connection turns the health stale with the reason, and it heals when bytes flow again', async () => {
  const w = await startWatched(picture);
  try {
    await waitFor(() => isLive(w.watch.health), 20_000, 'first sync');
    const stalledAt = w.timeline.length;
    w.proxy.stall();
    changeWhileUnseen(w.sim);
    await waitFor(() => w.watch.health.lostSince !== undefined, 30_000, 'the stall noticed');
    const stale = w.watch.health;
    assert.equal(stale.failure?.kind, 'unreachable');
    assert.equal(stale.failure?.reason, 'no answer in time');
    assert.match(stale.failure!.message, /^https:\/\/127\.0\.0\.1:\d+ does not answer \(no answer in time\)$/);
    assert.deepEqual(picture(w.watch), BEFORE, 'nothing arrived through the stalled connection');

    const flowingAt = w.timeline.length;
    await w.proxy.resume();
    await waitFor(() => isLive(w.watch.health) && cacheDiff(w.watch, w.sim).length === 0, 30_000, 'live again with the cluster as it is');
    assert.ok(outageSamples(w.timeline, stalledAt, flowingAt).every((s) => !s.live));
    assert.deepEqual(w.timeline.slice(flowingAt).find((s) => s.live)?.data, AFTER);
  } finally {
    await w.stop();
  }
});

/** Keys that occur twice in what the views receive (React's "two children with the same key"). */
function duplicateKeys(view: ViewModel): string[] {
  const keys = [
    ...view.releases.map((r) => `release ${r.key}`),
    ...view.services.map((s) => `service ${s.key}`),
    ...view.jobs.map((j) => `job ${j.key}`),
    ...view.releases.flatMap((r) => r.deployments.flatMap((d) => d.pods.map((p) => `pod ${p.uid}`))),
  ];
  return keys.filter((k, i) => keys.indexOf(k) !== i);
}

test('API server restart with objects recreated while disconnected: no ghost, no duplicate key', async () => {
  const first = new Sim({ speed: 20 });
  const port = Number(new URL(await first.listen(0)).port);
  installScenario(first, 'rolling');
  installScenario(first, 'pdb');
  const kc = new KubeConfig();
  kc.loadFromString(first.kubeconfig());
  const cockpit = new Cockpit({ kc, skipAccessCheck: true, readonly: true, flushIntervalMs: 50 });
  const duplicates = new Set<string>();
  const unsubscribe = cockpit.store.subscribe((s) => duplicateKeys(s.view).forEach((k) => duplicates.add(k)));
  cockpit.start();
  let second: Sim | undefined;
  const releases = () => cockpit.store.getState().view.releases.map((r) => r.name).sort();
  const webUid = () => cockpit.store.getState().snapshot.deployments.filter((d) => d.metadata?.name === 'web').map((d) => d.metadata?.uid);
  try {
    await waitFor(() => cockpit.store.getState().health.synced && releases().join() === 'api,web', 20_000, 'first sync');
    const [oldWeb] = webUid();

    await first.stop();
    await waitFor(() => cockpit.store.getState().health.lostSince !== undefined, 20_000, 'the loss noticed');
    // Same address, CA and tokens; a new history in which web was recreated (new UID) and api is gone.
    second = new Sim({ speed: 20, tokens: first.tokens, tls: first.tls });
    installScenario(second, 'rolling');
    const newWeb = second.store.get(R.deployments, 'default', 'web')!.metadata.uid;
    assert.notEqual(newWeb, oldWeb);
    await second.listen(port);

    const fresh = () => {
      const s = cockpit.store.getState();
      const deployments = s.snapshot.deployments.map((d) => `${d.metadata?.name}@${d.metadata?.uid}`).join();
      return s.health.synced && s.health.lostSince === undefined && deployments === `web@${newWeb}` && s.snapshot.poddisruptionbudgets.length === 0;
    };
    await waitFor(fresh, 30_000, 'the new history in the cockpit');
    await waitFor(() => cockpit.store.getState().snapshot.pods.every((p) => second!.store.get(R.pods, 'default', p.metadata!.name!)?.metadata.uid === p.metadata?.uid), 20_000, 'pods of the new history only');
    cockpit.refresh();
    assert.deepEqual(releases(), ['web'], 'one web row, and api is gone');
    assert.deepEqual(webUid(), [newWeb]);
    assert.deepEqual([...duplicates], [], 'no flush ever gave the views two rows with one key');
  } finally {
    unsubscribe();
    await cockpit.stop();
    await second?.stop();
    await first.stop();
  }
});
