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

let names: string[] = [];
const refresh = async () => {
  const list = await core.listNamespacedPod({ namespace: 'load' });
  names = list.items.filter((p) => !p.metadata?.deletionTimestamp).map((p) => p.metadata!.name!);
};
await refresh();
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
  // The names again every 30 s (a write to a pod deleted since fails and is skipped): at 50,000
  // pods a list a second would be most of the API server's work.
  if (tick % 300 === 0) void refresh().catch(() => {});
  tick++;
}, 100);
process.stdout.write('ready\n');
process.on('SIGTERM', () => process.exit(0));
