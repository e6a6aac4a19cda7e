/**
 * The reachability probe against a server in another process: an answer that arrived in time
 * counts even when this process was too busy to read it before the timeout's timer came due.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { KubeConfig } from '@kubernetes/client-node';
import { ApiGetter } from '../../src/kube/http.js';
import { Reachability, type ProbeResult } from '../../src/kube/reachability.js';

/** Answers GET /api; prints "request" when one arrives and writes MARKER once it answered. */
const SERVER = `
const server = require('node:http').createServer((req, res) => {
  process.stdout.write('request\\n');
  res.end('{"kind":"APIVersions","versions":["v1"]}', () => require('node:fs').writeFileSync(process.env.MARKER, ''));
});
server.listen(0, '127.0.0.1', () => process.stdout.write('port ' + server.address().port + '\\n'));
`;

test('a probe answered in time is not a failure because this process was busy when the timeout came due', { timeout: 60_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'cutover-probe-'));
  const marker = join(dir, 'answered');
  const server = spawn(process.execPath, ['-e', SERVER], { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, MARKER: marker } });
  try {
    const lines: string[] = [];
    const port = await new Promise<number>((resolve) => {
      server.stdout.on('data', (d: Buffer) => {
        for (const line of String(d).split('\n').filter(Boolean)) {
          lines.push(line);
          if (line.startsWith('port ')) resolve(Number(line.slice(5)));
        }
      });
    });
    const kc = new KubeConfig();
    kc.loadFromOptions({
      clusters: [{ name: 'c', server: `http://127.0.0.1:${port}`, skipTLSVerify: true }],
      users: [{ name: 'u', token: 't' }],
      contexts: [{ name: 'x', cluster: 'c', user: 'u' }],
      currentContext: 'x',
    });
    const results: ProbeResult[] = [];
    const timeoutMs = 2000;
    const probe = new Reachability(new ApiGetter(kc), (r) => results.push(r), { intervalMs: 10, timeoutMs });
    // A request reaches the server: this process stays busy until the server has answered it and
    // the probe's timeout is past due (the answer waits in the socket meanwhile).
    const inFlight = new Promise<number>((resolve) => {
      let seen = false;
      server.stdout.on('data', (d: Buffer) => {
        if (seen || !String(d).includes('request')) return;
        seen = true;
        const n = results.length;
        const start = Date.now();
        while (Date.now() - start < timeoutMs + 500 || (!existsSync(marker) && Date.now() - start < 20_000));
        resolve(n);
      });
    });
    probe.start();
    const n = await inFlight;
    while (results.length <= n) await new Promise((r) => setTimeout(r, 10));
    probe.stop();
    const r = results[n];
    assert.equal(r.ok, true, `the probe answered while this process was busy failed: ${r.ok ? '' : String(r.error)}`);
  } finally {
    server.kill();
    rmSync(dir, { recursive: true, force: true });
  }
});
