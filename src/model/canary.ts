/** Canary share steps in percent: 9/1 -> 7/3 -> 5/5 -> 0/10 for ten replicas. */
export const DEFAULT_CANARY_STEPS: readonly number[] = [10, 30, 50, 100];

export interface CanarySplit {
  stable: number;
  canary: number;
  /** The step's nominal canary share in percent. */
  percent: number;
}

/** Replicas for a canary share of `total`; any non-zero share gets at least one canary pod. */
export function canarySplit(total: number, percent: number): CanarySplit {
  const exact = Math.round((total * percent) / 100);
  const canary = Math.min(total, percent > 0 ? Math.max(1, exact) : 0);
  return { stable: total - canary, canary, percent };
}

/** The split of the next step that adds canary pods, or undefined when fully promoted. */
export function nextCanaryStep(
  stable: number,
  canary: number,
  steps: readonly number[] = DEFAULT_CANARY_STEPS,
): CanarySplit | undefined {
  const total = stable + canary;
  return steps.map((p) => canarySplit(total, p)).find((s) => s.canary > canary);
}

/** The previous step with fewer canary pods (for stepping back), or undefined at the start. */
export function previousCanaryStep(
  stable: number,
  canary: number,
  steps: readonly number[] = DEFAULT_CANARY_STEPS,
): CanarySplit | undefined {
  const total = stable + canary;
  return [...steps].reverse().map((p) => canarySplit(total, p)).find((s) => s.canary < canary);
}
