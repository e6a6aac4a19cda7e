/**
 * End to end, keys only: two built cockpits in two real terminals (tmux) on one namespace, as alice
 * and bob, against a sim that knows both users. Alice steps the canary and drives; bob sees
 * `driven by` and his `+` is refused; bob takes over (an Event); alice's key is then refused; bob's
 * cockpit vanishes and his lock runs out by itself (--lock-seconds 3); a freeze declared with
 * kubectl refuses both until alice overrides it (audited); alice quits and her lock is released.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { R } from '../../src/sim/resources.js';
import { installScenario } from '../../src/sim/scenarios.js';
import { KUBECTL, startSim, waitFor, type TestSim } from '../helpers/sim.js';
import { kubeConfigAs, pairUsers } from '../helpers/users.js';
import { CUTOVER, ensureBuilt, NODE, ROOT } from './cli.js';
import { Tmux } from './tmux.js';

const NS = 'default';

describe('e2e: two cockpits steering one release as a pair', { timeout: 180_000 }, () => {
  let t: TestSim;
  let dir: string;
  const terminals: Tmux[] = [];
  /** The real kubectl, asynchronously: the sim serves from this process. */
  const kubectl = async (...args: string[]) =>
    (await promisify(execFile)(KUBECTL, ['--kubeconfig', join(dir, 'admin.kubeconfig'), ...args], { encoding: 'utf8', env: { ...process.env, HOME: dir } })).stdout;

  /** A cockpit as `who` in its own terminal, wide enough for the row's driver text. */
  const cockpit = (who: 'alice' | 'bob') => {
    const term = new Tmux(180, 40);
    terminals.push(term);
    term.start(`cd '${ROOT}' && XDG_STATE_HOME='${join(dir, who)}' '${NODE}' '${CUTOVER}' --kubeconfig '${join(dir, `${who}.kubeconfig`)}' --lock-seconds 3`);
    return term;
  };
  const row = (screen: string) => screen.split('\n').find((l) => /^.shop /.test(l)) ?? '';

  before(async () => {
    await ensureBuilt();
    t = await startSim({ users: pairUsers(), speed: 20 });
    installScenario(t.sim, 'canary', NS);
    dir = mkdtempSync(join(tmpdir(), 'cutover-e2e-pair-'));
    writeFileSync(join(dir, 'admin.kubeconfig'), t.sim.kubeconfig());
    for (const who of ['alice', 'bob'] as const) writeFileSync(join(dir, `${who}.kubeconfig`), kubeConfigAs(t, who, NS).exportConfig());
  });
  after(async () => {
    for (const term of terminals) term.kill();
    await t?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  let alice: Tmux;
  let bob: Tmux;

  it('alice drives; bob is refused, takes over; then alice is refused', async () => {
    alice = cockpit('alice');
    bob = cockpit('bob');
    for (const term of [alice, bob]) await term.waitFor((s) => /canary 10%/.test(row(s)) && /zero downtime kept/.test(row(s)), 30_000);

    alice.type('+');
    await alice.waitFor(/\? confirm: canary shop: 10% -> 30%/);
    alice.type('y');
    await alice.waitFor((s) => s.includes('✓ done: canary shop: 10% -> 30%'), 30_000);
    alice.send('Escape');

    await bob.waitFor((s) => /driven by alice@\S+ since \d\d:\d\d/.test(row(s)));
    bob.type('+');
    const refused = await bob.waitFor(/✗ refused: /);
    assert.match(refused, /driven by alice@\S+ since \d\d:\d\d: T takes over/);
    assert.match(refused, /T take over from alice@/);

    bob.type('T');
    await bob.waitFor(/\? take over: drive shop instead of alice@/);
    bob.type('alice is on a call');
    bob.send('Enter');
    // The refused + is planned again once the lock is bob's.
    await bob.waitFor(/\? confirm: canary shop: 30% -> 50%/, 15_000);
    bob.type('y');
    await bob.waitFor((s) => s.includes('✓ done: canary shop: 30% -> 50%'), 30_000);
    bob.send('Escape');
    const events = await kubectl('get', 'events', '--field-selector', 'reason=CutoverTakeOver', '-o', 'jsonpath={range .items[*]}{.message}{"\\n"}{end}');
    assert.match(events, /^bob: took over driving shop from alice@\S+: alice is on a call$/m);

    await alice.waitFor((s) => /driven by bob@/.test(row(s)));
    alice.type('+');
    assert.match(await alice.waitFor(/✗ refused: /), /driven by bob@\S+ since/);
    alice.send('Escape');
  });

  it("bob's cockpit vanishes: his lock runs out by itself and alice may act", async () => {
    bob.kill(); // no quit, no release: the process is gone
    await alice.waitFor((s) => !/driven by/.test(row(s)) && /canary 50%/.test(row(s)), 20_000);
    alice.type('+');
    await alice.waitFor(/\? confirm: canary shop: 50% -> 100%/);
    alice.type('n');
    await alice.waitFor((s) => !s.includes('? confirm'));
  });

  it('a freeze refuses both cockpits until alice overrides it (audited); alice quits and releases her lock', async () => {
    bob = cockpit('bob');
    await bob.waitFor((s) => /canary 50%/.test(row(s)), 30_000);
    await kubectl('annotate', 'namespace', NS, `cutover.io/freeze={"start":"2020-01-01T00:00:00Z","end":"2099-01-01T00:00:00Z","reason":"launch day"}`);
    for (const term of [alice, bob]) {
      term.type('+');
      await term.waitFor(/\? confirm: canary shop: 50% -> 100%/);
      term.type('y');
      const refused = await term.waitFor(/✗ refused: /, 15_000);
      assert.match(refused, /frozen: launch day \(namespace default\)/);
      assert.match(refused, /! override the freeze/);
    }
    bob.send('Escape');
    alice.type('!');
    await alice.waitFor(/override the freeze for: canary shop/);
    alice.type('hotfix INC-42');
    alice.send('Enter');
    const confirm = await alice.waitFor(/\? confirm: canary shop: 50% -> 100%/);
    assert.match(confirm, /freeze override: hotfix INC-42/);
    alice.type('y');
    await alice.waitFor((s) => s.includes('✓ done: canary shop: 50% -> 100%'), 30_000);
    const events = await kubectl('get', 'events', '-o', 'jsonpath={range .items[*]}{.message}{"\\n"}{end}');
    assert.match(events, /alice: canary shop: 50% -> 100%.*launch day.*hotfix INC-42/);
    await bob.waitFor((s) => /driven by alice@/.test(row(s)));

    alice.send('Escape');
    // Esc and q sent at once reach the cockpit as one read, which a terminal means as Alt-q.
    await alice.waitFor((s) => !s.includes('✓ done'));
    alice.type('q');
    await alice.waitFor(/\[exited 0\]/);
    await waitFor(() => t.sim.store.get(R.leases, NS, 'cutover-driver-shop')?.spec.holderIdentity === undefined, 5000, 'the lock released on quit');
    await bob.waitFor((s) => !/driven by/.test(row(s)));
  });
});
