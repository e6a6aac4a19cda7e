/**
 * Canary moves on a stable/canary Deployment pair behind one Service: step up the ladder, step
 * back, promote (canary 100%), abort (canary 0%). The total stays constant; the side that grows is
 * scaled first and must be available before the other side shrinks, so serving capacity never drops.
 */
import { DEFAULT_CANARY_STEPS, canarySplit, nextCanaryStep, previousCanaryStep, type CanarySplit } from '../model/index.js';
import type { DeploymentView, ReleaseView } from '../derive/derive.js';
import { checkGate } from './gate.js';
import { requireRelease, type PlanInput } from './state.js';
import { deploymentRef, replicasPatch } from './steps.js';
import type { ActionName, Plan, Step, UndoSpec, WaitStep } from './types.js';
import { refuse } from './types.js';

export type CanaryMove = 'step' | 'back' | 'promote' | 'abort';

/** On the canary Deployment: its own ladder, e.g. `"10,30,50,100"`. */
export const CANARY_STEPS_ANNOTATION = 'cutover.io/canary-steps';
/** Used for waits when the Deployment has no progressDeadlineSeconds (Kubernetes' default). */
export const DEFAULT_WAIT_MS = 600_000;

export interface CanaryOptions {
  /** The ladder in percent (--steps); else the annotation; else 10,30,50,100. */
  steps?: number[];
  /** Also wait for the shrinking side to settle at the end (--wait). */
  wait?: boolean;
  /** Reason to run although the migration gate is closed (audited by the caller). */
  override?: string;
  /** Timeout of each wait step. */
  timeoutMs?: number;
}

const ACTION: Record<CanaryMove, ActionName> = { step: 'canary-step', back: 'canary-back', promote: 'canary-promote', abort: 'canary-abort' };

/**
 * Parses a ladder like `5,25,50,100` (percent, strictly increasing, each in 1..100). Returns the
 * numbers or a message saying what is wrong.
 */
export function parseCanarySteps(text: string): number[] | string {
  const parts = text.split(',').map((s) => s.trim().replace(/%$/, ''));
  if (parts.length === 0 || parts.some((p) => p === '')) return `"${text}" is not a list of percentages like 10,30,50,100`;
  const nums = parts.map(Number);
  const bad = parts.find((p, i) => !Number.isFinite(nums[i]) || nums[i] <= 0 || nums[i] > 100 || !/^\d+(\.\d+)?$/.test(p));
  if (bad !== undefined) return `"${bad}" in "${text}" is not a percentage between 1 and 100`;
  for (let i = 1; i < nums.length; i++) if (nums[i] <= nums[i - 1]) return `"${text}" must be strictly increasing`;
  return nums;
}

export function availableWait(d: DeploymentView, replicas: number, timeoutMs: number): WaitStep {
  return {
    kind: 'wait',
    description: replicas === 0 ? `until ${d.name} has scaled down to 0` : `until ${d.name} has ${replicas} available pod${replicas === 1 ? '' : 's'}`,
    until: { type: 'deployment-available', namespace: d.namespace, name: d.name, replicas },
    timeoutMs,
  };
}

export function waitTimeout(d: DeploymentView, override?: number): number {
  if (override !== undefined) return override;
  const pds = d.deployment.spec?.progressDeadlineSeconds;
  return pds ? pds * 1000 : DEFAULT_WAIT_MS;
}

const pct = (canary: number, total: number) => (total === 0 ? 0 : Math.round((canary / total) * 100));

/** Why a Deployment cannot be scaled as part of a release move now, or undefined. */
export function notSteady(d: DeploymentView): string | undefined {
  if (d.paused) return `${d.name} is paused: resume it (cutover resume ${d.name}) or wait for whoever paused it`;
  if (d.status.failed) return `${d.name} has a failed rollout (${d.status.text}): fix or undo it first`;
  if (!d.status.done) return `${d.name} is mid-rollout (${d.status.text}): wait until it finishes`;
  return undefined;
}

/** The ladder for a release: the explicit list, else the canary's annotation, else the default. */
export function canaryLadder(canary: DeploymentView, explicit?: number[]): { steps: number[]; source: string } | { error: string } {
  if (explicit?.length) return { steps: explicit, source: '--steps' };
  const raw = canary.deployment.metadata?.annotations?.[CANARY_STEPS_ANNOTATION];
  if (raw !== undefined) {
    const parsed = parseCanarySteps(raw);
    if (typeof parsed === 'string') return { error: `the ${CANARY_STEPS_ANNOTATION} annotation on ${canary.name} is invalid: ${parsed}` };
    return { steps: parsed, source: `annotation ${CANARY_STEPS_ANNOTATION} on ${canary.name}` };
  }
  return { steps: [...DEFAULT_CANARY_STEPS], source: 'default' };
}

function roundingNote(total: number, split: CanarySplit): string {
  const exact = (total * split.percent) / 100;
  const shown = Number.isInteger(exact) ? String(exact) : `${+exact.toFixed(2)} -> ${split.canary}`;
  const floor = split.percent > 0 && Math.round(exact) === 0 ? ' (a non-zero step keeps at least one canary pod)' : '';
  return `${split.percent}% of ${total} = ${shown} canary${floor}, ${split.stable} stable`;
}

/** Plans one canary move of `release`. */
export function planCanary(input: PlanInput, release: ReleaseView, move: CanaryMove, opts: CanaryOptions = {}): Plan {
  const base = { action: ACTION[move], title: `canary ${release.name}: ${move}`, namespace: input.namespace, subject: release.name };
  if (release.release.kind !== 'canary') {
    return refuse(base, `${release.name} is a ${release.release.kind === 'bluegreen' ? 'blue-green' : 'plain rolling'} release, not a canary (a canary is a *-canary or track=canary Deployment next to a stable one behind one Service)`);
  }
  const [stable, canary] = release.deployments;
  const ladder = canaryLadder(canary, opts.steps);
  if ('error' in ladder) return refuse(base, ladder.error);
  const s0 = stable.desired;
  const c0 = canary.desired;
  const total = s0 + c0;
  if (total === 0) return refuse(base, `${stable.name} and ${canary.name} both have 0 replicas: scale ${stable.name} up first`);

  let split: CanarySplit | undefined;
  switch (move) {
    case 'step':
      split = nextCanaryStep(s0, c0, ladder.steps);
      if (!split) return refuse(base, `already at the last step (canary ${pct(c0, total)}%: ${c0} canary, ${s0} stable); nothing to step`);
      break;
    case 'back':
      split = previousCanaryStep(s0, c0, ladder.steps);
      if (!split) {
        return refuse(base, c0 === 0 ? `the canary already has 0 replicas; nothing to step back` : `already at the first step (canary ${pct(c0, total)}%: ${c0} canary, ${s0} stable): use abort to take the canary to 0%`);
      }
      break;
    case 'promote':
      split = canarySplit(total, 100);
      if (c0 === total) return refuse(base, `already promoted (canary 100%: ${c0} canary, 0 stable)`);
      break;
    case 'abort':
      split = canarySplit(total, 0);
      if (c0 === 0) return refuse(base, `the canary already has 0 replicas (stable ${s0}); nothing to abort`);
      break;
  }
  return planCanarySplit(input, release, { stable: split.stable, canary: split.canary }, { ...opts, action: ACTION[move], percent: split.percent, ladder });
}

export interface SplitOptions extends CanaryOptions {
  action: ActionName;
  /** The step's nominal percent, for the title and the rounding note. */
  percent?: number;
  ladder?: { steps: number[]; source: string };
}

/**
 * Plans moving a canary release to exactly `to` replicas (both sides). Used by planCanary and to
 * re-plan an undo (`UndoSpec.args.to`).
 */
export function planCanarySplit(input: PlanInput, release: ReleaseView, to: { stable: number; canary: number }, opts: SplitOptions): Plan {
  const base = { action: opts.action, title: `canary ${release.name}`, namespace: input.namespace, subject: release.name };
  if (release.release.kind !== 'canary') return refuse(base, `${release.name} is not a canary release`);
  const [stable, canary] = release.deployments;
  const s0 = stable.desired;
  const c0 = canary.desired;
  const total = s0 + c0;
  const fromPct = pct(c0, total);
  const toPct = opts.percent ?? pct(to.canary, to.stable + to.canary);
  const title = `canary ${release.name}: ${fromPct}% -> ${toPct}% (stable ${s0} -> ${to.stable}, canary ${c0} -> ${to.canary})`;
  base.title = title;
  if (to.stable + to.canary !== total) return refuse(base, `the move must keep the total of ${total} replicas (asked for ${to.stable} + ${to.canary})`);
  if (to.canary === c0) return refuse(base, `already there: ${c0} canary, ${s0} stable`);

  for (const d of [stable, canary]) {
    const why = notSteady(d);
    if (why) return refuse(base, why);
  }

  const notes: string[] = [];
  const growsCanary = to.canary > c0;
  if (growsCanary) {
    const gate = checkGate(input, release, canary.images[0] ?? '', opts.override);
    if ('refusal' in gate) return refuse(base, gate.refusal);
    notes.push(...gate.notes);
  }

  if (opts.percent !== undefined) notes.push(roundingNote(total, { stable: to.stable, canary: to.canary, percent: opts.percent }));
  const grow = growsCanary ? canary : stable;
  const shrink = growsCanary ? stable : canary;
  const growTo = growsCanary ? to.canary : to.stable;
  const shrinkTo = growsCanary ? to.stable : to.canary;
  notes.push(`zero downtime: ${grow.name} grows to ${growTo} and must have ${growTo} available pods before ${shrink.name} shrinks to ${shrinkTo}`);
  notes.push(`traffic follows ready endpoints: about ${pct(to.canary, total)}% to the canary once both sides settle`);
  if (opts.ladder) {
    const after = nextCanaryStep(to.stable, to.canary, opts.ladder.steps);
    const ladderText = `steps ${opts.ladder.steps.join(',')}% (${opts.ladder.source})`;
    notes.push(after ? `${ladderText}; next step: ${after.percent}% (${after.canary} canary, ${after.stable} stable)` : `${ladderText}; this is the last step`);
  }
  if (opts.action === 'canary-promote') {
    notes.push(`promote only moves replicas: ${stable.name} keeps its template (${stable.images.join(', ') || 'no image'}) at 0 replicas; set its image to the canary's later if it should become the new stable`);
  }

  const steps: Step[] = [
    replicasPatch(deploymentRef(grow), grow.desired, growTo),
    availableWait(grow, growTo, waitTimeout(grow, opts.timeoutMs)),
    replicasPatch(deploymentRef(shrink), shrink.desired, shrinkTo),
  ];
  if (opts.wait) steps.push(availableWait(shrink, shrinkTo, waitTimeout(shrink, opts.timeoutMs)));

  const undo: UndoSpec = {
    action: growsCanary ? 'canary-back' : 'canary-step',
    args: { release: release.name, to: { stable: s0, canary: c0 } },
    expect: [
      { target: deploymentRef(stable), path: 'spec.replicas', value: to.stable },
      { target: deploymentRef(canary), path: 'spec.replicas', value: to.canary },
    ],
    description: `canary ${release.name} back to ${fromPct}% (stable ${to.stable} -> ${s0}, canary ${to.canary} -> ${c0})`,
  };
  return { action: opts.action, title, namespace: input.namespace, subject: release.name, steps, notes, undo };
}

/** Re-plans an UndoSpec made by planCanary/planCanarySplit against the state now. */
export function planCanaryUndo(input: PlanInput, undo: UndoSpec, opts: CanaryOptions = {}): Plan {
  const args = undo.args as { release: string; to: { stable: number; canary: number } };
  const release = requireRelease(input, args.release);
  return planCanarySplit(input, release, args.to, { ...opts, action: undo.action });
}
