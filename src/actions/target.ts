/**
 * Which Deployment of a release a Deployment-level action (pause, restart, set image, scale,
 * rollout undo) acts on. One rule, for the keys, their footer hint, the prompts and the CLI:
 * the side the user chose (the detail view's pod cursor, a Deployment named on the command line);
 * else a rolling release's Deployment, a canary pair's canary, a blue-green pair's idle colour.
 * Touching the side that serves the traffic (the live colour, the stable side) is never a default.
 */
import type { DeploymentView, ReleaseView } from '../derive/derive.js';

export type Role = 'only' | 'stable' | 'canary' | 'live' | 'idle';

export interface Target {
  deployment: DeploymentView;
  role: Role;
  /** Chosen by the user rather than the default. */
  chosen: boolean;
}

export function roleOf(release: ReleaseView, name: string): Role {
  const r = release.release;
  if (r.kind === 'canary') return name === r.canary ? 'canary' : 'stable';
  if (r.kind === 'bluegreen') return name === r.live ? 'live' : 'idle';
  return 'only';
}

function defaultName(release: ReleaseView): string {
  const r = release.release;
  return r.kind === 'canary' ? r.canary : r.kind === 'bluegreen' ? r.idle : r.deployment;
}

/** The Deployment an action on `release` acts on; `side` names one of its Deployments when chosen. */
export function actionTarget(release: ReleaseView, side?: string): Target {
  const chosen = side === undefined ? undefined : release.deployments.find((d) => d.name === side);
  const deployment = chosen ?? release.deployments.find((d) => d.name === defaultName(release)) ?? release.primary;
  return { deployment, role: roleOf(release, deployment.name), chosen: chosen !== undefined };
}

/** `pay-green (idle)`: the target as the footer and the prompts name it. */
export function targetLabel(t: Target): string {
  return t.role === 'only' ? t.deployment.name : `${t.deployment.name} (${t.role === 'live' ? 'LIVE' : t.role})`;
}

/** What acting on this side of a pair means, in words, for the plan's notes; undefined for a single Deployment. */
export function targetNote(release: ReleaseView, name: string): string | undefined {
  const r = release.release;
  switch (roleOf(release, name)) {
    case 'live':
      return r.kind === 'bluegreen'
        ? `${name} is the LIVE colour of ${r.name}: Service ${r.service} sends it all the traffic now; this acts on live traffic (the default target is the idle colour ${r.idle})`
        : undefined;
    case 'idle':
      return r.kind === 'bluegreen' ? `${name} is the idle colour of ${r.name}: it gets no traffic until a flip` : undefined;
    case 'stable':
      return r.kind === 'canary' ? `${name} is the STABLE side of canary ${r.name}: it serves most of the traffic now (the default target is the canary ${r.canary})` : undefined;
    case 'canary':
      return r.kind === 'canary' ? `${name} is the canary of ${r.name}` : undefined;
    case 'only':
      return undefined;
  }
}
