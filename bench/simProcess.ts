/**
 * The cluster side of the cockpit benchmark, in its own process so the cockpit's CPU and memory
 * are measured alone: a sim with N pods in namespace `load` and steady churn.
 * Usage: node --import tsx bench/simProcess.ts PODS KUBECONFIG_OUT [RELABELS_PER_SEC] [DELETES_PER_SEC] [NAMESPACES]
 */
import { writeFileSync } from 'node:fs';
import { Sim } from '../src/sim/sim.js';
import { R } from '../src/sim/resources.js';
import { installLoad } from '../src/sim/scenarios.js';

const [pods = '5000', out = 'bench-sim.kubeconfig', relabels = '100', deletes = '2', namespaces = '1'] = process.argv.slice(2);
const sim = new Sim({ speed: 20 });
await sim.listen(0);
// NAMESPACES > 1: the pods spread over `load`, `load-1`, ... (the churn stays in `load`).
const spaces = Array.from({ length: Number(namespaces) }, (_, i) => (i === 0 ? 'load' : `load-${i}`));
for (const ns of spaces) installLoad(sim, Math.ceil(Number(pods) / spaces.length), ns);
const running = () => {
  let n = 0;
  for (const p of sim.store.scan(R.pods)) if (p.status?.phase === 'Running') n++;
  return n;
};
while (running() < Number(pods)) await new Promise((r) => setTimeout(r, 100));
writeFileSync(out, sim.kubeconfig('load'));

// Steady churn: label writes spread over each second, and a few pods deleted (the ReplicaSets replace them).
// The names once a second, read in place (a list copies every pod: at 50,000 pods, ten lists a
// second were most of the sim's work); a write to a pod deleted since fails and is skipped.
const names = () => [...sim.store.scan(R.pods, 'load')].filter((p) => !p.metadata.deletionTimestamp).map((p) => p.metadata.name!);
let all = names();
let tick = 0;
setInterval(() => {
  if (tick % 10 === 0) all = names();
  for (let i = 0; i < Number(relabels) / 10; i++) {
    const name = all[(tick * 13 + i * 101) % all.length];
    try {
      sim.store.mutate(R.pods, 'load', name, (p) => (p.metadata.labels = { ...p.metadata.labels, churn: String(tick) }));
    } catch {
      // deleted meanwhile
    }
  }
  if (tick % 10 === 0) for (let i = 0; i < Number(deletes); i++) sim.store.delete(R.pods, 'load', all[(tick + i * 977) % all.length], { gracePeriodSeconds: 1 });
  tick++;
}, 100);
process.stdout.write('ready\n');
process.on('SIGTERM', () => void sim.stop().then(() => process.exit(0)));
