/** Shared test helpers: a simulator on a free port with a kubeconfig file, and kubectl against it. */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request as httpsRequest } from 'node:https';
import { Readable } from 'node:stream';
import { KubeConfig } from '@kubernetes/client-node';
import { Sim, type SimOptions } from '../../src/sim/sim.js';

export interface TestSim {
  sim: Sim;
  url: string;
  /** Path of a kubeconfig file with sim.kubeconfig() (contexts cutover-sim and cutover-sim-viewer). */
  kubeconfigPath: string;
  kc: KubeConfig;
  viewerKc: KubeConfig;
  /** Runs kubectl with --kubeconfig; never throws on a non-zero exit. */
  kubectl(args: string[], opts?: { input?: string; timeoutMs?: number }): Promise<KubectlResult>;
  /** Starts a long-running kubectl (get -w, logs -f). */
  spawnKubectl(args: string[]): ChildProcess;
  /** Raw HTTP against the sim with the admin token (or another). */
  fetch(path: string, init?: RequestInit & { token?: string | null }): Promise<Response>;
  stop(): Promise<void>;
}

export interface KubectlResult {
  code: number;
  stdout: string;
  stderr: string;
}

export const KUBECTL = process.env.KUBECTL ?? 'kubectl';

export async function startSim(options: SimOptions = {}): Promise<TestSim> {
  const sim = new Sim(options);
  const url = await sim.listen();
  const dir = mkdtempSync(join(tmpdir(), 'cutover-sim-'));
  const kubeconfigPath = join(dir, 'kubeconfig');
  writeFileSync(kubeconfigPath, sim.kubeconfig());
  const kc = new KubeConfig();
  kc.loadFromString(sim.kubeconfig());
  const viewerKc = new KubeConfig();
  viewerKc.loadFromString(sim.kubeconfig());
  viewerKc.setCurrentContext('cutover-sim-viewer');
  const env = { ...process.env, KUBECONFIG: kubeconfigPath, HOME: dir, KUBECACHEDIR: join(dir, 'cache') };
  return {
    sim,
    url,
    kubeconfigPath,
    kc,
    viewerKc,
    kubectl(args, opts = {}) {
      return new Promise((resolve) => {
        const child = execFile(
          KUBECTL,
          ['--kubeconfig', kubeconfigPath, ...args],
          { env, timeout: opts.timeoutMs ?? 20_000, maxBuffer: 64 * 1024 * 1024 },
          (err, stdout, stderr) => {
            const code = err ? (typeof (err as any).code === 'number' ? (err as any).code : 1) : 0;
            resolve({ code, stdout: String(stdout), stderr: String(stderr) });
          },
        );
        if (opts.input !== undefined) child.stdin?.end(opts.input);
      });
    },
    spawnKubectl(args) {
      return spawn(KUBECTL, ['--kubeconfig', kubeconfigPath, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    },
    fetch(path, init = {}) {
      const { token, ...rest } = init;
      const headers = new Headers(rest.headers);
      const t = token === undefined ? sim.tokens.admin : token;
      if (t) headers.set('Authorization', `Bearer ${t}`);
      return httpsFetch(url + path, { ...rest, headers }, sim.tls.ca);
    },
    async stop() {
      await sim.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Polls until fn returns a truthy value (real time). */
export async function waitFor<T>(fn: () => T | Promise<T>, timeoutMs = 5000, what = 'condition'): Promise<NonNullable<T>> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v as NonNullable<T>;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** A minimal Deployment manifest. */
export function deployment(name: string, opts: { replicas?: number; image?: string; labels?: Record<string, string>; namespace?: string } = {}) {
  const labels = opts.labels ?? { app: name };
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: opts.namespace ?? 'default', labels },
    spec: {
      replicas: opts.replicas ?? 2,
      selector: { matchLabels: labels },
      template: { metadata: { labels }, spec: { containers: [{ name: 'app', image: opts.image ?? 'nginx:1.25', ports: [{ containerPort: 80 }] }] } },
    },
  };
}

/** fetch() over https trusting the sim's CA (global fetch cannot take a CA), as a web Response. */
export function httpsFetch(url: string, init: RequestInit & { headers: Headers }, ca: string): Promise<Response> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = {};
    init.headers.forEach((v, k) => (headers[k] = v));
    const req = httpsRequest(url, { method: init.method ?? 'GET', headers, ca }, (res) => {
      const h = new Headers();
      for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) h.set(k, Array.isArray(v) ? v.join(', ') : v);
      const status = res.statusCode ?? 500;
      const body = status === 204 || status === 304 ? null : (Readable.toWeb(res) as ReadableStream<Uint8Array>);
      resolve(new Response(body, { status, headers: h }));
    });
    req.on('error', reject);
    init.signal?.addEventListener('abort', () => req.destroy(Object.assign(new Error('aborted'), { name: 'AbortError' })));
    if (init.body !== undefined && init.body !== null) req.end(init.body as string);
    else req.end();
  });
}
