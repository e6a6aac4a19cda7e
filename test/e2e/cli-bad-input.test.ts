/**
 * Bad input over every subcommand of the built cutover: unknown flags, missing and bad values,
 * out-of-range numbers, unreachable servers, untrusted certificates, rejected tokens, missing
 * credential files and plugins, malformed YAML. Every case must end non-zero with one line on
 * stderr (act.ts may add its `Usage:` line after a usage error), never a stack trace, and must not
 * change the cluster.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { installScenario } from '../../src/sim/scenarios.js';
import { startSim, type TestSim } from '../helpers/sim.js';
import { CUTOVER, NODE, ROOT, ensureBuilt } from './cli.js';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function cutover(args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve) => {
    execFile(NODE, [CUTOVER, ...args], { cwd: ROOT, timeout: 60_000, env: { ...process.env, ...env } }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? ((err as { code: number }).code) : -1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

/** A port nothing listens on. */
async function closedPort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as { port: number }).port;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

function assertOneLine(r: Run, what: string, expect?: RegExp): void {
  const all = r.stdout + r.stderr;
  assert.doesNotMatch(all, /^\s+at .+[:)]\d*/m, `${what}: a stack trace\n${all}`);
  assert.doesNotMatch(all, /internal error|unexpected error/, `${what}: an internal error\n${all}`);
  assert.notEqual(r.code, 0, `${what}: exit 0\n${all}`);
  assert.ok(r.code === 1 || r.code === 2, `${what}: exit ${r.code}, want 1 or 2\n${all}`);
  // A command group without its verb prints its usage (as kubectl does); that is not an error line.
  if (r.stderr === '' && r.stdout.startsWith('Usage: ')) return;
  // An action the plan refuses prints its plan and one `refused:` line (act.ts), on stdout.
  if (r.stderr === '' && r.code === 1 && /^refused: .+$/m.test(r.stdout)) return;
  const lines = r.stderr.trimEnd().split('\n').filter((l) => !/^Usage: /.test(l));
  assert.equal(lines.length, 1, `${what}: ${lines.length} lines on stderr, want one\n${r.stderr}${r.stdout}`);
  assert.match(lines[0], /^cutover/, `${what}: the line does not start with cutover: ${lines[0]}`);
  if (expect) assert.match(lines[0], expect, `${what}: ${lines[0]}`);
}

const ACTIONS: string[][] = [
  ['canary', 'step', 'shop'],
  ['canary', 'promote', 'shop'],
  ['flip', 'pay'],
  ['scale-idle', 'pay', '3'],
  ['pause', 'web'],
  ['resume', 'web'],
  ['restart', 'web'],
  ['set-image', 'web', 'web=registry.local/web:v9'],
  ['scale', 'web', '3'],
  ['undo', 'web'],
  ['migrate', 'web'],
];
const READS: string[][] = [['status'], ['status', 'web'], ['history', 'web']];
const CLUSTER_COMMANDS = [...READS, ...ACTIONS];

describe('cutover on bad input: one line, never a stack trace', { timeout: 900_000 }, () => {
  let t: TestSim;
  let dir: string;
  const kc: Record<string, string> = {};

  before(async () => {
    await ensureBuilt();
    t = await startSim();
    installScenario(t.sim, 'rolling');
    installScenario(t.sim, 'canary');
    installScenario(t.sim, 'bluegreen');
    dir = mkdtempSync(join(tmpdir(), 'cutover-bad-'));
    const good = t.sim.kubeconfig();
    const write = (name: string, text: string) => {
      kc[name] = join(dir, name);
      writeFileSync(kc[name], text);
    };
    write('good', good);
    write('refused', good.replace(/server: https:\/\/127\.0\.0\.1:\d+/, `server: https://127.0.0.1:${await closedPort()}`));
    write('untrusted', good.replace(/ {4}certificate-authority-data: .*\n/, ''));
    write('badtoken', good.replace(/token: .*/, 'token: not-a-token'));
    write('nocert', good.replace(/ {4}token: .*\n/, '    client-certificate: /nonexistent/client.crt\n    client-key: /nonexistent/client.key\n'));
    write('noexec', good.replace(/ {4}token: .*\n/, '    exec:\n      apiVersion: client.authentication.k8s.io/v1\n      command: cutover-test-no-such-plugin\n      interactiveMode: Never\n'));
    write('malformed', good.replace('contexts:', 'contexts:\n  - [oops'));
    write('badjob.yaml', 'apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: [migrate\n');
  });
  after(() => t?.stop());

  async function sweep(cases: { args: string[]; expect?: RegExp }[]): Promise<void> {
    const queue = [...cases];
    const failures: string[] = [];
    await Promise.all(
      [0, 1, 2, 3].map(async () => {
        for (let c = queue.shift(); c; c = queue.shift()) {
          const r = await cutover(c.args, { XDG_STATE_HOME: dir });
          try {
            assertOneLine(r, `cutover ${c.args.join(' ')}`, c.expect);
          } catch (err) {
            failures.push((err as Error).message);
          }
        }
      }),
    );
    assert.deepEqual(failures, [], failures.join('\n\n'));
  }

  it('unknown flags, missing arguments and unknown commands', async () => {
    const cases: { args: string[]; expect?: RegExp }[] = [
      { args: ['nope'], expect: /unknown command "nope"/ },
      { args: ['--bogus'], expect: /Unknown option '--bogus'/ },
      { args: ['sim', '--bogus'], expect: /--bogus/ },
      { args: ['sim', 'extra'], expect: /extra/ },
      { args: ['completion'], expect: /shell/ },
      { args: ['completion', 'tcsh'], expect: /tcsh/ },
      { args: ['canary', 'sideways', 'shop', '--kubeconfig', kc.good] },
      { args: ['canary'] },
    ];
    for (const cmd of CLUSTER_COMMANDS) {
      cases.push({ args: [...cmd, '--bogus', '--kubeconfig', kc.good], expect: /--bogus/ });
      if (cmd.length > 1 && cmd[0] !== 'status') cases.push({ args: [cmd[0], ...(cmd[0] === 'canary' ? [cmd[1]] : []), '--kubeconfig', kc.good] });
    }
    await sweep(cases);
  });

  it('bad values and out-of-range numbers', async () => {
    const g = ['--kubeconfig', kc.good];
    await sweep([
      { args: ['sim', '--port', '99999'], expect: /--port/ },
      { args: ['sim', '--port', '-1'], expect: /--port/ },
      { args: ['sim', '--port', 'http'], expect: /--port/ },
      { args: ['sim', '--port', '0', '--speed', '0'], expect: /--speed/ },
      { args: ['sim', '--port', '0', '--pods', '-5'], expect: /--pods/ },
      { args: ['sim', '--port', '0', '--scenario', 'nope'], expect: /scenario/ },
      { args: ['sim', '--port', '0', '--namespace', 'Not_A_Namespace'], expect: /namespace/ },
      { args: ['sim', '--port', '0', '--kubeconfig-out', '/dev/null/kc'], expect: /\/dev\/null\/kc/ },
      { args: ['status', '-o', 'xml', ...g], expect: /-o/ },
      { args: ['status', '--json', '-o', 'yaml', ...g], expect: /--json/ },
      { args: ['status', '--timeout', '0', ...g], expect: /--timeout/ },
      { args: ['status', '--timeout', 'soon', ...g], expect: /--timeout/ },
      { args: ['status', 'a', 'b', ...g], expect: /at most one/ },
      { args: ['status', 'no-such-release', ...g] },
      { args: ['--request-timeout', 'fast', 'status', ...g], expect: /--request-timeout/ },
      { args: ['status', '--as-group', 'admins', ...g], expect: /--as/ },
      { args: ['status', '--as', '', ...g], expect: /--as/ },
      { args: ['-n', '', 'status', ...g], expect: /namespace/ },
      { args: ['status', '-n', 'Shop!', ...g], expect: /namespace/ },
      { args: ['status', '-n', 'shop', '-A', ...g], expect: /-A/ },
      { args: ['--steps', '0,200', ...g], expect: /--steps/ },
      { args: ['scale', 'web', 'many', '--yes', ...g] },
      { args: ['scale', 'web', '-1', '--yes', ...g] },
      { args: ['scale', 'web', '1.5', '--yes', ...g] },
      { args: ['undo', 'web', '--to-revision', 'last', '--yes', ...g], expect: /--to-revision/ },
      { args: ['canary', 'step', 'shop', '--steps', '0,200', '--yes', ...g] },
      { args: ['history', 'no-such-deployment', ...g] },
      { args: ['scale', 'no-such-deployment', '2', '--yes', ...g] },
      { args: ['migrate', 'web', '--migration', join(dir, 'missing.yaml'), '--yes', ...g], expect: /missing\.yaml/ },
      { args: ['migrate', 'web', '--migration', kc['badjob.yaml'], '--yes', ...g], expect: /badjob\.yaml(:\d+:\d+|.* at line \d+, column \d+)/ },
      { args: ['--kubeconfig', join(dir, 'missing-kubeconfig'), 'status'], expect: /kubeconfig not found/ },
      { args: ['--kubeconfig', kc.good, '--context', 'nope', 'status'], expect: /context "nope" not found/ },
    ]);
    // Nothing above may have written: web keeps its replicas.
    const replicas = await t.kubectl(['get', 'deploy', 'web', '-o', 'jsonpath={.spec.replicas}']);
    assert.equal(replicas.stdout, '10');
  });

  it('unreachable servers, untrusted certificates, rejected tokens, missing credentials, malformed kubeconfigs', async () => {
    const kinds: [string, RegExp][] = [
      ['refused', /cannot reach https:\/\/127\.0\.0\.1:\d+ \(connection refused\)/],
      ['untrusted', /cannot reach https:\/\/127\.0\.0\.1:\d+ \((UNABLE_TO_VERIFY_LEAF_SIGNATURE|SELF_SIGNED_CERT_IN_CHAIN|DEPTH_ZERO_SELF_SIGNED_CERT|UNABLE_TO_GET_ISSUER_CERT_LOCALLY)\)/],
      ['badtoken', /credentials rejected \(401\)/],
      ['nocert', /client certificate \/nonexistent\/client\.crt of user "cutover-admin" not found/],
      ['noexec', /exec credential plugin "cutover-test-no-such-plugin" of user "cutover-admin" not found/],
      ['malformed', /malformed:\d+:\d+: kubeconfig is not valid YAML/],
    ];
    // Every command against a closed port; each other failure against a read, an action and the
    // two commands with their own loaders (history, migrate).
    const sample = [['status'], ['history', 'web'], ['scale', 'web', '3'], ['canary', 'step', 'shop'], ['migrate', 'web']];
    const withYes = (cmd: string[]) => (READS.includes(cmd) || cmd[0] === 'status' || cmd[0] === 'history' ? cmd : [...cmd, '--yes']);
    const cases = kinds.flatMap(([name, expect]) => (name === 'refused' ? CLUSTER_COMMANDS : sample).map((cmd) => ({ args: [...withYes(cmd), '--kubeconfig', kc[name]], expect })));
    // The cockpit itself, without a terminal, says so in one line.
    cases.push({ args: ['--kubeconfig', kc.refused], expect: /terminal/ });
    await sweep(cases);
  });

  // Validation that lands with the action registry (replicas are int32; image references follow
  // the distribution grammar). Until then this test fails. --dry-run, so that a run the CLI lets
  // through cannot make this process's sim create two billion pods: validation must refuse it
  // before any request, dry run or not.
  it('out-of-range replicas and malformed image references are refused before any write', async () => {
    const g = ['--dry-run', '--kubeconfig', kc.good];
    await sweep([
      { args: ['scale', 'web', '2147483648', ...g], expect: /2147483647|int32|replicas/ },
      { args: ['scale-idle', 'pay', '99999999999', ...g], expect: /2147483647|int32|replicas/ },
      { args: ['flip', 'pay', '--scale-old', '2147483648', ...g], expect: /2147483647|int32|replicas|scale-old/ },
      { args: ['set-image', 'web', 'web=UPPER/Repo::v1', ...g], expect: /image/ },
    ]);
    const web = await t.kubectl(['get', 'deploy', 'web', '-o', 'jsonpath={.spec.replicas} {.spec.template.spec.containers[0].image}']);
    assert.doesNotMatch(web.stdout, /2147483648|UPPER/);
  });
});
