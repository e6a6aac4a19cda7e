/** Small text formatters shared by the screens. Pure. */
import type { Budget } from '../src/model/budget.js';
import type { ReleaseKind } from '../src/model/releases.js';
import type { DeploymentPhase } from '../src/model/releaseState.js';
import type { DeploymentView, DriverView, ReleaseCounts, ReleaseView } from '../src/derive/derive.js';
import { clockTime } from '../src/model/verdict.js';
import { GAUGE_TONE, GAUGE_WORD, type Tone } from './theme.js';

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

/** Desired/updated/ready/available: a Deployment's, or a release's (see ReleaseView.counts). */
export function countsText(c: ReleaseCounts): string {
  return `${c.desired}/${c.updated}/${c.ready}/${c.available}`;
}

/** The IDLE cell of a blue-green row: the idle colour's readiness beside the live colour's numbers. */
export function idleCell(r: ReleaseView): string {
  return r.idle ? `${r.idle.colour} ${r.idle.ready}/${r.idle.desired}` : '-';
}

/** Short words for the phases in which a gauge is not held to its limit. */
const PHASE_NOTE: Partial<Record<DeploymentPhase, string>> = { creating: 'creating', scaling: 'scaling', recreating: 'Recreate', paused: 'paused' };

/**
 * A release row's SURGE or UNAVAIL cell. A gauge is held to its limit only while a rollout moves;
 * otherwise a scale or a creation shows its own progress (available of desired), never OVER.
 */
export function gaugeCell(r: ReleaseView, which: 'surge' | 'unavailable'): { text: string; tone: Tone } {
  if (r.syncing) return { text: 'syncing', tone: 'muted' };
  const d = r.primary;
  const g = d.gauges[which];
  if (g.judged || g.used === 0) return { text: `${g.used}/${g.limit} ${GAUGE_WORD[g.level]}`, tone: GAUGE_TONE[g.level] };
  const note = PHASE_NOTE[d.phase];
  if (which === 'unavailable' && note && d.serving) return { text: `${note} ${d.usage.available}/${d.desired}`, tone: d.phase === 'recreating' ? 'warn' : 'busy' };
  return { text: `${g.used}/${g.limit}`, tone: 'muted' };
}

/** Why a Deployment's gauge is not held to its limit right now (undefined when it is, or nothing is used). */
export function gaugeNote(d: DeploymentView, which: 'surge' | 'unavailable'): string | undefined {
  const g = d.gauges[which];
  if (g.judged || g.used === 0) return undefined;
  if (!d.serving) return 'idle colour, not judged';
  return `${PHASE_NOTE[d.phase] ?? d.phase}, not judged`;
}

/** The role of a Deployment inside its release: stable/canary, live/idle. */
export function roleOf(r: ReleaseView, name: string): string {
  const rel = r.release;
  if (rel.kind === 'canary') return name === rel.canary ? 'canary' : 'stable';
  if (rel.kind === 'bluegreen') return name === rel.live ? `live ${rel.liveValue}` : `idle ${rel.idleValue}`;
  return 'rolling';
}

/** The live driver of a release at `now` (the lock may have run out since the last flush). */
export function liveDriver(r: ReleaseView, now: number): DriverView | undefined {
  const d = r.driver;
  return d && (!d.expiresAt || d.expiresAt.getTime() > now) ? d : undefined;
}

/** `driven by alice@host since 14:02`; '' when nobody drives. */
export function driverText(r: ReleaseView, now: number): string {
  const d = liveDriver(r, now);
  return d ? `driven by ${d.holder}${d.since ? ` since ${clockTime(d.since.getTime()).slice(0, 5)}` : ''}` : '';
}

/** `pending: canary shop: 10% -> 30% fires in 4 s (alice@host; Esc in their cockpit cancels)`; '' when none. */
export function pendingText(r: ReleaseView, now: number): string {
  const p = liveDriver(r, now)?.pending;
  if (!p) return '';
  const left = Math.ceil((Date.parse(p.fireAt) - now) / 1000);
  return `pending: ${p.title} ${left > 0 ? `fires in ${left} s` : 'firing'} (${p.by})`;
}
