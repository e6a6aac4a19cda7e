/** What this cockpit did, newest last, with what undoing each would mean. Kept in memory and as JSONL. */
import { appendFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { ActionResult, UndoSpec } from './types.js';

export interface JournalEntry {
  id: number;
  at: string;
  title: string;
  action: string;
  namespace: string;
  subject: string;
  ok: boolean;
  dryRun: boolean;
  summary: string[];
  undo?: UndoSpec;
  undone?: boolean;
}

export class Journal {
  private readonly list: JournalEntry[] = [];
  private next = 1;

  constructor(private readonly file?: string) {}

  get entries(): readonly JournalEntry[] {
    return this.list;
  }

  record(result: ActionResult, summary: string[], now: Date): JournalEntry {
    const entry: JournalEntry = {
      id: this.next++,
      at: now.toISOString(),
      title: result.plan.title,
      action: result.plan.action,
      namespace: result.plan.namespace,
      subject: result.plan.subject,
      ok: result.ok,
      dryRun: result.dryRun,
      summary,
      ...(result.ok && !result.dryRun && result.plan.undo ? { undo: result.plan.undo } : {}),
    };
    this.list.push(entry);
    if (this.file) {
      try {
        mkdirSync(dirname(this.file), { recursive: true });
        appendFileSync(this.file, JSON.stringify(entry) + '\n');
      } catch {
        // The in-memory journal still works; the audit log reports file problems.
      }
    }
    return entry;
  }

  /** The newest entry that can still be undone. */
  lastUndoable(): JournalEntry | undefined {
    for (let i = this.list.length - 1; i >= 0; i--) {
      const e = this.list[i];
      if (e.undo && !e.undone) return e;
    }
    return undefined;
  }

  markUndone(id: number): void {
    const e = this.list.find((x) => x.id === id);
    if (e) e.undone = true;
  }
}
