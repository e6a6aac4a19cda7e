/**
 * A sim behind a FaultyProxy and a ClusterWatch reading it through the proxy (real client-node,
 * real HTTPS), with a timeline of what the watch reported at every change. Shared by the fault
 * tests and bench/recovery.ts.
 */
import { KubeConfig, type KubernetesObject } from '@kubernetes/client-node';
import { connect } from '../../src/kube/config.js';
import { ClusterWatch, type WatchHealth, type WatchOptions } from '../../src/kube/watch.js';
import type { WatchedKind } from '../../src/kube/kinds.js';
import { Sim } from '../../src/sim/sim.js';
import { R } from '../../src/sim/resources.js';
import { installScenario } from '../../src/sim/scenarios.js';
import { FaultyProxy } from './proxy.js';

export interface Sample<T> {
  at: number;
  live: boolean;
  health: WatchHealth;
  data: T;
}

export interface Watched<T> {
  sim: Sim;
  proxy: FaultyProxy;
  watch: ClusterWatch;
  /** What the watch reported at each change (health, and `probe` of its maps). */
  timeline: Sample<T>[];
  stop(): Promise<void>;
}

/** Live: every kind listed, nothing stale. */
export const isLive = (h: WatchHealth): boolean => h.synced && h.lostSince === undefined;

export async function startWatched<T>(probe: (w: ClusterWatch) => T, opts: { scenario?: string; watch?: WatchOptions } = {}): Promise<Watched<T>> {
  const sim = new Sim({ speed: 20 });
  const url = new URL(await sim.listen(0));
  installScenario(sim, opts.scenario ?? 'pdb');
  const proxy = new FaultyProxy({ host: url.hostname, port: Number(url.port) });
  await proxy.listen();
  const kc = new KubeConfig();
  kc.loadFromString(proxy.rewrite(sim.kubeconfig()));
  const timeline: Sample<T>[] = [];
  // eslint-disable-next-line prefer-const
  let watch: ClusterWatch;
  const record = () => {
    const health = watch.health;
    timeline.push({ at: Date.now(), live: isLive(health), health, data: probe(watch) });
  };
  watch = new ClusterWatch(connect(kc, {}), () => record(), opts.watch);
  watch.start();
  return {
    sim,
    proxy,
    watch,
    timeline,
    async stop() {
      await watch.stop();
      await proxy.close();
      await sim.stop();
    },
  };
}

const SIM_RESOURCE: Partial<Record<WatchedKind, (typeof R)[keyof typeof R]>> = {
  deployments: R.deployments,
  replicasets: R.replicasets,
  pods: R.pods,
  services: R.services,
  poddisruptionbudgets: R.pdbs,
};

const ident = (o: { metadata?: { namespace?: string; name?: string; uid?: string } }) => `${o.metadata?.namespace}/${o.metadata?.name}@${o.metadata?.uid}`;

/** The kinds whose cached objects (namespace/name@uid) differ from the sim's, in `namespace`. */
export function cacheDiff(watch: ClusterWatch, sim: Sim, namespace = 'default'): string[] {
  const out: string[] = [];
  for (const [kind, rt] of Object.entries(SIM_RESOURCE) as [WatchedKind, (typeof R)[keyof typeof R]][]) {
    const cached = [...watch.objects[kind].values()].map(ident).sort().join(' ');
    const real = sim.store.list(rt, namespace).map(ident).sort().join(' ');
    if (cached !== real) out.push(`${kind}: cached [${cached}] vs cluster [${real}]`);
  }
  return out;
}

/** UIDs that appear more than once in any kind's map (must never happen). */
export function duplicateUids(watch: ClusterWatch): string[] {
  const out: string[] = [];
  for (const map of Object.values(watch.objects) as Map<string, KubernetesObject>[]) {
    const seen = new Set<string>();
    for (const o of map.values()) {
      const uid = o.metadata?.uid ?? '';
      if (seen.has(uid)) out.push(uid);
      seen.add(uid);
    }
  }
  return out;
}
