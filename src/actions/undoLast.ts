/**
 * Undo the last action: the inverse of the newest undoable journal entry of this user on this
 * context (written by this cockpit or an earlier process), re-planned against the state now (by the
 * planner the action registry names for it) and refused when the world no longer looks the way
 * that action left it. An action that failed or was interrupted after writing is undone by putting
 * its writes back.
 */
import type { KubernetesObject } from '@kubernetes/client-node';
import type { Snapshot } from '../derive/snapshot.js';
import type { JournalEntry } from './journal.js';
import { getPath, sameValue, show } from './paths.js';
import type { PlanInput } from './state.js';
import { refuse, type ObjectRef, type PatchStep, type Plan, type Step, type UndoSpec } from './types.js';

const KIND_LISTS: Record<string, keyof Snapshot> = {
  Deployment: 'deployments',
  ReplicaSet: 'replicasets',
  Pod: 'pods',
  Service: 'services',
  EndpointSlice: 'endpointslices',
  Job: 'jobs',
  PodDisruptionBudget: 'poddisruptionbudgets',
};

function findObject(input: PlanInput, ref: ObjectRef): KubernetesObject | undefined {
  const list = KIND_LISTS[ref.kind];
  if (!list) return undefined;
  return (input.snapshot[list] as KubernetesObject[]).find((o) => o.metadata?.name === ref.name && (o.metadata?.namespace ?? ref.namespace) === ref.namespace);
}

/** The first UndoSpec expectation the state no longer meets, as a sentence; undefined when all hold. */
export function worldChanged(input: PlanInput, expect: UndoSpec['expect']): string | undefined {
  for (const e of expect) {
    const obj = findObject(input, e.target);
    if (!obj) return `${e.target.kind.toLowerCase()} ${e.target.name} no longer exists: the world changed`;
    const now = getPath(obj, e.path);
    if (!sameValue(now, e.value)) return `${e.target.name} ${e.path} is ${show(now)} now, cutover left it at ${show(e.value)}: the world changed`;
  }
  return undefined;
}

export interface UndoLastOptions {
  timeoutMs?: number;
  wait?: boolean;
}

/** What re-planning an undo knows besides the UndoSpec: which entry it undoes, and the wait options. */
export interface ReplanContext extends UndoLastOptions {
  entryId: number;
}

/** The planner of an UndoSpec's action (the action registry), or undefined when none can re-plan it. */
export type Replan = (input: PlanInput, undo: UndoSpec, ctx: ReplanContext) => Plan | undefined;

/**
 * Re-plans the inverse of a journal entry against the state now. The plan carries no UndoSpec of
 * its own: pressing undo again goes one entry further back, not forth.
 */
export function planUndoLastAction(input: PlanInput, entry: JournalEntry | undefined, replan: Replan, opts: UndoLastOptions = {}): Plan {
  const b = { action: 'undo-action' as const, namespace: input.namespace, subject: entry?.subject ?? '', title: entry ? `undo #${entry.id}: ${entry.title}` : 'undo' };
  if (!entry) return refuse(b, 'nothing to undo: the journal holds no undoable change by this user on this context');
  if (entry.undone) return refuse(b, `#${entry.id} (${entry.title}) was already undone`);
  // A failed or interrupted entry is undone only by putting its writes back (its journal undo).
  const restorable = entry.ok || entry.undo?.action === 'undo-action';
  if (entry.dryRun || !entry.undo || !restorable) return refuse(b, `#${entry.id} (${entry.title}) cannot be undone: ${entry.dryRun ? 'it was a dry run' : !entry.ok ? 'it failed before writing anything cutover can put back' : 'it has no inverse'}`);
  if (entry.namespace !== input.namespace) return refuse(b, `#${entry.id} (${entry.title}) was in namespace ${entry.namespace}, this cockpit shows ${input.namespace}: :ns ${entry.namespace}, then u`);
  const undo = entry.undo;
  const changed = worldChanged(input, undo.expect);
  if (changed) return refuse(b, changed);
  const inner = replan(input, undo, { ...opts, entryId: entry.id });
  if (!inner) return refuse(b, `cutover cannot re-plan the undo of a ${undo.action} here: ${undo.description}`);
  const steps: Step[] = inner.steps.map((s) => (s.kind === 'patch' ? withUndoExpect(s, undo.expect) : s));
  return {
    ...b,
    title: `undo #${entry.id}: ${undo.description}`,
    steps,
    notes: [`re-planned against the state now (${entry.title} at ${entry.at})`, ...inner.notes],
    ...(inner.refusal ? { refusal: inner.refusal } : {}),
  };
}

/** Adds the UndoSpec expectations on a step's target, so the write re-checks them on a fresh read. */
function withUndoExpect(step: PatchStep, expect: UndoSpec['expect']): PatchStep {
  const extra = expect.filter((e) => sameRef(e.target, step.target) && !step.expect.some((x) => x.path === e.path)).map((e) => ({ path: e.path, value: e.value }));
  return extra.length ? { ...step, expect: [...step.expect, ...extra] } : step;
}

const sameRef = (a: ObjectRef, b: ObjectRef) => a.kind === b.kind && a.name === b.name && a.namespace === b.namespace && a.apiVersion === b.apiVersion;
