/**
 * `kubectl rollout undo [--to-revision N]`, reproduced step by step: the target ReplicaSet, the
 * error texts, the paused refusal, the skip, the annotation merge with the skip list, and one JSON
 * patch replacing /spec/template and /metadata/annotations.
 */
import type { V1Deployment, V1PodTemplateSpec, V1ReplicaSet } from '@kubernetes/client-node';
import { REVISION_ANNOTATION } from '../model/index.js';
import { plain, show } from './paths.js';
import { sameTemplate, templateDiff, templateWithoutHash } from './template.js';
import { lookupDeployment, sideNotes } from './rollout.js';
import type { PlanInput } from './state.js';
import { deploymentRef } from './steps.js';
import { refuse, type FieldChange, type PatchStep, type Plan } from './types.js';

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

/** The Deployment's skip-list annotations, then every RS annotation not on the skip list. */
export function rollbackAnnotations(deployment: V1Deployment, rs: V1ReplicaSet): Record<string, string> {
  const out: Record<string, string> = {};
  const current = deployment.metadata?.annotations ?? {};
  for (const k of ROLLBACK_SKIP_ANNOTATIONS) if (k in current) out[k] = current[k];
  for (const [k, v] of Object.entries(rs.metadata?.annotations ?? {})) if (!ROLLBACK_SKIP_ANNOTATIONS.includes(k)) out[k] = v;
  return out;
}

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
  const ref = deploymentRef({ namespace: input.namespace, name: deployment });
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
      ...sideNotes(found),
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
