import { test } from 'node:test';
import assert from 'node:assert/strict';
import measureWidth from 'string-width';
import { fit, stringWidth } from '../../views/text.js';

test('stringWidth answers as string-width does, the first time and when remembered', () => {
  const texts = ['', 'web-7c9f', '✓ zero downtime kept', '→ rolling', '日本語のポッド', '👍🏽 ok', 'e\u0301t\u00e9', '\x1b[31mred\x1b[39m', 'tab\there'];
  for (let round = 0; round < 2; round++) {
    for (const t of texts) assert.equal(stringWidth(t), measureWidth(t), `${JSON.stringify(t)} (round ${round + 1})`);
  }
});

test('fit pads and cuts wide text to exactly the width', () => {
  for (const t of ['✓ zero downtime kept', '日本語のポッド名前', 'ok']) {
    for (const width of [1, 5, 12, 30]) assert.equal(measureWidth(fit(t, width)), width, `${t} at ${width}`);
  }
});
