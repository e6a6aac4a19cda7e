/**
 * Colour carries meaning but never alone. chalk (under ink) decides its level when first imported
 * and ignores NO_COLOR, so this file forces colour on before importing ink and checks that the
 * cockpit's own NO_COLOR handling removes every colour while the state words remain.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';

process.env.FORCE_COLOR = '1';
delete process.env.NO_COLOR;

const { fixtureStore, recordingIntents } = await import('../helpers/fixtures.js');
const { KEYS, renderApp } = await import('./harness.js');
const { colorFromEnv, podStatusTone } = await import('../../views/theme.js');

// Foreground colours of the 16-colour palette: 30-37 and 90-97.
const COLOUR = /\u001b\[(3[0-7]|9[0-7])m/;
const COLOURS_USED = /\u001b\[(\d+)m/g;
const RED = /\u001b\[(31|91)m/;
const plain = (s: string) => s.replace(/\u001b\[[0-9;]*m/g, '');

async function frame(props: { color?: boolean }) {
  const store = fixtureStore();
  const app = await renderApp({ store, intents: recordingIntents(store), color: undefined, ...props }, { columns: 120, rows: 30 });
  const f = app.lastFrame();
  app.unmount();
  return f;
}

test('with colour: states are coloured, with basic 16 colours only', async () => {
  const f = await frame({ color: true });
  assert.match(f, COLOUR);
  for (const [, code] of f.matchAll(COLOURS_USED)) {
    const n = Number(code);
    assert.ok(n < 38 || (n >= 39 && n <= 49) || (n >= 90 && n <= 97), `only basic SGR codes, got ${code}`);
  }
  assert.doesNotMatch(f, /\u001b\[38;/, 'no 256/true colour');
  assert.match(plain(f), /3\/3 AT/);
});

test('NO_COLOR: no colour at all, and the words and symbols still say everything', async () => {
  process.env.NO_COLOR = '1';
  try {
    assert.equal(colorFromEnv(), false);
    const f = await frame({});
    assert.doesNotMatch(f, COLOUR);
    for (const word of ['3/3 AT', '0/0 ok', '1/0 OVER!', '✗ deadline exceeded', '→ rolling', '✓ zero downtime kept', 'canary 10%', '✓ live', '›']) {
      assert.ok(plain(f).includes(word), `still shows "${word}"`);
    }
  } finally {
    delete process.env.NO_COLOR;
  }
  assert.equal(colorFromEnv({ NO_COLOR: '' }), true, 'an empty NO_COLOR does not count (no-color.org)');
});

test('a pod not ready yet is not drawn red: it gets no traffic and risks none (the release judges traffic); a crash still is', async () => {
  const store = fixtureStore();
  const app = await renderApp({ store, intents: recordingIntents(store), color: true }, { columns: 160, rows: 50 });
  for (let i = 0; i < 10 && !/^›web /m.test(plain(app.lastFrame())); i++) await app.press(KEYS.down);
  await app.press(KEYS.enter);
  const lines = app.lastFrame().split('\n');
  app.unmount();
  const notReady = lines.filter((l) => plain(l).includes(' not-ready '));
  assert.ok(notReady.length > 0, `web's starting pods are listed:\n${lines.map(plain).join('\n')}`);
  for (const l of notReady) assert.doesNotMatch(l, RED, plain(l));
  assert.equal(podStatusTone('CrashLoopBackOff', false), 'bad');
});
