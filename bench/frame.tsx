/**
 * One ink frame, alone: ROWS coloured table rows at 150 columns (a full releases list in a tall
 * terminal), one row changing per frame, rendered as the cockpit renders (same ink options) into
 * an in-memory terminal. Prints ink's own render time per frame.
 * Run: node --import tsx bench/frame.tsx [ROWS]
 */
import './production.js';
import React, { useEffect, useState } from 'react';
import { EventEmitter } from 'node:events';
import { Box, Text, render } from 'ink';
import { ms, percentile } from './stats.js';

const ROWS = Number(process.argv[2] ?? 66);
const FRAMES = 200;

class Terminal extends EventEmitter {
  isTTY = true;
  columns = 150;
  rows = ROWS + 4;
  write = () => true;
}

function Row({ i, tick }: { i: number; tick: number }) {
  const cells = [`load-${String(i).padStart(3, '0')}   1      `, `${50 - (tick % 2)}/50/50/50 `, '-    ', '0/13 ok ', '0/12 ok ', '-        ', '✓ zero downtime kept ', 'rolled out'];
  return (
    <Text wrap="truncate-end">
      {i === 0 ? '›' : ' '}
      {cells.map((c, j) => (j % 2 ? <Text key={j} color="green">{c}</Text> : c))}
    </Text>
  );
}

let bump = () => {};
function Screen() {
  const [tick, setTick] = useState(0);
  useEffect(() => {
    bump = () => setTick((t) => t + 1);
  }, []);
  return (
    <Box flexDirection="column" width={150}>
      {Array.from({ length: ROWS }, (_, i) => (
        <Row key={i} i={i} tick={i === 0 ? tick : 0} />
      ))}
    </Box>
  );
}

const times: number[] = [];
const term = new Terminal();
const app = render(<Screen />, {
  stdout: term as unknown as NodeJS.WriteStream,
  stdin: new EventEmitter() as unknown as NodeJS.ReadStream,
  interactive: true,
  alternateScreen: true,
  incrementalRendering: true,
  maxFps: 1000,
  patchConsole: false,
  onRender: ({ renderTime }) => times.push(renderTime),
});
await new Promise((r) => setTimeout(r, 200));
times.length = 0;
for (let i = 0; i < FRAMES; i++) {
  bump();
  await new Promise((r) => setTimeout(r, 5));
}
app.unmount();
console.log(`${ROWS} rows x 150 columns, ${times.length} frames: ink render p50 ${ms(percentile(times, 50))}, p95 ${ms(percentile(times, 95))}`);
process.exit(0);
