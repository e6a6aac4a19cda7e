/**
 * What cutover did, newest last, with what undoing each would mean: one JSONL file in the state
 * directory, shared by every cockpit and headless command of the machine. Undo-last reads the
 * entries of one user on one context, whichever process wrote them, so a cockpit started after
 * another one quit (even mid-action) can undo what that one left. Undone entries are marked by an
 * appended line, so no process undoes one twice.
 */
import { appendFileSync, closeSync, fstatSync, mkdirSync, openSync, readSync } from 'node:fs';
import { dirname } from 'node:path';
import { restoreUndo } from './execute.js';
import type { ActionResult, UndoSpec } from './types.js';

export interface JournalEntry {
  /** Unique in the file (one past the highest id in it when written). */
  id: number;
  at: string;
  title: string;
  action: string;
  namespace: string;
  subject: string;
  ok: boolean;
  dryRun: boolean;
  summary: string[];
  /** After success, the action's inverse; after a failure or an interruption with writes, putting them back. */
  undo?: UndoSpec;
  undone?: boolean;
  /** Whose it is: undo-last offers only the entries of its own context and user. */
  context?: string;
  user?: string;
}

/** The appended line that marks an entry undone. */
interface UndoneMark {
  undone: number;
  at: string;
  context?: string;
  user?: string;
}

export interface JournalOwner {
  context: string;
  user: string;
}

/** Only the tail is read: undo-last goes back one entry at a time, not through years of history. */
const TAIL_BYTES = 1 << 20;

export class Journal {
  /** Entries this process recorded (also the only ones when there is no file, or it cannot be written). */
  private readonly mine: JournalEntry[] = [];
  private readonly undoneHere = new Set<number>();

  constructor(
    private readonly file?: string,
    private readonly owner?: JournalOwner,
  ) {}

  /** This user's entries on this context, from every process, oldest first. */
  get entries(): readonly JournalEntry[] {
    const { entries, undone } = this.read();
    const byId = new Map<number, JournalEntry>();
    for (const e of entries) if (this.owns(e)) byId.set(e.id, e);
    for (const e of this.mine) byId.set(e.id, e);
    return [...byId.values()].sort((a, b) => a.id - b.id).map((e) => (undone.has(e.id) || this.undoneHere.has(e.id) ? { ...e, undone: true } : e));
  }

  record(result: ActionResult, summary: string[], now: Date): JournalEntry {
    const undo = result.dryRun ? undefined : result.ok ? result.plan.undo : restoreUndo(result);
    const entry: JournalEntry = {
      id: this.nextId(),
      at: now.toISOString(),
      title: result.plan.title,
      action: result.plan.action,
      namespace: result.plan.namespace,
      subject: result.plan.subject,
      ok: result.ok,
      dryRun: result.dryRun,
      summary,
      ...(undo ? { undo } : {}),
      ...(this.owner ? { context: this.owner.context, user: this.owner.user } : {}),
    };
    this.mine.push(entry);
    this.append(entry);
    return entry;
  }

  /** The newest entry that can still be undone. */
  lastUndoable(): JournalEntry | undefined {
    return this.entries.findLast((e) => e.undo && !e.undone);
  }

  markUndone(id: number): void {
    this.undoneHere.add(id);
    const mark: UndoneMark = { undone: id, at: new Date().toISOString(), ...(this.owner ?? {}) };
    this.append(mark);
  }

  private owns(e: JournalEntry): boolean {
    return !this.owner || (e.context === this.owner.context && e.user === this.owner.user);
  }

  private nextId(): number {
    let max = 0;
    for (const e of this.read().entries) max = Math.max(max, e.id);
    for (const e of this.mine) max = Math.max(max, e.id);
    return max + 1;
  }

  private append(line: JournalEntry | UndoneMark): void {
    if (!this.file) return;
    try {
      mkdirSync(dirname(this.file), { recursive: true });
      appendFileSync(this.file, JSON.stringify(line) + '\n');
    } catch {
      // The in-memory journal still works; the audit log reports file problems.
    }
  }

  /** Every entry and undone mark in the file's tail; a torn or foreign line is skipped. */
  private read(): { entries: JournalEntry[]; undone: Set<number> } {
    const entries: JournalEntry[] = [];
    const undone = new Set<number>();
    for (const line of readTail(this.file)) {
      let v: unknown;
      try {
        v = JSON.parse(line);
      } catch {
        continue;
      }
      const o = v as { undone?: unknown; id?: unknown; title?: unknown; context?: string; user?: string };
      if (typeof o.undone === 'number') {
        if (!this.owner || (o.context === this.owner.context && o.user === this.owner.user)) undone.add(o.undone);
      } else if (typeof o.id === 'number' && typeof o.title === 'string') entries.push(o as unknown as JournalEntry);
    }
    return { entries, undone };
  }
}

function readTail(file: string | undefined): string[] {
  if (!file) return [];
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch {
    return [];
  }
  try {
    const size = fstatSync(fd).size;
    const start = Math.max(0, size - TAIL_BYTES);
    const buf = Buffer.alloc(size - start);
    readSync(fd, buf, 0, buf.length, start);
    const lines = buf.toString('utf8').split('\n');
    if (start > 0) lines.shift(); // the first line is cut
    return lines.filter((l) => l.trim() !== '');
  } finally {
    closeSync(fd);
  }
}
