/** Runs planned actions for the cockpit and the headless commands alike: execute, journal, audit. */
import { join } from 'node:path';
import type { KubeConfig } from '@kubernetes/client-node';
import { stateDir } from '../kube/paths.js';
import { appendAuditLog, auditRecord, emitAuditEvent } from './audit.js';
import { ActionClient } from './client.js';
import { describeResult, executePlan } from './execute.js';
import { Journal, type JournalEntry } from './journal.js';
import type { ActionResult, Plan } from './types.js';

export interface ServiceOptions {
  context: string;
  user: string;
  dryRun?: boolean;
  /** Where the JSONL journal and audit log go (default: the state directory). */
  dir?: string;
  now?: () => Date;
}

export interface RunOptions {
  onProgress?: (line: string) => void;
  signal?: AbortSignal;
  /** Why a gate was overridden; recorded in the audit. */
  override?: string;
}

export interface RunReport {
  result: ActionResult;
  lines: string[];
  auditError?: string;
  /** This run's journal entry (its `undo` is what `u` would undo next, if anything). */
  entry?: JournalEntry;
}

export class ActionService {
  readonly client: ActionClient;
  readonly journal: Journal;
  private readonly dir: string;
  private readonly now: () => Date;

  /** The audit JSONL of this session's actions. */
  get auditLog(): string {
    return join(this.dir, 'audit.jsonl');
  }

  constructor(
    readonly kc: KubeConfig,
    readonly opts: ServiceOptions,
  ) {
    this.client = new ActionClient(kc, { dryRun: opts.dryRun });
    this.dir = opts.dir ?? stateDir();
    this.journal = new Journal(join(this.dir, 'journal.jsonl'), { context: opts.context, user: opts.user });
    this.now = opts.now ?? (() => new Date());
  }

  get dryRun(): boolean {
    return this.client.dryRun;
  }

  async run(plan: Plan, opts: RunOptions = {}): Promise<RunReport> {
    const result = await executePlan(plan, this.client, opts);
    const lines = describeResult(result);
    if (plan.refusal) return { result, lines: [`refused: ${plan.title}: ${plan.refusal}`] };
    const at = this.now();
    const entry = this.journal.record(result, lines, at);
    const record = auditRecord(result, { user: this.opts.user, context: this.opts.context }, at, opts.override);
    let auditError: string | undefined;
    try {
      appendAuditLog(this.auditLog, record);
    } catch (err) {
      auditError = `the local audit log could not be written: ${(err as Error).message}`;
    }
    if (!result.dryRun && (result.applied.length > 0 || !result.ok)) {
      const target = result.applied[0]?.target ?? firstTarget(plan);
      if (target) {
        const uid = await this.client.read(target).then((o) => o.metadata?.uid, () => undefined);
        auditError = (await emitAuditEvent(this.kc, target, uid, record, at)) ?? auditError;
      }
    }
    return { result, lines, entry, ...(auditError ? { auditError } : {}) };
  }
}

function firstTarget(plan: Plan) {
  for (const s of plan.steps) if (s.kind !== 'wait') return s.target;
  return undefined;
}
