/**
 * `npm run bench [PODS] [--50k]`: each benchmark at 5,000 pods (or PODS) in its own process (so
 * memory figures are its own). --50k adds the sim's start-up and the cockpit at 50,000 pods:
 * opt-in, because the sim alone takes 15-22 s to start that many on a 2-core machine at load 3-5.
 */
import { spawnSync } from 'node:child_process';

const args = process.argv.slice(2);
const large = args.includes('--50k');
const pods = args.find((a) => /^\d+$/.test(a)) ?? '5000';
const churn = 'sim in a child process, steady churn: 100 pod label writes/s, 2 pod deletions/s';
const runs: [string, string, string][] = [
  ['simulator', 'bench/sim.ts', pods],
  ['simulator start-up', 'bench/simStartup.ts', pods],
  ['one flush (derive) by what changed', 'bench/derive.ts', pods],
  [`cockpit (${churn})`, 'bench/cockpit.ts', pods],
  ...(large
    ? ([
        ['simulator start-up at 50,000 pods', 'bench/simStartup.ts', '50000'],
        ['one flush (derive) at 50,000 pods', 'bench/derive.ts', '50000'],
        [`cockpit at 50,000 pods (${churn})`, 'bench/cockpit.ts', '50000'],
      ] as [string, string, string][])
    : []),
];
for (const [title, script, n] of runs) {
  console.log(`\n${title}`);
  const r = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', script, n], { stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' });
  // The cockpit bench renders into memory; drop the terminal control codes ink leaves on exit.
  process.stdout.write(r.stdout.replace(/\x1b\[[0-9;?]*[a-zA-Z]/g, '').split('\n').filter(Boolean).map((l) => `  ${l}`).join('\n') + '\n');
  if (r.status !== 0) process.exit(r.status ?? 1);
}
