/**
 * `cutover undo RELEASE|DEPLOYMENT [--to-revision N]` (kubectl rollout undo, through act.ts) and
 * `cutover history DEPLOYMENT` (the revision list, read-only).
 *
 * There is no headless `undo --last`: the journal of undoable actions belongs to one cockpit
 * process (its `u` key). A headless command prints the inverse of what it did as its `undo:` line.
 */
import { parseArgs } from 'node:util';
import { ActionError } from '../actions/client.js';
import { findRelease, loadState, type PlanInput } from '../actions/state.js';
import { lookupDeployment } from '../actions/rollout.js';
import { formatRevisions, listRevisions, planUndoToRevision } from '../actions/undo.js';
import { ConfigError, connect } from '../kube/config.js';
import { runAct, type ActCommand, type ActIO } from './act.js';
import { CONNECT_OPTIONS, resolveTarget } from './connectFlags.js';
import { UsageError } from './errors.js';
import { withRolloutWait } from './rollout.js';

/** A Deployment name, or a rolling release's; a pair's name is ambiguous. */
export function undoDeployment(input: PlanInput, name: string): string {
  if (!('error' in lookupDeployment(input, name))) return name;
  const release = findRelease(input, name);
  if (!release) {
    const found = lookupDeployment(input, name);
    throw new ActionError('error' in found ? found.error : `no Deployment named "${name}"`);
  }
  if (release.deployments.length === 1) return release.deployments[0].name;
  throw new ActionError(`${name} is a ${release.release.kind} release of ${release.deployments.map((d) => d.name).join(' and ')}: name the Deployment to undo`);
}

function parseRevision(text: unknown): number {
  if (text === undefined) return 0;
  if (!/^\d+$/.test(String(text))) throw new UsageError(`--to-revision needs a whole number, got "${String(text)}"`);
  return Number(text);
}

export const UNDO: ActCommand = {
  name: 'undo',
  usage: 'cutover undo RELEASE|DEPLOYMENT [--to-revision N] [--wait] [options]',
  summary: `Rolls DEPLOYMENT back to its previous revision, or to revision N, exactly as
kubectl rollout undo does (same target, same JSON patch of /spec/template and
/metadata/annotations, same errors). See the revisions with: cutover history DEPLOYMENT.
Undoing the last cockpit action is the cockpit's u key: its journal lives in that process.

Options:
  --to-revision N        the revision to go back to (default: the previous one)`,
  args: ['DEPLOYMENT'],
  options: { 'to-revision': { type: 'string' } },
  validate: (_args, values) => void parseRevision(values['to-revision']),
  plan: (ctx) => {
    const name = undoDeployment(ctx.input, ctx.args[0]);
    return withRolloutWait(planUndoToRevision(ctx.input, name, parseRevision(ctx.values['to-revision'])), ctx.input, name, ctx);
  },
};

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
      name = undoDeployment(input, positionals[0]);
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
