/** The event stream, newest first. */
import React from 'react';
import type { CoreV1Event } from '@kubernetes/client-node';
import { eventTime } from '../../src/derive/derive.js';
import { Table, type Column } from '../widgets/Table.js';
import { seg, type Line } from '../widgets/Lines.js';
import { age } from '../text.js';
import { eventKey } from '../lists.js';

const isWarning = (e: CoreV1Event) => e.type === 'Warning';
const objectOf = (e: CoreV1Event) => `${e.involvedObject?.kind ?? '?'}/${e.involvedObject?.name ?? '?'}`;

/** One event as a line (the release detail's events panel). */
export function eventLine(e: CoreV1Event, now: number, withObject = true): Line {
  return [
    seg(`${age(eventTime(e) || undefined, now).padStart(4)} `, 'muted'),
    seg(isWarning(e) ? '! Warning ' : '  Normal  ', isWarning(e) ? 'warn' : undefined, isWarning(e)),
    seg(`${(e.reason ?? '').padEnd(20)} `),
    seg(withObject ? `${objectOf(e)}  ` : `${e.involvedObject?.name ?? ''}  `, 'muted'),
    seg(e.message ?? ''),
  ];
}

export interface EventsProps {
  rows: readonly CoreV1Event[];
  cursor: number;
  width: number;
  height: number;
  now: number;
  allNamespaces: boolean;
  filtered: boolean;
}

export function Events({ rows, cursor, width, height, now, allNamespaces, filtered }: EventsProps) {
  const columns = React.useMemo<Column<CoreV1Event>[]>(
    () => [
      { id: 'age', title: 'LAST', min: 4, max: 5, priority: 0, align: 'right', text: (e) => age(eventTime(e) || undefined, now) },
      { id: 'type', title: 'TYPE', min: 9, max: 9, priority: 0, text: (e) => (isWarning(e) ? '! Warning' : 'Normal'), tone: (e) => (isWarning(e) ? 'warn' : undefined) },
      { id: 'reason', title: 'REASON', min: 10, max: 20, priority: 1, text: (e) => e.reason ?? '' },
      ...(allNamespaces ? [{ id: 'ns', title: 'NAMESPACE', min: 7, max: 16, priority: 4, text: (e: CoreV1Event) => e.metadata?.namespace ?? '' }] : []),
      { id: 'object', title: 'OBJECT', min: 12, max: 48, priority: 2, text: objectOf },
      { id: 'count', title: 'COUNT', min: 5, max: 5, priority: 3, align: 'right', text: (e) => String(e.count ?? 1) },
      { id: 'message', title: 'MESSAGE', min: 10, priority: 1, flex: true, text: (e) => e.message ?? '' },
    ],
    [now, allNamespaces],
  );
  return (
    <Table
      rows={rows}
      rowKey={(e) => eventKey(e, 0)}
      columns={columns}
      width={width}
      height={height}
      cursor={cursor}
      empty={filtered ? 'no event matches the filter (Esc clears it)' : 'no events'}
    />
  );
}
