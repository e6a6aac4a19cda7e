/**
 * The migration gate: when a release has a migration template, traffic and image changes toward
 * a version wait until the latest migration run for that version has completed.
 */
import type { V1CronJob, V1Job } from '@kubernetes/client-node';
import { MIGRATION_LABEL, type ReleaseView } from '../derive/derive.js';
import type { PlanInput } from './state.js';

/** Set on a migration run: the image the migration prepares the database for. */
export const MIGRATION_IMAGE_ANNOTATION = 'cutover.io/for-image';

export type GateResult = { open: true; reason?: string } | { open: false; reason: string };

const created = (j: V1Job) => Date.parse(String(j.metadata?.creationTimestamp ?? 0)) || 0;
const conditionTrue = (j: V1Job, type: string) => j.status?.conditions?.some((c) => c.type === type && c.status === 'True') ?? false;

/** Names a migration label may carry for this release: the release and each of its Deployments. */
export function releaseNames(release: ReleaseView): Set<string> {
  return new Set([release.name, ...release.deployments.map((d) => d.name)]);
}

/** A labelled CronJob's jobTemplate, shaped as a suspended Job template. */
function cronJobTemplate(cj: V1CronJob): V1Job {
  const { name, namespace, labels, annotations } = cj.metadata ?? {};
  return { apiVersion: 'batch/v1', kind: 'Job', metadata: { name, namespace, labels, annotations }, spec: { ...cj.spec!.jobTemplate.spec!, suspend: true } };
}

export function migrationJobs(input: PlanInput, release: ReleaseView): { templates: V1Job[]; runs: V1Job[] } {
  const names = releaseNames(release);
  const labelled = <T extends V1Job | V1CronJob>(list: T[]) =>
    list.filter((j) => j.metadata?.namespace === input.namespace && names.has(j.metadata?.labels?.[MIGRATION_LABEL] ?? ''));
  const jobs = labelled(input.snapshot.jobs);
  const cronTemplates = labelled(input.snapshot.cronjobs ?? []).filter((cj) => cj.spec?.jobTemplate?.spec).map(cronJobTemplate);
  return {
    templates: [...jobs.filter((j) => j.spec?.suspend === true && !j.metadata?.annotations?.[MIGRATION_IMAGE_ANNOTATION]), ...cronTemplates],
    runs: jobs.filter((j) => j.metadata?.annotations?.[MIGRATION_IMAGE_ANNOTATION] !== undefined).sort((a, b) => created(a) - created(b)),
  };
}

export function migrationGate(input: PlanInput, release: ReleaseView, targetImage: string): GateResult {
  const { templates, runs } = migrationJobs(input, release);
  if (templates.length === 0 && runs.length === 0) return { open: true };
  const forImage = runs.filter((j) => j.metadata?.annotations?.[MIGRATION_IMAGE_ANNOTATION] === targetImage);
  const latest = forImage.at(-1);
  const template = templates[0]?.metadata?.name;
  const runHint = template ? `press m (or run: cutover migrate ${release.name}) to run ${template}` : `run: cutover migrate ${release.name}`;
  if (!latest) return { open: false, reason: `no migration has run for ${targetImage}: ${runHint} first` };
  const name = latest.metadata?.name;
  if (conditionTrue(latest, 'Complete')) return { open: true, reason: `migration ${name} completed for ${targetImage}` };
  if (conditionTrue(latest, 'Failed')) {
    const why = latest.status?.conditions?.find((c) => c.type === 'Failed')?.reason ?? 'Failed';
    return { open: false, reason: `migration ${name} for ${targetImage} failed (${why}): fix it and ${runHint} again` };
  }
  return { open: false, reason: `migration ${name} for ${targetImage} has not finished yet: wait for it (the Jobs view follows it)` };
}

/**
 * The gate as a plan applies it: a refusal while closed (unless overridden with a reason), else
 * the notes the plan carries (what opened it, or that it was overridden).
 */
export function checkGate(input: PlanInput, release: ReleaseView, targetImage: string, override?: string): { refusal: string } | { notes: string[] } {
  const gate = migrationGate(input, release, targetImage);
  if (gate.open) return { notes: gate.reason ? [gate.reason] : [] };
  if (!override) return { refusal: `migration gate closed: ${gate.reason} (or pass --override REASON)` };
  return { notes: [`migration gate overridden (${override}): ${gate.reason}`] };
}
