/**
 * The metric guard on screen: the GUARD column (a breach alarms, no data and inconclusive stay
 * quiet), the Metrics panel with its sparklines and limits, the countdown banner and `c`.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fixtureStore, recordingIntents } from '../helpers/fixtures.js';
import { renderApp, linesOf, KEYS } from './harness.js';
import { DEFAULT_THRESHOLDS } from '../../src/model/guard.js';
import type { GuardPoint, GuardView } from '../../src/store/guardState.js';
import type { CockpitStore } from '../../src/store/state.js';
import { guardCell, metricsLines } from '../../views/screens/MetricsPanel.js';
import { thresholdSpark } from '../../views/widgets/ThresholdSpark.js';

const T0 = Date.parse('2026-01-01T00:00:00Z');
const pts = (n: number, f: (i: number) => Partial<GuardPoint>): GuardPoint[] => Array.from({ length: n }, (_, i) => ({ at: T0 + i * 10_000, ...f(i) }));

function guardView(part: Partial<GuardView>): GuardView {
  return {
    state: 'ok',
    breaches: [],
    thresholds: DEFAULT_THRESHOLDS,
    candidate: { label: 'canary', points: pts(6, () => ({ errorRate: 0, p95Ms: 70, rps: 50 })) },
    baseline: { label: 'stable', points: pts(6, () => ({ errorRate: 0, p95Ms: 70, rps: 450 })) },
    since: T0,
    source: 'pod scrape via the API server (pods/proxy)',
    ...part,
  };
}

const breached = (): GuardView =>
  guardView({
    state: 'breached',
    reason: 'error rate 8.0% > 1.0% (by 7.0 points)',
    candidate: { label: 'canary', points: pts(6, (i) => ({ errorRate: i < 3 ? 0 : 0.08, p95Ms: i < 3 ? 70 : 250, rps: 50 })) },
  });

const keyOf = (store: CockpitStore, name: string) => store.getState().view.releases.find((r) => r.name === name)!.key;
const rowOf = (frame: string, name: RegExp) => linesOf(frame).find((l) => name.test(l)) ?? '';

function setGuards(store: CockpitStore, byName: Record<string, GuardView>) {
  const byRelease = Object.fromEntries(Object.entries(byName).map(([n, g]) => [keyOf(store, n), g]));
  store.setState((s) => ({ guards: { ...s.guards, byRelease } }));
}

test('the GUARD column: breached alarms, no data and inconclusive stay quiet; absent until a guard is read', async () => {
  const store = fixtureStore();
  const app = await renderApp({ store, intents: recordingIntents(store), color: true }, { columns: 160, rows: 30 });
  assert.doesNotMatch(app.lastFrame(), /GUARD/);
  setGuards(store, { shop: breached(), pay: guardView({ state: 'no-data', reason: 'no data (no pods/proxy access)' }), web: guardView({ state: 'inconclusive' }) });
  await app.press();
  const f = app.lastFrame();
  assert.match(f, /VERDICT\s+GUARD/);
  assert.match(rowOf(f, /shop \[/), /✗ BREACHED/);
  assert.match(rowOf(f, /pay \[/), /- no data/);
  assert.match(rowOf(f, /^.web /), /\? inconclusive/);
  assert.match(rowOf(f, /search/), /search.*\s-\s/);
  app.unmount();
  // Tones: only a breach (or its countdown) takes the alarm tone.
  assert.equal(guardCell(breached()).tone, 'bad');
  assert.equal(guardCell({ ...breached(), state: 'ok', countdown: { until: T0, secondsLeft: 3, why: '', plan: '' } }).tone, 'bad');
  for (const state of ['no-data', 'inconclusive'] as const) assert.equal(guardCell(guardView({ state })).tone, 'muted', state);
  assert.equal(guardCell(undefined).tone, 'muted');
  assert.equal(guardCell(guardView({})).tone, 'good');
});

test('the Metrics panel: figures of each side as sparklines with the limit drawn', async () => {
  const lines = metricsLines(breached(), 100, T0 + 60_000).map((l) => l.map((s) => s.text).join(''));
  const text = lines.join('\n');
  assert.match(lines[0], /^guard ✗ BREACHED {2}error rate 8\.0% > 1\.0% \(by 7\.0 points\)/);
  assert.match(text, /pod scrape via the API server \(pods\/proxy\); history since 60 s ago/);
  assert.match(text, /^canary {2}\(the new side, judged\)/m);
  assert.match(text, /^ {2}5xx +.* now 8\.0% {2}limit 1\.0%$/m);
  assert.match(text, /^ {2}p95 +.* now 250 ms {2}limit 2 x stable$/m);
  assert.match(text, /^ {2}req\/s .* now 50\.0\/s$/m);
  assert.match(text, /^stable {2}\(the old side, compared against\)/m);
  // The 5xx rows of the canary: the dotted limit above the healthy readings, bars through it after.
  const top = lines[lines.findIndex((l) => /^ {2}5xx/.test(l)) - 1].trim();
  assert.match(top, /^┈+█+$/);
});

test('thresholdSpark: under the limit the dotted line shows, over it the bar pokes through in the alarm tone', () => {
  const [top, bottom] = thresholdSpark({ values: [0.005, 0.01, 0.015, undefined], limit: 0.01, cells: 10 });
  assert.deepEqual(top.map((s) => s.text), ['┈', '┈', '▄', '┈']);
  assert.deepEqual(bottom.map((s) => s.text), ['▄', '█', '█', '·']);
  assert.deepEqual(top.map((s) => s.tone), ['muted', 'muted', 'bad', 'muted']);
  assert.equal(bottom[2].tone, 'bad');
  assert.equal(bottom[0].tone, 'good');
});

test('a countdown shows above every screen with its figure and plan; c cancels it', async () => {
  const store = fixtureStore();
  const intents = recordingIntents(store);
  const calls: string[] = [];
  const app = await renderApp({ store, intents: { ...intents, cancelRollback: () => calls.push('cancel') } }, { columns: 160, rows: 30 });
  setGuards(store, { shop: { ...breached(), watch: { until: T0 + 300_000, title: 'canary shop: 10% -> 30%' }, countdown: { until: T0 + 10_000, secondsLeft: 7, why: 'canary: error rate 8.0% > 1.0% (by 7.0 points)', plan: 'canary shop: 30% -> 0%' } } });
  await app.press();
  let f = app.lastFrame();
  assert.match(f, /✗ shop: rolling back in 7 s \(canary shop: 30% -> 0%\) {2}c cancels {2}guard breached: canary: error rate 8\.0% > 1\.0% \(by 7\.0 points\)/);
  assert.match(rowOf(f, /shop \[/), /✗ undo in 7s/);
  await app.press('4'); // another screen: the banner stays
  assert.match(app.lastFrame(), /rolling back in 7 s/);
  await app.press('c');
  assert.deepEqual(calls, ['cancel']);
  await app.press('1', KEYS.escape);
  f = app.lastFrame();
  assert.match(f, /rolling back in 7 s/);
  app.unmount();
});
