/**
 * End to end, keys only: Ctrl-C in the middle of a canary step asks first; a second Ctrl-C quits,
 * and the normal terminal (after the alternate screen) says what was changed and the exact undo.
 * A new cockpit's u then puts the leftover back from the journal. The built cutover in tmux
 * against `cutover sim`; the nodes are cordoned so the canary's new pods never start.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Tmux } from './tmux.js';
import { cockpitCommand, ensureBuilt, startCliSim, type CliSim } from './cli.js';

describe('e2e: quitting during an action never hides it', { timeout: 120_000 }, () => {
  let sim: CliSim | undefined;
  const first = new Tmux(120, 40);
  const second = new Tmux(120, 40);
  let nodes: string[] = [];
  before(async () => {
    await ensureBuilt();
    sim = await startCliSim('demo', 20);
    nodes = sim.kubectl('get', 'nodes', '-o', 'name').trim().split('\n');
  });
  after(async () => {
    first.kill();
    second.kill();
    await sim?.stop();
  });
  const row = (screen: string, name: string) => screen.split('\n').find((l) => new RegExp(`^.${name} `).test(l)) ?? '';

  it('Ctrl-C asks, Ctrl-C again quits and prints the leftover and its undo; a new cockpit\'s u undoes it', async () => {
    first.start(cockpitCommand(sim!));
    await first.waitFor((s) => /canary 10%/.test(row(s, 'shop')) && /zero downtime kept/.test(row(s, 'shop')), 30_000);
    for (const n of nodes) sim!.kubectl('cordon', n);
    first.type('/shop');
    first.send('Enter');
    first.type('+');
    await first.waitFor(/y\/Enter run it/);
    first.type('y');
    await first.waitFor(/… running: canary shop: 10% -> 30%/);
    await first.waitFor(() => sim!.kubectl('get', 'deploy', 'shop-canary', '-o', 'jsonpath={.spec.replicas}') === '3', 15_000);
    first.send('C-c');
    const asked = await first.waitFor(/quit now\? this action is not finished/);
    assert.match(asked, /q\/Ctrl-C quit anyway/);
    first.send('C-c');
    const after = await first.waitFor(/\[exited 0\]/, 20_000);
    assert.match(after, /cutover: quit while "canary shop: 10% -> 30% \(stable 9 -> 7, canary 1 -> 3\)" was running/);
    assert.match(after, /changed:\n\s+deployment default\/shop-canary: spec\.replicas 1 -> 3/);
    assert.match(after, /not done:\n\s+deployment default\/shop-stable: spec\.replicas 9 -> 7/);
    assert.match(after, /press u \(journal #1/);
    assert.match(after, /kubectl --context \S+ -n default patch deployment shop-canary --type merge -p '\{"spec":\{"replicas":1\}\}'/);
    assert.equal(sim!.kubectl('get', 'deploy', 'shop-stable', '-o', 'jsonpath={.spec.replicas}'), '9');

    for (const n of nodes) sim!.kubectl('uncordon', n);
    second.start(cockpitCommand(sim!));
    await second.waitFor((s) => /shop/.test(row(s, 'shop')), 30_000);
    second.type('u');
    const plan = await second.waitFor(/\? confirm: undo #1: put back what the unfinished canary shop/);
    assert.match(plan, /y\/Enter run it/);
    second.type('y');
    await second.waitFor(/✓ done: undo #1/, 30_000);
    assert.equal(sim!.kubectl('get', 'deploy', 'shop-canary', '-o', 'jsonpath={.spec.replicas}'), '1');
    assert.equal(sim!.kubectl('get', 'deploy', 'shop-stable', '-o', 'jsonpath={.spec.replicas}'), '9');
  });
});
