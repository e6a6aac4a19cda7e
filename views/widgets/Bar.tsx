/** An old/new ReplicaSet bar: `new r4 ██████▒▒·· 6/8 ready, want 10`. */
import React from 'react';
import { Text } from 'ink';
import { clip, fit, stringWidth } from '../text.js';
import { useTone, type Tone } from '../theme.js';

export interface BarProps {
  label: string;
  /** Ready pods. */
  ready: number;
  /** Pods that exist (ready or not). */
  pods: number;
  /** What the ReplicaSet wants. */
  want: number;
  /** The count the full bar stands for (same for old and new, so they compare). */
  scale: number;
  width: number;
  tone?: Tone;
  labelWidth?: number;
}

/** `█` ready, `▒` existing but not ready, `·` wanted but not yet there. */
export function replicaBar(ready: number, pods: number, want: number, scale: number, cells: number): string {
  if (cells <= 0) return '';
  if (scale <= 0) return ' '.repeat(cells);
  const cell = (n: number) => Math.round((Math.max(0, n) / scale) * cells);
  const r = Math.min(cells, cell(ready));
  const p = Math.min(cells - r, cell(pods) - r);
  const w = Math.min(cells - r - Math.max(0, p), cell(want) - r - Math.max(0, p));
  return '█'.repeat(r) + '▒'.repeat(Math.max(0, p)) + '·'.repeat(Math.max(0, w)) + ' '.repeat(Math.max(0, cells - r - Math.max(0, p) - Math.max(0, w)));
}

export function Bar({ label, ready, pods, want, scale, width, tone = 'plain', labelWidth = 8 }: BarProps) {
  const paint = useTone();
  const counts = ` ${ready}/${pods} ready, want ${want}`;
  const head = fit(label, labelWidth) + ' ';
  const cells = Math.max(0, Math.min(30, width - stringWidth(head) - stringWidth(counts)));
  return (
    <Text wrap="truncate-end">
      {head}
      <Text color={paint(tone)}>{replicaBar(ready, pods, want, scale, cells)}</Text>
      {clip(counts, Math.max(0, width - stringWidth(head) - cells))}
    </Text>
  );
}
