/**
 * End to end (issue 3): the built cutover in tmux against `cutover sim --scenario rolling`; kubectl
 * set image starts a rolling update of web (10 replicas, maxSurge 25% = 3, maxUnavailable 0). The
 * screen shows the surge budget in use (3/3) while it rolls, then revision 2 with "zero downtime kept".
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Tmux } from './tmux.js';
import { cockpitCommand, ensureBuilt, startCliSim, type CliSim } from './cli.js';

describe('e2e: a kubectl rollout seen live in the cockpit', { timeout: 120_000 }, () => {
  let sim: CliSim | undefined;
  const tmux = new Tmux(120, 40);
  before(async () => {
    await ensureBuilt();
    sim = await startCliSim('rolling', 20);
    tmux.start(cockpitCommand(sim, '--readonly'));
  });
  after(async () => {
    tmux.kill();
    await sim?.stop();
  });

  const row = (screen: string) => screen.split('\n').find((l) => /^.web /.test(l)) ?? '';
  /** The SURGE and UNAVAIL cells of the web row, e.g. ['3/3', '0/0']. */
  const gauges = (screen: string) => [...row(screen).matchAll(/(\d+\/\d+) (?:ok|AT|OVER!)/g)].map((m) => m[1]);

  it('surge 3/3 while rolling, then revision 2 and zero downtime kept', async () => {
    const first = await tmux.waitFor((s) => /^.web\s+1\s.*zero downtime kept/m.test(s));
    assert.match(first, /SURGE\s+UNAVAIL/);
    assert.deepEqual(gauges(first), ['0/3', '0/0'], row(first));

    const seen = new Set<string>();
    const out = sim!.kubectl('set', 'image', 'deployment/web', 'web=registry.local/web:v2.1');
    assert.match(out, /deployment.apps\/web image updated/);
    const final = await tmux.waitFor((s) => {
      const [surge, unavailable] = gauges(s);
      if (surge) seen.add(`surge ${surge}`);
      if (unavailable) seen.add(`unavailable ${unavailable}`);
      return /^.web\s+2\s.*zero downtime kept/m.test(s) && seen.has('surge 3/3');
    }, 60_000);
    assert.ok(seen.has('surge 3/3'), [...seen].join(', '));
    assert.ok([...seen].every((x) => !x.startsWith('unavailable') || x === 'unavailable 0/0'), `maxUnavailable 0 held: ${[...seen].join(', ')}`);
    assert.match(row(final), /10\/10\/10\/10/);
    assert.equal(sim!.kubectl('get', 'deploy', 'web', '-o', 'jsonpath={.metadata.annotations.deployment\\.kubernetes\\.io/revision}'), '2');
  });
});
