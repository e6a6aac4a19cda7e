/** Services with their endpoints grouped by owning Deployment and each group's traffic share. */
import React from 'react';
import type { ServiceRow } from '../lists.js';
import { Table, type Column } from '../widgets/Table.js';

const pct = (share: number) => `${Math.round(share * 100)}%`;

function shareBar(share: number, cells = 10): string {
  const n = Math.round(share * cells);
  return '█'.repeat(n) + '░'.repeat(cells - n);
}

const COLUMNS: Column<ServiceRow>[] = [
  {
    id: 'name',
    title: 'SERVICE / DEPLOYMENT',
    min: 14,
    max: 40,
    priority: 0,
    text: (r) => (r.type === 'service' ? r.service.name : `  └ ${r.group.deployment || '(no Deployment)'}`),
  },
  { id: 'ns', title: 'NAMESPACE', min: 7, max: 16, priority: 5, text: (r) => (r.type === 'service' ? r.service.namespace : '') },
  { id: 'selector', title: 'SELECTOR', min: 10, max: 36, priority: 3, text: (r) => (r.type === 'service' ? r.service.selector : '') },
  {
    id: 'ready',
    title: 'READY',
    min: 5,
    max: 6,
    priority: 0,
    align: 'right',
    text: (r) => String(r.type === 'service' ? r.service.traffic.totalReady : r.group.ready),
    tone: (r) => (r.type === 'service' && r.service.traffic.noReadyEndpoints ? 'bad' : undefined),
  },
  {
    id: 'draining',
    title: 'DRAINING',
    min: 5,
    max: 8,
    priority: 2,
    align: 'right',
    text: (r) => String(r.type === 'service' ? r.service.traffic.byDeployment.reduce((n, g) => n + g.servingTerminating, 0) : r.group.servingTerminating),
  },
  {
    id: 'notready',
    title: 'NOT-READY',
    min: 5,
    max: 9,
    priority: 2,
    align: 'right',
    text: (r) => String(r.type === 'service' ? r.service.traffic.byDeployment.reduce((n, g) => n + g.notReady, 0) : r.group.notReady),
  },
  {
    id: 'share',
    title: 'TRAFFIC',
    min: 16,
    priority: 0,
    flex: true,
    text: (r) =>
      r.type === 'service'
        ? r.service.traffic.noReadyEndpoints
          ? '✗ NO READY ENDPOINTS: traffic dropped'
          : `${r.service.traffic.totalReady} ready endpoints`
        : `${shareBar(r.group.share)} ${pct(r.group.share)}`,
    tone: (r) => (r.type === 'service' ? (r.service.traffic.noReadyEndpoints ? 'bad' : 'muted') : r.group.share > 0 ? 'good' : 'muted'),
  },
];

export interface ServicesProps {
  rows: readonly ServiceRow[];
  cursor: number;
  width: number;
  height: number;
  allNamespaces: boolean;
  filtered: boolean;
}

export function Services({ rows, cursor, width, height, allNamespaces, filtered }: ServicesProps) {
  return (
    <Table
      rows={rows}
      rowKey={(r) => r.key}
      columns={allNamespaces ? COLUMNS : NO_NS}
      width={width}
      height={height}
      cursor={cursor}
      empty={filtered ? 'no service matches the filter (Esc clears it)' : 'no Services with a selector'}
    />
  );
}
const NO_NS = COLUMNS.filter((c) => c.id !== 'ns');
