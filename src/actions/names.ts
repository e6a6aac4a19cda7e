/** What a name typed on the command line means: resolved once into the release (and the Deployment named). */
import type { ReleaseView } from '../derive/derive.js';
import { ActionError } from './client.js';
import { lookupDeployment } from './rollout.js';
import { findRelease, requireRelease, type PlanInput } from './state.js';

export interface Named {
  release: ReleaseView;
  /** Set when the name is one of the release's Deployments. */
  side?: string;
}

/**
 * `release`: a release by its Service's name or either Deployment's. `deployment`: a Deployment,
 * or a rolling release's name; a pair's name is ambiguous there. Throws ActionError naming what exists.
 */
export function resolveName(input: PlanInput, name: string, names: 'release' | 'deployment'): Named {
  if (names === 'release') {
    const release = requireRelease(input, name);
    return release.deployments.some((d) => d.name === name) ? { release, side: name } : { release };
  }
  const found = lookupDeployment(input, name);
  if (!('error' in found) && found.release) return { release: found.release, side: name };
  const release = findRelease(input, name);
  if (!release) throw new ActionError('error' in found ? found.error : `no Deployment named "${name}"`);
  if (release.deployments.length === 1) return { release, side: release.deployments[0].name };
  throw new ActionError(`${name} is a ${release.release.kind} release of ${release.deployments.map((d) => d.name).join(' and ')}: name the Deployment`);
}
