/**
 * Steering as a pair, headless: every mutating action command respects the release's driver lock
 * (`--take-over REASON` breaks it, audited), freezes (`--freeze-override REASON`, audited;
 * `--freeze-config FILE` adds recurring windows) and waits out `--grace DURATION` before it fires
 * (Ctrl-C cancels). The lock is taken for the run and released when the command ends.
 */
import { readFileSync } from 'node:fs';
import type { ParseArgsOptionsConfig } from 'node:util';
import type { KubeConfig } from '@kubernetes/client-node';
import type { PairOptions } from '../engine/controller.js';
import { DriverService, mayActRefusal, type GraceAction } from '../engine/driver.js';
import { driverIdentity } from '../kube/lease.js';
import { parseFreezeConfig, type RecurringFreeze } from '../model/freeze.js';
import { UsageError } from './errors.js';
import { parseDuration } from './guard.js';

export const PAIR_OPTIONS = {
  'take-over': { type: 'string' },
  'freeze-override': { type: 'string' },
  'freeze-config': { type: 'string' },
  grace: { type: 'string' },
} as const satisfies ParseArgsOptionsConfig;

export const PAIR_HELP = `  --take-over REASON     take the release's driver lock from whoever holds it (an Event on the
                         release records who, from whom and why)
  --freeze-override REASON
                         act during a freeze window; the reason is audited
  --freeze-config FILE   recurring freeze windows (YAML, RFC 5545 RRULE with a time zone)
  --grace DURATION       wait this long (e.g. 5s) before firing, shown on the driver Lease; Ctrl-C cancels
`;

export interface PairFlags {
  takeOver?: string;
  freezeOverride?: string;
  freezeRules?: RecurringFreeze[];
  graceMs: number;
}

const reason = (flag: string, v: unknown): string | undefined => {
  if (v === undefined) return undefined;
  const text = String(v).trim();
  if (!text) throw new UsageError(`${flag} needs a reason (it is recorded in the audit)`);
  return text;
};

/** The freeze windows of a config file, or a UsageError saying what is wrong with it. */
export function readFreezeConfig(file: string): RecurringFreeze[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new UsageError(`--freeze-config: cannot read ${file}: ${(err as Error).message}`);
  }
  const parsed = parseFreezeConfig(text, file);
  if (!parsed.ok) throw new UsageError(`--freeze-config: ${parsed.error}`);
  return parsed.value;
}

/** The pair flags of a command line; throws UsageError for bad input. */
export function pairFlags(values: Record<string, unknown>): PairFlags {
  const takeOver = reason('--take-over', values['take-over']);
  const freezeOverride = reason('--freeze-override', values['freeze-override']);
  const freezeRules = values['freeze-config'] === undefined ? undefined : readFreezeConfig(String(values['freeze-config']));
  return {
    ...(takeOver ? { takeOver } : {}),
    ...(freezeOverride ? { freezeOverride } : {}),
    ...(freezeRules ? { freezeRules } : {}),
    graceMs: values.grace === undefined || values.grace === '0' ? 0 : parseDuration('--grace', String(values.grace), 0),
  };
}

const CLI_HOW = { takeOver: 'pass --take-over REASON to take it (audited as an Event on the release)', freezeOverride: 'pass --freeze-override REASON to act anyway (audited)' };

/** One headless action's claim on its release: checked before confirming, taken before firing, released at the end. */
export class HeadlessPair {
  private readonly driver: DriverService;

  constructor(
    kc: KubeConfig,
    who: { user: string; context: string; auditLog: string },
    private readonly releaseKey: string,
    private readonly flags: PairFlags,
  ) {
    this.driver = new DriverService({ kc, identity: driverIdentity(who.user), user: who.user, context: who.context, auditLog: who.auditLog, ...(flags.freezeRules ? { freezeRules: flags.freezeRules } : {}) });
  }

  private get freeze() {
    return this.flags.freezeOverride ? { freezeOverride: this.flags.freezeOverride } : {};
  }

  /** Before asking for confirmation: the refusal line, or undefined (a take-over asked for counts as allowed). */
  async check(): Promise<string | undefined> {
    const may = await this.driver.mayAct(this.releaseKey, this.freeze);
    if (may.ok || (may.reason === 'driven' && this.flags.takeOver)) return undefined;
    return mayActRefusal(may, CLI_HOW);
  }

  /**
   * Takes the lock (over whoever holds it with --take-over): the freeze override to audit, notes
   * for stderr (an advisory lock, the take-over), or the refusal line.
   */
  async claim(): Promise<{ ok: true; override?: string; notes: string[] } | { ok: false; refusal: string }> {
    const notes: string[] = [];
    let may = await this.driver.claim(this.releaseKey, this.freeze);
    if (!may.ok && may.reason === 'driven' && this.flags.takeOver) {
      const from = may.drivenBy;
      const taken = await this.driver.takeOver(this.releaseKey, this.flags.takeOver);
      if (!taken.ok) return { ok: false, refusal: mayActRefusal(taken, CLI_HOW) };
      notes.push(`took over driving from ${from} (recorded as an Event on the release)`);
      may = await this.driver.claim(this.releaseKey, this.freeze);
    }
    if (!may.ok) return { ok: false, refusal: mayActRefusal(may, CLI_HOW) };
    if (may.note) notes.push(may.note);
    return { ok: true, notes, ...(may.freezeOverridden ? { override: `freeze: ${may.freezeOverridden}` } : {}) };
  }

  /** The cancel window: 'fire', or 'cancelled' when the signal aborts first. */
  grace(what: GraceAction, signal: AbortSignal): Promise<'fire' | 'cancelled'> {
    return this.driver.grace(this.releaseKey, this.flags.graceMs, what, signal);
  }

  /** Gives the lock back. */
  stop(): Promise<void> {
    return this.driver.stop();
  }
}

/** The cockpit's pair flags: the cancel window, a short lock (tests, demos), recurring freezes. */
export const COCKPIT_PAIR_OPTIONS = {
  grace: { type: 'string' },
  'lock-seconds': { type: 'string' },
  'freeze-config': { type: 'string' },
} as const satisfies ParseArgsOptionsConfig;

export function cockpitPairFlags(values: Record<string, unknown>): Partial<PairOptions> {
  const { graceMs, freezeRules } = pairFlags({ grace: values.grace, 'freeze-config': values['freeze-config'] });
  const lock = values['lock-seconds'];
  if (lock !== undefined && !/^[1-9]\d*$/.test(String(lock))) throw new UsageError(`--lock-seconds needs a whole number of seconds, got "${String(lock)}"`);
  return { ...(graceMs ? { graceMs } : {}), ...(freezeRules ? { freezeRules } : {}), ...(lock !== undefined ? { lockSeconds: Number(lock) } : {}) };
}
