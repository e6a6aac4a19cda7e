/**
 * Bad values on the action commands are refused before anything is written (the registry's one
 * parser each), and a production context asks for the same name in the CLI as in the cockpit.
 */
import assert from 'node:assert/strict';
import { Readable, Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import type { ActIO } from '../../src/cli/act.js';
import { runFlip, runScaleIdle } from '../../src/cli/flip.js';
import { runRollout } from '../../src/cli/rollout.js';
import { prodKubeconfig as prodKubeconfigOf, startActionSim, type ActionSim } from './actions-canary-flip-helpers.js';

class Capture extends Writable {
  text = '';
  override _write(chunk: Buffer, _enc: string, cb: () => void) {
    this.text += chunk.toString();
    cb();
  }
}

describe('action commands refuse bad values before any write', () => {
  let a: ActionSim;
  let prodKubeconfig: string;
  before(async () => {
    a = await startActionSim('demo', ['web', 'pay-blue', 'pay-green']);
    prodKubeconfig = prodKubeconfigOf(a);
  });
  after(async () => {
    await a?.close();
  });

  const run = async (fn: (argv: string[], io?: Partial<ActIO>) => Promise<number>, argv: string[], kubeconfig = a.kubeconfigPath) => {
    const stdout = new Capture();
    const stderr = new Capture();
    const code = await fn([...argv, '--kubeconfig', kubeconfig, '--timeout', '20'], { stdout, stderr, stdin: Readable.from([]), isTTY: false, stateDir: a.stateDir });
    return { code, out: stdout.text, err: stderr.text };
  };

  it('scale beyond int32, scale-idle and flip --scale-old with bad numbers: exit 2, one line, nothing changed', async () => {
    const before = await a.replicas('web');
    const scale = await run((argv, io) => runRollout('scale', argv, io), ['web', '2147483648', '--yes']);
    assert.equal(scale.code, 2);
    assert.match(scale.err, /^cutover scale: REPLICAS: "2147483648" is not a whole number from 0 to 2147483647\n/);
    assert.equal(await a.replicas('web'), before);

    const idle = await run(runScaleIdle, ['pay', '3.5', '--yes']);
    assert.equal(idle.code, 2, idle.err);
    assert.match(idle.err, /REPLICAS: "3.5" is not a whole number/);

    const flip = await run(runFlip, ['pay', '--scale-old', '1e3', '--yes']);
    assert.equal(flip.code, 2);
    assert.match(flip.err, /--scale-old: "1e3" is not a whole number/);
  });

  it('set-image with a reference the grammar refuses: exit 2 with the reason; the image stays', async () => {
    const r = await run((argv, io) => runRollout('set-image', argv, io), ['web', 'app=UPPER/Repo::v1', '--yes']);
    assert.equal(r.code, 2);
    assert.match(r.err, /IMAGE: "UPPER\/Repo::v1" is not an image reference \(invalid reference format\)/);
    assert.equal(r.err.trim().split('\n').length, 2, 'the reason and the usage line, no stack');
    assert.doesNotMatch(await a.jsonpath(['get', 'deploy', 'web'], '{.spec.template.spec.containers[*].image}'), /UPPER/);
  });

  it('a pair named where a Deployment is needed: say which Deployments there are', async () => {
    const r = await run((argv, io) => runRollout('restart', argv, io), ['pay', '--yes']);
    assert.equal(r.code, 1);
    assert.match(r.err, /pay is a bluegreen release of pay-blue and pay-green: name the Deployment/);
  });

  it('a prod flip asks for the Service it writes, as the cockpit does', async () => {
    const r = await run(runFlip, ['pay', '--yes', '--context', 'prod-east', '--dry-run', '--confirm-name', 'pay-green'], prodKubeconfig);
    assert.equal(r.code, 0, 'a dry run needs no confirmation');
    const wrong = await run(runFlip, ['pay', '--yes', '--context', 'prod-east', '--confirm-name', 'pay-green'], prodKubeconfig);
    assert.equal(wrong.code, 1);
    assert.match(wrong.err, /--confirm-name "pay-green" does not match "pay"/);
  });
});
