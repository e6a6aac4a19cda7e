/**
 * One row per release, speaking for the whole release: counts summed over a canary pair, the live
 * colour's for blue-green (IDLE: the idle colour's readiness); the budget gauges
 * of the Deployment that moves, held to their limits only while a rollout moves.
 */
import React, { useMemo } from 'react';
import type { ReleaseView } from '../../src/derive/derive.js';
import { Table, type Column } from '../widgets/Table.js';
import { VERDICT_SYMBOL, VERDICT_TONE } from '../theme.js';
import { countsText, driverText, gaugeCell, idleCell, KIND_MARK, pendingText, revisionText, shortStatus } from '../format.js';
import type { GuardView } from '../../src/store/guardState.js';
import { guardCell } from './MetricsPanel.js';

const NAMESPACE: Column<ReleaseView> = { id: 'ns', title: 'NAMESPACE', min: 7, max: 20, priority: 4, text: (r) => r.namespace };

/** The rollout status, after who drives the release and the action waiting out its cancel window. */
const statusText = (r: ReleaseView, now: number) =>
  [pendingText(r, now), driverText(r, now), (r.primary.paused ? 'paused; ' : '') + shortStatus(r.primary.status.text)].filter(Boolean).join(' · ');

/** The columns that depend on the row alone: the same objects every frame, so the table keeps their widths per row. */
const ROW_COLUMNS: Column<ReleaseView>[] = [
  { id: 'name', title: 'NAME', min: 10, max: 32, priority: 0, text: (r) => r.name + KIND_MARK[r.release.kind] },
  { id: 'rev', title: 'REV', min: 6, max: 9, priority: 2, text: (r) => revisionText(r.primary) },
  { id: 'counts', title: 'D/U/R/A', min: 7, max: 15, priority: 3, text: (r) => countsText(r.counts) },
  { id: 'idle', title: 'IDLE', min: 4, max: 16, priority: 4, text: idleCell },
  { id: 'surge', title: 'SURGE', min: 6, max: 12, priority: 1, text: (r) => gaugeCell(r, 'surge').text, tone: (r) => gaugeCell(r, 'surge').tone },
  { id: 'unavail', title: 'UNAVAIL', min: 7, max: 15, priority: 1, text: (r) => gaugeCell(r, 'unavailable').text, tone: (r) => gaugeCell(r, 'unavailable').tone },
  { id: 'traffic', title: 'TRAFFIC', min: 8, max: 14, priority: 2, text: (r) => r.trafficText || '-' },
  { id: 'verdict', title: 'VERDICT', min: 12, max: 22, priority: 0, text: (r) => `${VERDICT_SYMBOL[r.verdict.level]} ${r.verdict.text}`, tone: (r) => VERDICT_TONE[r.verdict.level] },
];

/** The rollout status moves with the clock (the pending action's countdown, the driver's lock). */
const statusColumn = (now: number): Column<ReleaseView> => ({ id: 'status', title: 'ROLLOUT STATUS', min: 12, priority: 5, flex: true, text: (r) => statusText(r, now), tone: (r) => (pendingText(r, now) ? 'warn' : undefined) });

const columns = (now: number): Column<ReleaseView>[] => [...ROW_COLUMNS, statusColumn(now)];

/** The metric guard's state, after the verdict (only a breach is an alarm). */
const guardColumn = (guards: Record<string, GuardView>): Column<ReleaseView> => ({
  id: 'guard',
  title: 'GUARD',
  min: 9,
  max: 15,
  priority: 1,
  text: (r) => guardCell(guards[r.key]).text,
  tone: (r) => guardCell(guards[r.key]).tone,
});

/** The GUARD column appears once a guard has been read: a column of dashes would only be noise. */
const withGuard = (columns: Column<ReleaseView>[], guards: Record<string, GuardView>) => {
  if (Object.keys(guards).length === 0) return columns;
  const at = columns.findIndex((c) => c.id === 'verdict') + 1;
  return [...columns.slice(0, at), guardColumn(guards), ...columns.slice(at)];
};

export interface ReleasesProps {
  rows: readonly ReleaseView[];
  cursor: number;
  width: number;
  height: number;
  allNamespaces: boolean;
  filtered: boolean;
  /** The kinds releases depend on are still being listed: an empty list means nothing yet. */
  syncing?: boolean;
  /** For who drives and the pending action's countdown. */
  now?: number;
  /** Metric guards by release key. */
  guards?: Record<string, GuardView>;
}

export function Releases({ rows, cursor, width, height, allNamespaces, filtered, syncing, now: nowProp, guards }: ReleasesProps) {
  const now = nowProp ?? Date.now();
  const cols = useMemo(() => {
    const c = columns(now);
    return withGuard(allNamespaces ? [c[0], NAMESPACE, ...c.slice(1)] : c, guards ?? {});
  }, [now, allNamespaces, guards]);
  return (
    <Table
      rows={rows}
      rowKey={(r) => r.key}
      columns={cols}
      width={width}
      height={height}
      cursor={cursor}
      empty={filtered ? 'no release matches the filter (Esc clears it)' : syncing ? 'syncing: listing Deployments, ReplicaSets, pods and Services…' : 'no Deployments here yet (:ns NAME to look elsewhere)'}
    />
  );
}
