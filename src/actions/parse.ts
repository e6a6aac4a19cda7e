/**
 * The values a user types for an action, parsed once for the cockpit's prompts and the CLI alike.
 * Each parser returns the value or one line saying what is wrong (the caller refuses before any write).
 */
import { parseQualifiedName } from '@swimlane/docker-reference';

/** spec.replicas is an int32 in the API. */
export const MAX_REPLICAS = 2_147_483_647;

/** Why `n` cannot be a replica count, or undefined. */
export function replicasProblem(n: number): string | undefined {
  return Number.isInteger(n) && n >= 0 && n <= MAX_REPLICAS ? undefined : `replicas must be a whole number from 0 to ${MAX_REPLICAS}, got ${n}`;
}

/** A typed replica count: digits only, 0..2147483647. */
export function parseReplicas(text: string): number | string {
  const t = text.trim();
  if (!/^\d+$/.test(t) || Number(t) > MAX_REPLICAS) return `"${t}" is not a whole number from 0 to ${MAX_REPLICAS}`;
  return Number(t);
}

/**
 * Why `image` is not an image reference, or undefined. The grammar is distribution/reference's
 * (what the container runtime will parse): `registry.local/web:v2`, `nginx@sha256:...`.
 */
export function imageProblem(image: string): string | undefined {
  try {
    parseQualifiedName(image);
    return undefined;
  } catch (err) {
    return `"${image}" is not an image reference (${(err as Error).message}); e.g. registry.example/team/app:v2`;
  }
}

export interface ImageArg {
  /** Omitted: the Deployment's only container. */
  container?: string;
  image: string;
}

/** `[CONTAINER=]IMAGE`, as kubectl set image takes it. */
export function parseImageArg(text: string): ImageArg | string {
  const t = text.trim();
  const eq = t.indexOf('=');
  const container = eq >= 0 ? t.slice(0, eq) : undefined;
  const image = eq >= 0 ? t.slice(eq + 1) : t;
  if (!image || (eq >= 0 && !container)) return `"${t}" is not [CONTAINER=]IMAGE`;
  const problem = imageProblem(image);
  if (problem) return problem;
  return { ...(container ? { container } : {}), image };
}
