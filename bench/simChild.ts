/** A sim in a child process (bench/simProcess.ts), so its work is not the measured process's: the kubeconfig to reach it, and stop. */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';

/** `simArgs`: simProcess.ts's arguments after PODS and the kubeconfig path (its churn rates). */
export async function startSimChild(pods: number, simArgs: string[] = []): Promise<{ kc: KubeConfig; stop: () => void }> {
  const dir = mkdtempSync(join(tmpdir(), 'cutover-bench-'));
  const kubeconfig = join(dir, 'kubeconfig');
  const child = spawn(process.execPath, ['--import', 'tsx', 'bench/simProcess.ts', String(pods), kubeconfig, ...simArgs], { stdio: ['ignore', 'pipe', 'inherit'] });
  const stop = () => {
    child.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (d) => String(d).includes('ready') && resolve());
      child.on('exit', (code) => reject(new Error(`sim process exited with ${code}`)));
    });
  } catch (err) {
    stop();
    throw err;
  }
  const kc = new KubeConfig();
  kc.loadFromFile(kubeconfig);
  return { kc, stop };
}
