/** Errors as the user sees them: one line each, never a stack trace. */
import { ActionError } from '../actions/client.js';
import { ConfigError } from '../kube/config.js';
import { describeFailure, type Failure } from '../kube/errors.js';

/** An error meant for the user: printed as one line (only the first line of a message is kept). */
export class UsageError extends Error {
  constructor(
    message: string,
    readonly exitCode = 2,
  ) {
    super(oneLine(message));
  }
}

/** The first line of a message, without the colon that introduces a code frame. */
export function oneLine(message: string): string {
  return message.split('\n')[0].trim().replace(/:$/, '');
}

/**
 * `FILE:LINE:COLUMN: what` for a YAML syntax error of the yaml library (`linePos`, as
 * parseAllDocuments reports) or of js-yaml (`mark`, as the kubeconfig loader throws); undefined
 * for anything else.
 */
export function yamlErrorLine(file: string, err: unknown): string | undefined {
  const e = err as { linePos?: { line: number; col: number }[]; mark?: { line: number; column: number }; reason?: string; message?: string; code?: string };
  if (e?.linePos?.[0]) {
    const what = oneLine(String(e.message)).replace(/ at line \d+, column \d+$/, '');
    return `${file}:${e.linePos[0].line}:${e.linePos[0].col}: ${what}`;
  }
  if (e?.mark) return `${file}:${e.mark.line + 1}:${e.mark.column + 1}: ${e.reason ?? oneLine(String(e.message))}`;
  return undefined;
}

const FILE_ERRORS: Record<string, string> = {
  ENOENT: 'no such file or directory',
  ENOTDIR: 'a part of the path is not a directory',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EISDIR: 'is a directory',
  EEXIST: 'a part of the path exists and is not a directory',
  EROFS: 'read-only file system',
  ENOSPC: 'no space left on the device',
};

/**
 * The one place that turns any error into what the user reads: `{line, exitCode}`.
 * `server` names the API server for network failures (`cannot reach https://... (connection refused)`).
 */
export function formatError(err: unknown, server?: string): { line: string; exitCode: number } {
  const e = err as { code?: unknown; message?: string; path?: string; syscall?: string; name?: string };
  if (err instanceof UsageError) return { line: err.message, exitCode: err.exitCode };
  if (err instanceof ConfigError || err instanceof ActionError) return { line: oneLine(err.message), exitCode: 1 };
  if (typeof e?.code === 'string' && e.code.startsWith('ERR_PARSE_ARGS')) {
    const msg = oneLine(String(e.message)).replace(/\. To specify a positional argument starting with a '-'.*$/, '');
    return { line: `${msg}; run cutover help`, exitCode: 2 };
  }
  if (typeof e?.code === 'string' && e.path && e.syscall) {
    return { line: `cannot ${e.syscall} ${e.path}: ${FILE_ERRORS[e.code] ?? e.code}`, exitCode: 1 };
  }
  const failure = describeFailure(err, { server });
  if (failure.kind !== 'other') return { line: failureLine(failure), exitCode: 1 };
  if (process.env.CUTOVER_DEBUG) return { line: `internal error: ${(err as Error)?.stack ?? String(err)}`, exitCode: 1 };
  return { line: `internal error: ${oneLine(String(e?.message ?? err))} (CUTOVER_DEBUG=1 shows the stack)`, exitCode: 1 };
}

/** A cluster failure for a one-shot command: the message, and the hint where it helps (never the cockpit's "keeps retrying"). */
export function failureLine(f: Failure): string {
  if (f.kind === 'forbidden' || f.kind === 'notfound' || f.kind === 'other') return f.message;
  return `${f.message}; ${f.hint.replace(/; cutover keeps retrying$/, '')}`;
}

export function parsePositiveInt(flag: string, value: string | undefined, fallback: number, max = Number.MAX_SAFE_INTEGER): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n)) throw new UsageError(`${flag} needs a whole number, got "${value}"`);
  if (n > max) throw new UsageError(`${flag} must be at most ${max}, got ${value}`);
  return n;
}

export function parsePositiveNumber(flag: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (value.trim() === '' || !(n > 0) || !Number.isFinite(n)) throw new UsageError(`${flag} needs a positive number, got "${value}"`);
  return n;
}

/**
 * A kubectl duration: `0` (none), a bare number of seconds, or Go's units (`500ms`, `5s`, `2m`,
 * `1h30m`). Milliseconds.
 */
export function parseDuration(flag: string, value: string): number {
  const text = value.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Number(text) * 1000;
  const unit: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
  const parts = [...text.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)];
  if (!parts.length || parts.map((p) => p[0]).join('') !== text) throw new UsageError(`${flag} needs a duration such as 0, 5s, 2m or 1h, got "${value}"`);
  return parts.reduce((ms, p) => ms + Number(p[1]) * unit[p[2]], 0);
}
