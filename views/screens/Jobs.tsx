/** Jobs, migrations first, with state and counts. */
import React from 'react';
import type { JobView } from '../../src/derive/derive.js';
import { Table, type Column } from '../widgets/Table.js';
import { jobTone } from '../theme.js';
import { age } from '../text.js';

const STATE_MARK: Record<string, string> = { Complete: '✓', Failed: '✗', Running: '→', Suspended: '‖', Pending: '…' };

function duration(j: JobView, now: number): string {
  if (j.started === undefined) return '-';
  const s = Math.round(((j.finished ?? now) - j.started) / 1000);
  return s < 120 ? `${s}s` : `${Math.round(s / 60)}m`;
}

export interface JobsProps {
  rows: readonly JobView[];
  cursor: number;
  width: number;
  height: number;
  now: number;
  allNamespaces: boolean;
  filtered: boolean;
}

export function Jobs({ rows, cursor, width, height, now, allNamespaces, filtered }: JobsProps) {
  const columns = React.useMemo<Column<JobView>[]>(
    () => [
      { id: 'name', title: 'JOB', min: 12, max: 44, priority: 0, text: (j) => j.name },
      ...(allNamespaces ? [{ id: 'ns', title: 'NAMESPACE', min: 7, max: 16, priority: 4, text: (j: JobView) => j.namespace }] : []),
      { id: 'migration', title: 'MIGRATION FOR', min: 9, max: 24, priority: 1, text: (j) => j.migrationFor ?? '-' },
      { id: 'state', title: 'STATE', min: 11, max: 12, priority: 0, text: (j) => `${STATE_MARK[j.state] ?? '?'} ${j.state}`, tone: (j) => jobTone(j.state) },
      { id: 'succeeded', title: 'OK', min: 2, max: 4, priority: 1, align: 'right', text: (j) => String(j.succeeded) },
      { id: 'failed', title: 'FAILED', min: 6, max: 6, priority: 1, align: 'right', text: (j) => String(j.failed), tone: (j) => (j.failed > 0 ? 'bad' : undefined) },
      { id: 'active', title: 'ACTIVE', min: 6, max: 6, priority: 2, align: 'right', text: (j) => String(j.active) },
      { id: 'duration', title: 'DURATION', min: 8, max: 8, priority: 3, align: 'right', text: (j) => duration(j, now) },
      { id: 'age', title: 'STARTED', min: 7, priority: 3, flex: true, align: 'right', text: (j) => (j.started === undefined ? '-' : `${age(j.started, now)} ago`) },
    ],
    [now, allNamespaces],
  );
  return (
    <Table
      rows={rows}
      rowKey={(j) => j.key}
      columns={columns}
      width={width}
      height={height}
      cursor={cursor}
      empty={filtered ? 'no job matches the filter (Esc clears it)' : 'no Jobs'}
    />
  );
}
