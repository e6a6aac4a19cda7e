import { test } from 'node:test';
import assert from 'node:assert/strict';
import React from 'react';
import { Box, Text } from 'ink';
import { render } from 'ink-testing-library';
import stringWidth from 'string-width';
import { Table, layoutColumns, windowStart, type Column } from '../../views/widgets/Table.js';
import { Gauge, gaugeBar } from '../../views/widgets/Gauge.js';
import { replicaBar } from '../../views/widgets/Bar.js';
import { bucketMin, sparkline } from '../../views/widgets/Sparkline.js';
import { ThemeProvider } from '../../views/theme.js';
import { budgetSpec, shortStatus } from '../../views/format.js';
import { resolveBudget } from '../../src/model/budget.js';

interface Row {
  id: string;
  name: string;
  state: string;
  note: string;
}
const rows: Row[] = Array.from({ length: 1000 }, (_, i) => ({ id: `r${i}`, name: `pod-${String(i).padStart(4, '0')}`, state: i % 7 === 0 ? 'OVER' : 'ok', note: `note ${i}` }));
const columns: Column<Row>[] = [
  { id: 'name', title: 'NAME', min: 8, max: 20, priority: 0, text: (r) => r.name },
  { id: 'state', title: 'STATE', min: 5, priority: 0, text: (r) => r.state, tone: (r) => (r.state === 'OVER' ? 'bad' : 'good') },
  { id: 'note', title: 'NOTE', min: 10, priority: 3, flex: true, text: (r) => r.note },
];
const lines = (frame: string | undefined) => (frame ?? '').split('\n');

test('Table renders only the window, never taller than its height, and keeps the cursor visible', () => {
  const { lastFrame, rerender } = render(<Table rows={rows} rowKey={(r) => r.id} columns={columns} width={60} height={10} cursor={0} />);
  let out = lines(lastFrame());
  assert.equal(out.length, 10);
  assert.match(out[0], /NAME\s+STATE\s+NOTE\s+1-9\/1000/);
  assert.match(out[1], /^›pod-0000/);
  assert.ok(!lastFrame()!.includes('pod-0009'), 'rows past the window are not rendered');
  rerender(<Table rows={rows} rowKey={(r) => r.id} columns={columns} width={60} height={10} cursor={500} />);
  out = lines(lastFrame());
  assert.equal(out.length, 10);
  assert.ok(out.some((l) => l.startsWith('›pod-0500')), 'cursor row is visible');
  rerender(<Table rows={rows} rowKey={(r) => r.id} columns={columns} width={60} height={10} cursor={498} />);
  out = lines(lastFrame());
  assert.ok(out.some((l) => l.startsWith('›pod-0498')));
  assert.ok(out.some((l) => l.includes('pod-0500')), 'moving up inside the window does not scroll');
  for (const l of out) assert.ok(stringWidth(l) <= 60, `line fits: ${l}`);
});

test('Table drops the least important column when narrow, and cuts cells to fit', () => {
  const { lastFrame } = render(<Table rows={rows.slice(0, 3)} rowKey={(r) => r.id} columns={columns} width={20} height={5} cursor={0} />);
  const out = lines(lastFrame());
  assert.ok(!out[0].includes('NOTE'));
  assert.match(out[0], /NAME/);
  assert.match(out[0], /STATE/);
  for (const l of out) assert.ok(stringWidth(l) <= 20, l);
  const layout = layoutColumns(columns, rows, 200);
  assert.deepEqual(layout.columns.map((c) => c.id), ['name', 'state', 'note']);
  assert.equal(layout.widths.reduce((a, b) => a + b, 0) + 2, 200, 'the flexible column takes the spare width');
});

test('Table column widths follow replaced rows: a row made again with a longer name widens its column, one gone narrows it', () => {
  const few = rows.slice(0, 3);
  const width = (list: Row[]) => layoutColumns(columns, list, 80).widths[0];
  assert.equal(width(few), 8, 'the narrowest the column may be');
  const longer = [{ ...few[0], name: 'a-much-longer-pod-name' }, few[1], few[2]];
  assert.equal(width(longer), 20, 'the replaced row widens the column to its max');
  assert.equal(width(few), 8, 'the earlier rows measure as before');
});

test('Table shows the empty text', () => {
  const { lastFrame } = render(<Table rows={[]} rowKey={(r: Row) => r.id} columns={columns} width={40} height={5} empty="nothing here" />);
  assert.match(lastFrame()!, /nothing here/);
});

test('windowStart', () => {
  assert.equal(windowStart(0, 0, 10, 100), 0);
  assert.equal(windowStart(0, 15, 10, 100), 6);
  assert.equal(windowStart(6, 8, 10, 100), 6);
  assert.equal(windowStart(6, 3, 10, 100), 3);
  assert.equal(windowStart(95, 99, 10, 100), 90);
  assert.equal(windowStart(5, 2, 10, 4), 0);
});

test('Gauge shows numbers, spec and level word; bars and sparklines', () => {
  const { lastFrame } = render(
    <ThemeProvider theme={{ color: false }}>
      <Gauge label="surge" used={3} limit={3} level="at" spec="25% of 10, rounded up" width={60} />
    </ThemeProvider>,
  );
  assert.equal(lastFrame(), 'surge 3/3 (25% of 10, rounded up) ██████████ AT');
  const narrow = render(<Gauge label="unavailable" used={2} limit={0} level="over" spec="0" width={18} />);
  assert.match(narrow.lastFrame()!, /OVER!/, 'the level word survives a narrow width');
  assert.equal(gaugeBar(0, 0, 4), '····');
  assert.equal(gaugeBar(1, 4, 4), '█░░░');
  assert.equal(gaugeBar(9, 3, 3), '███');
  assert.equal(replicaBar(3, 6, 10, 10, 10), '███▒▒▒····');
  assert.equal(replicaBar(0, 0, 0, 10, 5), '     ');
  assert.equal(sparkline([0, 5, 10, undefined], 10), '_▄█ ');
  const pts = [
    { t: 0, until: 9_000, available: 10, desired: 10, maxUnavailable: 0 },
    { t: 10_000, until: 10_000, available: 7, desired: 10, maxUnavailable: 0 },
    { t: 11_000, until: 20_000, available: 10, desired: 10, maxUnavailable: 0 },
  ];
  const b = bucketMin(pts, 4, (p) => p.available);
  assert.equal(b.length, 4);
  assert.ok(b.includes(7), 'a short dip stays visible');
});

test('budgetSpec and shortStatus', () => {
  const b = resolveBudget({ replicas: 10, maxSurge: '25%', maxUnavailable: 0 });
  assert.equal(budgetSpec(b, 'surge'), '25% of 10, rounded up');
  assert.equal(budgetSpec(b, 'unavailable'), '0');
  assert.equal(budgetSpec(resolveBudget({ replicas: 10, maxSurge: 0, maxUnavailable: '25%' }), 'unavailable'), '25% of 10, rounded down');
  assert.equal(budgetSpec(resolveBudget({ replicas: 3, maxSurge: 0, maxUnavailable: 0 }), 'unavailable'), '0; 1 since surge is 0');
  assert.equal(budgetSpec(resolveBudget({ replicas: 3, strategy: 'Recreate' }), 'surge'), 'Recreate: no surge, all down');
  assert.equal(shortStatus('Waiting for deployment "web" rollout to finish: 3 out of 10 new replicas have been updated...'), '3 out of 10 new replicas have been updated');
  assert.equal(shortStatus('deployment "web" successfully rolled out'), 'rolled out');
});

test('a frame shows each row as it is now: rows that change, change back, or hold wide characters', () => {
  const frameOf = (texts: string[]) => (
    <Box flexDirection="column" width={30}>
      {texts.map((t, i) => (
        <Text key={i} wrap="truncate-end">
          {t}
        </Text>
      ))}
    </Box>
  );
  const sequences = [
    ['alpha', 'steady', '日本語 row'],
    ['beta', 'steady', '日本語 row'],
    ['alpha', 'steady', 'plain row'],
    ['alpha', 'steady', '日本語 row'],
    ['alpha', 'steady'],
    ['gamma', 'steady', '日本語 row', 'new'],
  ];
  const { lastFrame, rerender } = render(frameOf(sequences[0]));
  for (const texts of sequences) {
    rerender(frameOf(texts));
    assert.deepEqual(lines(lastFrame()).map((l) => l.trimEnd()), texts);
  }
});
