/**
 * The migration gate: when a release has a migration template, traffic and image changes toward
 * a version wait until the latest migration run for that version has completed.
 */
import type { V1CronJob, V1Job } from '@kubernetes/client-node';
import { MIGRATION_LABEL, type ReleaseView } from '../derive/derive.js';
import type { PlanInput } from './state.js';

/** Set on a migration run: the image the migration prepares the database for. */
export const MIGRATION_IMAGE_ANNOTATION = 'cutover.io/for-image';
/** On a migration template: the image its migration prepares for (the scenarios set it). */
export const TARGET_IMAGE_ANNOTATION = 'cutover.io/target-image';
/** On a run: the template (or --migration manifest) it was made from. */
export const FROM_TEMPLATE_ANNOTATION = 'cutover.io/from-template';

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

/** The image the release is moving to: canary's, the idle colour's, or the Deployment's template. */
export function releaseTargetImage(release: ReleaseView): string | undefined {
  const r = release.release;
  const name = r.kind === 'canary' ? r.canary : r.kind === 'bluegreen' ? r.idle : r.deployment;
  return release.deployments.find((d) => d.name === name)?.images[0];
}

const repoOf = (image: string) => image.replace(/@.*$/, '').replace(/:[^:/]*$/, '');

/**
 * The image a template's migration is for: its cutover.io/target-image annotation, else its own
 * container image when that is the release's repository (the migration ships with that version).
 * undefined: the template names no image (a generic runner: it runs for the image it is given).
 */
export function templateImage(release: ReleaseView, template: V1Job): { image: string; source: string } | undefined {
  const annotated = template.metadata?.annotations?.[TARGET_IMAGE_ANNOTATION];
  if (annotated) return { image: annotated, source: `annotation ${TARGET_IMAGE_ANNOTATION} of ${template.metadata?.name}` };
  const repos = new Set(release.deployments.flatMap((d) => d.images.map(repoOf)));
  const own = (template.spec?.template?.spec?.containers ?? []).map((c) => c.image ?? '').find((img) => img && repos.has(repoOf(img)));
  return own ? { image: own, source: `the migration's own container image (same repository as ${release.name})` } : undefined;
}

/** Where the target image of a run comes from: --for-image, the template's own image, else the release's new image. */
export function migrationTargetImage(release: ReleaseView, template: V1Job, explicit?: string): { image?: string; source: string } {
  if (explicit) return { image: explicit, source: '--for-image' };
  const own = templateImage(release, template);
  if (own) return own;
  const target = releaseTargetImage(release);
  return target ? { image: target, source: `the image ${release.name} is moving to` } : { source: 'nothing' };
}

const newest = (list: V1Job[]) => [...list].sort((x, y) => created(y) - created(x))[0];

/** The newest template meant for an image, else the newest that names no image (it runs for any); undefined: none fits. */
export function templateFor(release: ReleaseView, templates: V1Job[], image: string): V1Job | undefined {
  const meant = templates.filter((t) => templateImage(release, t)?.image === image);
  if (meant.length) return newest(meant);
  const generic = templates.filter((t) => !templateImage(release, t));
  return generic.length ? newest(generic) : undefined;
}

/** The template a run uses: for --for-image, the one that fits it when there is one; else the newest template. */
export function pickTemplate(release: ReleaseView, templates: V1Job[], forImage?: string): V1Job | undefined {
  return (forImage ? templateFor(release, templates, forImage) : undefined) ?? newest(templates);
}

/**
 * What the user must do so a migration runs for `image`, naming the Job that would run: `m` only
 * when `m` (no --for-image) would run a template for exactly that image; else the command with
 * --for-image; else that no template is for that image, and how to add one.
 */
export function runHint(release: ReleaseView, templates: V1Job[], image: string): string {
  const name = release.name;
  const first = pickTemplate(release, templates);
  if (first && migrationTargetImage(release, first).image === image) return `press m (or run: cutover migrate ${name}) to run ${first.metadata?.name}`;
  const meant = templateFor(release, templates, image);
  if (meant) return `run: cutover migrate ${name} --for-image ${image} (it runs ${meant.metadata?.name}; m would not: it runs ${first?.metadata?.name} for ${first ? migrationTargetImage(release, first).image : '?'})`;
  const others = templates.map((t) => `${t.metadata?.name} is for ${templateImage(release, t)?.image ?? '?'}`);
  return (
    `no migration template is for ${image}${others.length ? ` (${others.join('; ')})` : ''}: add one (a suspended Job labelled ${MIGRATION_LABEL}=${name}, ` +
    `annotated ${TARGET_IMAGE_ANNOTATION}=${image}) or run: cutover migrate ${name} --migration FILE --for-image ${image}`
  );
}

/** How to run a failed run again: its template when that is still here, else the manifest it came from (--migration FILE). */
function againHint(release: ReleaseView, templates: V1Job[], failed: V1Job, image: string): string {
  const from = failed.metadata?.annotations?.[FROM_TEMPLATE_ANNOTATION];
  const template = from ? templates.find((t) => t.metadata?.name === from) : undefined;
  if (template) {
    const m = pickTemplate(release, templates) === template && migrationTargetImage(release, template).image === image;
    return m ? `press m (or run: cutover migrate ${release.name}) to run ${from} again` : `run ${from} again: cutover migrate ${release.name} --for-image ${image}`;
  }
  return `run ${from ?? 'it'} again from its manifest: cutover migrate ${release.name} --migration FILE --for-image ${image} (${from ?? 'the failed run'} came from a --migration file, not from a template in the cluster)`;
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
  if (!latest) return { open: false, reason: `no migration has run for ${targetImage}: ${runHint(release, templates, targetImage)} first` };
  const name = latest.metadata?.name;
  if (conditionTrue(latest, 'Complete')) return { open: true, reason: `migration ${name} completed for ${targetImage}` };
  if (conditionTrue(latest, 'Failed')) {
    const why = latest.status?.conditions?.find((c) => c.type === 'Failed')?.reason ?? 'Failed';
    return { open: false, reason: `migration ${name} for ${targetImage} failed (${why}): fix it, then ${againHint(release, templates, latest, targetImage)}` };
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
