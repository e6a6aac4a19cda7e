/**
 * Runs every command of README.md's ```sh blocks exactly as written, the way a reader on this
 * machine would: the system PATH (its node may be older than the pinned one; `npm run` scripts
 * still get the pinned Node), a fresh HOME, `npm install -g` into a temporary prefix. Each
 * command must work (exit 0) or print one clear line. A block runs in one shell, so `export`
 * carries to the next line; `a && b` is judged command by command.
 *
 * Not run, each with its reason (see SKIPPED): the test suite itself, `npm ci` (it would replace
 * node_modules under the running suite; CI runs it first), krew when it is not installed.
 * Long-running commands run until their first sign of life: `npm run demo` until the cockpit's
 * first frame (in tmux), `cutover sim` until it has written its kubeconfig (then it serves the
 * rest of its block and stops at the end).
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { after, describe, it } from 'node:test';
import { ROOT } from './cli.js';
import { Tmux } from './tmux.js';

const SKIPPED: [RegExp, string][] = [
  [/^npm test$/, 'the test suite that holds this test'],
  [/^npm ci$/, 'replaces node_modules under the running suite; CI runs it as its first step'],
  [/^kubectl krew /, 'krew is not installed on this machine'],
  [/^npm run package$/, 'CI builds the standalone binary before the tests (.ci/run); release/ is used if present'],
  [/^kubectl annotate ns shop cutover\.io\/freeze=/, "an example for the reader's own cluster (namespace shop); test/e2e/pair.test.ts sets the same annotation on the sim"],
];
/** Commands that keep running: judged by their first sign of life. */
const FIRST_FRAME = /^npm run demo$/;
const BACKGROUND_SIM = /^npm run cutover -- sim /;

/** The README's shell commands, block by block, comments dropped, `&&` chains split. */
export function readmeBlocks(text: string): string[][] {
  const blocks = [...text.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) =>
    m[1]
      .split('\n')
      .map((l) => l.replace(/\s+#.*$/, '').trim())
      .filter(Boolean)
      .flatMap((l) => l.split(/\s+&&\s+/)),
  );
  return blocks.filter((b) => b.length);
}

function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

describe('every README command, as written, on this machine', { timeout: 1_200_000 }, () => {
  const home = mkdtempSync(join(tmpdir(), 'cutover-readme-'));
  const prefix = join(home, 'npm-prefix');
  mkdirSync(prefix, { recursive: true });
  // The reader's PATH: no node_modules/.bin (npm run adds it for its scripts), the global prefix's bin first.
  const systemPath = (process.env.PATH ?? '').split(delimiter).filter((d) => !d.includes('node_modules'));
  const krew = spawnSync('kubectl', ['krew', 'version'], { stdio: 'ignore' }).status === 0;
  const env = {
    ...process.env,
    HOME: home,
    PATH: [join(prefix, 'bin'), ...systemPath].join(delimiter),
    npm_config_prefix: prefix,
    XDG_STATE_HOME: '',
    KUBECONFIG: '',
    CI: '',
  } as NodeJS.ProcessEnv;
  delete env.XDG_STATE_HOME;
  delete env.KUBECONFIG;
  const tmux: Tmux[] = [];
  after(() => tmux.forEach((t) => t.kill()));

  const blocks = readmeBlocks(readFileSync(join(ROOT, 'README.md'), 'utf8'));

  it('finds the commands', () => {
    assert.ok(blocks.flat().length >= 10, `only ${blocks.flat().length} commands found`);
  });

  blocks.forEach((block, b) => {
    it(`block ${b + 1}: ${block.join(' ; ')}`, async () => {
      // set -m: a background command gets its own process group, so the trap ends npm and the sim it started.
      const script: string[] = ['set -m', 'cd ' + shellQuote(ROOT), 'sim_pid=""', 'trap \'[ -n "$sim_pid" ] && kill -- -$sim_pid 2>/dev/null\' EXIT'];
      const judged: string[] = [];
      for (const cmd of block) {
        const skip = SKIPPED.find(([re]) => re.test(cmd));
        if (skip && !(skip[0].source.includes('krew') && krew)) continue;
        if (/^release\//.test(cmd) && !existsSync(join(ROOT, 'release/kubectl-cutover'))) continue;
        if (FIRST_FRAME.test(cmd)) {
          const t = new Tmux(120, 30);
          tmux.push(t);
          const exports = Object.fromEntries(Object.entries(env).filter(([k, v]) => v !== undefined && /^(HOME|PATH|npm_config_prefix)$/.test(k))) as Record<string, string>;
          t.start(`cd ${shellQuote(ROOT)} && ${cmd}`, { ...exports, TERM: 'xterm-256color' });
          await t.waitFor(/SIMULATED CLUSTER[\s\S]*web/, 300_000);
          t.kill();
          continue;
        }
        const i = judged.push(cmd) - 1;
        if (BACKGROUND_SIM.test(cmd)) {
          const log = join(home, `sim-${b}.log`);
          script.push(`${cmd} > ${shellQuote(log)} 2>&1 & sim_pid=$!`);
          script.push(`for _ in $(seq 1 600); do grep -q 'kubeconfig written' ${shellQuote(log)} 2>/dev/null && break; kill -0 $sim_pid 2>/dev/null || break; sleep 0.1; done`);
          script.push(`grep -q 'kubeconfig written' ${shellQuote(log)}; rc=$?; [ $rc -eq 0 ] || cat ${shellQuote(log)} > "$OUT/${i}"; echo $rc > "$OUT/${i}.rc"`);
          continue;
        }
        script.push(`{ ${cmd} ; } > "$OUT/${i}" 2>&1 < /dev/null; echo $? > "$OUT/${i}.rc"`);
      }
      const out = join(home, `out-${b}`);
      mkdirSync(out, { recursive: true });
      writeFileSync(join(home, `block-${b}.sh`), script.join('\n') + '\n');
      execFileSync('bash', [join(home, `block-${b}.sh`)], { env: { ...env, OUT: out }, timeout: 900_000, stdio: 'ignore' });
      const problems: string[] = [];
      judged.forEach((cmd, i) => {
        const rc = Number(readFileSync(join(out, `${i}.rc`), 'utf8'));
        const text = existsSync(join(out, String(i))) ? readFileSync(join(out, String(i)), 'utf8') : '';
        if (/^\s+at .+[:)]\d*/m.test(text)) problems.push(`${cmd}: a stack trace\n${text}`);
        else if (rc !== 0 && text.trim().split('\n').length !== 1) problems.push(`${cmd}: exit ${rc} with ${text.trim().split('\n').length} lines\n${text}`);
      });
      assert.deepEqual(problems, [], problems.join('\n\n'));
    });
  });
});
