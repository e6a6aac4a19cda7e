/** A source of guard measurements: pod scrape through the API server, or a Prometheus server. */
import type { Measurement } from '../model/guard.js';
import type { ReleaseSides } from './sides.js';

export interface MetricsSource {
  /** `pod scrape via the API server` or `Prometheus at URL`, for messages. */
  readonly description: string;
  /**
   * Starts a watch window (a pod scrape reads its first counters here; rates need two readings).
   * Returns a line saying why measuring cannot work at all (forbidden), or undefined.
   */
  start(sides: ReleaseSides): Promise<string | undefined>;
  /** The figures of each side since the previous measurement (or over the interval). */
  measure(sides: ReleaseSides): Promise<Measurement>;
}
