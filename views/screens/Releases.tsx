/** One row per release: numbers of the Deployment that moves (or the canary / live colour). */
import React from 'react';
import type { ReleaseView } from '../../src/derive/derive.js';
import { Table, type Column } from '../widgets/Table.js';
import { GAUGE_TONE, GAUGE_WORD, VERDICT_SYMBOL, VERDICT_TONE } from '../theme.js';
import { countsText, KIND_MARK, revisionText, shortStatus } from '../format.js';

const gauge = (g: { used: number; limit: number; level: keyof typeof GAUGE_WORD }) => `${g.used}/${g.limit} ${GAUGE_WORD[g.level]}`;

const NAMESPACE: Column<ReleaseView> = { id: 'ns', title: 'NAMESPACE', min: 7, max: 20, priority: 4, text: (r) => r.namespace };

const COLUMNS: Column<ReleaseView>[] = [
  { id: 'name', title: 'NAME', min: 10, max: 32, priority: 0, text: (r) => r.name + KIND_MARK[r.release.kind] },
  { id: 'rev', title: 'REV', min: 6, max: 9, priority: 2, text: (r) => revisionText(r.primary) },
  { id: 'counts', title: 'D/U/R/A', min: 7, max: 15, priority: 3, text: (r) => countsText(r.primary) },
  { id: 'surge', title: 'SURGE', min: 6, max: 12, priority: 1, text: (r) => gauge(r.primary.usage.surge), tone: (r) => GAUGE_TONE[r.primary.usage.surge.level] },
  { id: 'unavail', title: 'UNAVAIL', min: 7, max: 12, priority: 1, text: (r) => gauge(r.primary.usage.unavailable), tone: (r) => GAUGE_TONE[r.primary.usage.unavailable.level] },
  { id: 'traffic', title: 'TRAFFIC', min: 8, max: 14, priority: 2, text: (r) => r.trafficText || '-' },
  { id: 'verdict', title: 'VERDICT', min: 12, max: 22, priority: 0, text: (r) => `${VERDICT_SYMBOL[r.verdict.level]} ${r.verdict.text}`, tone: (r) => VERDICT_TONE[r.verdict.level] },
  { id: 'status', title: 'ROLLOUT STATUS', min: 12, priority: 5, flex: true, text: (r) => (r.primary.paused ? 'paused; ' : '') + shortStatus(r.primary.status.text) },
];
const WITH_NAMESPACE = [COLUMNS[0], NAMESPACE, ...COLUMNS.slice(1)];

export interface ReleasesProps {
  rows: readonly ReleaseView[];
  cursor: number;
  width: number;
  height: number;
  allNamespaces: boolean;
  filtered: boolean;
}

export function Releases({ rows, cursor, width, height, allNamespaces, filtered }: ReleasesProps) {
  return (
    <Table
      rows={rows}
      rowKey={(r) => r.key}
      columns={allNamespaces ? WITH_NAMESPACE : COLUMNS}
      width={width}
      height={height}
      cursor={cursor}
      empty={filtered ? 'no release matches the filter (Esc clears it)' : 'no Deployments here yet (:ns NAME to look elsewhere)'}
    />
  );
}
