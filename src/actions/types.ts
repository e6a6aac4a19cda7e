/**
 * Every release action has one shape: a pure plan (the exact objects and fields that will change,
 * before -> after), then an execution that sends exactly that, then a journal entry and an audit.
 */
import type { KubernetesObject } from '@kubernetes/client-node';

export type ActionName =
  | 'canary-step'
  | 'canary-back'
  | 'canary-promote'
  | 'canary-abort'
  | 'flip'
  | 'scale-idle'
  | 'migrate'
  | 'pause'
  | 'resume'
  | 'restart'
  | 'set-image'
  | 'scale'
  | 'undo-revision'
  | 'undo-action';

export interface ObjectRef {
  apiVersion: string;
  kind: string;
  namespace: string;
  name: string;
}

/** One field as the confirm dialog shows it. */
export interface FieldChange {
  field: string;
  before: string;
  after: string;
}

/** A field that must still hold on a fresh read before writing (dotted path into the object). */
export interface Expectation {
  path: string;
  value: unknown;
}

/** One RFC 6902 operation, for `strategy: 'json'` (kubectl rollout undo sends these). */
export interface JsonPatchOp {
  op: 'add' | 'remove' | 'replace' | 'test';
  path: string;
  value?: unknown;
}

export interface PatchStep {
  kind: 'patch';
  target: ObjectRef;
  strategy: 'merge' | 'strategic' | 'json';
  /** The patch body, without metadata.resourceVersion (added from the fresh read). Empty for 'json'. */
  patch: Record<string, unknown>;
  /** For 'json': the operations; the write prepends a `test` of /metadata/resourceVersion. */
  ops?: JsonPatchOp[];
  /** Checked on a fresh read; the write then carries that read's resourceVersion. */
  expect: Expectation[];
  changes: FieldChange[];
  /** The write that puts back what this one changed. */
  inverse?: PatchStep;
}

export interface CreateStep {
  kind: 'create';
  target: ObjectRef;
  object: KubernetesObject;
  changes: FieldChange[];
}

export type WaitCondition =
  | { type: 'deployment-available'; namespace: string; name: string; replicas: number }
  | { type: 'endpoints-switched'; namespace: string; service: string; selector: Record<string, string> }
  | { type: 'job-finished'; namespace: string; name: string };

export interface WaitStep {
  kind: 'wait';
  description: string;
  until: WaitCondition;
  timeoutMs: number;
}

export type Step = PatchStep | CreateStep | WaitStep;

export interface Plan {
  action: ActionName;
  /** One line: `canary shop: 10% -> 30%`. */
  title: string;
  namespace: string;
  /** The release or Deployment the action is about. */
  subject: string;
  steps: Step[];
  /** Rounding, waits, what happens next. */
  notes: string[];
  /** Set when the action must not run; says why and what to do. */
  refusal?: string;
  /** What undoing this action later means (`u`), re-planned against the state then. */
  undo?: UndoSpec;
}

/** Enough to re-plan the inverse later: the action, and the state this plan leaves behind. */
export interface UndoSpec {
  action: ActionName;
  args: Record<string, unknown>;
  /** The state this plan leaves; undo is refused when the world no longer matches it. */
  expect: { target: ObjectRef; path: string; value: unknown }[];
  description: string;
}

export type StepOutcome =
  | { step: Step; ok: true; detail?: string }
  | { step: Step; ok: false; error: string };

export interface ActionResult {
  plan: Plan;
  ok: boolean;
  dryRun: boolean;
  outcomes: StepOutcome[];
  /** Writes that took effect, in order. */
  applied: (PatchStep | CreateStep)[];
  /** When a step failed after writes took effect: the writes that restore the previous state. */
  rollback?: PatchStep[];
  error?: string;
}

export const refuse = (base: Omit<Plan, 'steps' | 'notes' | 'refusal'>, refusal: string): Plan => ({ ...base, steps: [], notes: [], refusal });

/** `spec.replicas 1 -> 3, spec.paused false -> true`: changes as one line. */
export const formatChanges = (changes: readonly FieldChange[]): string => changes.map((c) => `${c.field} ${c.before} -> ${c.after}`).join(', ');
