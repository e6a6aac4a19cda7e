/**
 * Blue-green: flip the Service's selector to the idle colour (after checking that colour can take
 * all the traffic), wait for the endpoints to move; and scale the idle colour as its own action.
 */
import { formatEqualitySelector, type BlueGreenRelease } from '../model/index.js';
import type { DeploymentView, ReleaseView } from '../derive/derive.js';
import { availableWait, notSteady, waitTimeout } from './canary.js';
import { checkGate } from './gate.js';
import { replicasProblem } from './parse.js';
import { requireRelease, type PlanInput } from './state.js';
import { deploymentRef, replicasPatch, serviceRef } from './steps.js';
import type { PatchStep, Plan, Step, UndoSpec, WaitStep } from './types.js';
import { refuse } from './types.js';

export interface FlipOptions {
  /** Reason to flip although the migration gate is closed (audited by the caller). */
  override?: string;
  timeoutMs?: number;
  /**
   * After the endpoints moved, also scale the colour that was live to this many replicas (a
   * second write; `--scale-old N`). Undefined: it keeps its replicas as the instant way back.
   */
  scaleOldTo?: number;
  /** With scaleOldTo: also wait until the old colour has settled. */
  wait?: boolean;
}

/** Why `target` cannot take over all of `live`'s traffic now, with the numbers; or undefined. */
export function flipPreflight(target: DeploymentView, live: DeploymentView): string | undefined {
  if (target.paused) return `${target.name} is paused: resume it and let it finish before flipping`;
  if (target.desired === 0) return `${target.name} has 0 replicas: scale it up first (S in the cockpit, or cutover scale-idle RELEASE ${Math.max(live.desired, 1)}) and wait until it is available`;
  const numbers = `${target.available}/${target.desired} available, ${target.updated}/${target.desired} updated, ${target.ready} ready`;
  if (target.status.failed) return `${target.name} has a failed rollout (${target.status.text}); ${numbers}`;
  if (!target.status.done) return `${target.name} has not finished rolling out (${target.status.text}); ${numbers}`;
  if (target.updated !== target.desired || target.available !== target.desired) return `${target.name} is not fully rolled out: ${numbers}`;
  if (target.ready < live.ready) {
    return `${target.name} has ${target.ready} ready pods, fewer than the ${live.ready} of ${live.name} (live): scale it to at least ${live.ready} first`;
  }
  return undefined;
}

function selectorPatch(ns: string, service: string, before: Record<string, string>, after: Record<string, string>, key: string): PatchStep {
  const step = (from: Record<string, string>, to: Record<string, string>): PatchStep => ({
    kind: 'patch',
    target: serviceRef(ns, service),
    strategy: 'merge',
    patch: { spec: { selector: { ...to } } },
    expect: [{ path: 'spec.selector', value: { ...from } }],
    changes: [{ field: `spec.selector.${key}`, before: from[key] ?? '(unset)', after: to[key] ?? '(unset)' }],
  });
  return { ...step(before, after), inverse: step(after, before) };
}

export function endpointsWait(ns: string, service: string, selector: Record<string, string>, timeoutMs: number): WaitStep {
  return {
    kind: 'wait',
    description: `until every ready endpoint of ${service} is a ${formatEqualitySelector(selector)} pod`,
    until: { type: 'endpoints-switched', namespace: ns, service, selector: { ...selector } },
    timeoutMs,
  };
}

/** The flip of a blue-green release toward its idle colour (run it again to flip back). */
export function planFlip(input: PlanInput, release: ReleaseView, opts: FlipOptions = {}): Plan {
  const base = { action: 'flip' as const, title: `flip ${release.name}`, namespace: input.namespace, subject: release.name };
  if (release.release.kind !== 'bluegreen') {
    return refuse(base, `${release.name} is a ${release.release.kind} release, not blue-green (a blue-green release is two Deployments that differ in one label, with a Service selecting one of them by it)`);
  }
  const bg = release.release;
  const [live, idle] = release.deployments;
  const service = release.service;
  const selector = { ...(service?.spec?.selector ?? {}) };
  const title = `flip ${release.name}: ${bg.liveValue} -> ${bg.idleValue} (${live.name} -> ${idle.name})`;
  base.title = title;
  if (!service) return refuse(base, `the Service ${bg.service} is gone`);
  if (selector[bg.switchKey] !== bg.liveValue) return refuse(base, `the Service ${bg.service} no longer selects ${bg.switchKey}=${bg.liveValue}; reload and try again`);

  const why = flipPreflight(idle, live);
  if (why) return refuse(base, `${why}; nothing was changed`);
  if (opts.scaleOldTo !== undefined) {
    const bad = replicasProblem(opts.scaleOldTo);
    if (bad) return refuse(base, `cannot scale ${live.name}: ${bad}`);
    const liveWhy = notSteady(live);
    if (liveWhy) return refuse(base, liveWhy);
  }

  const gate = checkGate(input, release, idle.images[0] ?? '', opts.override);
  if ('refusal' in gate) return refuse(base, gate.refusal);
  const notes = [...gate.notes];

  const after = { ...selector, [bg.switchKey]: bg.idleValue };
  const timeout = waitTimeout(idle, opts.timeoutMs);
  const steps: Step[] = [selectorPatch(input.namespace, service.metadata!.name!, selector, after, bg.switchKey), endpointsWait(input.namespace, service.metadata!.name!, after, timeout)];
  notes.push(`${idle.name}: ${idle.available}/${idle.desired} available, ${idle.ready} ready (live ${live.name}: ${live.ready} ready)`);
  notes.push(`Service ${service.metadata!.name} selector ${formatEqualitySelector(selector)} -> ${formatEqualitySelector(after)}`);
  if (opts.scaleOldTo !== undefined && opts.scaleOldTo !== live.desired) {
    steps.push(replicasPatch(deploymentRef(live), live.desired, opts.scaleOldTo));
    if (opts.wait) steps.push(availableWait(live, opts.scaleOldTo, waitTimeout(live, opts.timeoutMs)));
    notes.push(`after the endpoints moved, ${live.name} is scaled ${live.desired} -> ${opts.scaleOldTo}`);
  } else {
    notes.push(`${live.name} keeps its ${live.desired} replicas: flip again for an instant way back; scale it with S in the cockpit (or cutover scale-idle ${release.name} N)`);
  }

  const undo: UndoSpec = {
    action: 'flip',
    args: { release: release.name },
    expect: [{ target: serviceRef(input.namespace, service.metadata!.name!), path: 'spec.selector', value: after }],
    description: `flip ${release.name} back: ${bg.idleValue} -> ${bg.liveValue}`,
  };
  return { action: 'flip', title, namespace: input.namespace, subject: release.name, steps, notes, undo };
}

export interface ScaleIdleOptions {
  wait?: boolean;
  timeoutMs?: number;
  /** The Deployment the user named or pointed at; naming the live colour is refused. */
  side?: string;
}

/** Scales the idle colour of a blue-green release (down to save capacity, or back up before a flip). */
export function planScaleIdle(input: PlanInput, release: ReleaseView, replicas: number, opts: ScaleIdleOptions = {}): Plan {
  const base = { action: 'scale-idle' as const, title: `scale idle of ${release.name} to ${replicas}`, namespace: input.namespace, subject: release.name };
  if (release.release.kind !== 'bluegreen') return refuse(base, `${release.name} is a ${release.release.kind} release, not blue-green; use cutover scale for a plain Deployment`);
  const bad = replicasProblem(replicas);
  if (bad) return refuse(base, bad);
  const bg = release.release as BlueGreenRelease;
  const [live, idle] = release.deployments;
  if (opts.side === live.name) {
    return refuse(base, `${live.name} is the LIVE colour (Service ${bg.service} selects ${bg.switchKey}=${bg.liveValue}); scale-idle only scales the idle colour ${idle.name}: flip first`);
  }
  const title = `scale ${idle.name} (idle ${bg.idleValue} of ${release.name}): replicas ${idle.desired} -> ${replicas}`;
  base.title = title;
  if (replicas === idle.desired) return refuse(base, `${idle.name} already has ${replicas} replicas`);
  if (idle.paused) return refuse(base, `${idle.name} is paused: resume it first`);

  const steps: Step[] = [];
  const notes: string[] = [];
  const down = replicas < idle.desired;
  if (down) {
    // The idle colour must really be idle when it shrinks: every ready endpoint on the live colour.
    const selector = { ...(release.service?.spec?.selector ?? {}) };
    steps.push({ ...endpointsWait(input.namespace, bg.service, selector, Math.min(waitTimeout(idle, opts.timeoutMs), 30_000)), description: `check: ${bg.service} sends traffic only to ${formatEqualitySelector(selector)} pods` });
    notes.push(`${idle.name} gets no traffic (Service ${bg.service} selects ${bg.switchKey}=${bg.liveValue}); after scaling down, flipping back needs it scaled up and available again`);
  } else {
    notes.push(`${idle.name} gets no traffic while idle; the flip checks it is fully available with at least ${live.ready} ready pods`);
  }
  steps.push(replicasPatch(deploymentRef(idle), idle.desired, replicas));
  if (opts.wait) steps.push(availableWait(idle, replicas, waitTimeout(idle, opts.timeoutMs)));
  const undo: UndoSpec = {
    action: 'scale-idle',
    args: { release: release.name, replicas: idle.desired },
    expect: [{ target: deploymentRef(idle), path: 'spec.replicas', value: replicas }],
    description: `scale ${idle.name} back to ${idle.desired}`,
  };
  return { action: 'scale-idle', title, namespace: input.namespace, subject: release.name, steps, notes, undo };
}

/** Re-plans an UndoSpec made by planFlip or planScaleIdle against the state now. */
export function planFlipUndo(input: PlanInput, undo: UndoSpec, opts: FlipOptions & ScaleIdleOptions = {}): Plan {
  const args = undo.args as { release: string; replicas?: number };
  const release = requireRelease(input, args.release);
  if (undo.action === 'scale-idle') return planScaleIdle(input, release, args.replicas ?? 0, opts);
  return planFlip(input, release, opts);
}

