/**
 * Steady churn on a real API server for the cockpit benchmark, in its own process: pod label
 * writes spread over each second and a few pod deletions (the ReplicaSets replace them), in
 * namespace `load`, as bench/simProcess.ts does inside the sim.
 * Usage: node --import tsx bench/churn.ts KUBECONFIG [RELABELS_PER_SEC] [DELETES_PER_SEC]
 */
import { CoreV1Api, KubeConfig, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';

const [kubeconfig, relabels = '100', deletes = '2'] = process.argv.slice(2);
if (!kubeconfig) throw new Error('usage: bench/churn.ts KUBECONFIG [RELABELS_PER_SEC] [DELETES_PER_SEC]');
const kc = new KubeConfig();
kc.loadFromFile(kubeconfig);
const core = kc.makeApiClient(CoreV1Api);
const merge = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);

// The names once, in pages as kubectl asks: a write to a pod deleted since fails and is skipped
// (one deletion a second leaves a few hundred stale names of 50,000 by the end of a run). A list
// of every pod again every 30 s, as this did, was a 200-MB response at 50,000 pods: seconds of
// both cores for the API server and this process, beside the cockpit being measured.
const names: string[] = [];
let cont: string | undefined;
do {
  const page = await core.listNamespacedPod({ namespace: 'load', limit: 500, ...(cont ? { _continue: cont } : {}) });
  for (const p of page.items) if (!p.metadata?.deletionTimestamp) names.push(p.metadata!.name!);
  cont = page.metadata?._continue || undefined;
} while (cont);
let tick = 0;
setInterval(() => {
  if (names.length === 0) return;
  for (let i = 0; i < Number(relabels) / 10; i++) {
    const name = names[(tick * 13 + i * 101) % names.length];
    core.patchNamespacedPod({ name, namespace: 'load', body: { metadata: { labels: { churn: String(tick) } } } }, merge).catch(() => {});
  }
  if (tick % 10 === 0) {
    for (let i = 0; i < Number(deletes); i++) core.deleteNamespacedPod({ name: names[(tick + i * 977) % names.length], namespace: 'load', gracePeriodSeconds: 1 }).catch(() => {});
  }
  tick++;
}, 100);
process.stdout.write('ready\n');
process.on('SIGTERM', () => process.exit(0));
