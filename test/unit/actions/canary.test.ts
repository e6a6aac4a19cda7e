import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CANARY_STEPS_ANNOTATION, parseCanarySteps, planCanary, planCanaryUndo } from '../../../src/actions/canary.js';
import { ActionError } from '../../../src/actions/client.js';
import type { PatchStep, Plan, WaitStep } from '../../../src/actions/types.js';
import { blueGreenInput, canaryInput, migrationJob } from './canary-flip-fixtures.js';
import { withRelease } from '../../helpers/releases.js';

/** The plan's shape as `kind:name:value` strings: patches with replicas, waits with their target. */
function shape(p: Plan): string[] {
  return p.steps.map((s) => {
    if (s.kind === 'patch') return `patch:${s.target.name}:${(s.patch.spec as { replicas: number }).replicas}`;
    if (s.kind === 'wait' && s.until.type === 'deployment-available') return `wait:${s.until.name}:${s.until.replicas}`;
    return s.kind;
  });
}

/** Applies a plan's patches to a fresh fixture: the state the next plan sees. */
function after(p: Plan): [number, number] {
  let stable = NaN;
  let canary = NaN;
  for (const s of p.steps) {
    if (s.kind !== 'patch') continue;
    const r = (s.patch.spec as { replicas: number }).replicas;
    if (s.target.name === 'shop-stable') stable = r;
    else canary = r;
  }
  return [stable, canary];
}

describe('planCanary: the ladder', () => {
  it('walks 9/1 -> 7/3 -> 5/5 -> 0/10 and refuses past the last step', () => {
    const seen: string[] = [];
    let [s, c] = [9, 1];
    for (;;) {
      const p = planCanary(...withRelease(canaryInput(s, c), 'shop'), 'step');
      if (p.refusal) {
        assert.match(p.refusal, /already at the last step/);
        break;
      }
      [s, c] = after(p);
      seen.push(`${s}/${c}`);
    }
    assert.deepEqual(seen, ['7/3', '5/5', '0/10']);
  });

  it('titles the move with percent and both sides', () => {
    const p = planCanary(...withRelease(canaryInput(9, 1), 'shop'), 'step');
    assert.equal(p.title, 'canary shop: 10% -> 30% (stable 9 -> 7, canary 1 -> 3)');
    assert.equal(p.action, 'canary-step');
    assert.ok(p.notes.includes('30% of 10 = 3 canary, 7 stable'), p.notes.join('\n'));
  });

  it('steps back down the ladder and refuses at the first step', () => {
    const back = planCanary(...withRelease(canaryInput(5, 5), 'shop'), 'back');
    assert.deepEqual(after(back), [7, 3]);
    assert.equal(back.title, 'canary shop: 50% -> 30% (stable 5 -> 7, canary 5 -> 3)');
    const first = planCanary(...withRelease(canaryInput(9, 1), 'shop'), 'back');
    assert.match(first.refusal ?? '', /already at the first step.*abort/);
    assert.equal(first.steps.length, 0);
  });

  it('promotes to 100% and aborts to 0% in one move', () => {
    assert.deepEqual(after(planCanary(...withRelease(canaryInput(7, 3), 'shop'), 'promote')), [0, 10]);
    assert.deepEqual(after(planCanary(...withRelease(canaryInput(5, 5), 'shop'), 'abort')), [10, 0]);
    assert.match(planCanary(...withRelease(canaryInput(0, 10), 'shop'), 'promote').refusal ?? '', /already promoted/);
    assert.match(planCanary(...withRelease(canaryInput(10, 0), 'shop'), 'abort').refusal ?? '', /already has 0 replicas/);
  });

  it('rounds at odd totals and says how (7 replicas)', () => {
    const seen: string[] = [];
    let [s, c] = [7, 0];
    for (;;) {
      const p = planCanary(...withRelease(canaryInput(s, c), 'shop'), 'step');
      if (p.refusal) break;
      [s, c] = after(p);
      seen.push(`${s}/${c}`);
      if (seen.length === 1) assert.ok(p.notes.includes('10% of 7 = 0.7 -> 1 canary, 6 stable'), p.notes.join('\n'));
      if (seen.length === 2) assert.ok(p.notes.includes('30% of 7 = 2.1 -> 2 canary, 5 stable'), p.notes.join('\n'));
      if (seen.length === 3) assert.ok(p.notes.includes('50% of 7 = 3.5 -> 4 canary, 3 stable'), p.notes.join('\n'));
    }
    assert.deepEqual(seen, ['6/1', '5/2', '3/4', '0/7']);
  });

  it('keeps at least one canary pod for a non-zero step and says so', () => {
    const p = planCanary(...withRelease(canaryInput(4, 0), 'shop'), 'step');
    assert.deepEqual(after(p), [3, 1]);
    assert.ok(p.notes.some((n) => n.startsWith('10% of 4 = 0.4 -> 1 canary (a non-zero step keeps at least one canary pod)')), p.notes.join('\n'));
  });

  it('keeps the total constant on every move', () => {
    for (const [s, c] of [[9, 1], [7, 3], [5, 5], [6, 1], [3, 4]]) {
      for (const move of ['step', 'back', 'promote', 'abort'] as const) {
        const p = planCanary(...withRelease(canaryInput(s, c), 'shop'), move);
        if (p.refusal) continue;
        const [s2, c2] = after(p);
        assert.equal(s2 + c2, s + c, `${move} from ${s}/${c}`);
      }
    }
  });
});

describe('planCanary: steps from --steps or the annotation', () => {
  it('uses --steps over the annotation over the default', () => {
    const annotated = { canary: { annotations: { [CANARY_STEPS_ANNOTATION]: '20,60,100' } } };
    assert.deepEqual(after(planCanary(...withRelease(canaryInput(9, 1, annotated), 'shop'), 'step')), [8, 2]);
    assert.deepEqual(after(planCanary(...withRelease(canaryInput(9, 1, annotated), 'shop'), 'step', { steps: [5, 25, 50, 100] })), [7, 3]); // 25% of 10 = 2.5 -> 3
    assert.deepEqual(after(planCanary(...withRelease(canaryInput(19, 1), 'shop'), 'step', { steps: [5, 25, 50, 100] })), [15, 5]);
    const p = planCanary(...withRelease(canaryInput(8, 2, annotated), 'shop'), 'step');
    assert.deepEqual(after(p), [4, 6]);
    assert.ok(p.notes.some((n) => n.includes(`annotation ${CANARY_STEPS_ANNOTATION}`)));
  });

  it('refuses an invalid annotation with the reason', () => {
    const p = planCanary(...withRelease(canaryInput(9, 1, { canary: { annotations: { [CANARY_STEPS_ANNOTATION]: '10,5,100' } } }), 'shop'), 'step');
    assert.match(p.refusal ?? '', /cutover.io\/canary-steps.*invalid.*strictly increasing/);
  });

  it('parses ladders', () => {
    assert.deepEqual(parseCanarySteps('5, 25,50%,100'), [5, 25, 50, 100]);
    assert.equal(typeof parseCanarySteps('0,50'), 'string');
    assert.equal(typeof parseCanarySteps('10,abc'), 'string');
    assert.equal(typeof parseCanarySteps('10,120'), 'string');
    assert.equal(typeof parseCanarySteps(''), 'string');
  });
});

describe('planCanary: zero-downtime order', () => {
  it('stepping up: grow the canary, wait until available, then shrink the stable', () => {
    assert.deepEqual(shape(planCanary(...withRelease(canaryInput(9, 1), 'shop'), 'step')), ['patch:shop-canary:3', 'wait:shop-canary:3', 'patch:shop-stable:7']);
  });

  it('stepping back and aborting: grow the stable first', () => {
    assert.deepEqual(shape(planCanary(...withRelease(canaryInput(5, 5), 'shop'), 'back')), ['patch:shop-stable:7', 'wait:shop-stable:7', 'patch:shop-canary:3']);
    assert.deepEqual(shape(planCanary(...withRelease(canaryInput(5, 5), 'shop'), 'abort')), ['patch:shop-stable:10', 'wait:shop-stable:10', 'patch:shop-canary:0']);
  });

  it('with wait: a final wait for the shrinking side', () => {
    assert.deepEqual(shape(planCanary(...withRelease(canaryInput(9, 1), 'shop'), 'step', { wait: true })), ['patch:shop-canary:3', 'wait:shop-canary:3', 'patch:shop-stable:7', 'wait:shop-stable:7']);
  });

  it('guards each patch with the replicas it read and carries the inverse', () => {
    const [grow, wait, shrink] = planCanary(...withRelease(canaryInput(9, 1), 'shop'), 'step').steps as [PatchStep, WaitStep, PatchStep];
    assert.deepEqual(grow.target, { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'shop', name: 'shop-canary' });
    assert.equal(grow.strategy, 'merge');
    assert.deepEqual(grow.patch, { spec: { replicas: 3 } });
    assert.deepEqual(grow.expect, [{ path: 'spec.replicas', value: 1 }]);
    assert.deepEqual(grow.changes, [{ field: 'spec.replicas', before: '1', after: '3' }]);
    assert.deepEqual(grow.inverse?.patch, { spec: { replicas: 1 } });
    assert.deepEqual(grow.inverse?.expect, [{ path: 'spec.replicas', value: 3 }]);
    assert.deepEqual(shrink.expect, [{ path: 'spec.replicas', value: 9 }]);
    assert.deepEqual(shrink.inverse?.patch, { spec: { replicas: 9 } });
    assert.equal(wait.timeoutMs, 600_000);
  });

  it('waits as long as the progress deadline, or --timeout', () => {
    const p = planCanary(...withRelease(canaryInput(9, 1, { canary: { progressDeadlineSeconds: 120 } }), 'shop'), 'step');
    assert.equal((p.steps[1] as WaitStep).timeoutMs, 120_000);
    assert.equal((planCanary(...withRelease(canaryInput(9, 1), 'shop'), 'step', { timeoutMs: 5000 }).steps[1] as WaitStep).timeoutMs, 5000);
  });
});

describe('planCanary: refusals', () => {
  it('refuses a release that is not a canary', () => {
    const p = planCanary(...withRelease(blueGreenInput(), 'pay'), 'step');
    assert.match(p.refusal ?? '', /blue-green release, not a canary/);
  });

  it('throws for an unknown release', () => {
    assert.throws(() => planCanary(...withRelease(canaryInput(9, 1), 'nope'), 'step'), ActionError);
  });

  it('finds the release by either Deployment name', () => {
    assert.equal(planCanary(...withRelease(canaryInput(9, 1), 'shop-canary'), 'step').subject, 'shop');
  });

  it('refuses a paused or mid-rollout Deployment', () => {
    assert.match(planCanary(...withRelease(canaryInput(9, 1, { stable: { paused: true } }), 'shop'), 'step').refusal ?? '', /shop-stable is paused/);
    const mid = planCanary(...withRelease(canaryInput(9, 1, { canary: { status: { updated: 0, available: 0 } } }), 'shop'), 'step');
    assert.match(mid.refusal ?? '', /shop-canary is mid-rollout/);
  });

  it('refuses a closed migration gate, unless overridden (then says so)', () => {
    const jobs = [migrationJob('shop-migrate', 'shop')];
    const closed = planCanary(...withRelease(canaryInput(9, 1, { jobs }), 'shop'), 'step');
    assert.match(closed.refusal ?? '', /migration gate closed: no migration has run for registry.local\/shop:v2.*--override/);
    const over = planCanary(...withRelease(canaryInput(9, 1, { jobs }), 'shop'), 'step', { override: 'hotfix, schema unchanged' });
    assert.equal(over.refusal, undefined);
    assert.ok(over.notes.some((n) => n.startsWith('migration gate overridden (hotfix, schema unchanged)')));
    const done = [...jobs, migrationJob('shop-migrate-v2', 'shop', { image: 'registry.local/shop:v2', condition: 'Complete' })];
    assert.equal(planCanary(...withRelease(canaryInput(9, 1, { jobs: done }), 'shop'), 'step').refusal, undefined);
  });

  it('does not gate moves away from the canary', () => {
    const jobs = [migrationJob('shop-migrate', 'shop')];
    assert.equal(planCanary(...withRelease(canaryInput(5, 5, { jobs }), 'shop'), 'abort').refusal, undefined);
    assert.equal(planCanary(...withRelease(canaryInput(5, 5, { jobs }), 'shop'), 'back').refusal, undefined);
  });
});

describe('planCanary: undo', () => {
  it('the undo spec is the inverse move and re-plans to the exact split', () => {
    const p = planCanary(...withRelease(canaryInput(9, 1), 'shop'), 'step');
    assert.equal(p.undo?.action, 'canary-back');
    assert.deepEqual(p.undo?.args, { release: 'shop', to: { stable: 9, canary: 1 } });
    assert.deepEqual(p.undo?.expect.map((e) => `${e.target.name}=${e.value}`), ['shop-stable=7', 'shop-canary=3']);
    const u = planCanaryUndo(canaryInput(7, 3), p.undo!);
    assert.equal(u.title, 'canary shop: 30% -> 10% (stable 7 -> 9, canary 3 -> 1)');
    assert.deepEqual(shape(u), ['patch:shop-stable:9', 'wait:shop-stable:9', 'patch:shop-canary:1']);
    const promote = planCanary(...withRelease(canaryInput(7, 3), 'shop'), 'promote');
    assert.deepEqual(after(planCanaryUndo(canaryInput(0, 10), promote.undo!)), [7, 3]);
  });
});
