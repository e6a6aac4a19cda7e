import { test } from 'node:test';
import assert from 'node:assert/strict';
import stringWidth from 'string-width';
import { fixtureStore, recordingIntents, NOW, NS } from '../helpers/fixtures.js';
import { renderApp, frameWhere, linesOf, KEYS, type Rendered } from './harness.js';
import { KEYMAP, activeBindings } from '../../views/keymap.js';
import { COMMANDS } from '../../src/store/ui.js';
import type { CockpitStore } from '../../src/store/state.js';
import { PANELS } from '../../views/lists.js';

const SMALL = { columns: 80, rows: 24 };
const LARGE = { columns: 200, rows: 60 };

async function setup(size = { columns: 120, rows: 40 }, opts: Parameters<typeof fixtureStore>[0] = {}, props: { readonly?: boolean } = {}) {
  const store = fixtureStore(opts);
  const intents = recordingIntents(store);
  const app = await renderApp({ store, intents, ...props }, size);
  return { store, intents, app };
}

function assertFits(app: Rendered, size: { columns: number; rows: number }, what: string) {
  const out = linesOf(app.lastFrame());
  assert.ok(out.length <= size.rows, `${what}: ${out.length} lines > ${size.rows}`);
  for (const l of out) assert.ok(stringWidth(l) <= size.columns, `${what}: line wider than ${size.columns}: ${l}`);
}

const rowOf = (frame: string, name: RegExp) => linesOf(frame).find((l) => name.test(l)) ?? '';

test('releases screen: header, one row per release with budgets, traffic and verdict words', async () => {
  const { app } = await setup();
  const f = app.lastFrame();
  assert.match(f, /ctx prod-eu {2}ns shop-ns {2}server https:\/\/10\.0\.0\.1:6443/);
  assert.match(f, /✓ live/);
  assert.match(f, /NAME\s+REV\s+D\/U\/R\/A\s+IDLE\s+SURGE\s+UNAVAIL\s+TRAFFIC\s+VERDICT\s+ROLLOUT STATUS/);
  assert.match(rowOf(f, /^.web /), /web\s+3 -> 4\s+10\/6\/10\/10\s+-\s+3\/3 AT\s+0\/0 ok\s+-\s+→ rolling\s+6 out of 10 new replicas/);
  assert.match(rowOf(f, /search/), /search\s+4 -> 5\s+3\/1\/2\/2\s+-\s+0\/1 ok\s+1\/0 OVER!\s+-\s+✗ deadline exceeded/);
  assert.match(rowOf(f, /shop \[/), /shop \[canary\].*canary 10%\s+✓ zero downtime kept/);
  assert.match(rowOf(f, /pay/), /pay \[b\/g\]\s+1\s+4\/4\/4\/4\s+green 4\/4\s.*live blue\s+✓ zero downtime kept/);
  assert.match(f, /\? help {2}q quit {2}: cmd {2}\/ filter {2}Esc back {2}Enter open/);
  app.unmount();
});

test('Enter opens the release detail with gauges, bars and pods; Tab cycles panels; Esc returns', async () => {
  const { app, intents } = await setup();
  await app.press('G'); // web is last
  await app.press(KEYS.enter);
  let f = app.lastFrame();
  assert.match(f, /web {2}rolling {2}ns shop-ns {2}svc web {2}→ rolling/);
  assert.match(f, /surge 3\/3 \(25% of 10, rounded up\) █+ AT/);
  assert.match(f, /unavailable 0\/0 \(0\) ·+ ok/);
  assert.match(f, /old r3 +█+ +7\/7 ready, want 7/);
  assert.match(f, /new r4 +█+▒+ +3\/6 ready, want 6/);
  assert.match(f, /\[Pods 14\]/);
  assert.match(f, /POD\s+REV\s+STATUS\s+READY\s+RESTARTS\s+AGE\s+NODE\s+ENDPOINT/);
  assert.match(f, /web-h4x3-p03\s+4 ContainerCreating 0\/1\s+0\s+23s node-1 not-ready/);
  assert.ok(intents.calls.includes('refresh'), 'opening a screen asks for a fresh flush');

  await app.press(KEYS.tab);
  f = app.lastFrame();
  assert.match(f, /\[Timeline\]/);
  assert.match(f, /web {2}→ in progress/);
  assert.match(f, /available +[▁-█_]+ now 10\/10 min 10 floor 10/);
  assert.match(f, /endpoints +[▁-█_]+ now 10 min 10/);

  await app.press(KEYS.tab);
  f = app.lastFrame();
  assert.match(f, /\[Metrics\]/);
  assert.match(f, /no figures: the guard reads a release while it is shown here or while it moves/);

  await app.press(KEYS.tab);
  f = app.lastFrame();
  assert.match(f, /\[Checklist !1\]/);
  assert.match(f, /✓ pass {2}No pod taken down before its replacement is available/);
  assert.match(f, /! warn {2}PodDisruptionBudget protects pods/);
  assert.match(f, /fix: Add a PodDisruptionBudget/);

  await app.press(KEYS.tab);
  f = app.lastFrame();
  assert.match(f, /\[Status\]/);
  assert.match(f, /Available\s+True\s+MinimumReplicasAvailable/);
  assert.match(f, /none covers these pods/);

  await app.press(KEYS.tab);
  f = app.lastFrame();
  assert.match(f, /\[Events 2\]/);
  assert.match(f, /ScalingReplicaSet\s+web\s+Scaled up replica set web-h4x3 from 3 to 6/);

  await app.press(KEYS.escape);
  f = app.lastFrame();
  assert.match(f, /<1 Releases>/);
  assert.match(rowOf(f, /web/), /^›web/, 'back on the same row');
  app.unmount();
});

test('detail of a PDB-covered release and of a pair shows both Deployments', async () => {
  const { app } = await setup();
  await app.press(KEYS.enter); // api is first
  await app.press(KEYS.tab, KEYS.tab, KEYS.tab, KEYS.tab);
  assert.match(app.lastFrame(), /api-pdb {2}minAvailable 75% {2}disruptions allowed 1 {2}healthy 4\/3 of 4/);
  await app.press(KEYS.escape, 'j', 'j', 'j', KEYS.enter);
  const f = app.lastFrame();
  assert.match(f, /shop {2}canary {2}ns shop-ns {2}svc shop {2}canary 10% {2}✓ zero downtime kept/);
  assert.match(f, /● shop-stable {2}stable {2}rev 2/);
  assert.match(f, /● shop-canary {2}canary {2}rev 1/);
  assert.equal((f.match(/surge 0\/1 \(1\)/g) ?? []).length, 2);
  app.unmount();
});

test('filter narrows rows live; Enter keeps it; Esc clears it', async () => {
  const { app } = await setup();
  await app.press('/', 'c', 'a', 'n');
  let f = app.lastFrame();
  assert.match(f, /\/can█/);
  assert.match(f, /shop \[canary\]/);
  assert.doesNotMatch(f, /pay \[b\/g\]/);
  assert.doesNotMatch(f, /search/);
  await app.press(KEYS.backspace, KEYS.backspace);
  assert.match(app.lastFrame(), /search/, 'backspace widens again ("c")');
  await app.press('a', 'n', KEYS.enter);
  f = app.lastFrame();
  assert.match(f, /filter: can {2}\(Esc clears\)/);
  assert.doesNotMatch(f, /api/);
  await app.press('j'); // keys move again once the filter is applied
  await app.press('/', 'z', 'z', 'z');
  assert.match(app.lastFrame(), /no release matches the filter/);
  await app.press(KEYS.escape);
  f = app.lastFrame();
  assert.match(f, /api/);
  assert.match(f, /pay \[b\/g\]/);
  app.unmount();
});

test('command line dispatches intents and switches screens', async () => {
  const { app, intents } = await setup();
  const run = async (cmd: string) => {
    await app.press(':', ...cmd.split(''), KEYS.enter);
  };
  await app.press(':', 'n', 's');
  assert.match(app.lastFrame(), /:ns█/);
  await app.press(' ', 'k', 'u', 'b', 'e', '-', 's', 'y', 's', 't', 'e', 'm', KEYS.enter);
  await run('ns');
  await run('ns all');
  await run('ctx staging');
  await run('ctx nowhere');
  assert.match(app.lastFrame(), /✗ error: no context "nowhere" in kubeconfig/);
  await run('svc');
  assert.match(app.lastFrame(), /<2 Services>/);
  assert.match(app.lastFrame(), /└ shop-canary\s+1\s+0\s+0 █░+ 10%/);
  await run('jobs');
  assert.match(rowOf(app.lastFrame(), /web-migrate/), /web-migrate-v2-5-0\s+web\s+✓ Complete/);
  assert.ok(app.lastFrame().indexOf('web-migrate') < app.lastFrame().indexOf('nightly-report'), 'migrations first');
  await run('events');
  assert.match(rowOf(app.lastFrame(), /BackOff/), /10s ! Warning BackOff/);
  await run('deploy');
  assert.match(app.lastFrame(), /<1 Releases>/);
  await run('q');
  assert.deepEqual(
    intents.calls.filter((c) => !c.startsWith('refresh') && !c.startsWith('notify')),
    ['ns:kube-system', 'ns:*', 'ns:*', 'ctx:staging', 'quit'],
  );
  app.unmount();
});

test('number keys jump to screens; q and Ctrl-C quit', async () => {
  const { app, intents } = await setup();
  await app.press('2');
  assert.match(app.lastFrame(), /SERVICE \/ DEPLOYMENT/);
  await app.press('3');
  assert.match(app.lastFrame(), /MIGRATION FOR/);
  await app.press('4');
  assert.match(app.lastFrame(), /REASON/);
  await app.press('1');
  assert.match(app.lastFrame(), /ROLLOUT STATUS/);
  await app.press('q');
  await app.press(':', KEYS.ctrlC);
  assert.deepEqual(intents.calls.filter((c) => c === 'quit'), ['quit', 'quit']);
  app.unmount();
});

test('help lists every key of the keymap and every command; read-only hides mutating keys', async () => {
  const { app } = await setup(LARGE);
  await app.press('?');
  const f = app.lastFrame();
  for (const b of KEYMAP) {
    assert.ok(f.includes(b.label) && f.includes(b.description.slice(0, 40)), `help shows ${b.label}: ${b.description}`);
  }
  for (const c of COMMANDS) assert.ok(f.includes(c.usage), c.usage);
  await app.press('x');
  assert.doesNotMatch(app.lastFrame(), /Help: every key/, 'any other key closes help');
  app.unmount();

  const ro = await setup(LARGE, {}, { readonly: true });
  await ro.app.press('?');
  const g = ro.app.lastFrame();
  assert.match(g, /read-only: release actions hidden/);
  for (const b of KEYMAP.filter((k) => k.mutating)) assert.ok(!g.includes(b.description), `hidden: ${b.description}`);
  assert.equal(activeBindings(true).length, KEYMAP.filter((b) => !b.mutating).length);
  ro.app.unmount();
});

test('help scrolls at 80x24 and still reaches every key', async () => {
  const { app } = await setup(SMALL);
  await app.press('?');
  const seen = new Set<string>();
  for (let i = 0; i < 8; i++) {
    for (const l of linesOf(app.lastFrame())) seen.add(l);
    assertFits(app, SMALL, 'help');
    await app.press(KEYS.pageDown);
  }
  const all = [...seen].join('\n');
  for (const b of KEYMAP) assert.ok(all.includes(b.label), `reachable: ${b.label}`);
  app.unmount();
});

test('mutating keys: not wired yet they say so; read-only ignores them', async () => {
  const { app, intents } = await setup();
  await app.press('P');
  assert.match(app.lastFrame(), /! P \(promote the canary to stable\): not available yet/);
  app.unmount();
  const ro = await setup(undefined, {}, { readonly: true });
  await ro.app.press('P');
  assert.ok(!ro.intents.calls.some((c) => c.startsWith('notify')));
  assert.match(ro.app.lastFrame(), /READ-ONLY/);
  ro.app.unmount();
  void intents;
});

test('every screen fits 80x24 and 200x60', async () => {
  for (const size of [SMALL, LARGE]) {
    const { app } = await setup(size);
    assertFits(app, size, 'releases');
    for (const r of [0, 1, 2, 3, 4]) {
      await app.press('g', ...Array(r).fill('j'), KEYS.enter);
      for (let p = 0; p < PANELS.length; p++) {
        assertFits(app, size, `release ${r} panel ${p}`);
        await app.press(KEYS.tab);
      }
      await app.press(KEYS.escape);
    }
    for (const s of ['2', '3', '4']) {
      await app.press(s);
      assertFits(app, size, `screen ${s}`);
    }
    await app.press('?');
    assertFits(app, size, 'help');
    app.unmount();
  }
});

test('80x24 keeps the state words; 200x60 uses the width', async () => {
  const small = await setup(SMALL);
  let f = small.app.lastFrame();
  assert.match(f, /3\/3 AT/);
  assert.match(f, /1\/0 OVER!/);
  assert.match(f, /✗ deadline exceeded/);
  assert.match(f, /canary 10%/);
  assert.doesNotMatch(f, /ROLLOUT STATUS/, 'the least important column goes first');
  small.app.unmount();
  const large = await setup(LARGE);
  f = large.app.lastFrame();
  assert.match(f, /ROLLOUT STATUS/);
  assert.match(f, /6 out of 10 new replicas have been updated/);
  await large.app.press('G', KEYS.enter);
  // Wide: gauges side by side.
  assert.match(large.app.lastFrame(), /surge 3\/3 \(25% of 10, rounded up\) █+ AT +unavailable 0\/0 \(0\)/);
  large.app.unmount();
});

test('resize re-lays out without exceeding the new size', async () => {
  const { app } = await setup(LARGE);
  app.stdout.resize(80, 24);
  await frameWhere(app, (f) => linesOf(f).length <= 24);
  assertFits(app, SMALL, 'after resize');
  assert.doesNotMatch(app.lastFrame(), /ROLLOUT STATUS/);
  app.unmount();
});

test('stale watch: "watch lost N s ago (why)" with the data still shown', async () => {
  const failure = { kind: 'unreachable' as const, reason: 'connection refused', message: 'cannot reach https://10.0.0.1:6443 (connection refused)', hint: 'check the cluster is up' };
  const { app } = await setup(undefined, { health: { synced: true, lostSince: NOW - 4_000, failure } });
  const f = app.lastFrame();
  assert.match(f, /! watch lost 4 s ago \(connection refused\); data is stale, reconnecting/);
  assert.doesNotMatch(f, /✓ live/);
  assert.match(f, /shop \[canary\]/);
  app.unmount();
});

test('back after an outage but not every kind relisted yet: still stale, catching up', async () => {
  const { app } = await setup(undefined, { health: { synced: true, lostSince: NOW - 12_000 } });
  assert.match(app.lastFrame(), /! watch lost 12 s ago; data is stale, catching up/);
  app.unmount();
});

test('nothing synced and a failure: an error panel says what failed and what to try, no stack', async () => {
  const failure = { kind: 'unreachable' as const, reason: 'connection refused', message: 'cannot reach https://10.0.0.1:6443 (connection refused)', hint: 'check the cluster is up and your network or VPN; cutover keeps retrying' };
  const { app } = await setup(SMALL, { empty: true, health: { synced: false, failure, retryAt: NOW + 5_000 } });
  const f = app.lastFrame();
  assert.match(f, /✗ Cannot load the cluster/);
  assert.match(f, /What failed: cannot reach https:\/\/10\.0\.0\.1:6443 \(connection refused\)/);
  assert.match(f, /What to try: check the cluster is up/);
  assert.match(f, /retrying in 5 s/);
  assert.doesNotMatch(f, /at .*\.js:\d+/);
  assertFits(app, SMALL, 'error panel');
  app.unmount();
});

test('demo mode shows the simulated-cluster banner; all namespaces adds a column', async () => {
  const { app } = await setup(undefined, { connection: { demo: true, namespace: undefined } });
  const f = app.lastFrame();
  assert.match(linesOf(f)[0], /^SIMULATED CLUSTER \(cutover --demo\) {2}ctx prod-eu {2}ns all namespaces/);
  assert.doesNotMatch(linesOf(f)[0], /server/);
  assert.match(f, /NAME\s+NAMESPACE\s+REV/);
  assert.match(rowOf(f, /web/), new RegExp(`web\\s+${NS}`));
  app.unmount();
});

test('a store update re-renders (one flush), and the cursor stays in range when rows vanish', async () => {
  const { app, store } = await setup();
  await app.press('G');
  const emptied = (s: CockpitStore) => s.setState((st) => ({ view: { ...st.view, releases: st.view.releases.slice(0, 2) }, flushes: st.flushes + 1 }));
  emptied(store);
  await app.press();
  const f = app.lastFrame();
  assert.doesNotMatch(f, /web/);
  assert.match(rowOf(f, /pay/), /^›pay/, 'cursor clamps to the last remaining row');
  app.unmount();
});

test('keys that arrive in one chunk (fast typing, a held key) are handled one by one', async () => {
  const { app, intents } = await setup();
  await app.press('jj');
  assert.match(rowOf(app.lastFrame(), /search/), /^›search/);
  await app.press('/can\r');
  assert.match(app.lastFrame(), /filter: can {2}\(Esc clears\)/);
  await app.press(':ns web\r');
  assert.ok(intents.calls.includes('ns:web'));
  app.unmount();
});
