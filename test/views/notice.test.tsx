/** The footer's status line does not linger: the next key clears a notice once it could be read. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { handleKey } from '../../views/input.js';
import { NO_KEY } from '../../views/keymap.js';
import { fixtureStore, recordingIntents, NOW } from '../helpers/fixtures.js';

test('a key clears a notice that has been up a second; a key in the same burst keeps it; the key\'s own notice stays', () => {
  const store = fixtureStore();
  const intents = recordingIntents(store);
  let now = NOW;
  const press = (input: string, key = NO_KEY) => handleKey(input, key, { store, intents, readonly: false, pageRows: 10, now: () => now });
  for (const ch of ':pods') press(ch);
  press('', { ...NO_KEY, return: true });
  assert.equal(store.getState().ui.notice?.text.startsWith('unknown command :pods'), true);
  now += 200;
  press('j');
  assert.match(store.getState().ui.notice?.text ?? '', /unknown command :pods/, 'typed in the same burst: still shown');
  now += 1000;
  press('j');
  assert.equal(store.getState().ui.notice, undefined, 'the next key once it could be read clears it');
});
