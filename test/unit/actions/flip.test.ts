import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { flipPreflight, planFlip, planFlipUndo, planScaleIdle } from '../../../src/actions/flip.js';
import type { PatchStep, WaitStep } from '../../../src/actions/types.js';
import { blueGreenInput, canaryInput, migrationJob } from './canary-flip-fixtures.js';
import { withRelease } from '../../helpers/releases.js';

describe('planFlip', () => {
  it('patches the full selector map, guarded by the current one, then waits for the endpoints', () => {
    const p = planFlip(...withRelease(blueGreenInput(), 'pay'));
    assert.equal(p.refusal, undefined);
    assert.equal(p.title, 'flip pay: blue -> green (pay-blue -> pay-green)');
    assert.equal(p.steps.length, 2);
    const [patch, wait] = p.steps as [PatchStep, WaitStep];
    assert.deepEqual(patch.target, { apiVersion: 'v1', kind: 'Service', namespace: 'shop', name: 'pay' });
    assert.equal(patch.strategy, 'merge');
    assert.deepEqual(patch.patch, { spec: { selector: { app: 'pay', version: 'green' } } });
    assert.deepEqual(patch.expect, [{ path: 'spec.selector', value: { app: 'pay', version: 'blue' } }]);
    assert.deepEqual(patch.changes, [{ field: 'spec.selector.version', before: 'blue', after: 'green' }]);
    assert.deepEqual(patch.inverse?.patch, { spec: { selector: { app: 'pay', version: 'blue' } } });
    assert.deepEqual(patch.inverse?.expect, [{ path: 'spec.selector', value: { app: 'pay', version: 'green' } }]);
    assert.deepEqual(wait.until, { type: 'endpoints-switched', namespace: 'shop', service: 'pay', selector: { app: 'pay', version: 'green' } });
  });

  it('flips back when green is live (the same planner)', () => {
    const p = planFlip(...withRelease(blueGreenInput({ live: 'green' }), 'pay'));
    assert.equal(p.title, 'flip pay: green -> blue (pay-green -> pay-blue)');
    assert.deepEqual((p.steps[0] as PatchStep).patch, { spec: { selector: { app: 'pay', version: 'blue' } } });
  });

  it('finds the release by a colour Deployment name too', () => {
    assert.equal(planFlip(...withRelease(blueGreenInput(), 'pay-green')).subject, 'pay');
  });

  it('refuses when the target colour is not fully rolled out, with the numbers', () => {
    const p = planFlip(...withRelease(blueGreenInput({ green: { status: { available: 6, ready: 6 } } }), 'pay'));
    assert.match(p.refusal ?? '', /pay-green has not finished rolling out .*6\/10 available, 10\/10 updated, 6 ready/);
    assert.equal(p.steps.length, 0);
    const upd = planFlip(...withRelease(blueGreenInput({ green: { status: { updated: 7 } } }), 'pay'));
    assert.match(upd.refusal ?? '', /pay-green .*7\/10 updated/);
  });

  it('refuses when the target has fewer ready pods than the live colour', () => {
    const p = planFlip(...withRelease(blueGreenInput({ green: { replicas: 4 } }), 'pay'));
    assert.match(p.refusal ?? '', /pay-green has 4 ready pods, fewer than the 10 of pay-blue \(live\)/);
  });

  it('refuses a paused or empty target', () => {
    assert.match(planFlip(...withRelease(blueGreenInput({ green: { paused: true } }), 'pay')).refusal ?? '', /pay-green is paused/);
    assert.match(planFlip(...withRelease(blueGreenInput({ green: { replicas: 0 } }), 'pay')).refusal ?? '', /pay-green has 0 replicas/);
  });

  it('refuses a release that is not blue-green', () => {
    assert.match(planFlip(...withRelease(canaryInput(9, 1), 'shop')).refusal ?? '', /canary release, not blue-green/);
  });

  it('gates on the target colour image', () => {
    const jobs = [migrationJob('pay-migrate', 'pay'), migrationJob('pay-migrate-v1', 'pay', { image: 'registry.local/pay:v1', condition: 'Complete' })];
    assert.match(planFlip(...withRelease(blueGreenInput({ jobs }), 'pay')).refusal ?? '', /migration gate closed: no migration has run for registry.local\/pay:v2/);
    // flipping back to blue (v1, migrated) is open
    assert.equal(planFlip(...withRelease(blueGreenInput({ jobs, live: 'green' }), 'pay')).refusal, undefined);
    const over = planFlip(...withRelease(blueGreenInput({ jobs }), 'pay'), { override: 'tested on staging' });
    assert.equal(over.refusal, undefined);
    assert.ok(over.notes.some((n) => n.includes('overridden (tested on staging)')));
  });

  it('with scaleOldTo: a second write scales the old colour after the endpoints moved', () => {
    const p = planFlip(...withRelease(blueGreenInput(), 'pay'), { scaleOldTo: 2, wait: true });
    assert.deepEqual(
      p.steps.map((s) => (s.kind === 'wait' ? `wait:${s.until.type}` : `${s.kind}:${s.target.kind}/${s.target.name}`)),
      ['patch:Service/pay', 'wait:endpoints-switched', 'patch:Deployment/pay-blue', 'wait:deployment-available'],
    );
    assert.deepEqual((p.steps[2] as PatchStep).patch, { spec: { replicas: 2 } });
    assert.deepEqual((p.steps[2] as PatchStep).expect, [{ path: 'spec.replicas', value: 10 }]);
  });

  it('undo re-plans the flip back', () => {
    const p = planFlip(...withRelease(blueGreenInput(), 'pay'));
    assert.equal(p.undo?.action, 'flip');
    assert.deepEqual(p.undo?.expect[0].value, { app: 'pay', version: 'green' });
    const back = planFlipUndo(blueGreenInput({ live: 'green' }), p.undo!);
    assert.equal(back.title, 'flip pay: green -> blue (pay-green -> pay-blue)');
  });
});

describe('flipPreflight', () => {
  it('passes a complete target with as many ready pods as the live side', () => {
    const view = blueGreenInput().view.releases.find((r) => r.name === 'pay')!;
    assert.equal(flipPreflight(view.deployments[1], view.deployments[0]), undefined);
  });
});

describe('planScaleIdle', () => {
  it('scales the idle colour down after checking it gets no traffic', () => {
    const p = planScaleIdle(...withRelease(blueGreenInput(), 'pay'), 0);
    assert.equal(p.refusal, undefined);
    assert.equal(p.title, 'scale pay-green (idle green of pay): replicas 10 -> 0');
    assert.equal(p.steps[0].kind, 'wait');
    assert.deepEqual((p.steps[0] as WaitStep).until, { type: 'endpoints-switched', namespace: 'shop', service: 'pay', selector: { app: 'pay', version: 'blue' } });
    const patch = p.steps[1] as PatchStep;
    assert.equal(patch.target.name, 'pay-green');
    assert.deepEqual(patch.patch, { spec: { replicas: 0 } });
    assert.deepEqual(patch.expect, [{ path: 'spec.replicas', value: 10 }]);
    assert.deepEqual(p.undo?.args, { release: 'pay', replicas: 10 });
  });

  it('scales the idle colour back up without the traffic check', () => {
    const p = planScaleIdle(...withRelease(blueGreenInput({ green: { replicas: 0 } }), 'pay'), 10, { wait: true });
    assert.deepEqual(p.steps.map((s) => s.kind), ['patch', 'wait']);
  });

  it('after a flip, the idle colour is the other one', () => {
    const p = planScaleIdle(...withRelease(blueGreenInput({ live: 'green' }), 'pay'), 0);
    assert.equal((p.steps[1] as PatchStep).target.name, 'pay-blue');
  });

  it('refuses to scale the live colour', () => {
    const p = planScaleIdle(...withRelease(blueGreenInput(), 'pay-blue'), 0, { side: 'pay-blue' });
    assert.match(p.refusal ?? '', /pay-blue is the LIVE colour/);
    assert.equal(p.steps.length, 0);
  });

  it('refuses no-ops, bad numbers and non-blue-green releases', () => {
    assert.match(planScaleIdle(...withRelease(blueGreenInput(), 'pay'), 10).refusal ?? '', /already has 10/);
    assert.match(planScaleIdle(...withRelease(blueGreenInput(), 'pay'), -1).refusal ?? '', /whole number/);
    assert.match(planScaleIdle(...withRelease(canaryInput(9, 1), 'shop'), 0).refusal ?? '', /not blue-green/);
  });
});
