import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ansiToSvg, parseAnsiLine } from '../../../scripts/ansiToSvg.js';

test('colour runs are split at SGR codes and reset by 0', () => {
  const { runs, end } = parseAnsiLine('a \x1b[32mok\x1b[0m \x1b[1;31mOVER', { bold: false, dim: false, inverse: false });
  assert.deepEqual(runs.map((r) => r.text), ['a ', 'ok', ' ', 'OVER']);
  assert.equal(runs[1].style.fg, '#4e9a06');
  assert.equal(runs[2].style.fg, undefined);
  assert.equal(runs[3].style.bold, true);
  assert.equal(end.fg, '#cc0000', 'a style left open carries to the next line');
});

test('the SVG escapes text and keeps every line', () => {
  const svg = ansiToSvg('<web> & co\nline two\n', { columns: 20 });
  assert.match(svg, /&lt;web&gt; &amp; co/);
  assert.match(svg, /line two/);
  assert.doesNotMatch(svg, /<web>/);
});
