/** The headless runner (src/cli/act.ts) through `cutover canary` / `flip` / `scale-idle`, against the sim. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import type { ActIO } from '../../src/cli/act.js';
import { runCanary } from '../../src/cli/canary.js';
import { runFlip, runScaleIdle } from '../../src/cli/flip.js';
import { main } from '../../src/cli/main.js';
import { waitFor } from '../helpers/sim.js';
import { prodKubeconfig as prodKubeconfigOf, startActionSim, type ActionSim } from './actions-canary-flip-helpers.js';

class Capture extends Writable {
  text = '';
  override _write(chunk: Buffer, _enc: string, cb: () => void) {
    this.text += chunk.toString();
    cb();
  }
}

interface Run {
  code: number;
  out: string;
  err: string;
  asked: string[];
}

describe('cutover canary / flip / scale-idle (act.ts) against the sim', () => {
  let a: ActionSim;
  let prodKubeconfig: string;
  before(async () => {
    a = await startActionSim('demo', ['shop-stable', 'shop-canary', 'pay-blue', 'pay-green']);
    prodKubeconfig = prodKubeconfigOf(a);
  });
  after(async () => {
    await a?.close();
  });

  const run = async (fn: (argv: string[], io?: Partial<ActIO>) => Promise<number>, argv: string[], o: { tty?: boolean; answers?: string[]; kubeconfig?: string } = {}): Promise<Run> => {
    const stdout = new Capture();
    const stderr = new Capture();
    const asked: string[] = [];
    const answers = [...(o.answers ?? [])];
    const code = await fn([...argv, '--kubeconfig', o.kubeconfig ?? a.kubeconfigPath, '--timeout', '20'], {
      stdout,
      stderr,
      stdin: Readable.from([]),
      isTTY: o.tty ?? false,
      ask: async (q) => {
        asked.push(q);
        return answers.shift() ?? '';
      },
      stateDir: a.stateDir,
    });
    return { code, out: stdout.text, err: stderr.text, asked };
  };
  const split = async () => `${await a.replicas('shop-stable')}/${await a.replicas('shop-canary')}`;

  it('without a terminal and without --yes: refuses in one line, changes nothing (exit 1)', async () => {
    const r = await run(runCanary, ['step', 'shop']);
    assert.equal(r.code, 1);
    assert.match(r.out, /^canary shop: 10% -> 30% \(stable 9 -> 7, canary 1 -> 3\)\n  1\. deployment default\/shop-canary: spec.replicas 1 -> 3\n  2\. wait: until shop-canary has 3 available pods/);
    assert.match(r.out, /  - 30% of 10 = 3 canary, 7 stable/);
    assert.equal(r.err.trim().split('\n').length, 1);
    assert.match(r.err, /not a terminal: pass --yes/);
    assert.equal(await split(), '9/1');
  });

  it('--dry-run sends server-side dry runs: nothing changes, exit 0', async () => {
    const r = await run(runCanary, ['step', 'shop', '--dry-run']);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /\[dry run\] deployment default\/shop-canary: spec.replicas 1 -> 3/);
    assert.match(r.out, /\[dry run\] deployment default\/shop-stable: spec.replicas 9 -> 7/);
    assert.match(r.out, /done: canary shop: 10% -> 30% .*\(dry run: nothing was changed\)/);
    assert.equal(await split(), '9/1');
  });

  it('on a terminal: asks y/N; "n" cancels, "y" runs with progress on one updating line', async () => {
    const no = await run(runCanary, ['step', 'shop'], { tty: true, answers: ['n'] });
    assert.equal(no.code, 1);
    assert.match(no.asked[0], /run it\? \[y\/N\]/);
    assert.equal(await split(), '9/1');
    const yes = await run(runCanary, ['step', 'shop', '--wait'], { tty: true, answers: ['y'] });
    assert.equal(yes.code, 0, yes.out + yes.err);
    assert.ok(yes.out.includes('\r\x1b[2K'), 'progress redraws one line');
    assert.match(yes.out, /done: canary shop: 10% -> 30%/);
    assert.equal(await split(), '7/3');
  });

  it('--yes --json prints {plan, result} on stdout only', async () => {
    const r = await run(runCanary, ['step', 'shop', '--yes', '--json', '--wait', '--steps', '30,60,100']);
    assert.equal(r.code, 0, r.err);
    const doc = JSON.parse(r.out);
    assert.equal(doc.plan.title, 'canary shop: 30% -> 60% (stable 7 -> 4, canary 3 -> 6)');
    assert.equal(doc.result.ok, true);
    assert.deepEqual(doc.result.applied.map((s: { target: { name: string } }) => s.target.name), ['shop-canary', 'shop-stable']);
    assert.match(r.err, /canary shop: 30% -> 60%/); // the human text went to stderr
    assert.equal(await split(), '4/6');
    const audit = readFileSync(join(a.stateDir, 'audit.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    assert.equal(audit.at(-1).user, 'cutover-admin');
    assert.equal(audit.at(-1).context, 'cutover-sim');
  });

  it('a prod context needs the Deployment name typed (or --confirm-name)', async () => {
    const headless = await run(runCanary, ['abort', 'shop', '--yes', '--context', 'prod-east'], { kubeconfig: prodKubeconfig });
    assert.equal(headless.code, 1);
    assert.match(headless.err, /prod-east is a production context: pass --confirm-name shop-stable/);
    const wrong = await run(runCanary, ['abort', 'shop', '--yes', '--context', 'prod-east', '--confirm-name', 'shop'], { kubeconfig: prodKubeconfig });
    assert.equal(wrong.code, 1);
    const typedWrong = await run(runCanary, ['abort', 'shop', '--context', 'prod-east'], { kubeconfig: prodKubeconfig, tty: true, answers: ['shop-canary'] });
    assert.equal(typedWrong.code, 1);
    assert.match(typedWrong.asked[0], /type the Deployment name \(shop-stable\)/);
    assert.equal(await split(), '4/6');
    const ok = await run(runCanary, ['abort', 'shop', '--yes', '--wait', '--context', 'prod-east', '--confirm-name', 'shop-stable'], { kubeconfig: prodKubeconfig });
    assert.equal(ok.code, 0, ok.out + ok.err);
    assert.equal(await split(), '10/0');
  });

  it('refused plans exit 1 with the reason; usage errors exit 2', async () => {
    const refused = await run(runCanary, ['back', 'shop', '--yes']);
    assert.equal(refused.code, 1);
    assert.match(refused.out, /refused: the canary already has 0 replicas/);
    const notBg = await run(runFlip, ['shop', '--yes']);
    assert.equal(notBg.code, 1);
    assert.match(notBg.out, /refused: shop is a canary release, not blue-green/);
    const missing = await run(runScaleIdle, ['pay']);
    assert.equal(missing.code, 2);
    assert.match(missing.err, /needs RELEASE REPLICAS/);
    assert.equal((await run(runCanary, ['step', 'shop', '--steps', '50,10'])).code, 2);
    assert.equal((await run(runCanary, ['sideways', 'shop'])).code, 2);
    assert.equal((await run(runScaleIdle, ['pay', 'many'])).code, 2);
    const unknown = await run(runFlip, ['nope', '--yes']);
    assert.equal(unknown.code, 1);
    assert.match(unknown.err, /no release or Deployment named "nope"/);
  });

  it('a closed migration gate refuses; --override REASON runs it and is audited', async () => {
    const job = {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name: 'shop-migrate', namespace: 'default', labels: { 'cutover.io/migration-for': 'shop' } },
      spec: { suspend: true, template: { spec: { restartPolicy: 'Never', containers: [{ name: 'm', image: 'registry.local/shop:v2.0.0' }] } } },
    };
    const k = await a.kubectl(['apply', '-f', '-'], { input: JSON.stringify(job) });
    assert.equal(k.code, 0, k.stderr);
    await waitFor(async () => (await a.state()).snapshot.jobs.some((j) => j.metadata?.name === 'shop-migrate'));
    const closed = await run(runCanary, ['step', 'shop', '--yes']);
    assert.equal(closed.code, 1);
    assert.match(closed.out, /refused: migration gate closed: no migration has run for registry.local\/shop:v2.0.0/);
    assert.equal(await split(), '10/0');
    const over = await run(runCanary, ['step', 'shop', '--yes', '--wait', '--override', 'schema unchanged in v2']);
    assert.equal(over.code, 0, over.out + over.err);
    assert.match(over.out, /gate override: schema unchanged in v2/);
    assert.equal(await split(), '9/1');
    const audit = readFileSync(join(a.stateDir, 'audit.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    assert.equal(audit.at(-1).override, 'schema unchanged in v2');
    const msgs = await a.jsonpath(['get', 'events', '--field-selector', 'reason=CutoverCanaryStep'], '{range .items[*]}{.message}{"\\n"}{end}');
    assert.match(msgs, /\(gate overridden: schema unchanged in v2\)/);
    const empty = await run(runCanary, ['step', 'shop', '--yes', '--override', ' ']);
    assert.equal(empty.code, 2);
  });

  it('flip and scale-idle run through main() too', async () => {
    const r = await run((argv, io) => runFlip(argv, io), ['pay', '--yes']);
    assert.equal(r.code, 0, r.out + r.err);
    assert.equal(await a.jsonpath(['get', 'svc', 'pay'], '{.spec.selector.version}'), 'green');
    const live = await run(runScaleIdle, ['pay-green', '0', '--yes']);
    assert.equal(live.code, 1);
    assert.match(live.out, /pay-green is the LIVE colour/);
    const help = await run(runFlip, ['--help']);
    assert.equal(help.code, 0);
    assert.match(help.out, /^Usage: cutover flip RELEASE/);
    assert.match(help.out, /--confirm-name NAME/);
    assert.equal(await main(['scale-idle', 'pay', '1', '--bogus']), 2);
  });
});
