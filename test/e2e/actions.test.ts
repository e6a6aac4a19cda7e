/**
 * End to end, keys only: the built cutover in a real terminal (tmux 120x40) against `cutover sim`
 * (scenario demo, speed 20). Steps the shop canary 10% -> 30% -> 50% -> 100% with + and y, reading
 * each plan and result off the screen, then flips pay blue -> green and back with f and y; checks
 * the end state with kubectl.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Tmux } from './tmux.js';
import { cockpitCommand, ensureBuilt, startCliSim, type CliSim } from './cli.js';

describe('e2e: canary steps and a blue-green flip, keys only', { timeout: 120_000 }, () => {
  let sim: CliSim | undefined;
  const tmux = new Tmux(120, 40);
  before(async () => {
    await ensureBuilt();
    sim = await startCliSim('demo', 20);
    tmux.start(cockpitCommand(sim));
  });
  after(async () => {
    tmux.kill();
    await sim?.stop();
  });

  /** The releases row of `name` (the line starting with the cursor mark or a space, then the name). */
  const row = (screen: string, name: string) => screen.split('\n').find((l) => new RegExp(`^.${name} `).test(l)) ?? '';

  it('steps shop from 10% to 100%', async () => {
    await tmux.waitFor((s) => /canary 10%/.test(row(s, 'shop')) && /zero downtime kept/.test(row(s, 'shop')));
    tmux.type('/shop');
    tmux.send('Enter');
    const ladder: [string, string, string][] = [
      ['10% -> 30%', 'stable 9 -> 7, canary 1 -> 3', 'canary 30%'],
      ['30% -> 50%', 'stable 7 -> 5, canary 3 -> 5', 'canary 50%'],
      ['50% -> 100%', 'stable 5 -> 0, canary 5 -> 10', 'canary 100%'],
    ];
    for (const [pct, counts, traffic] of ladder) {
      tmux.type('+');
      const plan = await tmux.waitFor(/\? confirm: canary shop: .*\n(.*\n)*y\/Enter run it/);
      assert.ok(plan.includes(`canary shop: ${pct} (${counts})`), plan);
      assert.match(plan, /deployment shop-canary {2}spec\.replicas/);
      assert.match(plan, /wait {2}until shop-canary has \d+ available pods/);
      tmux.type('y');
      const done = await tmux.waitFor((s) => s.includes(`✓ done: canary shop: ${pct}`) && row(s, 'shop').includes(traffic), 30_000);
      assert.ok(done.includes(`(${counts})`), done);
      assert.match(done, /changed:\n\s+deployment shop-canary: spec\.replicas/);
    }
    assert.equal(sim!.kubectl('get', 'deploy', 'shop-canary', '-o', 'jsonpath={.spec.replicas}'), '10');
    assert.equal(sim!.kubectl('get', 'deploy', 'shop-stable', '-o', 'jsonpath={.spec.replicas}'), '0');
  });

  it('flips pay blue -> green and back', async () => {
    tmux.send('Escape'); // closes the last result
    await tmux.waitFor((s) => !s.includes('✓ done'));
    tmux.send('Escape'); // clears the filter; wait for it, or the next key joins the Esc as Alt-<key>
    await tmux.waitFor((s) => !s.includes('filter: shop'));
    tmux.type('/pay');
    tmux.send('Enter');
    await tmux.waitFor((s) => /live blue/.test(row(s, 'pay')));
    for (const [from, to] of [
      ['blue', 'green'],
      ['green', 'blue'],
    ]) {
      tmux.type('f');
      const plan = await tmux.waitFor(/\? confirm: flip pay/);
      assert.ok(plan.includes(`flip pay: ${from} -> ${to} (pay-${from} -> pay-${to})`), plan);
      assert.ok(plan.includes(`service pay  spec.selector.version  ${from} -> ${to}`), plan);
      tmux.type('y');
      const done = await tmux.waitFor((s) => s.includes(`✓ done: flip pay: ${from} -> ${to}`) && row(s, 'pay').includes(`live ${to}`), 30_000);
      assert.match(done, new RegExp(`service pay: spec\\.selector\\.version ${from} -> ${to}`));
      assert.equal(sim!.kubectl('get', 'svc', 'pay', '-o', 'jsonpath={.spec.selector.version}'), to);
    }
    const events = sim!.kubectl('get', 'events', '--field-selector', 'reason=CutoverFlip', '-o', 'jsonpath={range .items[*]}{.message}{"\\n"}{end}');
    assert.equal(events.trim().split('\n').length, 2, events);
  });
});
