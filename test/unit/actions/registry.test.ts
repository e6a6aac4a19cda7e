/** The action registry: one entry per key, one reason a key is disabled, one confirm name, one undo planner per undoable action. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ACTION_KEYS, cliCommand, confirmTarget, disabledReason, REGISTRY, undoPlanner, type ActionKey } from '../../../src/actions/registry.js';
import type { AccessMap } from '../../../src/kube/access.js';
import { withRelease } from '../../helpers/releases.js';
import { blueGreenInput, canaryInput } from './canary-flip-fixtures.js';
import { input, web } from './rollout-fixtures.js';

const EVERY_KEY: Record<ActionKey, true> = {
  stepUp: true,
  stepDown: true,
  promote: true,
  abort: true,
  flip: true,
  scaleIdle: true,
  migrate: true,
  pauseResume: true,
  restart: true,
  setImage: true,
  scale: true,
  undoRevision: true,
  undoLast: true,
};

describe('the action registry', () => {
  it('has one entry for every ActionKey, with distinct keys and help', () => {
    assert.deepEqual([...ACTION_KEYS].sort(), Object.keys(EVERY_KEY).sort());
    for (const k of ACTION_KEYS) {
      assert.equal(REGISTRY[k].key, k);
      assert.ok(REGISTRY[k].keys.length > 0 && REGISTRY[k].help.length > 0, k);
    }
    const keys = ACTION_KEYS.flatMap((k) => REGISTRY[k].keys);
    assert.equal(new Set(keys).size, keys.length, 'no key bound twice');
  });

  it('every undoable plan action has exactly one entry that re-plans its undo', () => {
    const undoable = ['canary-step', 'canary-back', 'canary-promote', 'canary-abort', 'flip', 'scale-idle', 'pause', 'resume', 'restart', 'set-image', 'scale', 'undo-revision'] as const;
    for (const a of undoable) {
      const owners = ACTION_KEYS.filter((k) => REGISTRY[k].undoes?.includes(a));
      assert.equal(owners.length, 1, a);
      assert.ok(undoPlanner(a)?.replanUndo, a);
    }
  });

  it('disabledReason: read-only, then the access review; allowed keys have none', () => {
    const access: AccessMap = { patchDeployments: { allowed: true }, patchServices: { allowed: false, reason: 'patch services is not allowed in shop (no rule)' }, createJobs: { allowed: false } };
    assert.equal(disabledReason('flip', { access }), 'patch services is not allowed in shop (no rule)');
    assert.equal(disabledReason('migrate', { access }), 'create jobs.batch is not allowed');
    assert.equal(disabledReason('restart', { access }), undefined);
    assert.equal(disabledReason('undoLast', { access }), undefined, 'undo-last needs what the undone write needs; its write checks');
    assert.match(disabledReason('restart', { readonly: true, access }) ?? '', /read-only/);
    assert.equal(disabledReason('flip', {}), undefined, 'no reviews answered yet: nothing disabled');
  });

  it('confirmTarget: the first Deployment or Service the plan writes, the same rule for the cockpit and the CLI', () => {
    const [ci, shop] = withRelease(canaryInput(9, 1), 'shop');
    assert.deepEqual(confirmTarget(REGISTRY.stepUp.plan({ release: shop }, ci)), { kind: 'Deployment', name: 'shop-canary' });
    assert.deepEqual(confirmTarget(REGISTRY.abort.plan({ release: shop }, ci)), { kind: 'Deployment', name: 'shop-stable' });
    const [bi, pay] = withRelease(blueGreenInput(), 'pay');
    assert.deepEqual(confirmTarget(REGISTRY.flip.plan({ release: pay, options: { scaleOldTo: 2 } }, bi)), { kind: 'Service', name: 'pay' });
  });

  it('the CLI commands come from the entries', () => {
    assert.equal(cliCommand('canary step')?.spec.key, 'stepUp');
    assert.equal(cliCommand('scale-idle')?.spec.key, 'scaleIdle');
    assert.equal(cliCommand('resume')?.cli.fixed?.mode, 'resume');
    assert.equal(cliCommand('undo')?.spec.key, 'undoRevision');
    assert.equal(cliCommand('nope'), undefined);
    assert.match(cliCommand('flip')!.cli.flags!({ 'scale-old': '2147483648' }) as string, /--scale-old: "2147483648" is not a whole number/);
    assert.match(cliCommand('canary step')!.cli.flags!({ steps: '30,10' }) as string, /--steps: .*strictly increasing/);
  });

  it("the CLI's canary commands refuse a rolling release; the cockpit's + scales it by one", () => {
    const [i, w] = withRelease(input({ deployments: [web({ replicas: 4 })] }), 'web');
    assert.match(REGISTRY.stepUp.plan({ release: w, options: { canaryOnly: true } }, i).refusal ?? '', /web is a plain rolling release, not a canary/);
    assert.equal(REGISTRY.stepUp.plan({ release: w }, i).title, 'scale web: 4 -> 5');
  });
});
