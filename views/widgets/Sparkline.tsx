/** Sparklines over an availability history, bucketed by time; each cell shows its bucket's lowest value so dips stay visible. */
import type { AvailabilityPoint } from '../../src/model/availability.js';

const TICKS = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];

/** One cell per value; `max` maps to `█`, 0 to `_` so an outage reads as a gap even without colour. */
export function sparkline(values: readonly (number | undefined)[], max: number): string {
  return values
    .map((v) => {
      if (v === undefined) return ' ';
      if (v <= 0) return '_';
      if (max <= 0) return TICKS[TICKS.length - 1];
      const i = Math.min(TICKS.length - 1, Math.max(0, Math.ceil((v / max) * TICKS.length) - 1));
      return TICKS[i];
    })
    .join('');
}

/** Splits the span of the history into `cells` buckets and takes the minimum of `pick` in each. */
export function bucketMin(
  points: readonly AvailabilityPoint[],
  cells: number,
  pick: (p: AvailabilityPoint) => number | undefined,
): (number | undefined)[] {
  if (points.length === 0 || cells <= 0) return [];
  const t0 = points[0].t;
  const t1 = Math.max(points.at(-1)!.until, t0 + 1);
  const n = Math.min(cells, Math.max(points.length, Math.ceil((t1 - t0) / 1000)));
  const span = (t1 - t0) / n;
  const out: (number | undefined)[] = new Array(n).fill(undefined);
  let first = 0;
  for (let b = 0; b < n; b++) {
    const from = t0 + b * span;
    const to = b === n - 1 ? Infinity : from + span;
    while (first < points.length - 1 && points[first].until < from) first++;
    let min: number | undefined;
    for (let i = first; i < points.length && points[i].t < to; i++) {
      const v = pick(points[i]);
      if (v !== undefined && (min === undefined || v < min)) min = v;
    }
    // A bucket that falls between two samples holds the reading before it.
    out[b] = min ?? (b > 0 ? out[b - 1] : undefined);
  }
  return out;
}
