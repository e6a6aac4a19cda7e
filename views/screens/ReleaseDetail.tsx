/**
 * One release: per Deployment its budget gauges and old/new ReplicaSet bars, then a tabbed panel
 * (Tab cycles): pods, availability timeline, zero-downtime checklist, conditions and PDBs, events.
 */
import React, { useMemo } from 'react';
import { Box, Text } from 'ink';
import type { V1ReplicaSet } from '@kubernetes/client-node';
import type { DeploymentView, PodRow, ReleaseView, TimelineEntry } from '../../src/derive/derive.js';
import { Gauge } from '../widgets/Gauge.js';
import { Bar } from '../widgets/Bar.js';
import { Table, type Column } from '../widgets/Table.js';
import { Lines, LineView, seg, type Line } from '../widgets/Lines.js';
import { bucketMin, sparkline } from '../widgets/Sparkline.js';
import { budgetSpec, driverText, gaugeNote, KIND_WORD, pendingText, revisionText, roleOf } from '../format.js';
import { clockTime } from '../../src/model/verdict.js';
import { age, ago } from '../text.js';
import { CHECK_TONE, CHECK_WORD, ENDPOINT_TONE, GAUGE_TONE, GAUGE_WORD, ENDPOINT_WORD, podStatusTone, VERDICT_SYMBOL, VERDICT_TONE, useTone, type Tone } from '../theme.js';
import { PANELS } from '../lists.js';
import { eventLine } from './Events.js';
import { MetricsPanel } from './MetricsPanel.js';
import type { GuardView } from '../../src/store/guardState.js';

export interface ReleaseDetailProps {
  release: ReleaseView;
  panel: number;
  cursor: number;
  width: number;
  height: number;
  now: number;
  /** The release's metric guard (the Metrics panel; the tab shows its state). */
  guard?: GuardView;
}

/** Two things side by side when the terminal is wide enough, else one per line. */
const WIDE = 110;

export function ReleaseDetail({ release, panel, cursor, width, height, now, guard }: ReleaseDetailProps) {
  const wide = width >= WIDE;
  const perBlockFull = wide ? 3 : 5;
  const blocks = release.deployments.length;
  // Title and tab bar take two lines; keep at least 4 lines for the panel.
  const full = 2 + blocks * perBlockFull + 4 <= height;
  const blockLines = full ? perBlockFull : 2;
  const pair = pairLines(release, now);
  const panelHeight = Math.max(0, height - 2 - pair.length - blocks * blockLines);
  return (
    <Box flexDirection="column" width={width} height={height}>
      <Title release={release} width={width} now={now} />
      {pair.length ? <Lines lines={pair} width={width} height={pair.length} /> : null}
      {release.deployments.map((d) => (
        <DeploymentBlock key={d.uid} release={release} d={d} width={width} wide={wide} full={full} />
      ))}
      <TabBar release={release} panel={panel} width={width} guard={guard} />
      <Panel release={release} panel={panel} cursor={cursor} width={width} height={panelHeight} now={now} guard={guard} />
    </Box>
  );
}

/** The action waiting out its cancel window, and the app's own leader Leases with their warnings. */
function pairLines(release: ReleaseView, now: number): Line[] {
  const lines: Line[] = [];
  const pending = pendingText(release, now);
  if (pending) lines.push([seg('⏳ ', 'warn', true), seg(pending, 'warn', true)]);
  for (const l of release.leaders ?? []) {
    const who = l.pod ? `${l.pod} rev ${l.revision ?? '?'}${l.onNewReplicaSet === undefined ? '' : l.onNewReplicaSet ? ' (new ReplicaSet)' : ' (old ReplicaSet)'}` : (l.holder ?? 'nobody');
    lines.push([seg('leader ', 'muted'), seg(l.lease, 'accent'), seg(`: ${who}`), ...(l.warning ? [seg(`  ! ${l.warning}`, 'warn', true)] : [])]);
  }
  return lines;
}

function Title({ release, width, now }: { release: ReleaseView; width: number; now: number }) {
  const v = release.verdict;
  const driver = driverText(release, now);
  const line: Line = [
    seg(release.name, undefined, true),
    seg(`  ${KIND_WORD[release.release.kind]}  ns ${release.namespace}`),
    seg(release.release.service ? `  svc ${release.release.service}` : '  no Service'),
    seg(release.trafficText ? `  ${release.trafficText}` : ''),
    seg('  '),
    seg(`${VERDICT_SYMBOL[v.level]} ${v.text}`, VERDICT_TONE[v.level], true),
    seg(driver ? `  ${driver}` : '', 'accent', true),
  ];
  return <LineView line={line} width={width} />;
}

const sum = (rss: readonly V1ReplicaSet[], f: (rs: V1ReplicaSet) => number | undefined) => rss.reduce((n, rs) => n + (f(rs) ?? 0), 0);

function DeploymentBlock({ release, d, width, wide, full }: { release: ReleaseView; d: DeploymentView; width: number; wide: boolean; full: boolean }) {
  const u = d.usage;
  const g = d.gauges;
  const head: Line = [
    seg('● ', undefined, true),
    seg(d.name, undefined, true),
    seg(`  ${roleOf(release, d.name)}  rev ${revisionText(d)}`),
    d.paused ? seg('  PAUSED', 'warn', true) : seg(''),
    seg(`  ${d.images.join(', ')}  `),
    seg(d.status.text, d.status.failed ? 'bad' : d.status.done ? 'good' : 'busy'),
  ];
  const half = wide ? Math.floor((width - 2) / 2) : width;
  const surge = <Gauge label="surge" used={g.surge.used} limit={g.surge.limit} level={g.surge.level} spec={budgetSpec(u.budget, 'surge')} width={half} note={gaugeNote(d, 'surge')} />;
  const unavailable = (
    <Gauge label="unavailable" used={g.unavailable.used} limit={g.unavailable.limit} level={g.unavailable.level} spec={budgetSpec(u.budget, 'unavailable')} width={half} note={gaugeNote(d, 'unavailable')} />
  );
  if (!full) {
    // Compact: both gauges on one line, words first.
    return (
      <Box flexDirection="column" width={width}>
        <LineView line={head} width={width} />
        <LineView
          line={[
            seg(`surge ${g.surge.used}/${g.surge.limit} `),
            ...compactWord(d, 'surge'),
            seg(`  unavailable ${g.unavailable.used}/${g.unavailable.limit} `),
            ...compactWord(d, 'unavailable'),
            seg(`  old ${sum(d.replicaSets.activeOldRSs, (rs) => rs.status?.readyReplicas)} ready, new ${d.replicaSets.newRS?.status?.readyReplicas ?? 0} ready`),
          ]}
          width={width}
        />
      </Box>
    );
  }
  const old = d.replicaSets.activeOldRSs;
  const nrs = d.replicaSets.newRS;
  const oldPods = sum(old, (rs) => rs.status?.replicas);
  const newPods = nrs?.status?.replicas ?? 0;
  const scale = Math.max(1, u.budget.ok ? u.budget.maxTotal : d.desired, oldPods + newPods, d.desired);
  const oldLabel = old.length === 0 ? 'old -' : `old r${d.replicaSets.fromRevision ?? '?'}`;
  const newLabel = nrs ? `new r${d.replicaSets.toRevision ?? '?'}` : 'new -';
  const oldBar = (
    <Bar label={oldLabel} ready={sum(old, (rs) => rs.status?.readyReplicas)} pods={oldPods} want={sum(old, (rs) => rs.spec?.replicas)} scale={scale} width={half} tone="muted" />
  );
  const newBar = (
    <Bar label={newLabel} ready={nrs?.status?.readyReplicas ?? 0} pods={newPods} want={nrs?.spec?.replicas ?? 0} scale={scale} width={half} tone="good" />
  );
  return (
    <Box flexDirection="column" width={width}>
      <LineView line={head} width={width} />
      {wide ? (
        <>
          <Box width={width}>
            <Box width={half + 2}>{surge}</Box>
            <Box width={width - half - 2}>{unavailable}</Box>
          </Box>
          <Box width={width}>
            <Box width={half + 2}>{oldBar}</Box>
            <Box width={width - half - 2}>{newBar}</Box>
          </Box>
        </>
      ) : (
        <>
          {surge}
          {unavailable}
          {oldBar}
          {newBar}
        </>
      )}
    </Box>
  );
}

/** The level word of a gauge, or why it is not judged now. */
function compactWord(d: DeploymentView, which: 'surge' | 'unavailable'): Line {
  const note = gaugeNote(d, which);
  const level = d.gauges[which].level;
  return note ? [seg(note, 'muted')] : [seg(GAUGE_WORD[level], GAUGE_TONE[level], true)];
}

function TabBar({ release, panel, width, guard }: { release: ReleaseView; panel: number; width: number; guard?: GuardView }) {
  const tone = useTone();
  const fails = release.deployments.reduce((n, d) => n + d.checklist.filter((c) => c.level === 'fail').length, 0);
  const warns = release.deployments.reduce((n, d) => n + d.checklist.filter((c) => c.level === 'warn').length, 0);
  const badge: Record<string, string> = {
    Pods: String(release.deployments.reduce((n, d) => n + d.pods.length, 0)),
    Checklist: [fails ? `✗${fails}` : '', warns ? `!${warns}` : '', !fails && !warns ? '✓' : ''].filter(Boolean).join(' '),
    Events: String(release.events.length),
    Metrics: guard?.countdown ? `✗ ${guard.countdown.secondsLeft}s` : guard?.state === 'breached' ? '✗' : guard?.state === 'ok' ? '✓' : '',
  };
  return (
    <Text wrap="truncate-end">
      {PANELS.map((name, i) => {
        const label = `${name}${badge[name] ? ` ${badge[name]}` : ''}`;
        const focused = i === panel;
        return (
          <Text key={name} bold={focused} inverse={focused} color={focused ? undefined : tone('muted')}>
            {focused ? `[${label}]` : ` ${label} `}
            {i < PANELS.length - 1 ? ' ' : ''}
          </Text>
        );
      })}
      <Text color={tone('muted')}>{width > 70 ? '  Tab: next panel' : ''}</Text>
    </Text>
  );
}

function Panel({ release, panel, cursor, width, height, now, guard }: ReleaseDetailProps) {
  const lines = useMemo(() => panelLines(release, PANELS[panel], now), [release, panel, now]);
  if (height <= 0) return null;
  switch (PANELS[panel]) {
    case 'Pods':
      return <PodsPanel release={release} cursor={cursor} width={width} height={height} now={now} />;
    case 'Timeline':
      return <TimelinePanel release={release} width={width} height={height} now={now} />;
    case 'Metrics':
      return <MetricsPanel guard={guard} width={width} height={height} now={now} />;
    default:
      return <Lines lines={lines} width={width} height={height} cursor={cursor} />;
  }
}

type PodLine = PodRow & { role: string };

const POD_COLUMNS: Column<PodLine>[] = [
  { id: 'name', title: 'POD', min: 14, max: 48, priority: 0, text: (p) => p.name },
  { id: 'rev', title: 'REV', min: 3, max: 4, priority: 1, align: 'right', text: (p) => (p.revision === undefined ? '-' : String(p.revision)) },
  { id: 'status', title: 'STATUS', min: 9, max: 20, priority: 0, text: (p) => p.status, tone: (p) => podStatusTone(p.status, p.isReady) },
  { id: 'ready', title: 'READY', min: 5, max: 6, priority: 1, text: (p) => p.ready },
  { id: 'restarts', title: 'RESTARTS', min: 3, max: 8, priority: 3, align: 'right', text: (p) => String(p.restarts), tone: (p) => (p.restarts > 0 ? 'warn' : undefined) },
  { id: 'age', title: 'AGE', min: 4, max: 5, priority: 2, align: 'right', text: (p) => (p as PodLine & { ageText?: string }).ageText ?? '-' },
  { id: 'node', title: 'NODE', min: 6, max: 16, priority: 4, text: (p) => p.node ?? '-' },
  { id: 'endpoint', title: 'ENDPOINT', min: 9, max: 12, priority: 0, text: (p) => (p.endpoint ? ENDPOINT_WORD[p.endpoint] : '-'), tone: (p) => (p.endpoint ? ENDPOINT_TONE[p.endpoint] : undefined) },
  { id: 'deploy', title: 'DEPLOYMENT', min: 8, priority: 5, flex: true, text: (p) => p.role },
];

function PodsPanel({ release, cursor, width, height, now }: { release: ReleaseView; cursor: number; width: number; height: number; now: number }) {
  const rows = useMemo(
    () => release.deployments.flatMap((d) => d.pods.map((p) => ({ ...p, role: `${d.name} (${roleOf(release, d.name)})`, ageText: age(p.created, now) }))),
    [release, now],
  );
  return <Table rows={rows} rowKey={(p) => p.uid} columns={POD_COLUMNS} width={width} height={height} cursor={cursor} empty="no pods" />;
}

const TIMELINE_TONE: Record<TimelineEntry['kind'], Tone | undefined> = { action: undefined, failed: 'bad', 'take-over': 'warn', rollback: 'bad', 'hand-off': 'busy' };

function TimelinePanel({ release, width, height, now }: { release: ReleaseView; width: number; height: number; now: number }) {
  const label = 12;
  const cells = Math.max(0, Math.min(120, width - label - 24));
  const lines: Line[] = [];
  for (const d of release.deployments) {
    const a = d.availability;
    const pts = d.history.points;
    const last = pts.at(-1);
    const floor = last ? last.desired - last.maxUnavailable : d.desired;
    const tone = a.verdict === 'traffic-outage' ? 'bad' : a.verdict === 'budget-breached' ? 'warn' : a.verdict === 'zero-downtime-kept' ? 'good' : 'busy';
    const mark = a.verdict === 'traffic-outage' ? '✗' : a.verdict === 'budget-breached' ? '!' : a.verdict === 'zero-downtime-kept' ? '✓' : '→';
    lines.push([
      seg(d.name, undefined, true),
      seg('  '),
      seg(`${mark} ${a.text}`, tone, true),
      seg(a.at !== undefined ? ` since ${ago(a.at, now)}` : ''),
    ]);
    // Each line has its own scale: availability against desired, endpoints against their own peak.
    const avail = sparkline(bucketMin(pts, cells, (p) => p.available), Math.max(1, ...pts.map((p) => Math.max(p.desired, p.available))));
    const minA = a.minAvailable;
    lines.push([
      seg('available   '),
      seg(avail, 'good'),
      seg(` now ${last?.available ?? '-'}/${d.desired}`),
      seg(minA ? ` min ${minA.value}` : ''),
      seg(minA && minA.value < floor ? ` BELOW floor ${floor}` : ` floor ${floor}`, minA && minA.value < floor ? 'warn' : undefined),
    ]);
    if (release.release.service) {
      const eps = sparkline(bucketMin(pts, cells, (p) => p.readyEndpoints), Math.max(1, ...pts.map((p) => p.readyEndpoints ?? 0)));
      const minE = a.minReadyEndpoints;
      lines.push([
        seg('endpoints   '),
        seg(eps, 'accent'),
        seg(` now ${last?.readyEndpoints ?? '-'}`),
        seg(minE ? ` min ${minE.value}` : ''),
        seg(minE && minE.value === 0 ? ' OUTAGE' : '', 'bad', true),
      ]);
    }
  }
  const timeline = release.timeline ?? [];
  if (timeline.length) {
    lines.push([seg('pair timeline, newest first: actions of both cockpits, take-overs, rollbacks, leader hand-offs', undefined, true)]);
    for (const e of timeline) lines.push([seg(`${clockTime(e.at)}  `, 'muted'), seg(e.who, 'accent'), seg(`  ${e.kind.padEnd(9)} `, TIMELINE_TONE[e.kind], e.kind !== 'action'), seg(e.text)]);
  }
  if (lines.length < height) lines.push([seg('available ▁..█ against desired, endpoints against their peak; _ is zero; each cell shows its lowest reading', 'muted')]);
  return <Lines lines={lines} width={width} height={height} />;
}

/** Text of the checklist, status and events panels, one entry per cursor row. */
export function panelLines(release: ReleaseView, panel: string, now: number): Line[] {
  const lines: Line[] = [];
  const pair = release.deployments.length > 1;
  switch (panel) {
    case 'Checklist':
      for (const d of release.deployments) {
        lines.push([seg(`${d.name}: zero-downtime checklist`, undefined, true)]);
        for (const c of d.checklist) {
          lines.push([seg(CHECK_WORD[c.level].padEnd(7), CHECK_TONE[c.level], c.level !== 'pass'), seg(` ${c.title}: `), seg(c.why)]);
          if (c.level !== 'pass') lines.push([seg('        fix: ', 'accent'), seg(c.fix)]);
        }
      }
      return lines;
    case 'Status':
      for (const d of release.deployments) {
        lines.push([seg(`${d.name}: conditions`, undefined, true)]);
        for (const c of d.conditions) {
          const bad = (c.type === 'Available' && c.status !== 'True') || c.reason === 'ProgressDeadlineExceeded' || c.type === 'ReplicaFailure';
          lines.push([
            seg(`  ${(c.type ?? '').padEnd(15)}`),
            seg(`${(c.status ?? '').padEnd(6)}`, bad ? 'bad' : c.status === 'True' ? 'good' : 'warn', bad),
            seg(`${(c.reason ?? '').padEnd(27)} `),
            seg(`${age(timestamp(c.lastUpdateTime ?? c.lastTransitionTime), now).padStart(4)}  `, 'muted'),
            seg(c.message ?? ''),
          ]);
        }
        lines.push([seg(`${d.name}: PodDisruptionBudgets`, undefined, true)]);
        if (d.pdbs.length === 0) lines.push([seg('  none covers these pods (node drains may evict them all)', 'warn')]);
        for (const p of d.pdbs) {
          lines.push([
            seg(`  ${p.name}  ${p.rule}  `),
            seg(`disruptions allowed ${p.disruptionsAllowed}`, p.disruptionsAllowed === 0 ? 'warn' : 'good', p.disruptionsAllowed === 0),
            seg(p.disruptionsAllowed === 0 ? ' (drains blocked)' : ''),
            seg(`  healthy ${p.currentHealthy}/${p.desiredHealthy} of ${p.expectedPods}`),
            seg(p.stale ? '  (status not yet observed)' : '', 'muted'),
          ]);
        }
      }
      return lines;
    case 'Events':
      for (const e of release.events) lines.push(eventLine(e, now, pair));
      if (lines.length === 0) lines.push([seg('no events for this release', 'muted')]);
      return lines;
    default:
      return lines;
  }
}

function timestamp(t: Date | string | undefined): number | undefined {
  if (t === undefined) return undefined;
  const ms = t instanceof Date ? t.getTime() : Date.parse(t);
  return Number.isNaN(ms) ? undefined : ms;
}
