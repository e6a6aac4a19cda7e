/** kubectl's conventions in cutover's flags: leading global flags, impersonation, request timeout, -o, completion, kubeconfig merging. */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parse as parseYaml } from 'yaml';
import { completionScript } from '../../src/cli/completion.js';
import { resolveTarget } from '../../src/cli/connectFlags.js';
import { UsageError, parseDuration } from '../../src/cli/errors.js';
import { splitCommand } from '../../src/cli/main.js';
import { runStatus } from '../../src/cli/status.js';
import { loadKubeConfig } from '../../src/kube/config.js';
import { installScenario } from '../../src/sim/scenarios.js';
import { startSim, type TestSim } from '../helpers/sim.js';

function kubeconfigFor(server: string, extra = ''): string {
  return `apiVersion: v1
kind: Config
clusters:
- name: c
  cluster: {server: "${server}"${server.startsWith('http:') ? ', insecure-skip-tls-verify: true' : ''}}
users:
- name: u
  user: {token: t0k3n}
contexts:
- name: x
  context: {cluster: c, user: u}
current-context: x
${extra}`;
}

class Sink {
  text = '';
  write(chunk: string | Uint8Array): boolean {
    this.text += String(chunk);
    return true;
  }
}

describe('leading global flags', () => {
  it('moves flags before the command word after its arguments', () => {
    assert.deepEqual(splitCommand(['-n', 'shop', 'status', 'web']), { command: 'status', args: ['web', '-n', 'shop'] });
    assert.deepEqual(splitCommand(['--kubeconfig', 'k', '--as', 'jane', 'canary', 'step', 'shop']), { command: 'canary', args: ['step', 'shop', '--kubeconfig', 'k', '--as', 'jane'] });
    assert.deepEqual(splitCommand(['--steps', '5,50,100', '--demo']), { args: ['--steps', '5,50,100', '--demo'] });
    assert.deepEqual(splitCommand(['-o', 'json', 'status', '--', '-x']), { command: 'status', args: ['-o', 'json', '--', '-x'] });
  });
});

describe('durations', () => {
  it('reads kubectl durations and refuses the rest', () => {
    assert.equal(parseDuration('--request-timeout', '0'), 0);
    assert.equal(parseDuration('--request-timeout', '5'), 5000);
    assert.equal(parseDuration('--request-timeout', '1m30s'), 90_000);
    assert.equal(parseDuration('--request-timeout', '250ms'), 250);
    assert.throws(() => parseDuration('--request-timeout', '5 s'), UsageError);
    assert.throws(() => parseDuration('--request-timeout', 'soon'), UsageError);
  });
});

describe('impersonation and the request timeout reach the server', () => {
  let server: Server;
  let url: string;
  const seen: IncomingHttpHeaders[] = [];
  let hang = false;
  before(async () => {
    server = createServer((req, res) => {
      seen.push(req.headers);
      if (hang) return; // never answers
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [] }));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  });
  after(() => {
    server.closeAllConnections();
    server.close();
  });

  it('sends Impersonate-User and Impersonate-Group with the kubeconfig credentials', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cutover-flags-'));
    writeFileSync(join(dir, 'kc'), kubeconfigFor(url));
    await resolveTarget({ kubeconfig: join(dir, 'kc'), as: 'jane', 'as-group': ['devs'] });
    const h = seen.at(-1)!;
    assert.equal(h['impersonate-user'], 'jane');
    assert.equal(h['impersonate-group'], 'devs');
    assert.equal(h.authorization, 'Bearer t0k3n');
  });

  it('--as-group needs --as, and one group', async () => {
    await assert.rejects(resolveTarget({ kubeconfig: 'unused', 'as-group': ['devs'] }), /--as-group needs --as/);
    await assert.rejects(resolveTarget({ kubeconfig: 'unused', as: 'jane', 'as-group': ['a', 'b'] }), /one group/);
  });

  it('--request-timeout ends a request the server does not answer, in one line', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cutover-flags-'));
    writeFileSync(join(dir, 'kc'), kubeconfigFor(url));
    hang = true;
    try {
      await assert.rejects(resolveTarget({ kubeconfig: join(dir, 'kc'), 'request-timeout': '300ms' }), (err: Error) => {
        assert.ok(err instanceof UsageError);
        assert.match(err.message, /^http:\/\/127\.0\.0\.1:\d+ does not answer \(no answer in time\); .*--request-timeout/);
        return true;
      });
    } finally {
      hang = false;
    }
  });
});

describe('kubeconfig files', () => {
  it('merges KUBECONFIG files, the first to set a value winning', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cutover-kc-'));
    writeFileSync(join(dir, 'a'), kubeconfigFor('https://a.example:6443'));
    writeFileSync(join(dir, 'b'), kubeconfigFor('https://b.example:6443').replace(/name: c\b/g, 'name: c2').replace('current-context: x', 'current-context: y').replace(/- name: x\n {2}context: \{cluster: c,/, '- name: y\n  context: {cluster: c2,'));
    const kc = loadKubeConfig({ kubeconfig: `${join(dir, 'a')}:${join(dir, 'b')}` });
    assert.equal(kc.getCurrentContext(), 'x');
    assert.deepEqual(kc.getContexts().map((c) => c.name).sort(), ['x', 'y']);
  });

  it('names the file, line and column of a YAML error', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cutover-kc-'));
    writeFileSync(join(dir, 'bad'), 'apiVersion: v1\nclusters:\n - name: c\n  cluster: [\n');
    assert.throws(() => loadKubeConfig({ kubeconfig: join(dir, 'bad') }), /bad:4:3: kubeconfig is not valid YAML: bad indentation/);
  });
});

describe('status -o', () => {
  let t: TestSim;
  before(async () => {
    t = await startSim({ speed: 20 });
    installScenario(t.sim, 'rolling');
  });
  after(() => t?.stop());

  const status = async (...args: string[]) => {
    const out = new Sink();
    const code = await runStatus([...args, '--kubeconfig', t.kubeconfigPath], out as unknown as NodeJS.WriteStream);
    return { code, text: out.text };
  };

  it('prints yaml, name and wide; --json is -o json', async () => {
    const yaml = await status('web', '-o', 'yaml');
    assert.equal(yaml.code, 0, yaml.text);
    assert.equal((parseYaml(yaml.text) as { releases: { name: string }[] }).releases[0].name, 'web');
    assert.deepEqual(await status('-o', 'name'), { code: 0, text: 'deployment.apps/web\n' });
    const wide = await status('-o', 'wide');
    assert.match(wide.text.split('\n')[0], /STATUS\s+SERVICE\s+IMAGES$/);
    assert.match(wide.text, /registry\.local\/web:/);
    const json = await status('web', '--json');
    assert.deepEqual(JSON.parse(json.text), JSON.parse((await status('web', '-o', 'json')).text));
  });
});

describe('completion', () => {
  const spec = { commands: ['status', 'canary', 'sim'], globalFlags: ['--namespace', '-n', '--context'], valueFlags: ['--namespace', '-n', '--context', '-o'] };
  it('writes scripts bash and zsh accept', () => {
    for (const shell of ['bash', 'zsh'] as const) {
      const dir = mkdtempSync(join(tmpdir(), 'cutover-completion-'));
      writeFileSync(join(dir, shell), completionScript(shell, spec));
      if (shell === 'bash') execFileSync('bash', ['-n', join(dir, shell)]);
    }
    assert.match(completionScript('fish', spec), /complete -c \$c -f -n __fish_use_subcommand -a 'status canary sim'/);
  });
  it('completes commands and canary verbs in bash', () => {
    const script = completionScript('bash', spec);
    const complete = (words: string[]) =>
      execFileSync('bash', ['-c', `${script}\nCOMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${words.length - 1}; PATH=/nonexistent _cutover; echo "\${COMPREPLY[*]}"`], { encoding: 'utf8' }).trim();
    assert.equal(complete(['cutover', 'st']), 'status');
    assert.equal(complete(['cutover', '-n', 'shop', 'canary', 'p']), 'promote');
    assert.equal(complete(['cutover', 'status', '-o', 'y']), 'yaml');
  });
});
