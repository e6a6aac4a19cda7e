/** One rule for the Deployment a Deployment-level key acts on, and the words a plan says about it. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { REGISTRY } from '../../../src/actions/registry.js';
import { actionTarget, targetLabel } from '../../../src/actions/target.js';
import type { PatchStep } from '../../../src/actions/types.js';
import { withRelease } from '../../helpers/releases.js';
import { blueGreenInput, canaryInput } from './canary-flip-fixtures.js';
import { input, web } from './rollout-fixtures.js';

const firstTarget = (p: { steps: unknown[] }) => (p.steps[0] as PatchStep).target.name;

describe('actionTarget', () => {
  it('blue-green: the idle colour by default; the live colour only when chosen', () => {
    const [, pay] = withRelease(blueGreenInput(), 'pay');
    assert.equal(actionTarget(pay).deployment.name, 'pay-green');
    assert.equal(targetLabel(actionTarget(pay)), 'pay-green (idle)');
    const live = actionTarget(pay, 'pay-blue');
    assert.deepEqual([live.deployment.name, live.role, live.chosen], ['pay-blue', 'live', true]);
    assert.equal(targetLabel(live), 'pay-blue (LIVE)');
    // after a flip the idle colour is the other one
    assert.equal(actionTarget(withRelease(blueGreenInput({ live: 'green' }), 'pay')[1]).deployment.name, 'pay-blue');
  });
  it('canary: the canary by default; the stable side when chosen; an unknown side is ignored', () => {
    const [, shop] = withRelease(canaryInput(9, 1), 'shop');
    assert.equal(actionTarget(shop).deployment.name, 'shop-canary');
    assert.equal(actionTarget(shop, 'shop-stable').role, 'stable');
    assert.equal(actionTarget(shop, 'web').deployment.name, 'shop-canary');
    assert.equal(actionTarget(shop, 'web').chosen, false);
  });
  it('rolling: its one Deployment', () => {
    const [, w] = withRelease(input({ deployments: [web()] }), 'web');
    assert.equal(targetLabel(actionTarget(w)), 'web');
  });
});

describe('the registry plans on the target and says which side in words', () => {
  it('r s i U p on blue-green go to the idle colour by default', () => {
    const [i, pay] = withRelease(blueGreenInput(), 'pay');
    assert.equal(firstTarget(REGISTRY.restart.plan({ release: pay }, i)), 'pay-green');
    assert.equal(firstTarget(REGISTRY.scale.plan({ release: pay, value: '3' }, i)), 'pay-green');
    assert.equal(firstTarget(REGISTRY.setImage.plan({ release: pay, value: 'registry.local/pay:v3' }, i)), 'pay-green');
    assert.equal(firstTarget(REGISTRY.pauseResume.plan({ release: pay }, i)), 'pay-green');
    const restart = REGISTRY.restart.plan({ release: pay }, i);
    assert.ok(restart.notes.some((n) => /pay-green is the idle colour of pay: it gets no traffic until a flip/.test(n)), restart.notes.join('\n'));
  });
  it('the live colour, when chosen, is named LIVE in the plan', () => {
    const [i, pay] = withRelease(blueGreenInput(), 'pay');
    const p = REGISTRY.scale.plan({ release: pay, side: 'pay-blue', value: '3' }, i);
    assert.equal(p.title, 'scale pay-blue: 10 -> 3');
    assert.ok(p.notes.some((n) => /pay-blue is the LIVE colour of pay: Service pay sends it all the traffic now; this acts on live traffic/.test(n)), p.notes.join('\n'));
  });
  it('canary: the canary by default, the stable side when chosen (and said so)', () => {
    const [i, shop] = withRelease(canaryInput(9, 1), 'shop');
    assert.equal(firstTarget(REGISTRY.restart.plan({ release: shop }, i)), 'shop-canary');
    const p = REGISTRY.restart.plan({ release: shop, side: 'shop-stable' }, i);
    assert.equal(firstTarget(p), 'shop-stable');
    assert.ok(p.notes.some((n) => /shop-stable is the STABLE side of canary shop/.test(n)), p.notes.join('\n'));
  });
  it('a typed value the parser refuses is a refusal, before any write', () => {
    const [i, pay] = withRelease(blueGreenInput(), 'pay');
    assert.match(REGISTRY.scale.plan({ release: pay, value: '2147483648' }, i).refusal ?? '', /not a whole number from 0 to 2147483647/);
    assert.match(REGISTRY.setImage.plan({ release: pay, value: 'app=UPPER/Repo::v1' }, i).refusal ?? '', /not an image reference/);
    assert.match(REGISTRY.scaleIdle.plan({ release: pay, value: '-1' }, i).refusal ?? '', /not a whole number/);
  });
});
