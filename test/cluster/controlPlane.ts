/**
 * The cluster test tier's harness: one real control plane (etcd, kube-apiserver,
 * kube-controller-manager, kube-scheduler, kwok) per test file, built by cluster/build.sh (a no-op
 * when the cache is up to date) and started by cluster/start.sh. If it cannot be built or started,
 * the file FAILS (before() throws), it is never skipped. Logs are kept and their directory printed
 * when a test failed; otherwise the state dir is removed.
 *
 * Usage in a test file:
 *   const cp = useControlPlane();            // registers before/after/afterEach hooks
 *   it('...', async () => { const ns = await cp().namespace('canary'); ... });
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, afterEach, before } from 'node:test';
import { KubeConfig } from '@kubernetes/client-node';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const CLUSTER_DIR = join(ROOT, 'cluster');
export const KUBECTL = process.env.KUBECTL ?? 'kubectl';

export interface KubectlResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** What a test needs from a Kubernetes API server, real or simulated. */
export interface Target {
  name: 'cluster' | 'sim';
  kubeconfigPath: string;
  kc: KubeConfig;
  /** kubectl --kubeconfig PATH ARGS; never throws on a non-zero exit. */
  kubectl(args: string[], opts?: { input?: string; timeoutMs?: number }): Promise<KubectlResult>;
  spawnKubectl(args: string[]): ChildProcess;
}

export interface ControlPlane extends Target {
  dir: string;
  /** Creates a fresh namespace (prefix-N) and waits for its default ServiceAccount. */
  namespace(prefix: string): Promise<string>;
  stop(keepLogs: boolean): Promise<void>;
}

function run(cmd: string, args: string[], opts: { env?: NodeJS.ProcessEnv; timeoutMs: number; input?: string }): Promise<KubectlResult> {
  return new Promise((resolveRun) => {
    const child = execFile(cmd, args, { env: opts.env ?? process.env, timeout: opts.timeoutMs, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? ((err as { code: number }).code) : 1) : 0;
      resolveRun({ code, stdout: String(stdout), stderr: String(stderr) });
    });
    if (opts.input !== undefined) child.stdin?.end(opts.input);
  });
}

/** kubectl and client-node bound to one kubeconfig file; HOME isolated so no cache leaks between targets. */
export function targetFor(name: Target['name'], kubeconfigPath: string, home: string): Target {
  const kc = new KubeConfig();
  kc.loadFromFile(kubeconfigPath);
  const env = { ...process.env, KUBECONFIG: kubeconfigPath, HOME: home, KUBECACHEDIR: join(home, 'kube-cache') };
  return {
    name,
    kubeconfigPath,
    kc,
    kubectl: (args, opts = {}) => run(KUBECTL, ['--kubeconfig', kubeconfigPath, ...args], { env, timeoutMs: opts.timeoutMs ?? 30_000, input: opts.input }),
    spawnKubectl: (args) => spawn(KUBECTL, ['--kubeconfig', kubeconfigPath, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] }),
  };
}

/** Builds (no-op when built) and starts a control plane; throws with the script output when either fails. */
export async function startControlPlane(): Promise<ControlPlane> {
  const build = await run(join(CLUSTER_DIR, 'build.sh'), [], { timeoutMs: 45 * 60_000 });
  if (build.code !== 0) throw new Error(`cluster/build.sh failed (exit ${build.code}):\n${build.stderr.slice(-4000)}`);
  const dir = mkdtempSync(join(tmpdir(), 'cutover-cluster-test-'));
  const t0 = Date.now();
  const start = await run(join(CLUSTER_DIR, 'start.sh'), [dir], { timeoutMs: 180_000 });
  if (start.code !== 0) {
    throw new Error(`cluster/start.sh failed (exit ${start.code}); logs kept in ${join(dir, 'logs')}\n${start.stderr.slice(-4000)}`);
  }
  const kubeconfigPath = join(dir, 'kubeconfig');
  const t = targetFor('cluster', kubeconfigPath, dir);
  let n = 0;
  const cp: ControlPlane = {
    ...t,
    dir,
    async namespace(prefix) {
      const ns = `${prefix}-${++n}`;
      const r = await t.kubectl(['create', 'namespace', ns]);
      if (r.code !== 0) throw new Error(`create namespace ${ns}: ${r.stderr}`);
      await waitFor(async () => (await t.kubectl(['get', 'serviceaccount', 'default', '-n', ns])).code === 0, 30_000, `default ServiceAccount in ${ns}`);
      return ns;
    },
    async stop(keepLogs) {
      const r = await run(join(CLUSTER_DIR, 'stop.sh'), keepLogs ? [dir] : [dir, '--clean'], { timeoutMs: 60_000 });
      if (keepLogs) process.stderr.write(`# control plane logs kept in ${join(dir, 'logs')} (stop.sh exit ${r.code})\n`);
    },
  };
  process.stderr.write(`# control plane up in ${((Date.now() - t0) / 1000).toFixed(1)}s: ${dir}\n`);
  return cp;
}

/**
 * Registers the hooks of a test file: start in before(), stop in after(), keeping the logs (and
 * printing where) when any test or hook failed. Returns an accessor for the running plane.
 */
export function useControlPlane(): () => ControlPlane {
  let cp: ControlPlane | undefined;
  let failed = false;
  before(async () => {
    try {
      cp = await startControlPlane();
    } catch (err) {
      failed = true;
      throw err;
    }
  }, { timeout: 50 * 60_000 });
  afterEach((t) => {
    if (!(t as unknown as { passed: boolean }).passed) failed = true;
  });
  after(async () => {
    await cp?.stop(failed || process.exitCode !== undefined && process.exitCode !== 0);
  });
  return () => {
    if (!cp) throw new Error('the control plane did not start (see the before hook)');
    return cp;
  };
}

/** Polls until fn returns a truthy value. */
export async function waitFor<T>(fn: () => T | Promise<T>, timeoutMs = 10_000, what = 'condition', everyMs = 100): Promise<NonNullable<T>> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v as NonNullable<T>;
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** The kubeconfig's text, for tests that need to hand it to a CLI. */
export function kubeconfigText(t: Target): string {
  return readFileSync(t.kubeconfigPath, 'utf8');
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}
