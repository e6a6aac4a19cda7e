/** Building blocks every planner uses: object references and the guarded writes they repeat. */
import { show } from './paths.js';
import type { ObjectRef, PatchStep } from './types.js';

export const deploymentRef = (d: { namespace: string; name: string }): ObjectRef => ({ apiVersion: 'apps/v1', kind: 'Deployment', namespace: d.namespace, name: d.name });

export const serviceRef = (namespace: string, name: string): ObjectRef => ({ apiVersion: 'v1', kind: 'Service', namespace, name });

export function withInverse(step: PatchStep, inverse: PatchStep): PatchStep {
  return { ...step, inverse };
}

/**
 * A `spec.replicas` merge patch expecting `from` (undefined: unset, which the API defaults to 1),
 * with its inverse.
 */
export function replicasPatch(target: ObjectRef, from: number | undefined, to: number): PatchStep {
  const step = (expected: number | undefined, value: number): PatchStep => ({
    kind: 'patch',
    target,
    strategy: 'merge',
    patch: { spec: { replicas: value } },
    expect: [{ path: 'spec.replicas', value: expected }],
    changes: [{ field: 'spec.replicas', before: show(expected ?? 1), after: String(value) }],
  });
  return withInverse(step(from, to), step(to, from ?? 1));
}
