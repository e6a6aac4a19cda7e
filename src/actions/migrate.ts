/**
 * Run the release's migration Job before the deploy (seed articles: a Job with backoffLimit 0, run
 * and awaited before the new version; expand/contract keeps it compatible with the old one).
 *
 * A run is a NEW Job made from the template (a suspended Job labelled `cutover.io/migration-for`,
 * a CronJob's jobTemplate, or a manifest from --migration FILE): unique name, not suspended,
 * backoffLimit 0 unless the template sets one, no TTL (the gate reads the finished run), labelled
 * for the release and annotated with the image it prepares for. Then a wait until it finishes.
 */
import { CoreV1Api, type KubeConfig, type V1Job, type V1JobSpec, type V1Pod } from '@kubernetes/client-node';
import { MIGRATION_LABEL, type ReleaseView } from '../derive/derive.js';
import { apiMessage } from '../kube/errors.js';
import { FROM_TEMPLATE_ANNOTATION, MIGRATION_IMAGE_ANNOTATION, migrationJobs, migrationTargetImage, pickTemplate, templateImage } from './gate.js';
import { plain } from './paths.js';
import type { PlanInput } from './state.js';
import { refuse, type CreateStep, type Plan, type WaitStep } from './types.js';

export { FROM_TEMPLATE_ANNOTATION, migrationTargetImage, releaseTargetImage, TARGET_IMAGE_ANNOTATION } from './gate.js';
export const JOB_NAME_LABEL = 'batch.kubernetes.io/job-name';
export const DEFAULT_MIGRATION_TIMEOUT_MS = 30 * 60_000;
/** The API server's default backoffLimit: on a template read back from the cluster it means "not set". */
const DEFAULT_BACKOFF_LIMIT = 6;

/** Labels and selector fields the Job controller and API server add; never copied into a new Job. */
const GENERATED_LABELS = ['controller-uid', 'batch.kubernetes.io/controller-uid', 'job-name', JOB_NAME_LABEL];

export interface MigrationOptions {
  /** A parsed Job (or CronJob) manifest from --migration FILE. */
  manifest?: unknown;
  /** The image the migration prepares the database for (--for-image). */
  forImage?: string;
  timeoutMs?: number;
}

/** yyyymmddhhmmss in UTC. */
export function stamp(ms: number): string {
  return new Date(ms).toISOString().replace(/[-:T]/g, '').slice(0, 14);
}

/** `<template>-<yyyymmddhhmmss>`, within the 63 characters a job-name label allows, unique in `taken`. */
export function runName(template: string, now: number, taken: Set<string>): string {
  const suffix = stamp(now);
  const head = template.slice(0, 63 - suffix.length - 1 - 3).replace(/[-.]+$/, '');
  let name = `${head}-${suffix}`;
  for (let i = 2; taken.has(name); i++) name = `${head}-${suffix}-${i}`;
  return name;
}

function manifestJob(manifest: unknown): V1Job | string {
  const m = manifest as { kind?: string; apiVersion?: string; metadata?: V1Job['metadata']; spec?: { jobTemplate?: { metadata?: V1Job['metadata']; spec?: V1JobSpec } } & V1JobSpec };
  if (!m || typeof m !== 'object') return 'the migration manifest is not an object';
  if (m.kind === 'CronJob') {
    const jt = m.spec?.jobTemplate;
    if (!jt?.spec) return 'the CronJob manifest has no spec.jobTemplate.spec';
    return { apiVersion: 'batch/v1', kind: 'Job', metadata: { ...jt.metadata, name: m.metadata?.name, labels: { ...m.metadata?.labels, ...jt.metadata?.labels }, annotations: { ...m.metadata?.annotations, ...jt.metadata?.annotations } }, spec: jt.spec };
  }
  if (m.kind !== 'Job') return `the migration manifest is a ${m.kind ?? 'document without kind'}, not a Job or CronJob`;
  if (!m.spec?.template) return 'the migration Job has no spec.template';
  return m as V1Job;
}

/** The Job to create: the template's spec, unsuspended, backoffLimit 0 unless set, generated fields gone. */
export function buildMigrationJob(
  template: V1Job,
  o: { name: string; namespace: string; migrationFor: string; forImage: string; fromCluster: boolean },
): { job: V1Job; notes: string[] } {
  const notes: string[] = [];
  const t = plain(template);
  const spec: V1JobSpec = { ...t.spec! };
  spec.suspend = false;
  if (spec.backoffLimit === undefined || (o.fromCluster && spec.backoffLimit === DEFAULT_BACKOFF_LIMIT)) {
    if (spec.backoffLimit !== undefined) notes.push(`backoffLimit 6 on the template is the API default: the run uses 0 (a failed migration is not retried)`);
    spec.backoffLimit = 0;
  } else if (spec.backoffLimit > 0) notes.push(`backoffLimit ${spec.backoffLimit} from the template: a failing migration runs up to ${spec.backoffLimit + 1} times`);
  delete spec.ttlSecondsAfterFinished;
  if (!spec.manualSelector) delete spec.selector;
  const podMeta = { ...(spec.template.metadata ?? {}) };
  if (podMeta.labels) {
    const labels = { ...podMeta.labels };
    for (const k of GENERATED_LABELS) delete labels[k];
    podMeta.labels = labels;
  }
  delete (podMeta as { creationTimestamp?: unknown }).creationTimestamp;
  spec.template = { ...spec.template, metadata: podMeta };
  const labels: Record<string, string> = { ...(t.metadata?.labels ?? {}), [MIGRATION_LABEL]: o.migrationFor };
  for (const k of GENERATED_LABELS) delete labels[k];
  const annotations: Record<string, string> = { ...(t.metadata?.annotations ?? {}), [MIGRATION_IMAGE_ANNOTATION]: o.forImage };
  delete annotations['kubectl.kubernetes.io/last-applied-configuration'];
  if (t.metadata?.name) annotations[FROM_TEMPLATE_ANNOTATION] = t.metadata.name;
  return { job: { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: o.name, namespace: o.namespace, labels, annotations }, spec }, notes };
}

const finished = (j: V1Job) => j.status?.conditions?.some((c) => (c.type === 'Complete' || c.type === 'Failed') && c.status === 'True') ?? false;

/** `cutover migrate RELEASE`: create a run of the migration Job, then wait for it to finish. */
export function planMigration(input: PlanInput, release: ReleaseView, opts: MigrationOptions = {}): Plan {
  const b = { action: 'migrate' as const, namespace: input.namespace, subject: release.name, title: `migrate ${release.name}` };
  const { templates, runs } = migrationJobs(input, release);
  const notes: string[] = [];
  let template: V1Job;
  let fromCluster = false;
  if (opts.manifest !== undefined) {
    const m = manifestJob(opts.manifest);
    if (typeof m === 'string') return refuse(b, m);
    template = m;
  } else {
    if (templates.length === 0) {
      return refuse(b, `${release.name} has no migration template: create a suspended Job labelled ${MIGRATION_LABEL}=${release.name}, or pass --migration FILE`);
    }
    template = pickTemplate(release, templates, opts.forImage)!;
    if (templates.length > 1) notes.push(`${templates.length} migration templates (${templates.map((t) => t.metadata?.name).join(', ')}): using ${template.metadata?.name}`);
    fromCluster = true;
  }
  const target = migrationTargetImage(release, template, opts.forImage);
  const declared = templateImage(release, template);
  if (opts.forImage && declared && declared.image !== opts.forImage) {
    notes.push(`${template.metadata?.name} is for ${declared.image} (${declared.source}), yet this run is recorded for ${opts.forImage} because --for-image says so`);
  }
  if (!target.image) return refuse(b, `cannot tell which image this migration is for: pass --for-image IMAGE`);
  const forImage = target.image;
  const templateName = template.metadata?.name ?? `${release.name}-migrate`;
  const title = `migrate ${release.name}: run ${templateName} for ${forImage}`;
  const bt = { ...b, title };

  const forThisImage = runs.filter((j) => j.metadata?.annotations?.[MIGRATION_IMAGE_ANNOTATION] === forImage);
  const running = forThisImage.find((j) => !finished(j));
  if (running) return refuse(bt, `migration ${running.metadata?.name} for ${forImage} is still running: wait for it (cutover migrate follows only the run it starts)`);
  const last = forThisImage.at(-1);
  if (last?.status?.conditions?.some((c) => c.type === 'Complete' && c.status === 'True')) notes.push(`${last.metadata?.name} already completed for ${forImage}: this runs the migration again (it must be idempotent)`);

  const taken = new Set(input.snapshot.jobs.filter((j) => j.metadata?.namespace === input.namespace).map((j) => j.metadata?.name ?? ''));
  const name = runName(templateName, input.now, taken);
  const migrationFor = template.metadata?.labels?.[MIGRATION_LABEL] ?? release.name;
  const built = buildMigrationJob(template, { name, namespace: input.namespace, migrationFor, forImage, fromCluster });
  const ref = { apiVersion: 'batch/v1', kind: 'Job', namespace: input.namespace, name };
  const create: CreateStep = {
    kind: 'create',
    target: ref,
    object: built.job,
    changes: [
      { field: 'from', before: '(new)', after: opts.manifest !== undefined ? `manifest ${templateName}` : `template ${templateName}` },
      { field: `annotation ${MIGRATION_IMAGE_ANNOTATION}`, before: '(new)', after: forImage },
      { field: 'backoffLimit', before: '(new)', after: String(built.job.spec?.backoffLimit) },
    ],
  };
  const timeoutMs = opts.timeoutMs ?? (built.job.spec?.activeDeadlineSeconds ? built.job.spec.activeDeadlineSeconds * 1000 + 60_000 : DEFAULT_MIGRATION_TIMEOUT_MS);
  const wait: WaitStep = { kind: 'wait', description: `waiting for job ${name} to complete`, until: { type: 'job-finished', namespace: input.namespace, name }, timeoutMs };
  return {
    ...bt,
    steps: [create, wait],
    notes: [
      `for image ${forImage} (from ${target.source}); the migration gate opens for it once ${name} completes`,
      ...built.notes,
      ...notes,
      'a migration cannot be undone by cutover: keep it backward compatible (expand/contract) so the old version still runs',
    ],
  };
}

export interface LogTail {
  pod?: string;
  container?: string;
  lines: string[];
  /** Why there are no lines (no pod yet, container waiting, ...). */
  note?: string;
}

/** The last `lines` log lines of the newest pod of a Job (label batch.kubernetes.io/job-name). */
export async function migrationLogTail(kc: KubeConfig, namespace: string, jobName: string, lines = 20): Promise<LogTail> {
  const core = kc.makeApiClient(CoreV1Api);
  let pods: V1Pod[];
  try {
    pods = (await core.listNamespacedPod({ namespace, labelSelector: `${JOB_NAME_LABEL}=${jobName}` })).items;
    if (pods.length === 0) pods = (await core.listNamespacedPod({ namespace, labelSelector: `job-name=${jobName}` })).items;
  } catch (err) {
    return { lines: [], note: `cannot list the pods of job ${jobName}: ${apiMessage(err)}` };
  }
  if (pods.length === 0) return { lines: [], note: `job ${jobName} has no pods yet` };
  const pod = pods.sort((a, b) => (Date.parse(String(b.metadata?.creationTimestamp ?? 0)) || 0) - (Date.parse(String(a.metadata?.creationTimestamp ?? 0)) || 0))[0];
  const podName = pod.metadata?.name ?? '';
  const container = pod.spec?.containers?.[0]?.name;
  try {
    const text = await core.readNamespacedPodLog({ name: podName, namespace, ...(container ? { container } : {}), tailLines: lines });
    const out = String(text ?? '').split('\n');
    if (out.at(-1) === '') out.pop();
    return { pod: podName, container, lines: out };
  } catch (err) {
    return { pod: podName, container, lines: [], note: `no log from ${podName}: ${apiMessage(err)}` };
  }
}
