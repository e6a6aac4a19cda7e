import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderCockpit, type CockpitHandle } from '../../views/run.js';
import { fixtureStore, recordingIntents } from '../helpers/fixtures.js';
import { KEYS, Stdin, Stdout, tick } from './harness.js';

function handle() {
  const store = fixtureStore();
  const rec = recordingIntents(store);
  let quits = 0;
  const cockpit: CockpitHandle = {
    store,
    switchNamespace: rec.switchNamespace,
    switchContext: rec.switchContext,
    refresh: rec.refresh,
    notify: rec.notify,
    onQuit: () => {
      quits++;
    },
    quit() {
      this.onQuit();
    },
  };
  return { cockpit, rec, quits: () => quits };
}

/** renderCockpit into an in-memory terminal of 100x30 (`tty`: ink treats it as a terminal and limits its frame rate). */
function start(cockpit: CockpitHandle, tty = false) {
  const stdout = new Stdout(100, 30);
  stdout.isTTY = tty;
  const stdin = new Stdin();
  const done = renderCockpit(cockpit, {
    stdout: stdout as unknown as NodeJS.WriteStream,
    stdin: stdin as unknown as NodeJS.ReadStream,
    stderr: new Stdout(100, 30) as unknown as NodeJS.WriteStream,
    color: false,
  });
  return { stdout, stdin, done };
}

for (const [name, keys] of [
  ['q', ['q']],
  ['Ctrl-C', [KEYS.ctrlC]],
  [':q', [':', 'q', KEYS.enter]],
] as const) {
  test(`renderCockpit draws the cockpit and resolves on ${name}`, async () => {
    const { cockpit, quits } = handle();
    const { stdout, stdin, done } = start(cockpit);
    await tick();
    for (const k of keys) {
      await tick();
      stdin.write(k);
    }
    await done;
    assert.equal(quits(), 1, "the Cockpit's own onQuit still runs");
    assert.match(stdout.frames.join(''), /shop \[canary\]/);
    const restored = cockpit.onQuit;
    assert.doesNotMatch(String(restored), /quit\(\)/, 'onQuit is restored after quitting');
  });
}

/** React commits an update in a microtask; a frame ink defers waits for a timer. */
const microtasks = async () => {
  for (let i = 0; i < 5; i++) await Promise.resolve();
};

test('a key draws its frame at once, even right after a frame the data drew', async () => {
  const { cockpit } = handle();
  const { stdout, stdin, done } = start(cockpit, true);
  await new Promise((r) => setTimeout(r, 100));
  const cursor = () => cockpit.store.getState().ui.cursor.releases;
  for (let round = 0; round < 3; round++) {
    const beforeData = stdout.frames.length;
    cockpit.store.setState((s) => ({ ui: { ...s.ui, notice: { text: `data ${round}`, level: 'info', at: s.now } } }));
    await microtasks();
    assert.ok(stdout.frames.length > beforeData, 'the data frame is drawn (the last frame is old)');
    const beforeKey = stdout.frames.length;
    const from = cursor();
    stdin.write(round % 2 === 0 ? 'j' : 'k');
    assert.notEqual(cursor(), from, 'the key moved the cursor');
    await microtasks();
    assert.ok(stdout.frames.length > beforeKey, 'the key frame is written before the next frame slot');
    await new Promise((r) => setTimeout(r, 100));
  }
  stdin.write('q');
  await done;
});
