/** `npm run bench`: each benchmark at 5,000 pods in its own process (so memory figures are its own). */
import { spawnSync } from 'node:child_process';

const pods = process.argv[2] ?? '5000';
for (const [title, script] of [
  ['simulator', 'bench/sim.ts'],
  ['cockpit (sim in a child process, steady churn: 100 pod label writes/s, 2 pod deletions/s)', 'bench/cockpit.ts'],
]) {
  console.log(`\n${title}`);
  const r = spawnSync(process.execPath, ['--import', 'tsx', script, pods], { stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' });
  // The cockpit bench renders into memory; drop the terminal control codes ink leaves on exit.
  process.stdout.write(r.stdout.replace(/\x1b\[[0-9;?]*[a-zA-Z]/g, '').split('\n').filter(Boolean).map((l) => `  ${l}`).join('\n') + '\n');
  if (r.status !== 0) process.exit(r.status ?? 1);
}
