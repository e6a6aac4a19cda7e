/**
 * Failure injection: the sim rejects the SECOND write of a two-write action (as an admission
 * webhook would). The report must list exactly the write that took effect, and rollbackPlan must
 * restore the previous state (checked with the real kubectl).
 */
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import { planCanary } from '../../src/actions/canary.js';
import { describeResult, rollbackPlan } from '../../src/actions/execute.js';
import { planFlip } from '../../src/actions/flip.js';
import { ApiError } from '../../src/sim/errors.js';
import type { Sim } from '../../src/sim/sim.js';
import type { Obj } from '../../src/sim/store.js';
import { startActionSim, type ActionSim } from './actions-canary-flip-helpers.js';
import { withRelease } from '../helpers/releases.js';

/**
 * Makes the sim reject the n-th spec-changing write (not status, not controllers' metadata) to any
 * of `names` with a 403 as an admission webhook would. Returns a disarm function.
 */
function rejectNthSpecWrite(sim: Sim, names: string[], n: number): { disarm(): void; rejected: () => string[] } {
  const store = sim.store;
  const original = store.update;
  let count = 0;
  const rejected: string[] = [];
  store.update = function (this: typeof store, rt, input: Obj, opts = {}) {
    const name = input.metadata?.name ?? '';
    if (opts.subresource !== 'status' && names.includes(name)) {
      const current = store.get(rt, input.metadata?.namespace, name);
      if (current && JSON.stringify(current.spec) !== JSON.stringify(input.spec) && ++count === n) {
        rejected.push(`${rt.kind}/${name}`);
        throw new ApiError(403, 'Forbidden', `admission webhook "deny.test.cutover.io" denied the request: injected failure of write ${n}`);
      }
    }
    return original.call(this, rt, input, opts);
  } as typeof store.update;
  return { disarm: () => void (store.update = original), rejected: () => rejected };
}

describe('failure injection: the second write of a canary step is rejected', () => {
  let a: ActionSim;
  let disarm = () => {};
  before(async () => {
    a = await startActionSim('canary', ['shop-stable', 'shop-canary']);
  });
  after(async () => {
    await a?.close();
  });
  afterEach(() => disarm());

  it('reports exactly the write that took effect, and rollbackPlan restores 9/1', async () => {
    const plan = planCanary(...withRelease(await a.state(), 'shop'), 'step', { timeoutMs: 20_000 });
    const inject = rejectNthSpecWrite(a.sim, ['shop-stable', 'shop-canary'], 2);
    disarm = inject.disarm;
    const report = await a.service.run(plan);
    inject.disarm();
    assert.deepEqual(inject.rejected(), ['Deployment/shop-stable']);
    const r = report.result;
    assert.equal(r.ok, false);
    assert.match(r.error ?? '', /cannot patch deployment default\/shop-stable: .*injected failure of write 2.*\(403\)/);
    // exactly one write took effect: the canary grew
    assert.deepEqual(r.applied.map((s) => `${s.target.name} ${s.changes.map((c) => `${c.field} ${c.before} -> ${c.after}`).join()}`), ['shop-canary spec.replicas 1 -> 3']);
    assert.deepEqual(report.lines, [
      `failed: canary shop: 10% -> 30% (stable 9 -> 7, canary 1 -> 3): ${r.error}`,
      'changed before the failure:',
      '  deployment default/shop-canary: spec.replicas 1 -> 3',
      'to restore the previous state:',
      '  deployment default/shop-canary: spec.replicas 3 -> 1',
    ]);
    assert.deepEqual(describeResult(r), report.lines);
    assert.equal(await a.replicas('shop-canary'), 3);
    assert.equal(await a.replicas('shop-stable'), 9);
    // the failure is audited as a Warning
    const ev = await a.jsonpath(['get', 'events', '--field-selector', 'reason=CutoverCanaryStep'], '{.items[0].type}');
    assert.equal(ev, 'Warning');

    const restore = rollbackPlan(r);
    assert.ok(restore);
    assert.equal(restore.steps.length, 1);
    const back = await a.service.run(restore);
    assert.equal(back.result.ok, true, back.lines.join('\n'));
    assert.equal(await a.replicas('shop-canary'), 1);
    assert.equal(await a.replicas('shop-stable'), 9);
    await a.settled(['shop-stable', 'shop-canary']);
  });

  it('a write that changed under the plan is a 409/expectation failure with nothing written', async () => {
    const plan = planCanary(...withRelease(await a.state(), 'shop'), 'step', { timeoutMs: 20_000 });
    const k = await a.kubectl(['scale', 'deploy', 'shop-canary', '--replicas=2']);
    assert.equal(k.code, 0, k.stderr);
    const report = await a.service.run(plan);
    assert.equal(report.result.ok, false);
    assert.match(report.result.error ?? '', /spec.replicas is 2 now, the plan expected 1/);
    assert.deepEqual(report.lines.slice(1), ['nothing was changed']);
    assert.equal(rollbackPlan(report.result), undefined);
    assert.equal(await a.replicas('shop-stable'), 9);
  });
});

describe('failure injection: the second write of a flip with --scale-old is rejected', () => {
  let a: ActionSim;
  let disarm = () => {};
  before(async () => {
    a = await startActionSim('bluegreen', ['pay-blue', 'pay-green']);
  });
  after(async () => {
    await a?.close();
  });
  afterEach(() => disarm());

  it('reports the selector write only, and rollbackPlan flips the Service back to blue', async () => {
    const plan = planFlip(...withRelease(await a.state(), 'pay'), { scaleOldTo: 2, timeoutMs: 20_000 });
    assert.equal(plan.steps.filter((s) => s.kind === 'patch').length, 2);
    const inject = rejectNthSpecWrite(a.sim, ['pay', 'pay-blue', 'pay-green'], 2);
    disarm = inject.disarm;
    const report = await a.service.run(plan);
    inject.disarm();
    assert.deepEqual(inject.rejected(), ['Deployment/pay-blue']);
    const r = report.result;
    assert.equal(r.ok, false);
    assert.deepEqual(r.applied.map((s) => `${s.target.kind}/${s.target.name}`), ['Service/pay']);
    assert.deepEqual(report.lines.slice(1), [
      'changed before the failure:',
      '  service default/pay: spec.selector.version blue -> green',
      'to restore the previous state:',
      '  service default/pay: spec.selector.version green -> blue',
    ]);
    assert.equal(await a.jsonpath(['get', 'svc', 'pay'], '{.spec.selector.version}'), 'green');
    assert.equal(await a.replicas('pay-blue'), 10);

    const back = await a.service.run(rollbackPlan(r)!);
    assert.equal(back.result.ok, true, back.lines.join('\n'));
    assert.equal(await a.jsonpath(['get', 'svc', 'pay'], '{.spec.selector.version}'), 'blue');
    assert.equal(await a.replicas('pay-blue'), 10);
    assert.equal(await a.replicas('pay-green'), 10);
  });
});
