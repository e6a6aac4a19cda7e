/** Scrollable lines of coloured segments, each line cut to the width; never taller than `height`. */
import React, { memo } from 'react';
import { Box, Text } from 'ink';
import { clip, stringWidth } from '../text.js';
import { useTone, type Tone } from '../theme.js';

export interface Segment {
  text: string;
  tone?: Tone;
  bold?: boolean;
}
export type Line = Segment[];

export const seg = (text: string, tone?: Tone, bold?: boolean): Segment => ({ text, tone, bold });

/** Cuts a line of segments to `width` columns. */
export function clipLine(line: Line, width: number): Line {
  const out: Line = [];
  let left = width;
  for (const s of line) {
    if (left <= 0) break;
    const w = stringWidth(s.text);
    if (w <= left) {
      out.push(s);
      left -= w;
    } else {
      out.push({ ...s, text: clip(s.text, left) });
      left = 0;
    }
  }
  return out;
}

export const LineView = memo(function LineView({ line, width }: { line: Line; width: number }) {
  const tone = useTone();
  const cut = clipLine(line, width);
  return (
    <Text wrap="truncate-end">
      {cut.length === 0
        ? ' '
        : cut.map((s, i) =>
            s.tone || s.bold ? (
              <Text key={i} color={tone(s.tone)} bold={s.bold}>
                {s.text}
              </Text>
            ) : (
              s.text
            ),
          )}
    </Text>
  );
});

/** First line to show so that `cursor` lines are scrolled past, without blank space at the end. */
export function scrollTop(cursor: number, total: number, height: number): number {
  return Math.max(0, Math.min(cursor, total - height));
}

export function Lines({ lines, width, height, cursor = 0 }: { lines: readonly Line[]; width: number; height: number; cursor?: number }) {
  if (height <= 0) return null;
  const top = scrollTop(cursor, lines.length, height);
  const shown = lines.slice(top, top + height);
  return (
    <Box flexDirection="column" width={width}>
      {shown.map((l, i) => (
        <LineView key={top + i} line={l} width={width} />
      ))}
    </Box>
  );
}
