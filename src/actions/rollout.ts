/**
 * Plans for one Deployment: pause, resume, restart, set image, scale. Each reads the plan input,
 * writes the same patch kubectl sends, expects the fields it read to still hold, and carries both
 * its inverse (for a failed multi-step action) and an UndoSpec (for `u` later).
 */
import type { V1Container, V1Deployment } from '@kubernetes/client-node';
import { revisionOf } from '../model/index.js';
import type { DeploymentView, ReleaseView } from '../derive/derive.js';
import { checkGate } from './gate.js';
import { imageProblem, replicasProblem } from './parse.js';
import { show } from './paths.js';
import type { PlanInput } from './state.js';
import { deploymentRef, replicasPatch, withInverse } from './steps.js';
import { targetNote } from './target.js';
import { refuse, type ActionName, type ObjectRef, type PatchStep, type Plan } from './types.js';

export const RESTARTED_AT_ANNOTATION = 'kubectl.kubernetes.io/restartedAt';

/** The Deployment's view and its release, or a refusal text naming the Deployments there are. */
export function lookupDeployment(input: PlanInput, name: string): { view: DeploymentView; release?: ReleaseView } | { error: string } {
  for (const release of input.view.releases) {
    if (release.namespace !== input.namespace) continue;
    const view = release.deployments.find((d) => d.name === name);
    if (view) return { view, release };
  }
  const known = input.view.releases.filter((r) => r.namespace === input.namespace).flatMap((r) => r.deployments.map((d) => d.name));
  return { error: `no Deployment named "${name}" in namespace ${input.namespace}${known.length ? ` (Deployments: ${known.sort().join(', ')})` : ''}` };
}

function base(action: ActionName, input: PlanInput, subject: string, title: string) {
  return { action, namespace: input.namespace, subject, title };
}

/** The note saying which side of a pair the plan acts on (the live colour in capitals). */
export const sideNotes = (found: { view: DeploymentView; release?: ReleaseView }): string[] => {
  const note = found.release ? targetNote(found.release, found.view.name) : undefined;
  return note ? [note] : [];
};

/** RFC 3339 to the second, UTC, as kubectl's time.Now().Format(time.RFC3339) (in UTC). */
export function rfc3339(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

// ---------- pause / resume ----------

function pausedPatch(ref: ObjectRef, from: boolean | undefined, to: boolean): PatchStep {
  return {
    kind: 'patch',
    target: ref,
    strategy: 'strategic',
    patch: { spec: { paused: to } },
    expect: [{ path: 'spec.paused', value: from }],
    changes: [{ field: 'spec.paused', before: String(from ?? false), after: String(to) }],
  };
}

export function planPause(input: PlanInput, deployment: string): Plan {
  const found = lookupDeployment(input, deployment);
  const b = base('pause', input, deployment, `pause ${deployment}`);
  if ('error' in found) return refuse(b, found.error);
  const d = found.view.deployment;
  const ref = deploymentRef({ namespace: input.namespace, name: deployment });
  if (d.spec?.paused === true) return refuse(b, `deployment ${deployment} is already paused (resume it with: cutover resume ${deployment})`);
  const step = withInverse(pausedPatch(ref, d.spec?.paused, true), pausedPatch(ref, true, d.spec?.paused ?? false));
  return {
    ...b,
    steps: [step],
    notes: [
      ...sideNotes(found),
      'the controller stops rolling: no new ReplicaSet is created until resume; scaling still happens',
      ...(found.view.status.done ? [] : ['the rollout in progress stops where it is (old and new pods both keep serving)']),
    ],
    undo: { action: 'resume', args: { deployment }, expect: [{ target: ref, path: 'spec.paused', value: true }], description: `resume ${deployment}` },
  };
}

export function planResume(input: PlanInput, deployment: string): Plan {
  const found = lookupDeployment(input, deployment);
  const b = base('resume', input, deployment, `resume ${deployment}`);
  if ('error' in found) return refuse(b, found.error);
  const d = found.view.deployment;
  const ref = deploymentRef({ namespace: input.namespace, name: deployment });
  if (d.spec?.paused !== true) return refuse(b, `deployment ${deployment} is not paused`);
  const step = withInverse(pausedPatch(ref, true, false), pausedPatch(ref, false, true));
  return {
    ...b,
    steps: [step],
    notes: [...sideNotes(found), 'the controller rolls out any template change made while paused'],
    undo: { action: 'pause', args: { deployment }, expect: [{ target: ref, path: 'spec.paused', value: false }], description: `pause ${deployment}` },
  };
}

// ---------- restart ----------

/** The template annotations with restartedAt set to `value` (or removed when undefined). */
function withRestartedAt(annotations: Record<string, string> | undefined, value: string | undefined): Record<string, string> | undefined {
  const out = { ...(annotations ?? {}) };
  if (value === undefined) delete out[RESTARTED_AT_ANNOTATION];
  else out[RESTARTED_AT_ANNOTATION] = value;
  return Object.keys(out).length ? out : undefined;
}

function restartPatch(ref: ObjectRef, annotations: Record<string, string> | undefined, to: string | undefined): PatchStep {
  const from = annotations?.[RESTARTED_AT_ANNOTATION];
  return {
    kind: 'patch',
    target: ref,
    strategy: 'strategic',
    // null deletes the key in a strategic merge patch.
    patch: { spec: { template: { metadata: { annotations: { [RESTARTED_AT_ANNOTATION]: to ?? null } } } } },
    expect: [{ path: 'spec.template.metadata.annotations', value: annotations }],
    changes: [{ field: `spec.template.metadata.annotations[${RESTARTED_AT_ANNOTATION}]`, before: show(from), after: show(to) }],
  };
}

/**
 * `kubectl rollout restart`: a new restartedAt template annotation, so a new ReplicaSet and revision.
 * With `restore`, puts a previous value back instead (the undo of a restart).
 */
export function planRestart(input: PlanInput, deployment: string, opts: { restore?: { restartedAt: string | null } } = {}): Plan {
  const found = lookupDeployment(input, deployment);
  const b = base('restart', input, deployment, opts.restore ? `revert the restart of ${deployment}` : `restart ${deployment}`);
  if ('error' in found) return refuse(b, found.error);
  const d = found.view.deployment;
  if (d.spec?.paused === true) return refuse(b, "can't restart paused deployment (run rollout resume first)");
  const ref = deploymentRef({ namespace: input.namespace, name: deployment });
  const annotations = d.spec?.template?.metadata?.annotations;
  const before = annotations?.[RESTARTED_AT_ANNOTATION];
  let to = opts.restore ? (opts.restore.restartedAt ?? undefined) : rfc3339(input.now);
  if (!opts.restore && to === before) to = rfc3339(input.now + 1000); // two restarts within a second still restart
  if (opts.restore && to === before) return refuse(b, `${deployment} already has restartedAt ${show(before)}: nothing to revert`);
  const step = withInverse(restartPatch(ref, annotations, to), restartPatch(ref, withRestartedAt(annotations, to), before));
  const revision = revisionOf(d);
  return {
    ...b,
    steps: [step],
    notes: [
      ...sideNotes(found),
      `a new ReplicaSet${revision !== undefined ? ` (revision ${revision + 1})` : ''} replaces every pod under the rolling-update budget`,
      ...(found.view.status.done ? [] : ['a rollout is in progress: the restart supersedes it']),
    ],
    undo: {
      action: 'restart',
      args: { deployment, restartedAt: before ?? null },
      expect: [{ target: ref, path: 'spec.template.metadata.annotations', value: withRestartedAt(annotations, to) }],
      description: `put the pod template of ${deployment} back as before the restart (restartedAt ${show(before)})`,
    },
  };
}

// ---------- set image ----------

interface ContainerSlot {
  list: 'containers' | 'initContainers';
  index: number;
  container: V1Container;
}

function containerSlots(d: V1Deployment): ContainerSlot[] {
  const spec = d.spec?.template?.spec;
  return [
    ...(spec?.containers ?? []).map((container, index) => ({ list: 'containers' as const, index, container })),
    ...(spec?.initContainers ?? []).map((container, index) => ({ list: 'initContainers' as const, index, container })),
  ];
}

function imagePatch(ref: ObjectRef, slot: ContainerSlot, from: string | undefined, to: string): PatchStep {
  const path = `spec.template.spec.${slot.list}.${slot.index}`;
  return {
    kind: 'patch',
    target: ref,
    strategy: 'strategic',
    // The containers list merges by name: only this container's image changes.
    patch: { spec: { template: { spec: { [slot.list]: [{ name: slot.container.name, image: to }] } } } },
    expect: [
      { path: `${path}.name`, value: slot.container.name },
      { path: `${path}.image`, value: from },
    ],
    changes: [{ field: `${slot.list === 'containers' ? '' : 'init '}container ${slot.container.name} image`, before: show(from), after: to }],
  };
}

export interface SetImageOptions {
  /** Why the migration gate is overridden; the plan then runs with a note (the audit records it). */
  override?: string;
  /** Set when putting back an image that ran before (an undo): the gate does not apply. */
  skipGate?: string;
}

/** `kubectl set image deployment/D CONTAINER=IMAGE`; CONTAINER may be omitted when there is one. */
export function planSetImage(input: PlanInput, deployment: string, container: string | undefined, image: string, opts: SetImageOptions = {}): Plan {
  const found = lookupDeployment(input, deployment);
  const b = base('set-image', input, deployment, `set image ${deployment}${container ? ` ${container}` : ''} -> ${image}`);
  if ('error' in found) return refuse(b, found.error);
  const badImage = imageProblem(image);
  if (badImage) return refuse(b, badImage);
  const d = found.view.deployment;
  const slots = containerSlots(d);
  const names = slots.map((s) => s.container.name);
  let slot: ContainerSlot | undefined;
  if (container === undefined || container === '') {
    const main = slots.filter((s) => s.list === 'containers');
    if (main.length !== 1) return refuse(b, `deployment ${deployment} has ${main.length} containers (${main.map((s) => s.container.name).join(', ')}): say which, as CONTAINER=IMAGE`);
    slot = main[0];
  } else {
    slot = slots.find((s) => s.container.name === container);
    if (!slot) return refuse(b, `deployment ${deployment} has no container "${container}" (containers: ${names.join(', ')})`);
  }
  const name = slot.container.name;
  const from = slot.container.image;
  const title = `set image ${deployment} (container ${name}): ${from ?? '(none)'} -> ${image}`;
  const bt = { ...b, title };
  if (from === image) return refuse(bt, `container ${name} of ${deployment} already runs ${image}: nothing to change`);

  const notes = sideNotes(found);
  if (opts.skipGate) notes.push(`migration gate not applied (${opts.skipGate}): ${from} ran before`);
  else if (found.release) {
    const gate = checkGate(input, found.release, image, opts.override);
    if ('refusal' in gate) return refuse(bt, gate.refusal);
    notes.push(...gate.notes);
  }
  const ref = deploymentRef({ namespace: input.namespace, name: deployment });
  const step = withInverse(imagePatch(ref, slot, from, image), imagePatch(ref, slot, image, from ?? ''));
  const revision = revisionOf(d);
  notes.push(
    d.spec?.paused
      ? `${deployment} is paused: the new template waits until resume`
      : `rolls out a new ReplicaSet${revision !== undefined ? ` (revision ${revision + 1})` : ''} under the rolling-update budget`,
  );
  return {
    ...bt,
    steps: [step],
    notes,
    undo: {
      action: 'set-image',
      args: { deployment, container: name, image: from },
      expect: [{ target: ref, path: `spec.template.spec.${slot.list}.${slot.index}.image`, value: image }],
      description: `set image ${deployment} ${name} back to ${from}`,
    },
  };
}

// ---------- scale ----------

export function planScale(input: PlanInput, deployment: string, replicas: number): Plan {
  const found = lookupDeployment(input, deployment);
  const b = base('scale', input, deployment, `scale ${deployment} -> ${replicas}`);
  if ('error' in found) return refuse(b, found.error);
  const bad = replicasProblem(replicas);
  if (bad) return refuse(b, bad);
  const d = found.view.deployment;
  const from = d.spec?.replicas;
  const bt = { ...b, title: `scale ${deployment}: ${from ?? 1} -> ${replicas}` };
  if ((from ?? 1) === replicas) return refuse(bt, `${deployment} already has ${replicas} replicas: nothing to change`);
  const ref = deploymentRef({ namespace: input.namespace, name: deployment });
  const step = replicasPatch(ref, from, replicas);
  const notes = sideNotes(found);
  const rel = found.release?.release;
  if (rel?.kind === 'canary') {
    const other = rel.stable === deployment ? rel.canary : rel.stable;
    const otherReplicas = found.release!.deployments.find((x) => x.name === other)?.desired ?? 0;
    const canary = rel.canary === deployment ? replicas : otherReplicas;
    const total = replicas + otherReplicas;
    const share = total > 0 ? Math.round((canary / total) * 100) : 0;
    notes.push(
      `${deployment} is half of canary release ${rel.name} (with ${other}): this changes the canary share to about ${share}% of ready pods; the canary keys (+ next step, - previous; or cutover canary step/back) move both sides and keep the total`,
    );
  }
  if (replicas === 0) notes.push(`scaling to 0 removes every pod of ${deployment}`);
  else if (replicas < (from ?? 1)) notes.push(`${(from ?? 1) - replicas} pods are terminated (not ready, newest first)`);
  return {
    ...bt,
    steps: [step],
    notes,
    undo: { action: 'scale', args: { deployment, replicas: from ?? 1 }, expect: [{ target: ref, path: 'spec.replicas', value: replicas }], description: `scale ${deployment} back to ${from ?? 1}` },
  };
}

// ---------- --wait ----------

/** Kubernetes' default progressDeadlineSeconds, as a floor for a rollout wait. */
const DEFAULT_ROLLOUT_WAIT_MS = 600_000;

/** With `wait`: the plan ends waiting until `deployment` has `replicas` (default: its spec's) updated, available pods. */
export function withRolloutWait(plan: Plan, input: PlanInput, deployment: string, o: { wait?: boolean; timeoutMs?: number }, replicas?: number): Plan {
  if (!o.wait || plan.refusal) return plan;
  const found = lookupDeployment(input, deployment);
  if ('error' in found) return plan;
  const d = found.view.deployment;
  const want = replicas ?? d.spec?.replicas ?? 1;
  const deadline = (d.spec?.progressDeadlineSeconds ?? 600) * 1000;
  return {
    ...plan,
    steps: [
      ...plan.steps,
      {
        kind: 'wait',
        description: `waiting for ${deployment} to have ${want} updated, available replicas`,
        until: { type: 'deployment-available', namespace: input.namespace, name: deployment, replicas: want },
        timeoutMs: o.timeoutMs ?? Math.max(deadline, DEFAULT_ROLLOUT_WAIT_MS),
      },
    ],
  };
}
