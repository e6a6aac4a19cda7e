/**
 * `cutover migrate RELEASE [--migration FILE] [--for-image IMAGE]`: creates a run of the release's
 * migration Job, follows it to Complete or Failed, then prints its pod's log tail. Exit 1 when
 * the migration failed (the gate stays closed).
 */
import { readFileSync } from 'node:fs';
import type { KubeConfig } from '@kubernetes/client-node';
import { parseAllDocuments } from 'yaml';
import { ActionError } from '../actions/client.js';
import { migrationLogTail } from '../actions/migrate.js';
import { cliCommand } from '../actions/registry.js';
import type { Plan } from '../actions/types.js';
import { registryCommand, runAct, type ActCommand, type ActIO } from './act.js';
import { UsageError } from './errors.js';

/** The first Job or CronJob document of a YAML (or JSON) file. */
export function readMigrationManifest(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new UsageError(`--migration: cannot read ${file}: ${(err as Error).message}`, 1);
  }
  const docs = parseAllDocuments(text);
  const list = Array.isArray(docs) ? docs : [docs];
  for (const doc of list) {
    if (doc.errors.length) throw new UsageError(`--migration: ${file} is not valid YAML: ${doc.errors[0].message}`, 1);
    const obj = doc.toJS() as { kind?: string } | null;
    if (obj && (obj.kind === 'Job' || obj.kind === 'CronJob')) return obj;
  }
  throw new UsageError(`--migration: ${file} holds no Job or CronJob`, 1);
}

const TAIL_LINES = 20;

export async function runMigrate(argv: string[], io: Partial<ActIO> = {}): Promise<number> {
  let ran: { kc: KubeConfig; namespace: string; job: string; demo: boolean; dryRun: boolean } | undefined;
  const found = cliCommand('migrate')!;
  const registered = registryCommand(found.spec, found.cli, (ctx) => (ctx.values.migration !== undefined ? { manifest: readMigrationManifest(String(ctx.values.migration)) } : {}));
  const cmd: ActCommand = {
    ...registered,
    plan: async (ctx): Promise<Plan> => {
      const plan = await registered.plan(ctx);
      const create = plan.steps.find((s) => s.kind === 'create');
      if (create && !plan.refusal) ran = { kc: ctx.kc, namespace: ctx.namespace, job: create.target.name, demo: ctx.values.demo === true, dryRun: ctx.values['dry-run'] === true };
      return plan;
    },
  };
  let code: number;
  try {
    code = await runAct(cmd, argv, io);
  } catch (err) {
    if (err instanceof UsageError || err instanceof ActionError) {
      (io.stderr ?? process.stderr).write(`cutover migrate: ${err.message}\n`);
      return 1;
    }
    throw err;
  }
  // The log tail, once the Job has finished (or failed): not after a dry run, nor once --demo's sim is gone.
  if (ran && !ran.dryRun && !ran.demo && !argv.includes('--help') && !argv.includes('-h')) {
    const out = argv.includes('--json') ? (io.stderr ?? process.stderr) : (io.stdout ?? process.stdout);
    const tail = await migrationLogTail(ran.kc, ran.namespace, ran.job, TAIL_LINES);
    if (tail.lines.length) {
      out.write(`log of ${tail.pod}${tail.container ? ` (${tail.container})` : ''}, last ${tail.lines.length} lines:\n`);
      for (const l of tail.lines) out.write(`  | ${l}\n`);
    } else if (tail.note && code === 0) out.write(`${tail.note}\n`);
  }
  return code;
}
