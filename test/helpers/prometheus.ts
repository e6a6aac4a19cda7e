/**
 * A real Prometheus (the Debian package's binary) on 127.0.0.1 for integration tests, scraping each
 * simulated pod's /metrics through the API server's pods/proxy path with the sim's CA and a bearer
 * token; targets come from the sim's HTTP service discovery, with `namespace` and `pod` labels.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { prometheusScrapeConfig } from '../../src/sim/api/promTargets.js';
import type { TestSim } from './sim.js';

export const PROMETHEUS = process.env.PROMETHEUS ?? 'prometheus';

/** Why the tests cannot run here, or undefined when the binary is on PATH. */
export function prometheusMissing(): string | undefined {
  const r = spawnSync(PROMETHEUS, ['--version'], { encoding: 'utf8' });
  return r.error ? `the prometheus binary is not installed (apt-get install prometheus, or set PROMETHEUS=/path/to/prometheus): ${r.error.message}` : undefined;
}

export interface TestPrometheus {
  url: string;
  /** Resolves once `query` returns at least `n` series. */
  waitForSeries(query: string, n: number, timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

/** A port nothing listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

export async function startPrometheus(t: TestSim): Promise<TestPrometheus> {
  const dir = mkdtempSync(join(tmpdir(), 'cutover-prom-'));
  const caFile = join(dir, 'sim-ca.pem');
  writeFileSync(caFile, t.sim.tls.ca);
  const config = join(dir, 'prometheus.yml');
  writeFileSync(config, prometheusScrapeConfig(t.url, caFile, t.sim.tokens.admin, '1s'));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  let log = '';
  const child: ChildProcess = spawn(
    PROMETHEUS,
    [`--config.file=${config}`, `--storage.tsdb.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`, '--log.level=warn', '--storage.tsdb.retention.time=1h'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  child.stdout?.on('data', (b) => (log += b));
  child.stderr?.on('data', (b) => (log = (log + b).slice(-20_000)));
  const stop = async () => {
    if (child.exitCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  };
  const get = async (path: string) => fetch(url + path, { signal: AbortSignal.timeout(2000) });
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) {
      await stop();
      throw new Error(`prometheus exited with ${child.exitCode}:\n${log}`);
    }
    try {
      if ((await get('/-/ready')).ok) break;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`prometheus did not become ready in 30 s:\n${log}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    url,
    async waitForSeries(query, n, timeoutMs = 30_000) {
      const end = Date.now() + timeoutMs;
      for (;;) {
        const body = (await (await get(`/api/v1/query?${new URLSearchParams({ query })}`)).json()) as { data?: { result?: unknown[] } };
        if ((body.data?.result?.length ?? 0) >= n) return;
        if (Date.now() > end) throw new Error(`prometheus: fewer than ${n} series for ${query} after ${timeoutMs} ms; log:\n${log.slice(-3000)}`);
        await new Promise((r) => setTimeout(r, 250));
      }
    },
    stop,
  };
}
