/** Shared test helpers: a simulator on a free port with a kubeconfig file, and kubectl against it. */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { KubeConfig } from '@kubernetes/client-node';
import { Sim, type SimOptions } from '../../src/sim/sim.js';
import { createApiServer, type Auth } from '../../src/sim/api/server.js';
import { selfSignedServingCert } from '../../src/sim/api/tls.js';

export interface TestSim {
  sim: Sim;
  url: string;
  /**
   * Path of a kubeconfig file for kubectl (contexts cutover-sim and cutover-sim-viewer). It points
   * at an https listener on the same sim: kubectl sends no credentials to plain-http servers.
   */
  kubeconfigPath: string;
  httpsUrl: string;
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
  const { server: tlsServer, url: httpsUrl, ca } = await listenTls(sim);
  const dir = mkdtempSync(join(tmpdir(), 'cutover-sim-'));
  const kubeconfigPath = join(dir, 'kubeconfig');
  writeFileSync(kubeconfigPath, tlsKubeconfig(sim, httpsUrl, ca));
  const kc = new KubeConfig();
  kc.loadFromString(sim.kubeconfig());
  const viewerKc = new KubeConfig();
  viewerKc.loadFromString(sim.kubeconfig());
  viewerKc.setCurrentContext('cutover-sim-viewer');
  const env = { ...process.env, KUBECONFIG: kubeconfigPath, HOME: dir, KUBECACHEDIR: join(dir, 'cache') };
  return {
    sim,
    url,
    httpsUrl,
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
      return fetch(url + path, { ...rest, headers });
    },
    async stop() {
      tlsServer.closeAllConnections?.();
      await new Promise<void>((resolve) => tlsServer.close(() => resolve()));
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

/** The users Sim.listen() serves, for extra listeners on the same sim. */
export function simAuth(sim: Sim): Auth {
  return {
    users: new Map([
      [sim.tokens.admin, { username: 'cutover-admin', groups: ['system:masters', 'system:authenticated'], readOnly: false }],
      [sim.tokens.viewer, { username: 'cutover-viewer', groups: ['system:authenticated'], readOnly: true }],
    ]),
  };
}

/** Serves the sim's API over https too (a fresh CA), for kubectl. */
export async function listenTls(sim: Sim): Promise<{ server: Server; url: string; ca: string }> {
  const cert = selfSignedServingCert();
  const server = createApiServer(sim.ctx, simAuth(sim), { tls: { key: cert.key, cert: cert.cert } });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return { server, url: `https://127.0.0.1:${port}`, ca: cert.ca };
}

/** sim.kubeconfig() with the https server and its CA. */
export function tlsKubeconfig(sim: Sim, httpsUrl: string, ca: string): string {
  return sim
    .kubeconfig()
    .replace(`server: ${sim.url}`, `server: ${httpsUrl}\n    certificate-authority-data: ${Buffer.from(ca).toString('base64')}`);
}
