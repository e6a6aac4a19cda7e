/**
 * Steering as a pair, headless (src/cli/pair.ts through act.ts), as alice and bob against the sim:
 * a command refuses while the other user drives, `--take-over` breaks the lock (an Event), the lock
 * is released when the command ends, freezes refuse until `--freeze-override` (audited), a freeze
 * config file, and `--grace`.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { runCanary } from '../../src/cli/canary.js';
import { driverIdentity, DriverLease } from '../../src/kube/lease.js';
import { FREEZE_ANNOTATION } from '../../src/model/freeze.js';
import { R } from '../../src/sim/resources.js';
import { installScenario } from '../../src/sim/scenarios.js';
import { startSim, waitFor, type TestSim } from '../helpers/sim.js';
import { kubeConfigAs, pairUsers } from '../helpers/users.js';

class Capture extends Writable {
  text = '';
  override _write(chunk: Buffer, _enc: string, cb: () => void) {
    this.text += chunk.toString();
    cb();
  }
}

const NS = 'default';

describe('headless actions respect the driver lock, freezes and the cancel window', { timeout: 120_000 }, () => {
  let t: TestSim;
  let dir: string;
  const kubeconfig = { alice: '', bob: '' };

  before(async () => {
    t = await startSim({ users: pairUsers(), speed: 20 });
    installScenario(t.sim, 'canary', NS);
    await waitFor(
      () =>
        ['shop-stable', 'shop-canary'].every((n) => {
          const d = t.sim.store.get(R.deployments, NS, n);
          return d && d.status?.availableReplicas === d.spec.replicas && d.status?.updatedReplicas === d.spec.replicas;
        }),
      20_000,
      'shop rolled out',
    );
    dir = mkdtempSync(join(tmpdir(), 'cutover-pair-cli-'));
    for (const who of ['alice', 'bob'] as const) {
      kubeconfig[who] = join(dir, `${who}.kubeconfig`);
      writeFileSync(kubeconfig[who], kubeConfigAs(t, who, NS).exportConfig());
    }
  });
  after(async () => {
    await t.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const run = async (who: 'alice' | 'bob', ...argv: string[]) => {
    const stdout = new Capture();
    const stderr = new Capture();
    const code = await runCanary([...argv, '--kubeconfig', kubeconfig[who], '--yes', '--timeout', '20'], { stdout, stderr, stdin: Readable.from([]), isTTY: false, stateDir: join(dir, who) });
    return { code, out: stdout.text, err: stderr.text };
  };
  const replicas = () => t.sim.store.get(R.deployments, NS, 'shop-canary')!.spec.replicas;
  const holder = () => t.sim.store.get(R.leases, NS, 'cutover-driver-shop')?.spec.holderIdentity;
  const freeze = (value: string | undefined) =>
    t.sim.store.mutate(R.namespaces, undefined, NS, (ns) => {
      const annotations = { ...ns.metadata.annotations };
      if (value === undefined) delete annotations[FREEZE_ANNOTATION];
      else annotations[FREEZE_ANNOTATION] = value;
      ns.metadata.annotations = annotations;
    });

  it('an action takes the free lock for its run and gives it back', async () => {
    const r = await run('alice', 'step', 'shop');
    assert.equal(r.code, 0, r.err + r.out);
    assert.equal(holder(), undefined, 'released when the command ends');
  });

  it("refused while alice's cockpit drives; --take-over breaks it and is audited", async () => {
    const cockpit = new DriverLease(kubeConfigAs(t, 'alice', NS), { namespace: NS, release: 'shop', identity: driverIdentity('alice') });
    assert.ok((await cockpit.acquire()).ok);
    const before = replicas();
    const refused = await run('bob', 'back', 'shop');
    assert.equal(refused.code, 1);
    assert.match(refused.err, new RegExp(`driven by ${driverIdentity('alice')} since \\d\\d:\\d\\d: pass --take-over REASON to take it .*; nothing was changed`));
    assert.equal(replicas(), before);

    const bad = await run('bob', 'back', 'shop', '--take-over', ' ');
    assert.equal(bad.code, 2);
    assert.match(bad.err, /--take-over needs a reason/);

    const taken = await run('bob', 'back', 'shop', '--take-over', 'alice is on a call');
    assert.equal(taken.code, 0, taken.err);
    assert.match(taken.err, new RegExp(`took over driving from ${driverIdentity('alice')}`));
    assert.notEqual(replicas(), before);
    const event = t.sim.store.list(R.events, NS).find((e) => e.reason === 'CutoverTakeOver');
    assert.equal(event?.message, `bob: took over driving shop from ${driverIdentity('alice')}: alice is on a call`);
    assert.equal(holder(), undefined, "bob's lock released when the command ends");
  });

  it('a freeze (annotation) refuses until --freeze-override, which the Event records', async () => {
    freeze(JSON.stringify({ start: '2020-01-01T00:00:00Z', end: '2099-01-01T00:00:00Z', reason: 'launch day' }));
    try {
      const before = replicas();
      const refused = await run('alice', 'step', 'shop');
      assert.equal(refused.code, 1);
      assert.match(refused.err, /frozen: launch day \(namespace default\) \(until 2099-01-01T00:00:00.000Z\); pass --freeze-override REASON/);
      assert.equal(replicas(), before);
      const ok = await run('alice', 'step', 'shop', '--freeze-override', 'hotfix INC-7');
      assert.equal(ok.code, 0, ok.err);
      const event = t.sim.store.list(R.events, NS).find((e) => e.reason === 'CutoverCanaryStep' && /hotfix INC-7/.test(e.message ?? ''));
      assert.ok(event, 'the override in the Event');
    } finally {
      freeze(undefined);
    }
  });

  it('a freeze config file (RRULE) refuses; a bad file is a usage error', async () => {
    const file = join(dir, 'freezes.yaml');
    writeFileSync(file, 'freezes:\n  - reason: no changes today\n    rrule: "DTSTART;TZID=Europe/Paris:20200101T000000\\nRRULE:FREQ=DAILY"\n    duration: P1D\n');
    const refused = await run('alice', 'back', 'shop', '--freeze-config', file);
    assert.equal(refused.code, 1, refused.err);
    assert.match(refused.err, /frozen: no changes today/);
    writeFileSync(file, 'freezes: nope\n');
    const bad = await run('alice', 'back', 'shop', '--freeze-config', file);
    assert.equal(bad.code, 2);
    assert.match(bad.err, /--freeze-config: /);
  });

  it('--grace waits before firing and says so', async () => {
    const r = await run('alice', 'back', 'shop', '--grace', '1s');
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /fires in 1 s \(Ctrl-C cancels/);
  });
});
