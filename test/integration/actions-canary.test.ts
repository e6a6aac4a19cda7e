/** Canary moves executed through ActionService against the sim over HTTP, checked with the real kubectl. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { planCanary, type CanaryMove } from '../../src/actions/canary.js';
import { waitFor } from '../helpers/sim.js';
import { startActionSim, type ActionSim } from './actions-canary-flip-helpers.js';
import { withRelease } from '../helpers/releases.js';

describe('canary through ActionService (sim over HTTP, kubectl as second client)', () => {
  let a: ActionSim;
  before(async () => {
    a = await startActionSim('canary', ['shop-stable', 'shop-canary']);
  });
  after(async () => {
    await a?.close();
  });

  const move = async (m: CanaryMove) => {
    const input = await a.settled(['shop-stable', 'shop-canary']);
    const plan = planCanary(...withRelease(input, 'shop'), m, { wait: true, timeoutMs: 20_000 });
    assert.equal(plan.refusal, undefined, plan.refusal);
    const progress: string[] = [];
    const report = await a.service.run(plan, { onProgress: (l) => progress.push(l) });
    assert.equal(report.result.ok, true, report.lines.join('\n'));
    assert.equal(report.auditError, undefined);
    return { plan, report, progress };
  };
  const split = async () => `${await a.replicas('shop-stable')}/${await a.replicas('shop-canary')}`;

  it('starts at 9/1', async () => {
    assert.equal(await split(), '9/1');
  });

  it('steps 10% -> 30% -> 50% -> 100%', async () => {
    const seen: string[] = [];
    for (let i = 0; i < 3; i++) {
      const { plan, progress } = await move('step');
      seen.push(await split());
      if (i === 0) {
        assert.equal(plan.title, 'canary shop: 10% -> 30% (stable 9 -> 7, canary 1 -> 3)');
        // the canary grew and was waited for before the stable shrank
        const grow = progress.findIndex((l) => l.includes('shop-canary: spec.replicas 1 -> 3'));
        const shrink = progress.findIndex((l) => l.includes('shop-stable: spec.replicas 9 -> 7'));
        const wait = progress.findIndex((l) => l.includes('until shop-canary has 3 available'));
        assert.ok(grow >= 0 && wait > grow && shrink > wait, progress.join('\n'));
      }
    }
    assert.deepEqual(seen, ['7/3', '5/5', '0/10']);
    assert.match(planCanary(...withRelease(await a.state(), 'shop'), 'step').refusal ?? '', /already at the last step/);
  });

  it('the pods follow: 10 canary pods ready, no stable pods left', async () => {
    const ready = await a.jsonpath(['get', 'deploy', 'shop-canary'], '{.status.availableReplicas}');
    assert.equal(ready, '10');
    // terminating stable pods run their preStop and grace period first, then go
    await waitFor(async () => (await a.jsonpath(['get', 'pods', '-l', 'track=stable'], '{.items[*].metadata.name}')).trim() === '', 10_000, 'stable pods gone');
  });

  it('steps back 100% -> 50% -> 30% -> 10%, then aborts to 0%', async () => {
    const seen: string[] = [];
    for (let i = 0; i < 3; i++) {
      await move('back');
      seen.push(await split());
    }
    assert.deepEqual(seen, ['5/5', '7/3', '9/1']);
    await move('abort');
    assert.equal(await split(), '10/0');
  });

  it('left audit Events with reportingComponent cutover that kubectl sees', async () => {
    const reasons = (await a.jsonpath(['get', 'events', '--field-selector', 'reportingComponent=cutover'], '{range .items[*]}{.reason}{"\\n"}{end}')).trim().split('\n');
    assert.equal(reasons.filter((r) => r === 'CutoverCanaryStep').length, 3, reasons.join(','));
    assert.equal(reasons.filter((r) => r === 'CutoverCanaryBack').length, 3, reasons.join(','));
    assert.equal(reasons.filter((r) => r === 'CutoverCanaryAbort').length, 1, reasons.join(','));
    const steps = (await a.jsonpath(['get', 'events', '--field-selector', 'reason=CutoverCanaryStep'], '{range .items[*]}{.involvedObject.kind}/{.involvedObject.name} {.type} {.message}{"\\n"}{end}')).trim().split('\n').sort();
    assert.deepEqual(steps, [
      'Deployment/shop-canary Normal cutover-admin: canary shop: 10% -> 30% (stable 9 -> 7, canary 1 -> 3)',
      'Deployment/shop-canary Normal cutover-admin: canary shop: 30% -> 50% (stable 7 -> 5, canary 3 -> 5)',
      'Deployment/shop-canary Normal cutover-admin: canary shop: 50% -> 100% (stable 5 -> 0, canary 5 -> 10)',
    ]);
  });
});
