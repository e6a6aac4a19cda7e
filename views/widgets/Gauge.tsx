/** A used/limit gauge with its level as a word: `surge 3/3 (25% of 10, rounded up) ███ AT`. */
import React from 'react';
import { Text } from 'ink';
import type { GaugeLevel } from '../../src/model/budget.js';
import { clip, stringWidth } from '../text.js';
import { GAUGE_TONE, GAUGE_WORD, useTone } from '../theme.js';

export interface GaugeProps {
  label: string;
  used: number;
  limit: number;
  level: GaugeLevel;
  /** How the limit was resolved, e.g. `25% of 10, rounded up`. */
  spec: string;
  width: number;
  /** Cells of the bar (the rest is text). */
  barWidth?: number;
  /** Said instead of the level when the gauge is not held to its limit (`scaling, not judged`). */
  note?: string;
}

/** The bar cells: filled for used, `░` for the rest of the limit; over the limit every cell is `!`-marked full. */
export function gaugeBar(used: number, limit: number, cells: number): string {
  if (cells <= 0) return '';
  if (limit <= 0) return used > 0 ? '█'.repeat(cells) : '·'.repeat(cells);
  const filled = Math.min(cells, Math.round((Math.min(used, limit) / limit) * cells));
  return '█'.repeat(filled) + '░'.repeat(cells - filled);
}

export function gaugeText({ label, used, limit, spec }: Pick<GaugeProps, 'label' | 'used' | 'limit' | 'spec'>): string {
  return `${label} ${used}/${limit} (${spec})`;
}

export function Gauge({ label, used, limit, level, spec, width, barWidth = 10, note }: GaugeProps) {
  const tone = useTone();
  const word = note ?? GAUGE_WORD[level];
  const text = gaugeText({ label, used, limit, spec });
  const room = width - stringWidth(text) - stringWidth(word) - 2;
  const cells = Math.max(0, Math.min(barWidth, room - 1));
  const bar = cells >= 3 ? gaugeBar(used, limit, cells) : '';
  const color = tone(note ? 'muted' : GAUGE_TONE[level]);
  if (!bar) {
    // Narrow: the word matters more than the bar and the spec.
    return (
      <Text wrap="truncate-end">
        {clip(`${label} ${used}/${limit} `, Math.max(0, width - word.length))}
        <Text color={color} bold={!note && level !== 'ok'}>
          {word}
        </Text>
        {clip(` (${spec})`, Math.max(0, width - stringWidth(`${label} ${used}/${limit} `) - word.length))}
      </Text>
    );
  }
  return (
    <Text wrap="truncate-end">
      {text}{' '}
      <Text color={color}>{bar}</Text>{' '}
      <Text color={color} bold={!note && level !== 'ok'}>
        {word}
      </Text>
    </Text>
  );
}
