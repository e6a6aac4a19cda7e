/**
 * End to end (issue 12): an alarm on screen must mean real risk. The built cockpit runs as
 * `npm run demo` does (`cutover --demo`: the demo cluster in-process at speed 1, so the first frames
 * show the releases being created) in tmux 160x40; keys only. Every capture, from the first frame,
 * is checked for alarms (test/e2e/alarms.ts) while the test steps the shop canary, promotes it and
 * aborts it (in its detail view), scales pay's idle colour and scales web 10 -> 14 (in the list),
 * each until it settles.
 *
 * The demo also holds `search`, whose v3.2 never becomes ready: its alarm is real once its progress
 * deadline has passed, and only then (the row's rollout status says so in kubectl's words).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { V1Pod } from '@kubernetes/client-node';
import { PHASE_RULES, TRAFFIC_RULES } from '../../src/model/releaseState.js';
import { GAUGE_WORD, VERDICT_SYMBOL } from '../../views/theme.js';
import type { Alarm } from './alarms.js';
import { cockpitCommand, CUTOVER, ensureBuilt, NODE, ROOT, startCliSim, type CliSim } from './cli.js';
import { Tmux } from './tmux.js';
import { cursorRow, releaseRow, WatchedScreen } from './screen.js';

/** search past its deadline: the verdict, its symbol and its red are the real alarm. */
function searchPastDeadline(a: Alarm): boolean {
  const real = a.marker === PHASE_RULES.stuck.word || a.marker === VERDICT_SYMBOL.fail || a.marker.startsWith('red:');
  return real && /^.search /.test(a.line) && a.line.includes('progress deadline exceeded');
}

const SETTLED = (row: string) => row.includes('rolled out') && !row.includes('->');
const onRow = (name: string, test: (row: string) => boolean) => (screen: string) => test(releaseRow(screen, name));

/** The detail of `name` has settled: its header shows `traffic`, each of its Deployments has rolled out. */
const detailSettled = (name: string, traffic: string) => (screen: string) => {
  const lines = screen.split('\n');
  const deployments = lines.filter((l) => l.startsWith('● '));
  return lines.some((l) => l.startsWith(`${name} `) && l.includes(traffic)) && deployments.length > 0 && deployments.every((l) => l.includes('successfully rolled out'));
};

describe('e2e: the demo raises no false alarm', { timeout: 240_000 }, () => {
  const tmux = new Tmux(160, 40);
  const screen = new WatchedScreen(tmux, searchPastDeadline);
  let dir = '';
  before(async () => {
    await ensureBuilt();
    dir = mkdtempSync(join(tmpdir(), 'cutover-e2e-'));
    tmux.start(`cd '${ROOT}' && XDG_STATE_HOME='${dir}' '${NODE}' '${CUTOVER}' --demo`);
  });
  after(() => {
    tmux.kill();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Moves the cursor to the release `name` with the arrow keys. */
  async function select(name: string): Promise<void> {
    for (let i = 0; i < 10; i++) {
      const s = screen.sample();
      const names = [...s.matchAll(/^[› ]([a-z][\w-]*) /gm)].map((m) => m[1]);
      const from = names.indexOf(cursorRow(s) ?? '');
      const to = names.indexOf(name);
      assert.ok(to >= 0, `no row ${name}:\n${s}`);
      if (from === to) return;
      tmux.send(to > from ? 'Down' : 'Up');
      await screen.waitFor((x) => cursorRow(x) !== names[from], 'the cursor move', 10_000);
    }
    assert.fail(`could not move the cursor to ${name}`);
  }

  /**
   * Presses `key` on the release under the cursor, types `typed` into its prompt if given,
   * confirms with y, waits for the result and for the release to settle, closes the result.
   */
  async function act(step: string, key: string, settled: (screen: string) => boolean, typed?: string): Promise<void> {
    screen.step = step;
    tmux.type(key);
    if (typed !== undefined) {
      await screen.waitFor((s) => /^\s*replicas:/m.test(s), 'the replicas prompt', 20_000);
      tmux.type(typed);
      tmux.send('Enter');
    }
    await screen.waitFor((s) => /confirm/.test(s) && /\by\b/.test(s), 'the confirm dialog', 20_000);
    tmux.type('y');
    await screen.waitFor((s) => /✓ done/.test(s) && settled(s), `the release settled after ${step}`);
    tmux.send('Escape');
    await screen.waitFor((s) => !/✓ done/.test(s), 'the result closed', 20_000);
  }

  it('from the first frame through creation, canary step, promote, abort, scale-idle and a scale', async (t) => {
    screen.step = 'creating the demo';
    await screen.waitFor(
      (s) => ['api', 'pay', 'shop', 'web'].every((n) => releaseRow(s, n).includes('zero downtime kept')),
      'every release but search complete',
      120_000,
    );

    // The canary from its detail view (both sides and their pods on screen).
    await select('shop');
    tmux.send('Enter');
    await screen.waitFor((s) => /^● shop-canary /m.test(s), 'the detail of shop', 20_000);
    await act('canary step (+)', '+', detailSettled('shop', 'canary 30%'));
    await act('promote (P)', 'P', detailSettled('shop', 'canary 100%'));
    await act('abort (A)', 'A', detailSettled('shop', 'canary 0%'));
    tmux.send('Escape');
    await screen.waitFor((s) => /^ NAME .* VERDICT/m.test(s), 'the releases list', 20_000);

    // The rest from the releases list (every release on screen).
    await select('pay');
    await act('scale the idle colour (S) to 12', 'S', onRow('pay', (r) => r.includes('green 12/12') && SETTLED(r)), '12');

    await select('web');
    await act('scale web (s) 10 -> 14', 's', onRow('web', (r) => r.includes(' 14/14/14/14 ') && SETTLED(r)), '14');

    screen.step = 'after the last action (old pods draining)';
    const last = await screen.watch(8_000);
    assert.match(releaseRow(last, 'web'), /zero downtime kept/);
    t.diagnostic(`${screen.frames} frames checked; phases seen: ${[...screen.phases].join(', ')}`);
  });
});

/**
 * Positive controls: the same detector sees each real alarm, on the release at risk and no other.
 * `cutover sim --scenario demo --speed 2` beside a read-only cockpit; kubectl breaks things.
 */
describe('e2e: each real alarm does appear', { timeout: 240_000 }, () => {
  let sim: CliSim | undefined;
  const tmux = new Tmux(160, 40);
  /** Releases this test has put at risk: alarms on their rows are expected. */
  const atRisk = new Set<string>();
  const onRow = (a: Alarm, name: string) => a.line.startsWith(`›${name} `) || a.line.startsWith(` ${name} `);
  const screen = new WatchedScreen(tmux, (a) => [...atRisk].some((name) => onRow(a, name)) || searchPastDeadline(a));
  /** Waits until the row of `name` carries the alarm `marker`, and something on it is red. */
  const alarmOn = (name: string, marker: string) =>
    screen.waitFor(
      () => screen.alarms.some((a) => onRow(a, name) && a.marker === marker) && screen.alarms.some((a) => onRow(a, name) && a.marker.startsWith('red:')),
      `${marker} in red on ${name}`,
      120_000,
    );

  before(async () => {
    await ensureBuilt();
    sim = await startCliSim('demo', 2);
    tmux.start(cockpitCommand(sim, '--readonly'));
  });
  after(async () => {
    tmux.kill();
    await sim?.stop();
  });

  it('the live blue-green colour scaled to 0: no ready endpoints', async () => {
    screen.step = 'pay settles';
    await screen.waitFor((s) => releaseRow(s, 'pay').includes('zero downtime kept'), 'pay complete');
    screen.step = 'pay-blue (live) scaled to 0';
    atRisk.add('pay');
    sim!.kubectl('scale', 'deploy/pay-blue', '--replicas=0');
    const s = await alarmOn('pay', TRAFFIC_RULES['no-endpoints'].word);
    assert.match(releaseRow(s, 'pay'), new RegExp(`${VERDICT_SYMBOL.fail} no ready endpoints`));
  });

  it('unavailability beyond maxUnavailable during a rollout: the unavailable gauge over its limit', async () => {
    screen.step = 'web rolls to pods that take 2 minutes to be ready';
    await screen.waitFor((s) => releaseRow(s, 'web').includes('zero downtime kept'), 'web complete');
    sim!.kubectl('patch', 'deploy/web', '--type', 'merge', '-p', JSON.stringify({ spec: { template: { metadata: { annotations: { 'sim.cutover.io/ready-after': '240' } } } } }));
    await screen.waitFor((s) => /1 -> 2/.test(releaseRow(s, 'web')) && /rolling/.test(releaseRow(s, 'web')), 'web rolling');
    screen.step = 'three ready pods of web deleted at once';
    atRisk.add('web');
    const pods = JSON.parse(sim!.kubectl('get', 'pods', '-l', 'app=web', '-o', 'json')) as { items: V1Pod[] };
    const ready = pods.items.filter((p) => !p.metadata?.deletionTimestamp && p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'));
    assert.ok(ready.length >= 3, `ready web pods: ${ready.length}`);
    sim!.kubectl('delete', 'pod', ...ready.slice(0, 3).map((p) => p.metadata!.name!), '--grace-period=0', '--force');
    const s = await alarmOn('web', GAUGE_WORD.over);
    assert.match(releaseRow(s, 'web'), /\d+\/0 OVER!/);
  });

  it('a never-ready rollout past its progress deadline: deadline exceeded', async () => {
    screen.step = 'search waits for its progress deadline';
    const s = await alarmOn('search', PHASE_RULES.stuck.word);
    assert.match(releaseRow(s, 'search'), new RegExp(`${VERDICT_SYMBOL.fail} deadline exceeded`));
    assert.match(releaseRow(s, 'search'), /progress deadline exceeded/);
  });
});
