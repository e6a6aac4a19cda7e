/**
 * Undo, two kinds:
 * - `undo-revision`: `kubectl rollout undo [--to-revision N]`, reproduced step by step (target
 *   ReplicaSet, error texts, paused refusal, skip, annotation merge with the skip list, one JSON
 *   patch replacing /spec/template and /metadata/annotations). Plus the revision list behind the
 *   picker and `cutover history`, each with a diff of its pod template against the current one.
 * - `undo-action`: the inverse of this cockpit's last journal entry, re-planned against the state
 *   now and refused when the world no longer looks the way that action left it.
 */
import type { KubernetesObject, V1Deployment, V1PodTemplateSpec, V1ReplicaSet } from '@kubernetes/client-node';
import { stringify } from 'yaml';
import { POD_TEMPLATE_HASH_LABEL, REVISION_ANNOTATION, templatesEqualIgnoringHash, timestampMillis } from '../model/index.js';
import type { Snapshot } from '../derive/snapshot.js';
import { planCanaryUndo } from './canary.js';
import { planFlipUndo } from './flip.js';
import type { JournalEntry } from './journal.js';
import { getPath, sameValue, show } from './paths.js';
import { deploymentRef, lookupDeployment, planPause, planRestart, planResume, planScale, planSetImage } from './rollout.js';
import type { PlanInput } from './state.js';
import { refuse, type FieldChange, type ObjectRef, type PatchStep, type Plan, type Step } from './types.js';

export const CHANGE_CAUSE_ANNOTATION = 'kubernetes.io/change-cause';

/** Never copied from a ReplicaSet back onto the Deployment (kubectl's annotationsToSkip). */
export const ROLLBACK_SKIP_ANNOTATIONS: readonly string[] = [
  'kubectl.kubernetes.io/last-applied-configuration',
  'deployment.kubernetes.io/revision',
  'deployment.kubernetes.io/revision-history',
  'deployment.kubernetes.io/desired-replicas',
  'deployment.kubernetes.io/max-replicas',
  'deprecated.deployment.rollback.to',
];

/** A plain JSON copy: no Dates, no undefined keys (objects may come typed from client-node). */
export function plain<T>(v: T): T {
  return v === undefined ? v : (JSON.parse(JSON.stringify(v)) as T);
}

/** deploymentutil.Revision: a missing annotation is 0; undefined when it does not parse. */
export function kubectlRevision(rs: { metadata?: { annotations?: Record<string, string> } }): number | undefined {
  const raw = rs.metadata?.annotations?.[REVISION_ANNOTATION];
  if (raw === undefined) return 0;
  if (!/^[+-]?\d+$/.test(raw)) return undefined;
  return Number.parseInt(raw, 10);
}

/** kubectl's deploymentRevision: the RS for revision N, or (N = 0) the second-highest revision. */
export function selectUndoTarget(deployment: V1Deployment, owned: readonly V1ReplicaSet[], toRevision: number): { rs: V1ReplicaSet } | { error: string } {
  let latest: V1ReplicaSet | undefined;
  let latestRevision = -1;
  let previous: V1ReplicaSet | undefined;
  let previousRevision = -1;
  for (const rs of owned) {
    const v = kubectlRevision(rs);
    if (v === undefined) continue;
    if (toRevision === 0) {
      if (latestRevision < v) {
        previousRevision = latestRevision;
        previous = latest;
        latestRevision = v;
        latest = rs;
      } else if (previousRevision < v) {
        previousRevision = v;
        previous = rs;
      }
    } else if (toRevision === v) return { rs };
  }
  if (toRevision > 0) return { error: `unable to find specified revision ${toRevision} in history` };
  if (!previous) return { error: `no rollout history found for deployment "${deployment.metadata?.name ?? ''}"` };
  return { rs: previous };
}

/** The pod template without the pod-template-hash label (nor a null creationTimestamp), as plain JSON. */
export function templateWithoutHash(t: V1PodTemplateSpec | undefined): V1PodTemplateSpec {
  const out = plain(t ?? {}) as V1PodTemplateSpec;
  if (out.metadata?.labels) {
    delete out.metadata.labels[POD_TEMPLATE_HASH_LABEL];
  }
  const meta = out.metadata as { creationTimestamp?: unknown } | undefined;
  if (meta && meta.creationTimestamp == null) delete meta.creationTimestamp;
  return out;
}

/**
 * EqualIgnoreHash, also blind to `creationTimestamp: null` in the template metadata (Go's zero
 * time, which kubectl's undo patch carries and a server may echo back).
 */
export function sameTemplate(a: V1PodTemplateSpec | undefined, b: V1PodTemplateSpec | undefined): boolean {
  return templatesEqualIgnoringHash(templateWithoutHash(a), templateWithoutHash(b));
}

/** The Deployment's skip-list annotations, then every RS annotation not on the skip list. */
export function rollbackAnnotations(deployment: V1Deployment, rs: V1ReplicaSet): Record<string, string> {
  const out: Record<string, string> = {};
  const current = deployment.metadata?.annotations ?? {};
  for (const k of ROLLBACK_SKIP_ANNOTATIONS) if (k in current) out[k] = current[k];
  for (const [k, v] of Object.entries(rs.metadata?.annotations ?? {})) if (!ROLLBACK_SKIP_ANNOTATIONS.includes(k)) out[k] = v;
  return out;
}

// ---------- template diff ----------

const yamlOf = (t: V1PodTemplateSpec | undefined): string[] => stringify(templateWithoutHash(t), { sortMapEntries: true, lineWidth: 0 }).trimEnd().split('\n');

/** A unified-style line diff (`-` only in a, `+` only in b), with `context` lines around changes. */
export function lineDiff(a: string[], b: string[], context = 2): string[] {
  const n = a.length;
  const m = b.length;
  const lcs: number[][] = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0));
  for (let i = n - 1; i >= 0; i--) for (let j = m - 1; j >= 0; j--) lcs[i][j] = a[i] === b[j] ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
  const ops: { tag: ' ' | '-' | '+'; line: string }[] = [];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[i] === b[j]) {
      ops.push({ tag: ' ', line: a[i] });
      i++;
      j++;
    } else if (i < n && (j === m || lcs[i + 1][j] >= lcs[i][j + 1])) ops.push({ tag: '-', line: a[i++] });
    else ops.push({ tag: '+', line: b[j++] });
  }
  const keep = ops.map((o, k) => o.tag !== ' ' || ops.slice(Math.max(0, k - context), k + context + 1).some((x) => x.tag !== ' '));
  const out: string[] = [];
  let skipped = false;
  ops.forEach((o, k) => {
    if (!keep[k]) {
      skipped = true;
      return;
    }
    if (skipped && out.length) out.push('  ...');
    skipped = false;
    out.push(`${o.tag} ${o.line}`);
  });
  return out;
}

/** How a revision's template differs from the current one: `-` current, `+` the revision. */
export function templateDiff(current: V1PodTemplateSpec | undefined, revision: V1PodTemplateSpec | undefined): string[] {
  return lineDiff(yamlOf(current), yamlOf(revision));
}

// ---------- revision list ----------

export interface RevisionInfo {
  revision: number;
  replicaSet: string;
  images: string[];
  changeCause?: string;
  /** Creation time of the ReplicaSet (ms). */
  created?: number;
  replicas: { desired: number; current: number; available: number };
  /** The template the Deployment runs now. */
  current: boolean;
  /** Earlier numbers this revision had (revision-history). */
  history: number[];
  /** Against the current template; empty for the current revision. */
  diff: string[];
}

export function listRevisions(input: PlanInput, deployment: string): RevisionInfo[] | { error: string } {
  const found = lookupDeployment(input, deployment);
  if ('error' in found) return found;
  const d = found.view.deployment;
  const current = d.spec?.template;
  return found.view.replicaSets.owned
    .map((rs): RevisionInfo | undefined => {
      const revision = kubectlRevision(rs);
      if (revision === undefined) return undefined;
      const isCurrent = sameTemplate(rs.spec?.template, current);
      const ann = rs.metadata?.annotations ?? {};
      return {
        revision,
        replicaSet: rs.metadata?.name ?? '',
        images: (rs.spec?.template?.spec?.containers ?? []).map((c) => c.image ?? ''),
        ...(ann[CHANGE_CAUSE_ANNOTATION] ? { changeCause: ann[CHANGE_CAUSE_ANNOTATION] } : {}),
        created: timestampMillis(rs.metadata?.creationTimestamp),
        replicas: { desired: rs.spec?.replicas ?? 0, current: rs.status?.replicas ?? 0, available: rs.status?.availableReplicas ?? 0 },
        current: isCurrent,
        history: (ann['deployment.kubernetes.io/revision-history'] ?? '').split(',').filter((x) => /^\d+$/.test(x)).map(Number),
        diff: isCurrent ? [] : templateDiff(current, rs.spec?.template),
      };
    })
    .filter((x): x is RevisionInfo => x !== undefined)
    .sort((a, b) => a.revision - b.revision);
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

// ---------- undo to a revision ----------

function imageChanges(from: V1PodTemplateSpec | undefined, to: V1PodTemplateSpec | undefined): FieldChange[] {
  const out: FieldChange[] = [];
  const before = new Map((from?.spec?.containers ?? []).map((c) => [c.name, c.image ?? '']));
  const after = new Map((to?.spec?.containers ?? []).map((c) => [c.name, c.image ?? '']));
  for (const name of new Set([...before.keys(), ...after.keys()])) {
    if (before.get(name) !== after.get(name)) out.push({ field: `container ${name} image`, before: show(before.get(name)), after: show(after.get(name)) });
  }
  return out;
}

/** `kubectl rollout undo deployment/D [--to-revision N]`; N = 0 (or omitted) is the previous revision. */
export function planUndoToRevision(input: PlanInput, deployment: string, toRevision = 0): Plan {
  const b = { action: 'undo-revision' as const, namespace: input.namespace, subject: deployment, title: `undo ${deployment}${toRevision ? ` to revision ${toRevision}` : ''}` };
  if (!Number.isInteger(toRevision) || toRevision < 0) return refuse(b, `revision must be a positive integer: ${toRevision}`);
  const found = lookupDeployment(input, deployment);
  if ('error' in found) return refuse(b, found.error);
  const d = found.view.deployment;
  const target = selectUndoTarget(d, found.view.replicaSets.owned, toRevision);
  if ('error' in target) return refuse(b, target.error);
  const rs = target.rs;
  const targetRevision = kubectlRevision(rs) ?? 0;
  const currentRevision = kubectlRevision(d);
  const title = `undo ${deployment}: revision ${currentRevision ?? '?'} -> ${targetRevision} (${(rs.spec?.template?.spec?.containers ?? []).map((c) => c.image).join(', ')})`;
  const bt = { ...b, title };
  if (d.spec?.paused) return refuse(bt, "you cannot rollback a paused deployment; resume it first with 'kubectl rollout resume' and try again");
  // kubectl prints the number it was given, so a plain undo says "revision 0".
  if (sameTemplate(rs.spec?.template, d.spec?.template)) return refuse(bt, `skipped rollback (current template already matches revision ${toRevision})`);

  const template = templateWithoutHash(rs.spec?.template);
  const annotations = rollbackAnnotations(d, rs);
  const ref = deploymentRef(input.namespace, deployment);
  const currentTemplate = plain(d.spec?.template);
  const currentAnnotations = plain(d.metadata?.annotations);
  const changes: FieldChange[] = [...imageChanges(d.spec?.template, template)];
  const diff = templateDiff(d.spec?.template, rs.spec?.template);
  const otherLines = diff.filter((l) => (l.startsWith('-') || l.startsWith('+')) && !/\bimage:/.test(l)).length;
  if (otherLines > 0 || changes.length === 0) changes.push({ field: 'spec.template', before: `revision ${currentRevision ?? '?'}`, after: `revision ${targetRevision}'s (${diff.filter((l) => l[0] === '-' || l[0] === '+').length} lines differ)` });
  const cause = (a: Record<string, string> | undefined) => a?.[CHANGE_CAUSE_ANNOTATION];
  if (cause(currentAnnotations) !== cause(annotations)) changes.push({ field: `annotation ${CHANGE_CAUSE_ANNOTATION}`, before: show(cause(currentAnnotations)), after: show(cause(annotations)) });

  const step: PatchStep = {
    kind: 'patch',
    target: ref,
    strategy: 'json',
    patch: {},
    ops: [
      { op: 'replace', path: '/spec/template', value: template },
      { op: 'replace', path: '/metadata/annotations', value: annotations },
    ],
    expect: [
      { path: 'spec.paused', value: d.spec?.paused },
      { path: 'spec.template', value: currentTemplate },
      { path: 'metadata.annotations', value: currentAnnotations },
    ],
    changes,
    inverse: {
      kind: 'patch',
      target: ref,
      strategy: 'json',
      patch: {},
      ops: [
        { op: 'replace', path: '/spec/template', value: currentTemplate },
        { op: 'replace', path: '/metadata/annotations', value: currentAnnotations ?? {} },
      ],
      expect: [{ path: 'spec.template', value: template }],
      changes: changes.map((c) => ({ field: c.field, before: c.after, after: c.before })),
    },
  };
  const maxRevision = Math.max(0, ...found.view.replicaSets.owned.map((x) => kubectlRevision(x) ?? 0));
  return {
    ...bt,
    steps: [step],
    notes: [
      `the controller reuses ReplicaSet ${rs.metadata?.name} (revision ${targetRevision} becomes revision ${maxRevision + 1}) and rolls it out under the rolling-update budget`,
      'same patch as kubectl rollout undo: /spec/template and /metadata/annotations replaced (JSON patch)',
      ...(diff.length ? ['template diff (- now, + after):', ...diff.map((l) => `  ${l}`)] : []),
    ],
    ...(currentRevision
      ? {
          undo: {
            action: 'undo-revision' as const,
            args: { deployment, toRevision: currentRevision },
            expect: [{ target: ref, path: 'spec.template', value: template }],
            description: `undo ${deployment} back to revision ${currentRevision}`,
          },
        }
      : {}),
  };
}

// ---------- undo the last action ----------

const KIND_LISTS: Record<string, keyof Snapshot> = {
  Deployment: 'deployments',
  ReplicaSet: 'replicasets',
  Pod: 'pods',
  Service: 'services',
  EndpointSlice: 'endpointslices',
  Job: 'jobs',
  PodDisruptionBudget: 'poddisruptionbudgets',
};

function findObject(input: PlanInput, ref: ObjectRef): KubernetesObject | undefined {
  const list = KIND_LISTS[ref.kind];
  if (!list) return undefined;
  return (input.snapshot[list] as KubernetesObject[]).find((o) => o.metadata?.name === ref.name && (o.metadata?.namespace ?? ref.namespace) === ref.namespace);
}

/** The first UndoSpec expectation the state no longer meets, as a sentence; undefined when all hold. */
export function worldChanged(input: PlanInput, expect: NonNullable<JournalEntry['undo']>['expect']): string | undefined {
  for (const e of expect) {
    const obj = findObject(input, e.target);
    if (!obj) return `${e.target.kind.toLowerCase()} ${e.target.name} no longer exists: the world changed`;
    const now = getPath(obj, e.path);
    if (!sameValue(now, e.value)) return `${e.target.name} ${e.path} is ${show(now)} now, cutover left it at ${show(e.value)}: the world changed`;
  }
  return undefined;
}

export interface UndoLastOptions {
  timeoutMs?: number;
  wait?: boolean;
}

/**
 * Re-plans the inverse of a journal entry against the state now. The plan carries no UndoSpec of
 * its own: pressing undo again goes one entry further back, not forth.
 */
export function planUndoLastAction(input: PlanInput, entry: JournalEntry | undefined, opts: UndoLastOptions = {}): Plan {
  const b = { action: 'undo-action' as const, namespace: input.namespace, subject: entry?.subject ?? '', title: entry ? `undo #${entry.id}: ${entry.title}` : 'undo' };
  if (!entry) return refuse(b, 'nothing to undo: this cockpit has made no undoable change yet (the journal is per cockpit session)');
  if (entry.undone) return refuse(b, `#${entry.id} (${entry.title}) was already undone`);
  if (!entry.ok || entry.dryRun || !entry.undo) return refuse(b, `#${entry.id} (${entry.title}) cannot be undone: ${entry.dryRun ? 'it was a dry run' : !entry.ok ? 'it failed (its rollback was printed then)' : 'it has no inverse'}`);
  if (entry.namespace !== input.namespace) return refuse(b, `#${entry.id} was in namespace ${entry.namespace}, not ${input.namespace}`);
  const undo = entry.undo;
  const changed = worldChanged(input, undo.expect);
  if (changed) return refuse(b, changed);

  const args = undo.args as Record<string, unknown>;
  const dep = String(args.deployment ?? '');
  let inner: Plan;
  switch (undo.action) {
    case 'pause':
      inner = planPause(input, dep);
      break;
    case 'resume':
      inner = planResume(input, dep);
      break;
    case 'scale':
      inner = planScale(input, dep, Number(args.replicas));
      break;
    case 'set-image':
      inner = planSetImage(input, dep, args.container as string | undefined, String(args.image ?? ''), { skipGate: `undo of #${entry.id}` });
      break;
    case 'restart':
      inner = planRestart(input, dep, { restore: { restartedAt: (args.restartedAt as string | null | undefined) ?? null } });
      break;
    case 'undo-revision':
      inner = planUndoToRevision(input, dep, Number(args.toRevision ?? 0));
      break;
    case 'canary-step':
    case 'canary-back':
    case 'canary-promote':
    case 'canary-abort':
      inner = planCanaryUndo(input, undo, { ...(opts.timeoutMs ? { timeoutMs: opts.timeoutMs } : {}), ...(opts.wait ? { wait: true } : {}), override: `undo of #${entry.id}` });
      break;
    case 'flip':
    case 'scale-idle':
      inner = planFlipUndo(input, undo, { ...(opts.timeoutMs ? { timeoutMs: opts.timeoutMs } : {}), ...(opts.wait ? { wait: true } : {}), override: `undo of #${entry.id}` });
      break;
    default:
      inner = genericUndo(input, undo, b);
  }
  const steps: Step[] = inner.steps.map((s) => (s.kind === 'patch' ? withUndoExpect(s, undo.expect) : s));
  return {
    ...b,
    title: `undo #${entry.id}: ${undo.description}`,
    steps,
    notes: [`re-planned against the state now (${entry.title} at ${entry.at})`, ...inner.notes],
    ...(inner.refusal ? { refusal: inner.refusal } : {}),
  };
}

/** Adds the UndoSpec expectations on a step's target, so the write re-checks them on a fresh read. */
function withUndoExpect(step: PatchStep, expect: NonNullable<JournalEntry['undo']>['expect']): PatchStep {
  const extra = expect.filter((e) => sameRef(e.target, step.target) && !step.expect.some((x) => x.path === e.path)).map((e) => ({ path: e.path, value: e.value }));
  return extra.length ? { ...step, expect: [...step.expect, ...extra] } : step;
}

const sameRef = (a: ObjectRef, b: ObjectRef) => a.kind === b.kind && a.name === b.name && a.namespace === b.namespace && a.apiVersion === b.apiVersion;

/**
 * For actions without a planner here (flip, scale-idle, ...): `args.patches` lists the writes that
 * put things back ({target, strategy, patch, changes?}); each is guarded by the UndoSpec's expect.
 */
function genericUndo(input: PlanInput, undo: NonNullable<JournalEntry['undo']>, b: Omit<Plan, 'steps' | 'notes' | 'refusal'>): Plan {
  const patches = (undo.args as { patches?: unknown }).patches;
  if (!Array.isArray(patches) || patches.length === 0) return refuse(b, `cutover cannot re-plan the undo of a ${undo.action} here: ${undo.description}`);
  const steps: PatchStep[] = [];
  for (const p of patches as { target: ObjectRef; strategy?: PatchStep['strategy']; patch: Record<string, unknown>; changes?: FieldChange[] }[]) {
    if (!p?.target || !p.patch || !findObject(input, p.target)) return refuse(b, `the undo of ${undo.action} names an object that is gone: ${p?.target ? `${p.target.kind} ${p.target.name}` : 'unknown'}`);
    steps.push({
      kind: 'patch',
      target: p.target,
      strategy: p.strategy ?? 'merge',
      patch: p.patch,
      expect: undo.expect.filter((e) => sameRef(e.target, p.target)).map((e) => ({ path: e.path, value: e.value })),
      changes: p.changes ?? [{ field: 'patch', before: '', after: JSON.stringify(p.patch) }],
    });
  }
  return { ...b, steps, notes: [] };
}
