/** Runs a plan: each write re-checks what the plan read, then writes with that read's resourceVersion. */
import { ActionError, ConflictError, describeRef, type ActionClient } from './client.js';
import { getPath, sameValue, show } from './paths.js';
import { formatChanges, type ActionResult, type CreateStep, type PatchStep, type Plan, type Step, type StepOutcome, type UndoSpec } from './types.js';
import { checkCondition, waitPath } from './waits.js';

export interface ExecuteOptions {
  onProgress?: (line: string) => void;
  signal?: AbortSignal;
}

/** Fresh read + guarded write attempts per patch step when the write meets a 409. */
const CONFLICT_RETRIES = 5;

export async function executePlan(plan: Plan, client: ActionClient, opts: ExecuteOptions = {}): Promise<ActionResult> {
  const progress = opts.onProgress ?? (() => {});
  const outcomes: StepOutcome[] = [];
  const applied: (PatchStep | CreateStep)[] = [];
  const result = (ok: boolean, error?: string): ActionResult => {
    const rollback = ok || client.dryRun ? undefined : applied.flatMap((s) => (s.kind === 'patch' && s.inverse ? [s.inverse] : [])).reverse();
    return { plan, ok, dryRun: client.dryRun, outcomes, applied, ...(rollback?.length ? { rollback } : {}), ...(error ? { error } : {}) };
  };
  if (plan.refusal) return result(false, plan.refusal);

  for (const step of plan.steps) {
    // Stopped (Esc, or a forced quit): no write after that, whatever the step.
    if (opts.signal?.aborted) return result(false, 'stopped (cancelled) before the next step; the writes already made stay');
    try {
      if (step.kind === 'patch') {
        // A 409 from a status write in between (controllers write status all through a rollout)
        // is retried on a new fresh read, as long as every expectation still holds on it.
        for (let attempt = 1; ; attempt++) {
          const fresh = await client.read(step.target);
          for (const e of step.expect) {
            const now = getPath(fresh, e.path);
            if (!sameValue(now, e.value)) {
              throw new ActionError(`${describeRef(step.target)} ${e.path} is ${show(now)} now, the plan expected ${show(e.value)}: it changed since the plan; re-plan and try again`);
            }
          }
          if (attempt === 1) progress(`${client.dryRun ? '[dry run] ' : ''}${describeRef(step.target)}: ${formatChanges(step.changes)}`);
          try {
            await client.patch(step.target, step.strategy, step.patch, fresh.metadata!.resourceVersion!, step.ops);
            break;
          } catch (err) {
            if (!(err instanceof ConflictError) || attempt >= CONFLICT_RETRIES) throw err;
          }
        }
        applied.push(step);
        outcomes.push({ step, ok: true });
      } else if (step.kind === 'create') {
        progress(`${client.dryRun ? '[dry run] ' : ''}creating ${describeRef(step.target)}`);
        const created = await client.create(step.object);
        applied.push(step);
        outcomes.push({ step, ok: true, detail: created.metadata?.name });
      } else {
        if (client.dryRun) {
          outcomes.push({ step, ok: true, detail: 'not waited in a dry run' });
          continue;
        }
        progress(step.description);
        await client.waitFor(waitPath(step.until), () => checkCondition(client, step.until), step.timeoutMs, progress, opts.signal);
        outcomes.push({ step, ok: true });
      }
    } catch (err) {
      const error = (err as Error).message;
      outcomes.push({ step, ok: false, error });
      return result(false, error);
    }
  }
  return result(true);
}

/** The lines a failed action prints: what changed, what failed, how to put it back. */
export function describeResult(r: ActionResult): string[] {
  const lines: string[] = [];
  const tag = r.dryRun ? ' (dry run: nothing was changed)' : '';
  if (r.ok) {
    lines.push(`done: ${r.plan.title}${tag}`);
    return lines;
  }
  lines.push(`failed: ${r.plan.title}: ${r.error}`);
  if (r.applied.length === 0) {
    lines.push('nothing was changed');
    return lines;
  }
  lines.push('changed before the failure:');
  for (const s of r.applied) {
    lines.push(`  ${describeRef(s.target)}: ${formatChanges(s.changes)}`);
  }
  if (r.rollback?.length) {
    lines.push('to restore the previous state:');
    for (const s of r.rollback) lines.push(`  ${describeRef(s.target)}: ${formatChanges(s.changes)}`);
  }
  return lines;
}

/** A plan that applies the rollback of a failed result. */
export function rollbackPlan(r: ActionResult): Plan | undefined {
  if (!r.rollback?.length) return undefined;
  return {
    action: 'undo-action',
    title: `restore after failed ${r.plan.title}`,
    namespace: r.plan.namespace,
    subject: r.plan.subject,
    steps: r.rollback,
    notes: ['puts back every write the failed action made, newest first'],
  };
}

/** The writes a plan meant to make that did not happen (after a failure or an interruption). */
export function notWritten(r: ActionResult): (PatchStep | CreateStep)[] {
  return r.plan.steps.filter((s): s is PatchStep | CreateStep => s.kind !== 'wait' && !r.applied.includes(s));
}

/** The rollback of a failed result as kubectl commands (no guard: cutover's own undo re-checks the state first). */
export function restoreCommands(r: ActionResult, context?: string): string[] {
  return (r.rollback ?? []).map(
    (s) => `kubectl${context ? ` --context ${context}` : ''} -n ${s.target.namespace} patch ${s.target.kind.toLowerCase()} ${s.target.name} --type ${s.strategy} -p '${JSON.stringify(s.patch)}'`,
  );
}

/**
 * The journal's undo of a failed or interrupted result: its rollback, expecting the state its
 * writes left (a later `u`, even in another process, refuses when that changed).
 */
export function restoreUndo(r: ActionResult): UndoSpec | undefined {
  if (r.ok || r.dryRun || !r.rollback?.length) return undefined;
  return {
    action: 'undo-action',
    args: { steps: r.rollback },
    expect: r.rollback.flatMap((s) => s.expect.map((e) => ({ target: s.target, path: e.path, value: e.value }))),
    description: `put back what the unfinished ${r.plan.title} wrote (${r.rollback.map((s) => `${s.target.name}: ${formatChanges(s.changes)}`).join('; ')})`,
  };
}

/** The plan of a restore UndoSpec (restoreUndo): its stored writes, each re-checked on a fresh read. */
export function planRestore(namespace: string, undo: UndoSpec): Plan | undefined {
  const steps = undo.args.steps;
  if (!Array.isArray(steps) || !steps.every((s) => (s as Step)?.kind === 'patch')) return undefined;
  return { action: 'undo-action', title: undo.description, namespace, subject: '', steps: steps as PatchStep[], notes: ['puts back every write the unfinished action made, newest first'] };
}
