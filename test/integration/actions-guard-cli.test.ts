/**
 * `--guard` on the headless guarded actions against the sim (pod metrics through the pod proxy,
 * the sim's fast clock): a breached canary's step is refused with the figures; overridden, it is
 * watched and rolled back (exit 1); a healthy canary's step holds (exit 0).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { runCanary } from '../../src/cli/canary.js';
import { runFlip } from '../../src/cli/flip.js';
import { installScenario } from '../../src/sim/scenarios.js';
import { R } from '../../src/sim/resources.js';
import { startSim, waitFor, type TestSim } from '../helpers/sim.js';

const SPEED = 25;

class Capture extends Writable {
  text = '';
  override _write(chunk: Buffer, _enc: string, cb: () => void) {
    this.text += chunk.toString();
    cb();
  }
}

describe('--guard on canary step and flip (headless)', () => {
  let t: TestSim;
  let stateDir: string;
  before(async () => {
    t = await startSim({ speed: SPEED });
    installScenario(t.sim, 'demo');
    stateDir = mkdtempSync(join(tmpdir(), 'cutover-guard-act-'));
    await waitFor(() => ['cart-canary', 'shop-canary'].every((n) => t.sim.store.get(R.deployments, 'default', n)?.status?.availableReplicas === 1), 20_000, 'canaries available');
  });
  after(async () => {
    await t.stop();
    rmSync(stateDir, { recursive: true, force: true });
  });

  const run = async (fn: typeof runCanary, argv: string[]) => {
    const stdout = new Capture();
    const stderr = new Capture();
    const code = await fn([...argv, '--kubeconfig', t.kubeconfigPath, '--yes'], {
      stdout,
      stderr,
      stdin: Readable.from([]),
      isTTY: false,
      stateDir,
      clock: { now: () => t.sim.clock.now(), sleep: (ms) => new Promise((r) => setTimeout(r, ms / SPEED)) },
    });
    return { code, out: stdout.text, err: stderr.text };
  };
  const replicas = (n: string) => t.sim.store.get(R.deployments, 'default', n)!.spec.replicas as number;

  it('a breached canary: the step is refused with the figures, nothing changes (exit 1)', async () => {
    const r = await run(runCanary, ['step', 'cart', '--guard', '--for', '30s']);
    assert.equal(r.code, 1, r.out + r.err);
    assert.match(r.out, /refused: metric guard breached: canary: error rate [78]\.\d% > 1\.0% \(by [67]\.\d points\)/);
    assert.equal(replicas('cart-canary'), 1);
  });

  it('overridden: the step runs, the watch sees the breach and rolls the canary back (exit 1)', async () => {
    const r = await run(runCanary, ['step', 'cart', '--guard', '--for', '60s', '--override', 'see it break']);
    assert.equal(r.code, 1, r.out + r.err);
    assert.match(r.out, /gate override: see it break/);
    assert.match(r.out, /BREACHED: canary: 5xx [78]\.\d%/);
    assert.match(r.out, /guard cart: rolled back: canary: error rate [78]\.\d% > 1\.0%/);
    assert.equal(replicas('cart-canary'), 0);
  });

  it('a healthy canary: the step holds through the window (exit 0)', async () => {
    const r = await run(runCanary, ['step', 'shop', '--guard', '--for', '30s', '--max-p95', '300ms']);
    assert.equal(r.code, 0, r.out + r.err);
    assert.match(r.out, /metric guard ok: canary: 5xx 0\.0%/);
    assert.match(r.out, /guard shop: held/);
    assert.equal(replicas('shop-canary'), 3);
  });

  it('bad guard flags are usage errors (exit 2); flip takes them too', async () => {
    const bad = await run(runCanary, ['promote', 'shop', '--max-error-rate', '300%']);
    assert.equal(bad.code, 2, bad.out + bad.err);
    assert.match(bad.err, /--max-error-rate needs a percentage like 1%/);
    const flip = await run(runFlip, ['pay', '--interval', 'soon']);
    assert.equal(flip.code, 2, flip.out + flip.err);
    assert.match(flip.err, /--interval needs a duration/);
  });
});
