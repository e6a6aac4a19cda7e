/** Blue-green flips executed through ActionService against the sim, checked with the real kubectl. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { planFlip, planScaleIdle } from '../../src/actions/flip.js';
import { startActionSim, type ActionSim } from './actions-canary-flip-helpers.js';
import { withRelease } from '../helpers/releases.js';

describe('blue-green flip through ActionService (sim over HTTP, kubectl as second client)', () => {
  let a: ActionSim;
  before(async () => {
    a = await startActionSim('bluegreen', ['pay-blue', 'pay-green']);
  });
  after(async () => {
    await a?.close();
  });

  const selector = () => a.jsonpath(['get', 'svc', 'pay'], '{.spec.selector.app},{.spec.selector.version}');
  /** The colours of the pods behind the Service's ready endpoints, as kubectl reads the EndpointSlices. */
  const endpointColours = async () => {
    const pods = (await a.jsonpath(['get', 'endpointslices', '-l', 'kubernetes.io/service-name=pay'], '{range .items[*].endpoints[*]}{.targetRef.name}{" "}{.conditions.ready}{"\\n"}{end}'))
      .trim()
      .split('\n')
      .filter((l) => l.endsWith(' true'));
    return [...new Set(pods.map((l) => l.split('-')[1]))].sort().join(',') + `:${pods.length}`;
  };

  it('starts live on blue', async () => {
    assert.equal(await selector(), 'pay,blue');
    assert.equal(await endpointColours(), 'blue:10');
  });

  it('flips blue -> green: selector patched, endpoints switched, audited', async () => {
    const plan = planFlip(...withRelease(await a.settled(['pay-blue', 'pay-green']), 'pay'), { timeoutMs: 20_000 });
    assert.equal(plan.title, 'flip pay: blue -> green (pay-blue -> pay-green)');
    const report = await a.service.run(plan);
    assert.equal(report.result.ok, true, report.lines.join('\n'));
    assert.equal(await selector(), 'pay,green');
    // the plan's endpoints-switched wait is done: every ready endpoint is green
    assert.equal(await endpointColours(), 'green:10');
    const ev = await a.jsonpath(['get', 'events', '--field-selector', 'reason=CutoverFlip'], '{.items[0].involvedObject.kind}/{.items[0].involvedObject.name} {.items[0].reportingComponent}');
    assert.equal(ev, 'Service/pay cutover');
    // blue kept its replicas as the way back
    assert.equal(await a.replicas('pay-blue'), 10);
  });

  it('flips back green -> blue with the same planner', async () => {
    const plan = planFlip(...withRelease(await a.state(), 'pay'), { timeoutMs: 20_000 });
    assert.equal(plan.title, 'flip pay: green -> blue (pay-green -> pay-blue)');
    const report = await a.service.run(plan);
    assert.equal(report.result.ok, true, report.lines.join('\n'));
    assert.equal(await selector(), 'pay,blue');
    assert.equal(await endpointColours(), 'blue:10');
  });

  it('scale-idle takes green down, refuses the live colour, and the flip then refuses with the numbers', async () => {
    const input = await a.state();
    assert.match(planScaleIdle(...withRelease(input, 'pay-blue'), 0, { side: 'pay-blue' }).refusal ?? '', /pay-blue is the LIVE colour/);
    const report = await a.service.run(planScaleIdle(...withRelease(input, 'pay'), 0, { wait: true, timeoutMs: 20_000 }));
    assert.equal(report.result.ok, true, report.lines.join('\n'));
    assert.equal(await a.replicas('pay-green'), 0);
    assert.equal(await a.replicas('pay-blue'), 10);
    const refused = planFlip(...withRelease(await a.state(), 'pay'));
    assert.match(refused.refusal ?? '', /pay-green has 0 replicas/);
    const result = await a.service.run(refused);
    assert.equal(result.result.ok, false);
    assert.equal(await selector(), 'pay,blue');
  });

  it('scale-idle back up, then the flip passes its preflight again', async () => {
    const report = await a.service.run(planScaleIdle(...withRelease(await a.state(), 'pay'), 10, { wait: true, timeoutMs: 20_000 }));
    assert.equal(report.result.ok, true, report.lines.join('\n'));
    const input = await a.settled(['pay-blue', 'pay-green']);
    assert.equal(planFlip(...withRelease(input, 'pay')).refusal, undefined);
  });
});
