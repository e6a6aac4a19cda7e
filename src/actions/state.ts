/** The state plans read: the cockpit's flush, or a one-shot list for headless commands. */
import type { KubeConfig, KubernetesObject } from '@kubernetes/client-node';
import { WATCHED_KINDS, lister } from '../kube/kinds.js';
import type { ObjectMaps } from '../kube/watch.js';
import { DeriveMemo, deriveViewModel, type ReleaseView, type ViewModel } from '../derive/derive.js';
import { snapshotOf, type Snapshot } from '../derive/snapshot.js';
import { ActionError } from './client.js';
import { apiMessage } from '../kube/errors.js';

export interface PlanInput {
  namespace: string;
  snapshot: Snapshot;
  view: ViewModel;
  now: number;
}

export async function loadState(kc: KubeConfig, namespace: string, now = Date.now()): Promise<PlanInput> {
  const maps = {} as ObjectMaps;
  await Promise.all(
    WATCHED_KINDS.map(async (kind) => {
      try {
        const list = await lister(kc, kind, namespace)();
        maps[kind] = new Map(list.items.map((o: KubernetesObject) => [o.metadata?.uid ?? o.metadata?.name ?? '', o]));
      } catch (err) {
        // Leases only carry the advisory driver lock and the app's leader: a user who may not list them still acts.
        if (kind === 'leases') return void (maps[kind] = new Map());
        throw new ActionError(`cannot list ${kind} in namespace ${namespace}: ${apiMessage(err)}`);
      }
    }),
  );
  const snapshot = snapshotOf(maps);
  return { namespace, snapshot, view: deriveViewModel(snapshot, new DeriveMemo(), now), now };
}

/** A release by its Service's name or any of its Deployments' names. */
export function findRelease(input: PlanInput, name: string): ReleaseView | undefined {
  const inNs = input.view.releases.filter((r) => r.namespace === input.namespace);
  return inNs.find((r) => r.name === name) ?? inNs.find((r) => r.deployments.some((d) => d.name === name));
}

export function requireRelease(input: PlanInput, name: string): ReleaseView {
  const r = findRelease(input, name);
  if (!r) {
    const known = input.view.releases.filter((x) => x.namespace === input.namespace).map((x) => x.name);
    throw new ActionError(`no release or Deployment named "${name}" in namespace ${input.namespace}${known.length ? ` (releases: ${known.join(', ')})` : ''}`);
  }
  return r;
}
