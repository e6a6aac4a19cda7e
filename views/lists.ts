/**
 * The rows each screen shows, after the filter: computed from the view model (derived once per
 * flush) and cached by (view model, filter), so a render or a key press never re-filters twice.
 * The input handler and the screens read the same lists, so the cursor always means the same row.
 */
import type { CoreV1Event } from '@kubernetes/client-node';
import type { DeploymentTraffic } from '../src/model/traffic.js';
import type { JobView, ReleaseView, ServiceView, ViewModel } from '../src/derive/derive.js';
import type { CockpitState, Screen } from '../src/store/state.js';
import { matchesFilter, type UiContext } from '../src/store/ui.js';

export type ServiceRow =
  | { type: 'service'; key: string; service: ServiceView }
  | { type: 'group'; key: string; service: ServiceView; group: DeploymentTraffic };

function cached<T>(compute: (view: ViewModel, filter: string) => T): (view: ViewModel, filter: string) => T {
  let lastView: ViewModel | undefined;
  let lastFilter = '';
  let last: T | undefined;
  return (view, filter) => {
    if (view !== lastView || filter !== lastFilter || last === undefined) {
      last = compute(view, filter);
      lastView = view;
      lastFilter = filter;
    }
    return last;
  };
}

export const releaseRows = cached((view, filter): ReleaseView[] =>
  filter === ''
    ? view.releases
    : view.releases.filter((r) =>
        matchesFilter(filter, r.name, r.namespace, r.release.kind, r.verdict.text, r.trafficText, ...r.deployments.map((d) => d.name)),
      ),
);

export const serviceRows = cached((view, filter): ServiceRow[] => {
  const rows: ServiceRow[] = [];
  for (const s of view.services) {
    // Only Deployments that have endpoints in this Service (the traffic model lists every one it saw).
    const groups = s.traffic.byDeployment.filter((g) => g.ready + g.servingTerminating + g.notReady > 0);
    if (!matchesFilter(filter, s.name, s.namespace, s.selector, ...groups.map((g) => g.deployment))) continue;
    rows.push({ type: 'service', key: s.key, service: s });
    for (const g of groups) rows.push({ type: 'group', key: `${s.key}/${g.deployment}`, service: s, group: g });
  }
  return rows;
});

const isMigration = (j: JobView) => j.migrationFor !== undefined;

export const jobRows = cached((view, filter): JobView[] =>
  view.jobs
    .filter((j) => matchesFilter(filter, j.name, j.namespace, j.state, j.migrationFor))
    .sort((a, b) => Number(isMigration(b)) - Number(isMigration(a))),
);

export const eventRows = cached((view, filter): CoreV1Event[] =>
  filter === ''
    ? view.events
    : view.events.filter((e) =>
        matchesFilter(filter, e.reason, e.message, e.type, e.involvedObject?.name, e.involvedObject?.kind, e.metadata?.namespace),
      ),
);

export function eventKey(e: CoreV1Event, i: number): string {
  return e.metadata?.uid ?? `${e.metadata?.namespace}/${e.metadata?.name ?? i}`;
}

export function findRelease(view: ViewModel, key: string | undefined): ReleaseView | undefined {
  return key === undefined ? undefined : view.releases.find((r) => r.key === key);
}

// ---- the detail screen's panels ----

export const PANELS = ['Pods', 'Timeline', 'Metrics', 'Checklist', 'Status', 'Events'] as const;
export type PanelName = (typeof PANELS)[number];

/** Rows the cursor moves over in a panel (lines for the text panels). */
export function panelCount(release: ReleaseView, panel: number): number {
  switch (PANELS[panel]) {
    case 'Pods':
      return release.deployments.reduce((n, d) => n + d.pods.length, 0);
    case 'Timeline':
    case 'Metrics':
      return 0;
    case 'Checklist':
      return release.deployments.reduce((n, d) => n + 1 + d.checklist.reduce((m, c) => m + (c.level === 'pass' ? 1 : 2), 0), 0);
    case 'Status':
      return release.deployments.reduce((n, d) => n + 2 + d.conditions.length + Math.max(1, d.pdbs.length), 0);
    case 'Events':
      return release.events.length;
    default:
      return 0;
  }
}

/**
 * What a release key acts on: the highlighted release (list) or the one shown (detail); in a
 * pair's detail view, once the user moved the cursor in the pod list, the Deployment of the pod
 * under it (`side`). Rows are the pods panel's: each Deployment's pods, in release order.
 */
export function actionSubject(state: Pick<CockpitState, 'ui' | 'view'>): { release?: ReleaseView; side?: string } {
  const { ui, view } = state;
  if (ui.screen === 'releases') return { release: releaseRows(view, ui.filter)[ui.cursor.releases ?? 0] };
  if (ui.screen !== 'release') return {};
  const release = findRelease(view, ui.releaseKey);
  if (!release || !ui.podPicked || PANELS[ui.panel] !== 'Pods' || release.deployments.length < 2) return { release };
  let row = ui.cursor.release ?? 0;
  for (const d of release.deployments) {
    if (row < d.pods.length) return { release, side: d.name };
    row -= d.pods.length;
  }
  return { release };
}

/** What a key press needs to know about the list on screen. */
export function uiContext(state: CockpitState, pageRows: number): UiContext {
  const { ui, view } = state;
  const screen: Screen = ui.screen;
  switch (screen) {
    case 'releases': {
      const rows = releaseRows(view, ui.filter);
      return { count: rows.length, page: pageRows, keyAt: (i) => rows[i]?.key };
    }
    case 'services':
      return { count: serviceRows(view, ui.filter).length, page: pageRows };
    case 'jobs':
      return { count: jobRows(view, ui.filter).length, page: pageRows };
    case 'events':
      return { count: eventRows(view, ui.filter).length, page: pageRows };
    case 'release': {
      const release = findRelease(view, ui.releaseKey);
      return { count: release ? panelCount(release, ui.panel) : 0, page: pageRows, panels: PANELS.length };
    }
  }
}
