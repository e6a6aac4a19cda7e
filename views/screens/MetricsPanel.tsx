/**
 * The metric guard of a release: its state in the release row, and the detail view's Metrics
 * panel: the guard's word, the watch window or the rollback countdown, then per side the error
 * rate, p95 latency and request rate since the history began, as sparklines with the limits drawn.
 * Draws the store's GuardView only (the engine reads the figures).
 */
import React from 'react';
import type { GuardPoint, GuardSeries, GuardView } from '../../src/store/guardState.js';
import type { Tone } from '../theme.js';
import { Lines, seg, type Line } from '../widgets/Lines.js';
import { thresholdSpark } from '../widgets/ThresholdSpark.js';

/**
 * The row's GUARD cell. Only a breach (and its countdown) is an alarm; no data, not sampled and
 * inconclusive are quiet.
 */
export function guardCell(g: GuardView | undefined): { text: string; tone?: Tone } {
  if (!g) return { text: '-', tone: 'muted' };
  if (g.countdown) return { text: `✗ undo in ${g.countdown.secondsLeft}s`, tone: 'bad' };
  switch (g.state) {
    case 'breached':
      return { text: '✗ BREACHED', tone: 'bad' };
    case 'ok':
      return { text: g.watch ? '✓ ok, watching' : '✓ ok', tone: 'good' };
    case 'inconclusive':
      return { text: '? inconclusive', tone: 'muted' };
    case 'no-data':
      return { text: '- no data', tone: 'muted' };
  }
}

const pct = (v: number | undefined) => (v === undefined || !Number.isFinite(v) ? '-' : `${(v * 100).toFixed(1)}%`);
const ms = (v: number | undefined) => (v === undefined || !Number.isFinite(v) ? '-' : `${Math.round(v)} ms`);
const rps = (v: number | undefined) => (v === undefined || !Number.isFinite(v) ? '-' : `${v.toFixed(1)}/s`);
const secs = (v: number) => `${Math.max(0, Math.round(v / 1000))} s`;

interface Metric {
  label: string;
  pick: (p: GuardPoint) => number | undefined;
  fmt: (v: number | undefined) => string;
  /** The limit drawn, and how it reads. */
  limit?: { value: number; text: string };
}

function metrics(g: GuardView, side: 'candidate' | 'baseline'): Metric[] {
  const t = g.thresholds;
  const basePeak = g.baseline?.points.at(-1)?.p95Ms;
  const p95Limit =
    t.maxP95Ms !== undefined
      ? { value: t.maxP95Ms, text: `limit ${ms(t.maxP95Ms)}` }
      : side === 'candidate' && basePeak !== undefined && Number.isFinite(basePeak) && basePeak > 0
        ? { value: basePeak * t.latencyRatio, text: `limit ${t.latencyRatio} x ${g.baseline!.label}` }
        : undefined;
  return [
    { label: '5xx', pick: (p) => p.errorRate, fmt: pct, limit: { value: t.maxErrorRate, text: `limit ${pct(t.maxErrorRate)}` } },
    { label: 'p95', pick: (p) => p.p95Ms, fmt: ms, ...(p95Limit ? { limit: p95Limit } : {}) },
    { label: 'req/s', pick: (p) => p.rps, fmt: rps },
  ];
}

function sideLines(g: GuardView, series: GuardSeries, side: 'candidate' | 'baseline', width: number): Line[] {
  const label = 8;
  const tail = 28;
  const cells = Math.max(0, Math.min(90, width - label - tail));
  const lines: Line[] = [[seg(series.label, undefined, true), seg(side === 'candidate' ? '  (the new side, judged)' : '  (the old side, compared against)', 'muted')]];
  if (series.points.length === 0) {
    lines.push([seg('  no figures yet (a rate needs two readings)', 'muted')]);
    return lines;
  }
  for (const m of metrics(g, side)) {
    const values = series.points.map(m.pick);
    const [top, bottom] = thresholdSpark({ values, ...(m.limit ? { limit: m.limit.value } : {}), cells, tone: side === 'candidate' ? 'accent' : 'muted' });
    const now = values.at(-1);
    const over = m.limit !== undefined && now !== undefined && Number.isFinite(now) && now > m.limit.value;
    lines.push([seg(' '.repeat(label)), ...top]);
    lines.push([seg(`  ${m.label}`.padEnd(label)), ...bottom, seg(` now ${m.fmt(now)}`, over ? 'bad' : undefined, over), seg(m.limit ? `  ${m.limit.text}` : '', 'muted')]);
  }
  return lines;
}

/** The panel's lines (exported for tests). */
export function metricsLines(g: GuardView | undefined, width: number, now: number): Line[] {
  if (!g) return [[seg('no figures: the guard reads a release while it is shown here or while it moves (every interval)', 'muted')]];
  const cell = guardCell(g);
  const lines: Line[] = [[seg('guard ', undefined, true), seg(cell.text, cell.tone, true), seg(g.reason ? `  ${g.reason}` : '', g.state === 'breached' ? 'bad' : 'muted')]];
  if (g.countdown) {
    lines.push([
      seg(`  rolling back in ${g.countdown.secondsLeft} s: `, 'bad', true),
      seg(g.countdown.plan, 'bad'),
      seg('   '),
      seg('c', 'accent', true),
      seg(' cancels'),
    ]);
  } else if (g.watch) {
    lines.push([seg(`  watching ${g.watch.title} for ${secs(g.watch.until - now)} more: a breach rolls it back`, 'busy')]);
  }
  if (g.outcome) lines.push([seg(`  ${g.outcome.text}`, g.outcome.level, true)]);
  lines.push([seg(`  ${g.source}; history since ${secs(now - g.since)} ago`, 'muted')]);
  lines.push(...sideLines(g, g.candidate, 'candidate', width));
  if (g.baseline) lines.push(...sideLines(g, g.baseline, 'baseline', width));
  lines.push([seg('bars cross the dotted line: over the limit; · not measured', 'muted')]);
  return lines;
}

export function MetricsPanel({ guard, width, height, now }: { guard: GuardView | undefined; width: number; height: number; now: number }) {
  return <Lines lines={metricsLines(guard, width, now)} width={width} height={height} />;
}
