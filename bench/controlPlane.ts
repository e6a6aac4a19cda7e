/** The cluster tier's control plane as the benchmarks see it: its processes' CPU, and waiting for it to settle. */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function procStat(pid: number): { rssKiB: number; cpuTicks: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const rssKiB = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return { rssKiB, cpuTicks: Number(fields[11]) + Number(fields[12]) };
}

/** CPU (share of one core) the control plane's processes used over `ms`. */
async function controlPlaneCpu(dir: string, ms: number): Promise<number> {
  const pids = readdirSync(join(dir, 'pids')).map((f) => Number(readFileSync(join(dir, 'pids', f), 'utf8').trim()));
  const ticks = () => pids.reduce((n, pid) => n + (existsSync(`/proc/${pid}`) ? procStat(pid).cpuTicks : 0), 0);
  const before = ticks();
  await sleep(ms);
  return (ticks() - before) / 100 / (ms / 1000);
}

/**
 * Right after a fill kwok and the API server keep working for a while (status writes, the
 * controllers' resyncs): clients started then measure the control plane's backlog, not
 * themselves. Waits (at most 3 minutes) until the control plane uses under a third of a core.
 */
export async function settle(dir: string): Promise<string> {
  const t0 = performance.now();
  let cpu = 1;
  while ((cpu = await controlPlaneCpu(dir, 5000)) > 0.33 && performance.now() - t0 < 180_000);
  return `control plane settled to ${Math.round(cpu * 100)}% of a core in ${((performance.now() - t0) / 1000).toFixed(0)} s`;
}

