/**
 * A windowed table: only the rows that fit are rendered, the cursor row is always among them,
 * every row is one pre-padded line, and the table is never taller than `height`.
 * Columns have a minimum width and a priority; on a narrow terminal the least important columns
 * are dropped first; spare width goes to the flexible column (the last one unless marked).
 */
import React, { memo, useMemo, useRef } from 'react';
import { Box, Text } from 'ink';
import { fit, stringWidth } from '../text.js';
import { useTone, type Tone } from '../theme.js';

export interface Column<T> {
  id: string;
  title: string;
  /** Narrowest the column may be. */
  min: number;
  /** Widest it grows to fit its content (the flexible column ignores this). */
  max?: number;
  /** 0 is kept always; higher numbers are dropped first when the width runs out. */
  priority?: number;
  align?: 'left' | 'right';
  /** Takes the spare width. Default: the last column shown. */
  flex?: boolean;
  text: (row: T) => string;
  tone?: (row: T) => Tone | undefined;
}

export interface TableProps<T> {
  rows: readonly T[];
  rowKey: (row: T) => string;
  columns: readonly Column<T>[];
  width: number;
  /** Lines available, the header included. */
  height: number;
  /** Selected row; undefined: no cursor. */
  cursor?: number;
  /** Shown instead of rows when there are none. */
  empty?: string;
  /** Whether the cursor row is highlighted (a focused table). */
  focused?: boolean;
}

export interface Layout<T> {
  columns: Column<T>[];
  widths: number[];
}

const GAP = 1;
const SAMPLE = 2000;

/**
 * A cell's width, kept per column object and row object: views keep a row's object while it is
 * unchanged, so a flush that changed a few of a thousand rows measures those few.
 */
const widths = new WeakMap<Column<never>, WeakMap<object, number>>();

function textWidth<T>(c: Column<T>, row: T): number {
  if (typeof row !== 'object' || row === null) return stringWidth(c.text(row));
  let byRow = widths.get(c as Column<never>);
  if (!byRow) widths.set(c as Column<never>, (byRow = new WeakMap()));
  let w = byRow.get(row);
  if (w === undefined) byRow.set(row, (w = stringWidth(c.text(row))));
  return w;
}

/**
 * Chooses the columns and their widths for a width. Pure; exported for tests.
 * Columns are dropped (least important first) until the others fit at their natural width, so an
 * important column is never squeezed to keep a minor one; priority-0 columns are only squeezed.
 */
export function layoutColumns<T>(columns: readonly Column<T>[], rows: readonly T[], width: number): Layout<T> {
  const n = Math.min(rows.length, SAMPLE);
  const natural = new Map<Column<T>, number>();
  for (const c of columns) {
    // A flexible column takes what is left: its content's width is never asked.
    if (c.flex) {
      natural.set(c, c.min);
      continue;
    }
    let w = stringWidth(c.title);
    for (let i = 0; i < n; i++) w = Math.max(w, textWidth(c, rows[i]));
    natural.set(c, Math.max(c.min, Math.min(w, c.max ?? w)));
  }
  const flexOf = (cols: Column<T>[]) => (cols.some((c) => c.flex) ? cols.findIndex((c) => c.flex) : cols.length - 1);
  const gaps = (cols: Column<T>[]) => GAP * Math.max(0, cols.length - 1);
  const wanted = (cols: Column<T>[]) => {
    const f = flexOf(cols);
    return cols.reduce((sum, c, i) => sum + (i === f && c.flex ? c.min : natural.get(c)!), 0) + gaps(cols);
  };
  const minimum = (cols: Column<T>[]) => cols.reduce((sum, c) => sum + c.min, 0) + gaps(cols);
  const dropOne = (cols: Column<T>[], keepPriorityZero: boolean) => {
    let drop = -1;
    for (let i = 0; i < cols.length; i++) {
      const p = cols[i].priority ?? 0;
      if (keepPriorityZero && p === 0) continue;
      if (drop < 0 || p >= (cols[drop].priority ?? 0)) drop = i;
    }
    return drop < 0 ? cols : cols.filter((_, i) => i !== drop);
  };
  let shown = [...columns];
  while (shown.length > 1 && wanted(shown) > width) {
    const next = dropOne(shown, true);
    if (next === shown) break;
    shown = next;
  }
  while (shown.length > 1 && minimum(shown) > width) shown = dropOne(shown, false);

  const flexAt = flexOf(shown);
  const widths = shown.map((c) => c.min);
  let spare = width - minimum(shown);
  // Grow columns toward their natural width, most important first; the rest goes to the flexible one.
  const order = shown.map((_, i) => i).filter((i) => i !== flexAt).sort((a, b) => (shown[a].priority ?? 0) - (shown[b].priority ?? 0));
  for (const i of order) {
    const grow = Math.min(spare, natural.get(shown[i])! - widths[i]);
    if (grow > 0) {
      widths[i] += grow;
      spare -= grow;
    }
  }
  if (shown.length > 0) widths[flexAt] += Math.max(0, spare);
  return { columns: shown, widths };
}

interface Segment {
  text: string;
  tone?: Tone;
}

interface RowProps {
  segments: Segment[];
  selected: boolean;
  /** The row's content as one string: rows re-render only when it changes. */
  signature: string;
}

const Row = memo(
  function Row({ segments, selected }: RowProps) {
    const tone = useTone();
    return (
      <Text wrap="truncate-end" inverse={selected}>
        {segments.map((s, i) => {
          const color = tone(s.tone);
          return color ? (
            <Text key={i} color={color}>
              {s.text}
            </Text>
          ) : (
            s.text
          );
        })}
      </Text>
    );
  },
  (a, b) => a.signature === b.signature && a.selected === b.selected,
);

/** First row to show so the cursor stays visible, moving the window as little as possible. */
export function windowStart(previous: number, cursor: number, visible: number, total: number): number {
  let start = previous;
  if (cursor < start) start = cursor;
  if (cursor >= start + visible) start = cursor - visible + 1;
  return Math.max(0, Math.min(start, Math.max(0, total - visible)));
}

export function Table<T>({ rows, rowKey, columns, width, height, cursor, empty, focused = true }: TableProps<T>) {
  // One column of gutter carries the cursor as a symbol, so it shows without colour or inverse.
  const inner = width - 1;
  const layout = useMemo(() => layoutColumns(columns, rows, inner), [columns, rows, inner]);
  const startRef = useRef(0);
  if (height <= 0 || width <= 0) return null;
  const visible = Math.max(0, height - 1);
  const at = cursor === undefined ? 0 : Math.max(0, Math.min(cursor, rows.length - 1));
  const start = windowStart(startRef.current, at, visible, rows.length);
  startRef.current = start;
  const slice = rows.slice(start, start + visible);

  const header = ' ' + layout.columns.map((c, i) => fit(c.title, layout.widths[i], c.align)).join(' ');
  const marker = rows.length > visible ? ` ${start + 1}-${start + slice.length}/${rows.length}` : '';
  const headerLine = marker && header.trimEnd().length + marker.length <= width ? fit(header.trimEnd(), width - marker.length) + marker : header;

  return (
    <Box flexDirection="column" width={width} height={Math.min(height, slice.length + 1 + (rows.length === 0 && empty ? 1 : 0))}>
      <Text bold wrap="truncate-end">
        {fit(headerLine, width)}
      </Text>
      {rows.length === 0 && empty && visible > 0 ? (
        <Text wrap="truncate-end" dimColor>
          {fit(empty, width)}
        </Text>
      ) : null}
      {slice.map((row, i) => {
        const selected = focused && cursor !== undefined && start + i === at;
        const segments: Segment[] = [{ text: selected ? '›' : ' ' }];
        for (const [j, c] of layout.columns.entries()) segments.push({
          text: fit(c.text(row), layout.widths[j], c.align) + (j < layout.columns.length - 1 ? ' ' : ''),
          tone: c.tone?.(row),
        });
        const signature = segments.map((s) => `${s.tone ?? ''}\u0001${s.text}`).join('\u0002');
        return <Row key={rowKey(row)} segments={segments} selected={selected} signature={signature} />;
      })}
    </Box>
  );
}
