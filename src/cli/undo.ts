/**
 * `cutover undo RELEASE|DEPLOYMENT [--to-revision N]` (kubectl rollout undo, through act.ts) and
 * `cutover history DEPLOYMENT` (the revision list, read-only).
 *
 * There is no headless `undo --last`: the journal of undoable actions belongs to one cockpit
 * process (its `u` key). A headless command prints the inverse of what it did as its `undo:` line.
 */
import { parseArgs } from 'node:util';
import { ActionError } from '../actions/client.js';
import { resolveName } from '../actions/names.js';
import { listRevisions, type RevisionInfo } from '../actions/revisions.js';
import { loadState, type PlanInput } from '../actions/state.js';
import { ConfigError, connect } from '../kube/config.js';
import { actCommand, runAct, type ActIO } from './act.js';
import { CONNECT_OPTIONS, resolveTarget } from './connectFlags.js';
import { UsageError } from './errors.js';

export const UNDO = actCommand('undo');

export async function runUndo(argv: string[], io?: Partial<ActIO>): Promise<number> {
  if (argv.includes('--last')) {
    (io?.stderr ?? process.stderr).write(
      'cutover undo: --last is the cockpit\'s u key (the journal of undoable actions belongs to one cockpit session);\n' +
        'headless, run the inverse printed on the "undo:" line of the command you ran, or cutover undo DEPLOYMENT [--to-revision N]\n',
    );
    return 2;
  }
  return runAct(UNDO, argv, io);
}

export const HISTORY_HELP = `Usage: cutover history DEPLOYMENT [-n NS] [--diff] [--json]

Lists the revisions of DEPLOYMENT (oldest first): images, change-cause, replicas, age; * marks
the template running now. --diff adds each revision's pod template diff against the current one
(- now, + that revision), which is what cutover undo --to-revision N would apply.
`;

export async function runHistory(argv: string[], out: NodeJS.WritableStream = process.stdout, err: NodeJS.WritableStream = process.stderr): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { ...CONNECT_OPTIONS, json: { type: 'boolean' }, diff: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
  });
  if (values.help) {
    out.write(HISTORY_HELP);
    return 0;
  }
  if (positionals.length !== 1) throw new UsageError('cutover history takes one DEPLOYMENT');
  const target = await resolveTarget(values);
  try {
    let namespace: string;
    try {
      namespace = connect(target.kc, { context: values.context, namespace: values.namespace }).namespace!;
    } catch (e) {
      if (e instanceof ConfigError) throw new UsageError(e.message, 1);
      throw e;
    }
    let input: PlanInput;
    let name: string;
    try {
      input = await loadState(target.kc, namespace);
      name = resolveName(input, positionals[0], 'deployment').side!;
    } catch (e) {
      if (e instanceof ActionError) {
        err.write(`cutover history: ${e.message}\n`);
        return 1;
      }
      throw e;
    }
    const revisions = listRevisions(input, name);
    if ('error' in revisions) {
      err.write(`cutover history: ${revisions.error}\n`);
      return 1;
    }
    if (values.json) out.write(JSON.stringify({ deployment: name, namespace, revisions }, null, 2) + '\n');
    else out.write(formatRevisions(name, revisions, { diff: values.diff ?? false, now: input.now }).join('\n') + '\n');
    return 0;
  } finally {
    await target.sim?.stop();
  }
}

/** `kubectl rollout history`-like text, newest last, with each revision's diff. */
export function formatRevisions(deployment: string, revisions: RevisionInfo[], opts: { diff?: boolean; now?: number } = {}): string[] {
  const lines = [`deployment ${deployment}`, 'REVISION  CURRENT  REPLICAS  AGE       IMAGES / CHANGE-CAUSE'];
  for (const r of revisions) {
    const age = r.created !== undefined && opts.now !== undefined ? formatAge(opts.now - r.created) : '';
    lines.push(
      `${String(r.revision).padEnd(10)}${(r.current ? '*' : '').padEnd(9)}${`${r.replicas.current}/${r.replicas.desired}`.padEnd(10)}${age.padEnd(10)}${r.images.join(', ')}${r.changeCause ? `  (${r.changeCause})` : ''}`,
    );
    if (opts.diff && r.diff.length) for (const l of r.diff) lines.push(`      ${l}`);
  }
  return lines;
}

function formatAge(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 120) return `${s}s`;
  if (s < 7200) return `${Math.floor(s / 60)}m`;
  if (s < 172800) return `${Math.floor(s / 3600)}h`;
  return `${Math.floor(s / 86400)}d`;
}
