/**
 * A two-row sparkline with its limit drawn: the scale puts the limit between the two rows, the
 * rows show each reading as a bar (16 levels), the top row shows the limit as `┈` above every bar
 * that stays under it, and readings over the limit are drawn in the alarm tone. Readable without
 * colour: a bar that pokes through the dotted line broke the limit.
 */
import { seg, type Line } from './Lines.js';
import type { Tone } from '../theme.js';

const TICKS = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
/** The limit sits at half the height, between the rows (room above to see how far a reading broke it). */
const LIMIT_AT = 0.5;

export interface SparkInput {
  /** Oldest first; undefined: not measured in that reading. */
  values: readonly (number | undefined)[];
  /** The limit, in the values' unit; undefined: no limit (scaled to the highest reading). */
  limit?: number;
  /** Cells available; the newest readings are kept. */
  cells: number;
  tone?: Tone;
}

/** Level 0..16 of a value against the scale's top. */
const level = (v: number, top: number) => (top <= 0 ? 0 : Math.max(v > 0 ? 1 : 0, Math.min(16, Math.round((v / top) * 16))));

function cell(lv: number, row: 0 | 1): string {
  // row 0 is the top half (levels 9..16), row 1 the bottom half (1..8).
  const inRow = row === 0 ? lv - 8 : Math.min(lv, 8);
  return inRow <= 0 ? ' ' : TICKS[inRow - 1];
}

/** The two rows (top first) of a sparkline with its limit. */
export function thresholdSpark({ values, limit, cells, tone = 'good' }: SparkInput): [Line, Line] {
  const shown = cells > 0 ? values.slice(-cells) : [];
  const measured = shown.filter((v): v is number => v !== undefined && Number.isFinite(v));
  const top = limit !== undefined && limit > 0 ? limit / LIMIT_AT : Math.max(0, ...measured);
  const limited = limit !== undefined && limit > 0;
  const rows: [Line, Line] = [[], []];
  for (const v of shown) {
    const ok = v === undefined || !Number.isFinite(v) ? undefined : limit === undefined || v <= limit;
    const lv = ok === undefined ? 0 : level(v!, top);
    for (const row of [0, 1] as const) {
      // Not measured: `·`; measured zero: `_` (a reading, not a gap).
      let text = ok === undefined ? (row === 1 ? '·' : ' ') : lv === 0 && row === 1 ? '_' : cell(lv, row);
      let cellTone: Tone | undefined = ok === undefined ? 'muted' : ok ? tone : 'bad';
      if (limited && row === 0 && lv <= 8) {
        text = '┈';
        cellTone = 'muted';
      }
      rows[row].push(seg(text, cellTone));
    }
  }
  return rows;
}
