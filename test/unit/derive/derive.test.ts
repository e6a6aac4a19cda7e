/**
 * The view model over a simulated cluster on a virtual clock, flushed as a cockpit flushes: no
 * false alarm through the demo's operations, the alarms that must appear, whole-release numbers,
 * and verdicts that two cockpits agree on.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Sim } from '../../../src/sim/sim.js';
import { VirtualClock } from '../../../src/sim/clock.js';
import { R } from '../../../src/sim/resources.js';
import type { Obj } from '../../../src/sim/store.js';
import { installScenario, zeroDowntimeDeployment } from '../../../src/sim/scenarios.js';
import { DeriveMemo, deriveSteps, deriveViewModel, RELEASES_PER_STEP, type ReleaseView, type ViewModel } from '../../../src/derive/derive.js';
import type { Snapshot } from '../../../src/derive/snapshot.js';
import { snapshotOfSim } from '../../helpers/snapshot.js';
import { ENDPOINT_LAG_MS, timestampMillis } from '../../../src/model/index.js';

const snapshot = (sim: Sim): Snapshot => snapshotOfSim(sim, 'default');

/** One cockpit's derive history: its memo and the moment its watch began. */
class Watcher {
  readonly memo = new DeriveMemo();
  view!: ViewModel;
  constructor(readonly since: number) {}
  flush(snap: Snapshot, now: number): ViewModel {
    return (this.view = deriveViewModel(snap, this.memo, now, { observedSince: this.since }));
  }
  release(name: string): ReleaseView {
    return this.view.releases.find((r) => r.name === name)!;
  }
}

/** A sim and the cockpits watching it; every step flushes each of them. */
class World {
  readonly sim = new Sim({ clock: new VirtualClock() });
  readonly watchers: Watcher[] = [];
  watch(): Watcher {
    const w = new Watcher(this.sim.clock.now());
    w.flush(snapshot(this.sim), this.sim.clock.now());
    this.watchers.push(w);
    return w;
  }
  async run(ms: number, onFlush: (v: ViewModel) => void = () => {}, every = 500): Promise<void> {
    for (let t = 0; t < ms; t += every) {
      await this.sim.advance(every);
      const snap = snapshot(this.sim);
      for (const w of this.watchers) w.flush(snap, this.sim.clock.now());
      if (this.watchers[0]) onFlush(this.watchers[0].view);
    }
  }
  async until(what: string, ok: () => boolean, onFlush?: (v: ViewModel) => void, limitMs = 300_000): Promise<void> {
    for (let t = 0; t < limitMs; t += 500) {
      if (ok()) return;
      await this.run(500, onFlush);
    }
    assert.fail(`timed out waiting for ${what}`);
  }
  scale(name: string, replicas: number) {
    this.sim.store.mutate(R.deployments, 'default', name, (d) => (d.spec.replicas = replicas));
  }
  available(name: string, replicas: number): () => boolean {
    return () => {
      const d = this.sim.store.get(R.deployments, 'default', name);
      return d?.spec.replicas === replicas && (d.status?.availableReplicas ?? 0) === replicas && (d.status?.replicas ?? 0) === replicas;
    };
  }
  stop() {
    return this.sim.stop();
  }
}

const isReady = (p: Obj): boolean => (p.status?.conditions ?? []).some((c: { type: string; status: string }) => c.type === 'Ready' && c.status === 'True');

/** What the screen would raise for a release: a red or yellow verdict, or a gauge over its limit. */
function alarmsOf(r: ReleaseView): string[] {
  const out: string[] = [];
  if (r.verdict.level === 'fail' || r.verdict.level === 'warn') out.push(`${r.name}: ${r.verdict.text}`);
  for (const d of r.deployments) {
    for (const [which, g] of Object.entries(d.gauges)) if (g.level === 'over') out.push(`${r.name}: ${d.name} ${which} ${g.used}/${g.limit} over`);
  }
  return out;
}

function collector(except: string[] = []) {
  const seen = new Set<string>();
  return {
    seen,
    onFlush: (v: ViewModel) => {
      for (const r of v.releases) if (!except.includes(r.name)) for (const a of alarmsOf(r)) seen.add(a);
    },
  };
}

/** A canary move as the cockpit's plans make it: grow one side, wait until available, shrink the other. */
async function move(world: World, grow: [string, number], shrink: [string, number], onFlush: (v: ViewModel) => void) {
  world.scale(...grow);
  await world.until(`${grow[0]} at ${grow[1]}`, world.available(...grow), onFlush);
  world.scale(...shrink);
  await world.until(`${shrink[0]} at ${shrink[1]}`, world.available(...shrink), onFlush);
}

test('the demo raises no alarm from its first frame through canary step, promote, abort, scale-idle and a scale', async () => {
  const world = new World();
  installScenario(world.sim, 'demo');
  const cockpit = world.watch();
  // search is the demo's stuck rollout: its alarm is a positive control below.
  const alarms = collector(['search']);
  alarms.onFlush(cockpit.view);
  const first = cockpit.release('web');
  assert.equal(first.verdict.text, 'creating', 'a Deployment being created says so');
  await world.until('the demo settles', () => ['web', 'shop-stable', 'shop-canary', 'pay-blue', 'pay-green', 'api'].every((n) => world.available(n, world.sim.store.get(R.deployments, 'default', n)!.spec.replicas)()), alarms.onFlush);
  await world.run(5_000, alarms.onFlush);

  await move(world, ['shop-canary', 3], ['shop-stable', 7], alarms.onFlush); // canary +
  await move(world, ['shop-canary', 10], ['shop-stable', 0], alarms.onFlush); // promote
  const promoted = cockpit.release('shop');
  assert.deepEqual(promoted.counts, { desired: 10, updated: 10, ready: 10, available: 10 });
  assert.equal(promoted.trafficText, 'canary 100%');
  await move(world, ['shop-stable', 10], ['shop-canary', 0], alarms.onFlush); // abort
  const aborted = cockpit.release('shop');
  assert.deepEqual(aborted.counts, { desired: 10, updated: 10, ready: 10, available: 10 }, 'the row speaks for the release, not for the emptied canary');
  assert.equal(aborted.trafficText, 'canary 0%');

  world.scale('pay-green', 14); // the idle colour
  await world.until('pay-green at 14', world.available('pay-green', 14), alarms.onFlush);
  const pay = cockpit.release('pay');
  assert.equal(pay.counts.desired, 10, 'blue-green rows show the live colour');
  assert.deepEqual(pay.idle, { name: 'pay-green', colour: 'green', ready: 14, desired: 14 });

  let sawScaling = false;
  world.scale('web', 14);
  await world.until('web at 14', world.available('web', 14), (v) => {
    alarms.onFlush(v);
    sawScaling ||= v.releases.find((r) => r.name === 'web')!.phase === 'scaling';
  });
  assert.ok(sawScaling, 'a scale shows as scaling');
  await world.run(2_000, alarms.onFlush);
  assert.deepEqual([...alarms.seen], []);
  for (const name of ['web', 'shop', 'pay', 'api']) assert.equal(cockpit.release(name).verdict.text, 'zero downtime kept', name);
  await world.stop();
});

test('positive controls: the live colour at 0, a never-ready rollout past its deadline, unavailability beyond maxUnavailable during a rollout', async () => {
  const world = new World();
  installScenario(world.sim, 'demo');
  const cockpit = world.watch();
  await world.until('search is stuck', () => cockpit.release('search')?.phase === 'stuck');
  assert.deepEqual(alarmsOf(cockpit.release('search')), ['search: deadline exceeded']);
  await world.until('pay settles', world.available('pay-blue', 10));

  world.scale('pay-blue', 0);
  await world.until('the live colour has no endpoints', () => cockpit.release('pay').verdict.text === 'no ready endpoints');
  assert.equal(cockpit.release('pay').verdict.level, 'fail');

  // web rolls to an image whose pods take 60 s to be ready; two old pods are lost meanwhile.
  await world.until('web settles', world.available('web', 10));
  world.sim.store.mutate(R.deployments, 'default', 'web', (d) => {
    d.spec.template.spec.containers[0].image = 'registry.local/web:v2.1';
    d.spec.template.metadata.annotations = { 'sim.cutover.io/ready-after': '60' };
  });
  await world.until('web rolling', () => cockpit.release('web').phase === 'rolling');
  const old = world.sim.store.list(R.pods, 'default').filter((p) => p.metadata.labels?.app === 'web' && isReady(p));
  for (const p of old.slice(0, 2)) world.sim.store.delete(R.pods, 'default', p.metadata.name!, { gracePeriodSeconds: 0 });
  await world.run(1_000);
  const web = cockpit.release('web');
  assert.ok(alarmsOf(web).some((a) => /unavailable \d+\/0 over/.test(a)), alarmsOf(web).join('; '));
  assert.equal(web.verdict.text, 'below floor');
  await world.until('web rolled out', () => cockpit.release('web').phase === 'complete');
  assert.equal(cockpit.release('web').verdict.text, 'budget breached', 'the breach stays with the revision');
  await world.stop();
});

test('a Recreate rollout: downtime by design, the same for a cockpit that watched it and one that started afterwards', async () => {
  const world = new World();
  installScenario(world.sim, 'pdb');
  const early = world.watch();
  await world.until('api settles', world.available('api', 4));
  world.sim.store.mutate(R.deployments, 'default', 'api', (d) => {
    d.spec.strategy = { type: 'Recreate' };
    d.spec.template.spec.containers[0].image = 'registry.local/api:v3';
  });
  const seen = new Set<string>();
  const record = (v: ViewModel) => seen.add(v.releases[0].verdict.text);
  await world.until('api recreating', () => early.release('api').phase === 'recreating', record);
  await world.until('api recreated', () => early.release('api').phase === 'complete', record);
  await world.run(2_000);
  assert.ok(!seen.has('traffic outage') && !seen.has('no ready endpoints'), [...seen].join(', '));
  assert.ok(seen.has('downtime by design (Recreate)'), [...seen].join(', '));
  const late = world.watch();
  assert.deepEqual(late.release('api').verdict, early.release('api').verdict);
  assert.deepEqual(early.release('api').verdict, { text: 'downtime by design (Recreate)', level: 'warn' });
  assert.ok(early.release('api').deployments[0].checklist.some((c) => c.id === 'max-unavailable' && c.level === 'fail' && /Recreate/.test(c.why)), 'the checklist flags Recreate');
  await world.stop();
});

test('two cockpits started at different moments agree on a clean rollout, or the later one names its window', async () => {
  const world = new World();
  installScenario(world.sim, 'rolling');
  const early = world.watch();
  await world.until('web settles', world.available('web', 10));
  await world.run(5_000);
  const second = world.watch();
  assert.deepEqual(second.release('web').verdict, early.release('web').verdict, 'a first revision: the conditions vouch for it');

  world.sim.store.mutate(R.deployments, 'default', 'web', (d) => (d.spec.template.spec.containers[0].image = 'registry.local/web:v2.1'));
  await world.until('web v2.1 rolled out', () => early.release('web').phase === 'complete' && early.release('web').deployments[0].replicaSets.toRevision === 2);
  await world.run(2_000);
  const late = world.watch();
  assert.deepEqual(early.release('web').verdict, { text: 'zero downtime kept', level: 'ok' });
  assert.deepEqual(second.release('web').verdict, early.release('web').verdict, 'the second watched the whole rollout');
  assert.deepEqual(late.release('web').verdict, early.release('web').verdict, 'the Available condition never dropped: the late one can vouch too');

  // A breach during the next rollout: the one that watched says so; one started afterwards cannot
  // know, and says since when it has watched.
  world.sim.store.mutate(R.deployments, 'default', 'web', (d) => {
    d.spec.template.spec.containers[0].image = 'registry.local/web:v2.2';
    d.spec.template.metadata.annotations = { 'sim.cutover.io/ready-after': '30' };
  });
  await world.until('web rolling', () => early.release('web').phase === 'rolling');
  const victims = world.sim.store.list(R.pods, 'default').filter((p) => p.metadata.labels?.app === 'web' && isReady(p)).slice(0, 3);
  for (const p of victims) world.sim.store.delete(R.pods, 'default', p.metadata.name!, { gracePeriodSeconds: 0 });
  await world.until('web v2.2 rolled out', () => early.release('web').phase === 'complete' && early.release('web').deployments[0].replicaSets.toRevision === 3);
  const after = world.watch();
  assert.deepEqual(early.release('web').verdict, { text: 'budget breached', level: 'warn' });
  assert.equal(after.release('web').verdict.level, 'partial');
  assert.equal(after.release('web').verdict.watchedSince, after.since);
  assert.match(after.release('web').verdict.text, /^watched since \d\d:\d\d:\d\d$/);

  // The failed verdict belongs to revision 3: the next rollout starts clean.
  world.sim.store.mutate(R.deployments, 'default', 'web', (d) => (d.spec.template.spec.containers[0].image = 'registry.local/web:v2.3'));
  await world.until('web v2.3 rolled out', () => early.release('web').phase === 'complete' && early.release('web').deployments[0].replicaSets.toRevision === 4);
  assert.deepEqual(early.release('web').verdict, { text: 'zero downtime kept', level: 'ok' });
  assert.deepEqual(after.release('web').verdict, early.release('web').verdict);
  await world.stop();
});

test('a cockpit that first saw a release being created watched all of it: a later scale keeps its verdict', async () => {
  const world = new World();
  installScenario(world.sim, 'canary');
  // The ReplicaSets exist before this cockpit starts watching (as with `cutover --demo`), but no pod is ready yet.
  await world.run(1_000);
  assert.ok(world.sim.store.list(R.replicasets, 'default').length > 0);
  const cockpit = world.watch();
  assert.equal(cockpit.release('shop').phase, 'creating');
  await world.until('shop settles', () => world.available('shop-stable', 9)() && world.available('shop-canary', 1)());
  world.scale('shop-canary', 3);
  await world.until('canary at 3', world.available('shop-canary', 3));
  assert.deepEqual(cockpit.release('shop').verdict, { text: 'zero downtime kept', level: 'ok' });

  // One that started after the creation cannot vouch for the time before it once Available has dropped.
  const late = world.watch();
  world.scale('shop-canary', 5);
  await world.until('canary at 5', world.available('shop-canary', 5));
  assert.equal(late.release('shop').verdict.level, 'partial');
  assert.deepEqual(cockpit.release('shop').verdict, { text: 'zero downtime kept', level: 'ok' });
  await world.stop();
});

test('nothing is judged until the kinds a release depends on have synced', async () => {
  const world = new World();
  installScenario(world.sim, 'rolling');
  await world.run(30_000);
  const snap = snapshot(world.sim);
  const memo = new DeriveMemo();
  // Deployments listed, pods not yet: the 10 wanted replicas have no pods to count.
  const partial = { ...snap, pods: [], endpointslices: [] };
  const v = deriveViewModel(partial, memo, world.sim.clock.now(), { synced: (k) => k !== 'pods' && k !== 'endpointslices' });
  const web = v.releases.find((r) => r.name === 'web')!;
  assert.equal(v.syncing, true);
  assert.deepEqual(web.verdict, { text: 'syncing', level: 'progress' });
  assert.deepEqual(alarmsOf(web), []);
  assert.equal(memo.histories.size, 0, 'no reading was recorded');
  const synced = deriveViewModel(snap, memo, world.sim.clock.now());
  assert.equal(synced.releases.find((r) => r.name === 'web')!.verdict.text, 'zero downtime kept');
  await world.stop();
});

test('losing every pod of a settled release is an outage; it stays in the record of that revision', async () => {
  const world = new World();
  installScenario(world.sim, 'rolling');
  const cockpit = world.watch();
  await world.until('web settles', world.available('web', 10));
  for (const p of world.sim.store.list(R.pods, 'default')) world.sim.store.delete(R.pods, 'default', p.metadata.name!, { gracePeriodSeconds: 0 });
  await world.run(1_000);
  assert.equal(cockpit.release('web').verdict.text, 'no ready endpoints');
  await world.until('web recovers', world.available('web', 10));
  await world.run(1_000);
  assert.equal(cockpit.release('web').verdict.text, 'traffic outage', 'the outage stays in the record');
  await world.stop();
});

test('scaling up is not a budget breach; losing serving pods still is', async () => {
  const world = new World();
  installScenario(world.sim, 'canary');
  const cockpit = world.watch();
  const alarms = collector();
  await world.until('shop settles', () => world.available('shop-stable', 9)() && world.available('shop-canary', 1)(), alarms.onFlush);
  world.scale('shop-canary', 3);
  await world.until('canary at 3', world.available('shop-canary', 3), alarms.onFlush);
  assert.deepEqual([...alarms.seen], []);
  const victim = world.sim.store.list(R.pods, 'default').find((p) => p.metadata.labels?.track === 'stable')!;
  world.sim.store.delete(R.pods, 'default', victim.metadata.name!, { gracePeriodSeconds: 0 });
  await world.run(500);
  assert.equal(cockpit.release('shop').verdict.text, 'below floor');
  await world.until('stable recovers', world.available('shop-stable', 9));
  assert.equal(cockpit.release('shop').verdict.text, 'budget breached');
  await world.stop();
});

test('EndpointSlices trailing pods that just turned Ready: no outage on screen or on record until the lag has passed', async () => {
  const world = new World();
  installScenario(world.sim, 'rolling');
  await world.until('web settles', world.available('web', 10));
  // The same cluster, but its slices have not caught up yet: the Service lists no endpoint.
  const snap = { ...snapshot(world.sim), endpointslices: [] };
  const readySince = Math.min(...snap.pods.map((p) => timestampMillis(p.status?.conditions?.find((c) => c.type === 'Ready')?.lastTransitionTime) ?? Infinity));
  const memo = new DeriveMemo();
  const web = (now: number) => deriveViewModel(snap, memo, now).releases.find((r) => r.name === 'web')!;

  const early = web(readySince + 2_000);
  assert.equal(early.phase, 'complete');
  assert.deepEqual(alarmsOf(early), [], 'catching up is not an alarm');
  assert.equal(early.deployments[0].history.firstTrafficOutage, undefined, 'nor an incident on record');

  const late = web(readySince + ENDPOINT_LAG_MS + 1_000);
  assert.equal(late.verdict.text, 'no ready endpoints', 'Ready pods out of the slices for longer than the lag are an outage');
  assert.notEqual(late.deployments[0].history.firstTrafficOutage, undefined);
  await world.stop();
});

/** What a release shows that the memos could get wrong: its pods, traffic, events, release shape. */
function shown(v: ViewModel) {
  return v.releases.map((r) => ({
    key: r.key,
    deployments: r.deployments.map((d) => ({ name: d.name, pods: d.pods.map((p) => `${p.name} ${p.status} ${p.ready} ${p.endpoint}`), phase: d.phase })),
    traffic: r.trafficText,
    ready: r.traffic?.totalReady,
    events: r.events.map((e) => e.metadata?.name),
  }));
}

test('a cockpit that derived every flush shows what a fresh derive of the same objects shows, through a canary step, a flip and new Events', async () => {
  const world = new World();
  installScenario(world.sim, 'demo');
  const kept = world.watch();
  const fresh = () => deriveViewModel(snapshot(world.sim), new DeriveMemo(), world.sim.clock.now(), { observedSince: kept.since });
  const agree = (what: string) => assert.deepEqual(shown(kept.view), shown(fresh()), what);
  await world.until('the demo settles', () => ['web', 'shop-stable', 'shop-canary', 'pay-blue', 'pay-green', 'api'].every((n) => world.available(n, world.sim.store.get(R.deployments, 'default', n)!.spec.replicas)()));
  agree('settled');
  await move(world, ['shop-canary', 3], ['shop-stable', 7], () => agree('during a canary step'));
  // The blue-green flip: the Service selects the other colour.
  const pay = world.sim.store.get(R.services, 'default', 'pay')!;
  const [key] = Object.entries(pay.spec.selector as Record<string, string>).find(([k]) => k !== 'app')!;
  world.sim.store.mutate(R.services, 'default', 'pay', (s) => (s.spec.selector = { ...s.spec.selector, [key]: 'green' }));
  await world.run(3_000, () => agree('after the flip'));
  // An Event about one pod of web reaches web's events and no other release's.
  const pod = world.sim.store.list(R.pods, 'default').find((p) => p.metadata.labels?.app === 'web')!;
  world.sim.store.create(R.events, {
    metadata: { name: 'web-pod.probe', namespace: 'default' },
    involvedObject: { kind: 'Pod', name: pod.metadata.name, namespace: 'default', uid: pod.metadata.uid },
    reason: 'Unhealthy',
    message: 'Readiness probe failed',
    type: 'Warning',
    lastTimestamp: new Date(world.sim.clock.now()).toISOString(),
  });
  await world.run(500);
  agree('after an Event');
  assert.equal(kept.release('web').events[0]?.metadata?.name, 'web-pod.probe');
  assert.ok(!kept.release('shop').events.some((e) => e.metadata?.name === 'web-pod.probe'), 'and not to a release it is not about');
  await world.stop();
});

test('a derive of many releases runs in steps; left unfinished it changes nothing, run to the end it is the whole view', async () => {
  const world = new World();
  const count = 2 * RELEASES_PER_STEP + 7;
  for (let i = 0; i < count; i++) {
    const name = `app-${String(i).padStart(3, '0')}`;
    world.sim.store.create(R.deployments, zeroDowntimeDeployment('default', { name, app: name, replicas: 1, image: 'registry.local/app:v1' }));
  }
  await world.run(5_000);
  const snap = snapshot(world.sim);
  const memo = new DeriveMemo();
  const steps = deriveSteps(snap, memo, world.sim.clock.now());
  assert.equal(steps.next().done, false);
  assert.equal(memo.histories.size, 0, 'nothing written before the end');
  let yields = 1;
  let step = steps.next();
  for (; !step.done; step = steps.next()) yields++;
  assert.ok(yields >= Math.floor(count / RELEASES_PER_STEP), `${yields} steps`);
  assert.equal(step.value.releases.length, count);
  assert.equal(memo.histories.size, count);
  assert.deepEqual(shown(step.value), shown(deriveViewModel(snap, new DeriveMemo(), world.sim.clock.now())));
  await world.stop();
});

test('an idle release keeps its view while only the clock moves, catches its record up within a second, and shows a change at once', async () => {
  const world = new World();
  installScenario(world.sim, 'rolling');
  await world.until('web settles', world.available('web', 10));
  const snap = snapshot(world.sim);
  const memo = new DeriveMemo();
  const start = world.sim.clock.now();
  const objects = new Set<ReleaseView>();
  for (let t = start; t <= start + 3_000; t += 100) {
    const web = deriveViewModel(snap, memo, t, { observedSince: start - 60_000 }).releases.find((r) => r.name === 'web')!;
    objects.add(web);
    const last = web.deployments[0].history.points.at(-1)!;
    assert.ok(t - last.until < 1_000, `the record reaches ${t - last.until} ms short of the present`);
    assert.equal(web.verdict.text, fresh(snap, t, start - 60_000).verdict.text);
  }
  // 31 flushes over 3 s: made again once a second (the first, then at most one per second boundary), not on every flush.
  assert.ok(objects.size >= 3 && objects.size <= 4, `${objects.size} views in 31 flushes`);

  world.scale('web', 12);
  await world.sim.advance(100);
  const scaled = deriveViewModel(snapshot(world.sim), memo, start + 3_050, { observedSince: start - 60_000 }).releases.find((r) => r.name === 'web')!;
  assert.ok(!objects.has(scaled), 'a changed Deployment is a new view in the next flush');
  assert.equal(scaled.primary.desired, 12);
  await world.stop();

  function fresh(s: Snapshot, now: number, since: number): ReleaseView {
    return deriveViewModel(s, new DeriveMemo(), now, { observedSince: since }).releases.find((r) => r.name === 'web')!;
  }
});
