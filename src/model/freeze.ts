/**
 * Freeze windows: is this instant frozen, why, and until when.
 *
 * Two sources, both declared by people:
 * - the namespace annotation `cutover.io/freeze`, JSON: one window or a list of them, each
 *   `{"start":"<RFC 3339>","end":"<RFC 3339>","reason":"<text>"}` (an offset or Z is required);
 *   for example `kubectl annotate ns shop cutover.io/freeze='{"start":"2026-12-20T00:00:00Z",
 *   "end":"2027-01-04T08:00:00+01:00","reason":"end-of-year freeze"}'`.
 * - a config file of recurring windows (YAML), each an RFC 5545 DTSTART with TZID and RRULE, an
 *   ISO 8601 duration (added in the rule's time zone, so `P2D` stays 2 calendar days across a DST
 *   change while `PT48H` is 48 hours), a reason, and optionally the namespaces it covers:
 *     freezes:
 *       - reason: no releases over the weekend
 *         rrule: "DTSTART;TZID=Europe/Paris:20260102T170000\nRRULE:FREQ=WEEKLY;BYDAY=FR"
 *         duration: P2DT15H
 *         namespaces: [shop, pay]
 *
 * An annotation that cannot be read freezes (with what is wrong as the reason): someone meant to
 * declare a freeze, and guessing it away would be worse than asking for a typed override.
 */
import { RRuleTemporal } from 'rrule-temporal';
import { Temporal } from 'temporal-polyfill';
import { parse as parseYaml } from 'yaml';

export const FREEZE_ANNOTATION = 'cutover.io/freeze';

export interface FreezeWindow {
  start: Date;
  end: Date;
  reason: string;
  /** Where it was declared: `namespace shop` or `freeze config`. */
  source: string;
}

export interface RecurringFreeze {
  reason: string;
  rule: RRuleTemporal;
  /** The rule as written, for messages. */
  rrule: string;
  duration: Temporal.Duration;
  /** undefined: every namespace. */
  namespaces?: string[];
}

export type FreezeVerdict =
  | { frozen: false; /** The next window starting within the horizon asked for. */ next?: FreezeWindow }
  | { frozen: true; reason: string; /** The end of the window (of overlapping windows, the last); undefined when unknown (an unreadable annotation). */ until?: Date; windows: FreezeWindow[] };

export type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

const ANNOTATION_SHAPE = `expected {"start":"<RFC 3339>","end":"<RFC 3339>","reason":"..."} or a list of them`;

function instant(v: unknown): Date | undefined {
  if (typeof v !== 'string') return undefined;
  try {
    return new Date(Temporal.Instant.from(v).epochMilliseconds);
  } catch {
    return undefined;
  }
}

/** Reads a `cutover.io/freeze` annotation. */
export function parseFreezeAnnotation(value: string, namespace: string): Parsed<FreezeWindow[]> {
  const where = `${FREEZE_ANNOTATION} on namespace ${namespace}`;
  let raw: unknown;
  try {
    raw = JSON.parse(value);
  } catch {
    return { ok: false, error: `${where} is not JSON; ${ANNOTATION_SHAPE}` };
  }
  const list = Array.isArray(raw) ? raw : [raw];
  const windows: FreezeWindow[] = [];
  for (const w of list) {
    const start = instant((w as { start?: unknown })?.start);
    const end = instant((w as { end?: unknown })?.end);
    const reason = (w as { reason?: unknown })?.reason;
    if (!start || !end) return { ok: false, error: `${where}: start and end must be RFC 3339 times with an offset (e.g. 2026-12-20T00:00:00Z); ${ANNOTATION_SHAPE}` };
    if (end <= start) return { ok: false, error: `${where}: end ${(w as { end: string }).end} is not after start ${(w as { start: string }).start}` };
    if (typeof reason !== 'string' || !reason.trim()) return { ok: false, error: `${where}: a reason is required; ${ANNOTATION_SHAPE}` };
    windows.push({ start, end, reason: reason.trim(), source: `namespace ${namespace}` });
  }
  return { ok: true, value: windows };
}

/** Reads a freeze config file (YAML, see the module comment). */
export function parseFreezeConfig(text: string, file = 'freeze config'): Parsed<RecurringFreeze[]> {
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (err) {
    return { ok: false, error: `${file}: not YAML: ${(err as Error).message.split('\n')[0]}` };
  }
  const entries = (doc as { freezes?: unknown })?.freezes;
  if (!Array.isArray(entries)) return { ok: false, error: `${file}: expected a list under "freezes:"` };
  const rules: RecurringFreeze[] = [];
  for (const [i, e] of entries.entries()) {
    const at = `${file}: freezes[${i}]`;
    const { reason, rrule, duration, namespaces } = (e ?? {}) as Record<string, unknown>;
    if (typeof reason !== 'string' || !reason.trim()) return { ok: false, error: `${at}: a reason is required` };
    if (typeof rrule !== 'string' || !/DTSTART;TZID=[^:]+:/.test(rrule) || !/RRULE:/.test(rrule))
      return { ok: false, error: `${at}: rrule must hold "DTSTART;TZID=<zone>:<local time>" and "RRULE:..." lines (RFC 5545)` };
    let rule: RRuleTemporal;
    try {
      rule = new RRuleTemporal({ rruleString: rrule.trim(), temporal: Temporal });
    } catch (err) {
      return { ok: false, error: `${at}: rrule: ${(err as Error).message}` };
    }
    let d: Temporal.Duration;
    try {
      d = Temporal.Duration.from(String(duration));
    } catch {
      return { ok: false, error: `${at}: duration must be an ISO 8601 duration such as PT2H or P2DT15H, got ${JSON.stringify(duration)}` };
    }
    if (d.sign <= 0) return { ok: false, error: `${at}: duration must be positive` };
    if (namespaces !== undefined && !(Array.isArray(namespaces) && namespaces.every((n) => typeof n === 'string')))
      return { ok: false, error: `${at}: namespaces must be a list of names` };
    rules.push({ reason: reason.trim(), rule, rrule: rrule.trim(), duration: d, ...(namespaces ? { namespaces: namespaces as string[] } : {}) });
  }
  return { ok: true, value: rules };
}

/** The occurrences of a recurring freeze that overlap [from, to). */
function occurrences(r: RecurringFreeze, from: number, to: number): FreezeWindow[] {
  // Look back far enough that an occurrence started before `from` but still running is seen.
  const zone = (r.rule.options() as { tzid?: string }).tzid ?? 'UTC';
  const anchor = Temporal.Instant.fromEpochMilliseconds(from).toZonedDateTimeISO(zone);
  const span = r.duration.total({ unit: 'milliseconds', relativeTo: anchor.subtract(r.duration) }) + 86_400_000;
  const out: FreezeWindow[] = [];
  for (const occ of r.rule.between(new Date(from - span), new Date(to), true)) {
    const start = occ.epochMilliseconds;
    const end = occ.add(r.duration).epochMilliseconds;
    if (end > from && start < to) out.push({ start: new Date(start), end: new Date(end), reason: r.reason, source: 'freeze config' });
  }
  return out;
}

export interface FreezeSources {
  namespace: string;
  /** The namespace's `cutover.io/freeze` annotation, if any. */
  annotation?: string;
  rules?: readonly RecurringFreeze[];
}

/** The windows of both sources overlapping [from, to), and the reading problem of the annotation if any. */
function windowsOf(src: FreezeSources, from: number, to: number): { windows: FreezeWindow[]; error?: string } {
  const windows: FreezeWindow[] = [];
  let error: string | undefined;
  if (src.annotation !== undefined) {
    const parsed = parseFreezeAnnotation(src.annotation, src.namespace);
    if (parsed.ok) windows.push(...parsed.value.filter((w) => w.end.getTime() > from && w.start.getTime() < to));
    else error = parsed.error;
  }
  for (const r of src.rules ?? []) if (!r.namespaces || r.namespaces.includes(src.namespace)) windows.push(...occurrences(r, from, to));
  return { windows, ...(error ? { error } : {}) };
}

/**
 * Whether `at` is frozen for a namespace. When frozen, `until` is the end of the window, carried
 * through any windows that overlap or touch it. `horizonMs` also reports the next window to come.
 */
export function freezeAt(at: Date, src: FreezeSources, horizonMs = 0): FreezeVerdict {
  const t = at.getTime();
  const { windows, error } = windowsOf(src, t, t + 1);
  if (error) return { frozen: true, reason: `${error} (a freeze that cannot be read counts as a freeze: fix the annotation or override)`, windows: [] };
  const active = windows.filter((w) => w.start.getTime() <= t && t < w.end.getTime());
  if (active.length === 0) {
    if (horizonMs <= 0) return { frozen: false };
    const upcoming = windowsOf(src, t, t + horizonMs).windows.filter((w) => w.start.getTime() > t).sort((a, b) => a.start.getTime() - b.start.getTime());
    return upcoming.length ? { frozen: false, next: upcoming[0] } : { frozen: false };
  }
  let until = Math.max(...active.map((w) => w.end.getTime()));
  // Chain windows that begin before the current end (bounded: each step moves `until` forward).
  for (let i = 0; i < 100; i++) {
    const more = windowsOf(src, until, until + 1).windows.filter((w) => w.start.getTime() <= until && w.end.getTime() > until);
    if (!more.length) break;
    until = Math.max(...more.map((w) => w.end.getTime()));
  }
  const reasons = [...new Set(active.map((w) => `${w.reason} (${w.source})`))];
  return { frozen: true, reason: reasons.join('; '), until: new Date(until), windows: active };
}
