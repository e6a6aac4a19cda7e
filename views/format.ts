/** Small text formatters shared by the screens. Pure. */
import type { Budget } from '../src/model/budget.js';
import type { ReleaseKind } from '../src/model/releases.js';
import type { DeploymentView, ReleaseView } from '../src/derive/derive.js';

/**
 * How a budget limit was resolved: `25% of 10, rounded up`, `0`, `Recreate`. Surge rounds up and
 * unavailable down, as the Deployment controller does.
 */
export function budgetSpec(budget: Budget, which: 'surge' | 'unavailable'): string {
  if (!budget.ok) return `invalid: ${budget.error}`;
  if (budget.strategy === 'Recreate') return 'Recreate: no surge, all down';
  const spec = which === 'surge' ? budget.surgeSpec : budget.unavailableSpec;
  const limit = which === 'surge' ? budget.maxSurge : budget.maxUnavailable;
  if (spec.endsWith('%')) {
    const base = `${spec} of ${budget.desired}, rounded ${which === 'surge' ? 'up' : 'down'}`;
    if (which === 'unavailable' && limit === 1 && budget.maxSurge === 0) return `${base}; 1 since surge is 0`;
    return base;
  }
  if (which === 'unavailable' && String(limit) !== spec) {
    return limit === 1 && budget.maxSurge === 0 ? `${spec}; 1 since surge is 0` : `${spec}, capped at ${limit}`;
  }
  return spec;
}

const WAITING = /^Waiting for deployment "[^"]*" rollout to finish: (.*?)\.*$/;

/** The rollout status without the `Waiting for deployment "x" rollout to finish:` preamble. */
export function shortStatus(text: string): string {
  const m = WAITING.exec(text);
  if (m) return m[1];
  if (/successfully rolled out$/.test(text)) return 'rolled out';
  if (/exceeded its progress deadline$/.test(text)) return 'progress deadline exceeded';
  if (text === 'Waiting for deployment spec update to be observed...') return 'spec update not observed yet';
  return text;
}

/** `3 -> 4` while moving, `4` when settled, `-` before any ReplicaSet. */
export function revisionText(d: DeploymentView): string {
  const to = d.replicaSets.toRevision;
  const from = d.replicaSets.fromRevision;
  if (to === undefined) return from === undefined ? '-' : `${from} -> ?`;
  return from !== undefined && from !== to ? `${from} -> ${to}` : String(to);
}

export const KIND_MARK: Record<ReleaseKind, string> = { rolling: '', canary: ' [canary]', bluegreen: ' [b/g]' };
export const KIND_WORD: Record<ReleaseKind, string> = { rolling: 'rolling', canary: 'canary', bluegreen: 'blue-green' };

export function countsText(d: DeploymentView): string {
  return `${d.desired}/${d.updated}/${d.ready}/${d.available}`;
}

/** The role of a Deployment inside its release: stable/canary, live/idle. */
export function roleOf(r: ReleaseView, name: string): string {
  const rel = r.release;
  if (rel.kind === 'canary') return name === rel.canary ? 'canary' : 'stable';
  if (rel.kind === 'bluegreen') return name === rel.live ? `live ${rel.liveValue}` : `idle ${rel.idleValue}`;
  return 'rolling';
}
