import { test } from 'node:test';
import assert from 'node:assert/strict';
import { initialUi, type UiState } from '../../../src/store/state.js';
import {
  applyAction,
  applyFilter,
  backspaceCommand,
  backspaceFilter,
  cancelFilter,
  clampCursor,
  goBack,
  matchesFilter,
  moveCursor,
  nextPanel,
  openRelease,
  parseCommand,
  showScreen,
  startCommand,
  startFilter,
  dismissNotice,
  expireNotice,
  NOTICE_READ_MS,
  NOTICE_TTL_MS,
  submitCommand,
  typeCommand,
  typeFilter,
  type Command,
  type UiAction,
  type UiContext,
} from '../../../src/store/ui.js';

const ui = (patch: Partial<UiState> = {}): UiState => ({ ...initialUi(), ...patch });
const at = (n: number, screen: UiState['screen'] = 'releases') => ui({ screen, cursor: { ...initialUi().cursor, [screen]: n } });

test('parseCommand', async (t) => {
  const cases: [string, Command][] = [
    [':ns shop', { type: 'namespace', namespace: 'shop' }],
    ['ns shop', { type: 'namespace', namespace: 'shop' }],
    [':ns', { type: 'namespace', namespace: undefined }],
    [':ns all', { type: 'namespace', namespace: undefined }],
    [':namespace kube-system', { type: 'namespace', namespace: 'kube-system' }],
    [':ns Shop_1', { type: 'error', message: '"Shop_1" is not a valid namespace name' }],
    [':ns a b', { type: 'error', message: ':ns takes one namespace, got 2' }],
    [':ctx staging', { type: 'context', context: 'staging' }],
    [':ctx nope', { type: 'error', message: 'no context "nope" in kubeconfig (have: prod-eu, staging)' }],
    [':ctx', { type: 'error', message: 'usage: :ctx NAME (one of: prod-eu, staging)' }],
    [':deploy', { type: 'screen', screen: 'releases' }],
    [':releases', { type: 'screen', screen: 'releases' }],
    [':svc', { type: 'screen', screen: 'services' }],
    [':jobs', { type: 'screen', screen: 'jobs' }],
    [':events', { type: 'screen', screen: 'events' }],
    [':EVENTS', { type: 'screen', screen: 'events' }],
    [':svc x', { type: 'error', message: ':svc takes no arguments' }],
    [':q', { type: 'quit' }],
    [':quit', { type: 'quit' }],
    [':help', { type: 'help' }],
    ['  ', { type: 'none' }],
    [':', { type: 'none' }],
    [':frobnicate', { type: 'error', message: 'unknown command :frobnicate (try :ns, :ctx, :deploy, :svc, :jobs, :events, :q)' }],
  ];
  for (const [line, want] of cases) {
    await t.test(JSON.stringify(line), () => assert.deepEqual(parseCommand(line, ['prod-eu', 'staging']), want));
  }
});

test('submitCommand returns the intent and closes the line', async (t) => {
  const cases: [string, Partial<ReturnType<typeof submitCommand>> & { screen?: string; help?: boolean }][] = [
    ['ns shop', { intent: { type: 'switchNamespace', namespace: 'shop' } }],
    ['ns', { intent: { type: 'switchNamespace', namespace: undefined } }],
    ['ctx staging', { intent: { type: 'switchContext', context: 'staging' } }],
    ['q', { intent: { type: 'quit' } }],
    ['svc', { intent: undefined, screen: 'services' }],
    ['help', { intent: undefined, help: true }],
    ['bogus', { intent: { type: 'notify', level: 'error', text: 'unknown command :bogus (try :ns, :ctx, :deploy, :svc, :jobs, :events, :q)' } }],
  ];
  for (const [line, want] of cases) {
    await t.test(line, () => {
      const r = submitCommand(ui({ command: line }), ['prod-eu', 'staging']);
      assert.equal(r.ui.command, null);
      assert.deepEqual(r.intent, want.intent);
      if (want.screen) assert.equal(r.ui.screen, want.screen);
      if (want.help) assert.equal(r.ui.help, true);
    });
  }
});

test('command line editing', () => {
  let s = startCommand(ui({ filtering: true }));
  assert.equal(s.command, '');
  assert.equal(s.filtering, false);
  s = typeCommand(s, 'ns');
  s = typeCommand(s, ' x\n');
  assert.equal(s.command, 'ns x', 'control characters are dropped');
  s = backspaceCommand(s);
  assert.equal(s.command, 'ns ');
  s = backspaceCommand(backspaceCommand(backspaceCommand(s)));
  assert.equal(s.command, '');
  assert.equal(backspaceCommand(s).command, null, 'backspace on an empty line closes it');
  assert.equal(typeCommand(ui(), 'x').command, null, 'typing without an open line does nothing');
});

test('moveCursor and clampCursor', async (t) => {
  const cases: [number, number | 'top' | 'bottom', number, number][] = [
    // start, move, count, expected
    [0, 1, 5, 1],
    [4, 1, 5, 4],
    [0, -1, 5, 0],
    [2, 'top', 5, 0],
    [2, 'bottom', 5, 4],
    [1, 20, 5, 4],
    [3, -20, 5, 0],
    [0, 1, 0, 0],
    [0, 'bottom', 0, 0],
  ];
  for (const [start, move, count, want] of cases) {
    await t.test(`${start} ${move} of ${count}`, () => assert.equal(moveCursor(at(start), move, count).cursor.releases, want));
  }
  assert.equal(clampCursor(at(9), 3).cursor.releases, 2);
  assert.equal(clampCursor(at(1), 0).cursor.releases, 0);
  const same = at(1);
  assert.equal(moveCursor(same, 0, 5), same, 'no change keeps the object');
});

test('applyAction', async (t) => {
  const keys = ['default/rolling/api', 'default/canary/shop', 'default/rolling/web'];
  const ctx: UiContext = { count: 3, page: 2, panels: 5, keyAt: (i) => keys[i] };
  const cases: [string, UiState, UiAction, (r: ReturnType<typeof applyAction>) => void][] = [
    ['down', at(0), 'down', (r) => assert.equal(r.ui.cursor.releases, 1)],
    ['up at top', at(0), 'up', (r) => assert.equal(r.ui.cursor.releases, 0)],
    ['page down', at(0), 'pageDown', (r) => assert.equal(r.ui.cursor.releases, 2)],
    ['page up', at(2), 'pageUp', (r) => assert.equal(r.ui.cursor.releases, 0)],
    ['bottom', at(0), 'bottom', (r) => assert.equal(r.ui.cursor.releases, 2)],
    ['top', at(2), 'top', (r) => assert.equal(r.ui.cursor.releases, 0)],
    [
      'enter opens the release under the cursor',
      at(1),
      'enter',
      (r) => {
        assert.equal(r.ui.screen, 'release');
        assert.equal(r.ui.releaseKey, 'default/canary/shop');
        assert.deepEqual(r.ui.back, ['releases']);
        assert.equal(r.ui.panel, 0);
      },
    ],
    ['enter on services does nothing', at(0, 'services'), 'enter', (r) => assert.equal(r.ui.screen, 'services')],
    ['quit', at(0), 'quit', (r) => assert.deepEqual(r.intent, { type: 'quit' })],
    ['help toggles', at(0), 'help', (r) => assert.equal(r.ui.help, true)],
    ['filter starts', at(0), 'filter', (r) => assert.equal(r.ui.filtering, true)],
    ['filter is not for the detail', ui({ screen: 'release' }), 'filter', (r) => assert.equal(r.ui.filtering, false)],
    ['command starts', at(0), 'command', (r) => assert.equal(r.ui.command, '')],
    ['screen 2', at(0), 'screenServices', (r) => assert.deepEqual([r.ui.screen, r.ui.back], ['services', ['releases']])],
    ['screen 3', at(0), 'screenJobs', (r) => assert.equal(r.ui.screen, 'jobs')],
    ['screen 4', at(0), 'screenEvents', (r) => assert.equal(r.ui.screen, 'events')],
    ['screen 1 on releases: same', at(0), 'screenReleases', (r) => assert.deepEqual(r.ui.back, [])],
    ['tab on detail', ui({ screen: 'release', panel: 4 }), 'nextPanel', (r) => assert.equal(r.ui.panel, 0)],
    ['shift-tab on detail', ui({ screen: 'release', panel: 0 }), 'prevPanel', (r) => assert.equal(r.ui.panel, 4)],
    ['tab on a list does nothing', at(0), 'nextPanel', (r) => assert.equal(r.ui.panel, 0)],
  ];
  for (const [name, state, action, check] of cases) await t.test(name, () => check(applyAction(state, action, ctx)));
});

test('Esc: help, then command, then filter, then the previous screen', () => {
  assert.equal(goBack(ui({ help: true })).help, false);
  assert.equal(goBack(ui({ command: 'ns' })).command, null);
  assert.equal(goBack(ui({ filter: 'web', filtering: false })).filter, '');
  const detail = openRelease(ui({ filter: 'web', cursor: { ...initialUi().cursor, releases: 2 } }), 'k');
  assert.equal(detail.filter, 'web', 'the list filter survives drilling in');
  const back = goBack(detail);
  assert.equal(back.screen, 'releases', 'Esc on the detail goes back even with a list filter set');
  assert.equal(back.filter, 'web');
  assert.equal(back.cursor.releases, 2, 'same row as before');
  assert.deepEqual(goBack(showScreen(ui(), 'jobs')).screen, 'releases');
  assert.equal(goBack(ui({ screen: 'events' })).screen, 'releases', 'without history Esc lands on releases');
  const home = ui();
  assert.equal(goBack(home), home, 'nothing to undo on the releases list');
});

test('filter: live typing, backspace, apply, cancel, matching', () => {
  let s = startFilter(at(3));
  s = typeFilter(s, 'w');
  assert.equal(s.cursor.releases, 0, 'the cursor goes to the first match');
  s = typeFilter(s, 'eb');
  assert.equal(s.filter, 'web');
  s = backspaceFilter(s);
  assert.equal(s.filter, 'we');
  const applied = applyFilter(s);
  assert.deepEqual([applied.filter, applied.filtering], ['we', false]);
  const cancelled = cancelFilter(s);
  assert.deepEqual([cancelled.filter, cancelled.filtering], ['', false]);
  assert.equal(backspaceFilter(startFilter(ui())).filtering, false, 'backspace on an empty filter stops filtering');
  assert.equal(showScreen(ui({ filter: 'x' }), 'jobs').filter, '', 'another screen starts unfiltered');
  assert.ok(matchesFilter('WEB', 'frontend-web'));
  assert.ok(matchesFilter('', 'anything'));
  assert.ok(!matchesFilter('pay', 'web', undefined));
});

test('nextPanel resets the panel cursor', () => {
  const s = nextPanel(ui({ screen: 'release', panel: 1, cursor: { ...initialUi().cursor, release: 7 } }), 5);
  assert.deepEqual([s.panel, s.cursor.release], [2, 0]);
  assert.equal(nextPanel(ui(), 1).panel, 0);
});

test('help scrolls in the store: the move keys move its first line within the range; opening it starts at the top', () => {
  const ctx: UiContext = { count: 10, page: 4 };
  const open = applyAction(ui(), 'help', ctx).ui;
  assert.equal(open.help, true);
  assert.equal(open.helpTop, 0);
  const down = applyAction(open, 'pageDown', ctx).ui;
  assert.equal(down.helpTop, 4);
  assert.equal(down.cursor.releases, 0, 'the list cursor stays where it was');
  assert.equal(applyAction(down, 'bottom', ctx).ui.helpTop, 9);
  assert.equal(applyAction(applyAction(down, 'bottom', ctx).ui, 'down', ctx).ui.helpTop, 9, 'never past the last first line');
  assert.equal(applyAction(down, 'up', ctx).ui.helpTop, 3);
  assert.equal(applyAction(down, 'pageUp', { count: 10, page: 40 }).ui.helpTop, 0);
  const reopened = applyAction(applyAction(down, 'help', ctx).ui, 'help', ctx).ui;
  assert.equal(reopened.helpTop, 0);
  assert.equal(submitCommand({ ...down, help: false, command: 'help' }).ui.helpTop, 0);
});

test('moving in the detail view marks the pod under the cursor as picked; opening a release or changing panel clears it', () => {
  const opened = openRelease(ui(), 'ns/bluegreen/pay');
  assert.equal(opened.podPicked, false);
  const moved = applyAction(opened, 'down', { count: 8, page: 4 }).ui;
  assert.equal(moved.podPicked, true);
  assert.equal(nextPanel(moved, 5).podPicked, false);
  assert.equal(applyAction(ui(), 'down', { count: 3, page: 1 }).ui.podPicked, undefined, 'lists do not pick a side');
});

test('notices expire: info after 5 s, warnings and errors after 8 s; a key clears one that has been read', () => {
  const said = (level: 'info' | 'warn' | 'error', at = 1000) => ui({ notice: { text: level === 'info' ? 'cancelled: undo #2' : 'unknown command :pods', level, at } });
  assert.equal(NOTICE_TTL_MS.info, 5000);
  assert.equal(NOTICE_TTL_MS.warn, 8000);
  assert.equal(NOTICE_TTL_MS.error, 8000);
  const info = said('info');
  assert.equal(expireNotice(info, 1000 + 4999), info, 'still up before its time');
  assert.equal(expireNotice(info, 1000 + 5000).notice, undefined, 'gone at 5 s');
  const error = said('error');
  assert.equal(expireNotice(error, 1000 + 5000).notice?.text, 'unknown command :pods', 'an error stays longer');
  assert.equal(expireNotice(error, 1000 + 8000).notice, undefined);
  // the next key: not in the same burst that caused it, but once it could be read
  assert.equal(dismissNotice(error, 1000 + NOTICE_READ_MS - 1), error);
  assert.equal(dismissNotice(error, 1000 + NOTICE_READ_MS).notice, undefined);
  const none = ui();
  assert.equal(expireNotice(none, 99_999), none);
  assert.equal(dismissNotice(none, 99_999), none);
});
