export interface AvailabilitySample {
  /** Epoch milliseconds. */
  t: number;
  available: number;
  /** Ready endpoints of the release's Service; undefined when the release has no Service. */
  readyEndpoints?: number;
  desired: number;
  maxUnavailable: number;
  /**
   * False when the reading counts for nothing (a Deployment being created, an idle colour, a
   * planned Recreate): it is drawn but raises no incident.
   */
  judged?: boolean;
}

/** A run of identical samples, from `t` to `until`. */
export interface AvailabilityPoint extends AvailabilitySample {
  until: number;
}

export interface Low {
  value: number;
  t: number;
}

export interface Incident {
  t: number;
  available: number;
  readyEndpoints?: number;
  /** desired − maxUnavailable at that moment. */
  floor: number;
}

/**
 * Bounded history. The lows and first incidents are kept apart from the points, so they survive
 * the oldest points being dropped.
 */
export interface AvailabilityHistory {
  points: readonly AvailabilityPoint[];
  minAvailable?: Low;
  minReadyEndpoints?: Low;
  firstBudgetBreach?: Incident;
  firstTrafficOutage?: Incident;
}

export const DEFAULT_HISTORY_LIMIT = 600;

export const emptyHistory: AvailabilityHistory = { points: [] };

/** Two samples read the same (their times aside): the record extends its last point instead of adding one. */
export function sameReading(a: AvailabilitySample, b: AvailabilitySample): boolean {
  return (
    a.available === b.available &&
    a.readyEndpoints === b.readyEndpoints &&
    a.desired === b.desired &&
    a.maxUnavailable === b.maxUnavailable &&
    (a.judged ?? true) === (b.judged ?? true)
  );
}

export function availabilityFloor(sample: AvailabilitySample): number {
  return sample.desired - sample.maxUnavailable;
}

export function isBudgetBreach(sample: AvailabilitySample): boolean {
  return sample.judged !== false && sample.available < availabilityFloor(sample);
}

/** Zero ready endpoints while pods are wanted; scaled to zero on purpose is not an outage. */
export function isTrafficOutage(sample: AvailabilitySample): boolean {
  return sample.judged !== false && sample.readyEndpoints === 0 && sample.desired > 0;
}

function lower(current: Low | undefined, value: number | undefined, t: number): Low | undefined {
  if (value === undefined) return current;
  return current === undefined || value < current.value ? { value, t } : current;
}

function incident(sample: AvailabilitySample): Incident {
  return {
    t: sample.t,
    available: sample.available,
    readyEndpoints: sample.readyEndpoints,
    floor: availabilityFloor(sample),
  };
}

/** Returns a new history; the input is not changed. */
export function appendSample(
  history: AvailabilityHistory,
  sample: AvailabilitySample,
  limit = DEFAULT_HISTORY_LIMIT,
): AvailabilityHistory {
  const last = history.points.at(-1);
  let points: AvailabilityPoint[];
  if (last && sameReading(last, sample)) {
    points = [...history.points.slice(0, -1), { ...last, until: sample.t }];
  } else {
    points = [...history.points, { ...sample, until: sample.t }];
    if (points.length > limit) points = points.slice(points.length - limit);
  }
  return {
    points,
    minAvailable: sample.judged === false ? history.minAvailable : lower(history.minAvailable, sample.available, sample.t),
    minReadyEndpoints: sample.judged === false ? history.minReadyEndpoints : lower(history.minReadyEndpoints, sample.readyEndpoints, sample.t),
    firstBudgetBreach: history.firstBudgetBreach ?? (isBudgetBreach(sample) ? incident(sample) : undefined),
    firstTrafficOutage: history.firstTrafficOutage ?? (isTrafficOutage(sample) ? incident(sample) : undefined),
  };
}

export type Verdict = 'no-data' | 'in-progress' | 'zero-downtime-kept' | 'budget-breached' | 'traffic-outage';

export interface AvailabilitySummary {
  verdict: Verdict;
  /** `zero downtime kept`, `budget breached`, `traffic outage`, `in progress`, `no data`. */
  text: string;
  /** When the incident behind the verdict started (epoch ms). */
  at?: number;
  minAvailable?: Low;
  minReadyEndpoints?: Low;
}

/** The words of each verdict of an availability record. */
export const VERDICT_TEXT: Record<Verdict, string> = {
  'no-data': 'no data',
  'in-progress': 'in progress',
  'zero-downtime-kept': 'zero downtime kept',
  'budget-breached': 'budget breached',
  'traffic-outage': 'traffic outage',
};

/**
 * An incident is final, so it is reported even while the rollout still runs; a clean record is
 * only called "kept" once the rollout is done. An outage outranks a budget breach.
 */
export function summarizeAvailability(history: AvailabilityHistory, rolloutInProgress: boolean): AvailabilitySummary {
  const base = { minAvailable: history.minAvailable, minReadyEndpoints: history.minReadyEndpoints };
  const make = (verdict: Verdict, at?: number): AvailabilitySummary => ({
    verdict,
    text: VERDICT_TEXT[verdict],
    ...(at === undefined ? {} : { at }),
    ...base,
  });
  if (history.firstTrafficOutage) return make('traffic-outage', history.firstTrafficOutage.t);
  if (history.firstBudgetBreach) return make('budget-breached', history.firstBudgetBreach.t);
  if (rolloutInProgress) return make('in-progress');
  if (history.points.length === 0) return make('no-data');
  return make('zero-downtime-kept');
}
