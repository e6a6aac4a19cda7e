/** `cutover status` output: the cockpit's view model as plain text or JSON, and its exit code. Pure. */
import type { DeploymentView, ReleaseView, ViewModel } from '../derive/derive.js';
import { formatIntOrPercent } from '../model/index.js';

export interface ReportOptions {
  /** Show the namespace column (all namespaces). */
  namespaces: boolean;
  /** Only releases containing this Deployment (or named so). */
  only?: string;
  /** -o wide: also the images and the Service of each release. */
  wide?: boolean;
}

export function selectReleases(view: ViewModel, only?: string): ReleaseView[] {
  if (!only) return view.releases;
  return view.releases.filter((r) => r.name === only || r.deployments.some((d) => d.name === only));
}

/**
 * The exit code for the releases asked about: 1 when a name matches nothing or a release's verdict
 * is a failure (a rollout past its deadline, no ready endpoints, an outage in its record), as
 * `kubectl rollout status` exits 1 on a deadline; 0 otherwise. Without a name: 0 (a listing).
 */
export function statusExitCode(view: ViewModel, only?: string): number {
  if (!only) return 0;
  const releases = selectReleases(view, only);
  return releases.length === 0 || releases.some(releaseFailed) ? 1 : 0;
}

export const releaseFailed = (r: ReleaseView): boolean => r.verdict.level === 'fail';

const revisionText = (d: DeploymentView) => {
  const { fromRevision, toRevision } = d.replicaSets;
  if (toRevision === undefined) return '-';
  return fromRevision !== undefined && fromRevision !== toRevision ? `${fromRevision}->${toRevision}` : String(toRevision);
};

const gaugeText = (g: { used: number; limit: number; level: string }) => `${g.used}/${g.limit}${g.level === 'over' ? ' OVER' : g.level === 'at' ? ' AT' : ''}`;

export function formatReport(view: ViewModel, opts: ReportOptions): string {
  const releases = selectReleases(view, opts.only);
  if (releases.length === 0) return opts.only ? `no release or Deployment named "${opts.only}"\n` : 'no Deployments found\n';
  const header = [...(opts.namespaces ? ['NAMESPACE'] : []), 'RELEASE', 'DEPLOYMENT', 'REV', 'DESIRED', 'UPDATED', 'READY', 'AVAILABLE', 'SURGE', 'UNAVAIL', 'TRAFFIC', 'VERDICT', 'STATUS', ...(opts.wide ? ['SERVICE', 'IMAGES'] : [])];
  const rows: string[][] = [];
  for (const r of releases) {
    for (const d of r.deployments) {
      rows.push([
        ...(opts.namespaces ? [r.namespace] : []),
        `${r.name}${r.release.kind === 'rolling' ? '' : ` (${r.release.kind})`}`,
        d.name,
        revisionText(d),
        String(d.desired),
        String(d.updated),
        String(d.ready),
        String(d.available),
        gaugeText(d.gauges.surge),
        gaugeText(d.gauges.unavailable),
        trafficOf(r, d),
        r.verdict.text,
        d.status.text,
        ...(opts.wide ? [r.release.service ?? '-', d.images.join(',')] : []),
      ]);
    }
  }
  let out = table(header, rows);
  if (opts.only) {
    for (const r of releases) for (const d of r.deployments) out += '\n' + detail(d);
  } else {
    const problems = releases.flatMap((r) => r.deployments.flatMap((d) => d.checklist.filter((c) => c.level === 'fail').map((c) => `  ${d.namespace}/${d.name}: ${c.title}: ${c.why}`)));
    if (problems.length) out += `\nzero-downtime checklist failures:\n${problems.join('\n')}\n`;
  }
  return out;
}

function trafficOf(r: ReleaseView, d: DeploymentView): string {
  const t = r.traffic?.byDeployment.find((x) => x.deployment === d.name);
  if (r.release.kind === 'bluegreen') return r.release.live === d.name ? 'live' : 'idle';
  if (!t) return r.traffic ? '0%' : '-';
  return `${Math.round(t.share * 100)}%`;
}

function detail(d: DeploymentView): string {
  const b = d.usage.budget;
  const lines = [`${d.namespace}/${d.name}: ${d.images.join(', ')}`];
  if (b.ok) {
    lines.push(`  maxSurge ${formatIntOrPercent(b.surgeSpec)} -> ${b.maxSurge} pods, maxUnavailable ${formatIntOrPercent(b.unavailableSpec)} -> ${b.maxUnavailable} pods (min available ${b.minAvailable}, max total ${b.maxTotal})`);
  } else lines.push(`  strategy: ${b.error}`);
  lines.push(`  availability: ${d.availability.text}${d.availability.minAvailable ? ` (lowest available ${d.availability.minAvailable.value})` : ''}`);
  for (const c of d.conditions) lines.push(`  condition ${c.type}=${c.status} ${c.reason ?? ''}: ${c.message ?? ''}`);
  for (const p of d.pdbs) lines.push(`  pdb ${p.name}: ${p.rule}, disruptions allowed ${p.disruptionsAllowed}`);
  lines.push('  checklist:');
  for (const c of d.checklist) lines.push(`    [${c.level.toUpperCase()}] ${c.title}: ${c.why}${c.fix ? ` Fix: ${c.fix}` : ''}`);
  return lines.join('\n') + '\n';
}

export function reportJson(view: ViewModel, only?: string): unknown {
  return {
    releases: selectReleases(view, only).map((r) => ({
      namespace: r.namespace,
      name: r.name,
      kind: r.release.kind,
      service: r.release.service ?? null,
      traffic: r.traffic ? r.traffic.byDeployment.map((t) => ({ deployment: t.deployment, ready: t.ready, share: t.share })) : null,
      trafficText: r.trafficText,
      phase: r.phase,
      trafficState: r.trafficState ?? null,
      verdict: r.verdict,
      failed: releaseFailed(r),
      counts: r.counts,
      idle: r.idle ?? null,
      deployments: r.deployments.map((d) => ({
        name: d.name,
        images: d.images,
        revision: { from: d.replicaSets.fromRevision ?? null, to: d.replicaSets.toRevision ?? null },
        desired: d.desired,
        updated: d.updated,
        ready: d.ready,
        available: d.available,
        paused: d.paused,
        phase: d.phase,
        serving: d.serving,
        surge: d.gauges.surge,
        unavailable: d.gauges.unavailable,
        rolloutStatus: d.status,
        availability: { verdict: d.availability.verdict, text: d.availability.text, minAvailable: d.availability.minAvailable?.value ?? null, watchedSince: d.watchedSince ?? null },
        checklist: d.checklist.map((c) => ({ id: c.id, level: c.level, title: c.title, why: c.why, fix: c.fix })),
        pdbs: d.pdbs,
      })),
    })),
  };
}

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]))).join('  ').trimEnd();
  return [line(header), ...rows.map(line)].join('\n') + '\n';
}

/** `-o name`: the Deployments of the selected releases, as kubectl names them. */
export function reportNames(view: ViewModel, only?: string): string[] {
  return selectReleases(view, only).flatMap((r) => r.deployments.map((d) => `deployment.apps/${d.name}`));
}
