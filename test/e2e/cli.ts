/** For the tmux e2e tests: the built cutover (built once, under a lock), `cutover sim` as a child, real kubectl. */
import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { KUBECTL } from '../helpers/sim.js';

export const ROOT = resolve(import.meta.dirname, '../..');
export const NODE = join(ROOT, 'node_modules/.bin/node');
export const CUTOVER = join(ROOT, 'dist/bin/cutover.js');

function newest(dir: string): number {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}

/** Runs `tsc` when dist/ is older than src/, views/ or bin/ (one build at a time across test files). */
export async function ensureBuilt(): Promise<void> {
  const lock = join(ROOT, 'dist.e2e-lock');
  const deadline = Date.now() + 180_000;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      if (Date.now() > deadline) throw new Error(`${lock} held for 3 minutes`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  try {
    // As npm run build: tsc, then the bundle dist/bin/cutover.js loads (scripts/bundle.ts).
    const bundle = join(ROOT, 'dist/bin/run.bundle.js');
    const built = existsSync(CUTOVER) && existsSync(bundle) ? Math.min(statSync(CUTOVER).mtimeMs, statSync(bundle).mtimeMs) : 0;
    const sources = Math.max(...['src', 'views', 'bin'].map((d) => newest(join(ROOT, d))));
    if (sources > built) {
      await promisify(execFile)(NODE, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', join(ROOT, 'tsconfig.json')], { cwd: ROOT });
      await promisify(execFile)(NODE, ['--import', 'tsx', join(ROOT, 'scripts/bundle.ts')], { cwd: ROOT });
    }
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

export interface CliSim {
  dir: string;
  kubeconfig: string;
  child: ChildProcess;
  kubectl(...args: string[]): string;
  stop(): Promise<void>;
}

/** `cutover sim --port 0 --scenario S --speed X --kubeconfig-out FILE`, until it says the kubeconfig is written. */
export async function startCliSim(scenario: string, speed = 20): Promise<CliSim> {
  const dir = mkdtempSync(join(tmpdir(), 'cutover-e2e-'));
  const kubeconfig = join(dir, 'kubeconfig');
  const child = spawn(NODE, [CUTOVER, 'sim', '--port', '0', '--scenario', scenario, '--speed', String(speed), '--kubeconfig-out', kubeconfig], {
    cwd: ROOT,
    env: { ...process.env, XDG_STATE_HOME: dir },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 3000))]);
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
    rmSync(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 15_000;
  while (!/kubeconfig written/.test(out)) {
    if (child.exitCode !== null || Date.now() > deadline) {
      await stop();
      throw new Error(`cutover sim did not start:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    dir,
    kubeconfig,
    child,
    kubectl: (...args) => execFileSync(KUBECTL, ['--kubeconfig', kubeconfig, ...args], { encoding: 'utf8', env: { ...process.env, HOME: dir } }),
    stop,
  };
}

/** The shell line that runs the built cockpit in tmux (state files in the test's directory). */
export const cockpitCommand = (sim: CliSim, ...flags: string[]) => `cd '${ROOT}' && XDG_STATE_HOME='${sim.dir}' '${NODE}' '${CUTOVER}' --kubeconfig '${sim.kubeconfig}' ${flags.join(' ')}`;
