import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { JournalEntry } from '../../../src/actions/journal.js';
import { planPause, planScale, planSetImage } from '../../../src/actions/rollout.js';
import type { PatchStep, Plan } from '../../../src/actions/types.js';
import { planUndoLast } from '../../../src/actions/registry.js';
import { listRevisions } from '../../../src/actions/revisions.js';
import { planUndoToRevision, selectUndoTarget } from '../../../src/actions/rolloutUndo.js';
import { lineDiff } from '../../../src/actions/template.js';
import { canaryInput } from './canary-flip-fixtures.js';
import { input, rs, web, webHistory } from './rollout-fixtures.js';

const entry = (plan: Plan, id = 1): JournalEntry => ({
  id,
  at: '2026-01-01T00:00:00.000Z',
  title: plan.title,
  action: plan.action,
  namespace: plan.namespace,
  subject: plan.subject,
  ok: true,
  dryRun: false,
  summary: [],
  undo: plan.undo,
});

describe('kubectl rollout undo: target selection', () => {
  const { d, rss } = webHistory();
  const name = (r: ReturnType<typeof selectUndoTarget>) => ('rs' in r ? r.rs.metadata?.name : r.error);
  it('no revision: the second-highest revision, whatever the list order', () => {
    assert.equal(name(selectUndoTarget(d, rss, 0)), 'web-bbbb2');
    assert.equal(name(selectUndoTarget(d, [...rss].reverse(), 0)), 'web-bbbb2');
    assert.equal(name(selectUndoTarget(d, [rss[2], rss[0], rss[1]], 0)), 'web-bbbb2');
  });
  it('a named revision, or kubectl’s error', () => {
    assert.equal(name(selectUndoTarget(d, rss, 1)), 'web-aaaa1');
    assert.equal(name(selectUndoTarget(d, rss, 7)), 'unable to find specified revision 7 in history');
  });
  it('one revision only: no rollout history', () => {
    assert.equal(name(selectUndoTarget(d, [rss[2]], 0)), 'no rollout history found for deployment "web"');
  });
  it('an RS without the annotation counts as revision 0; an unparsable one is skipped', () => {
    const none = rs(d, 'zzzz0', undefined, 'registry.local/web:v0');
    assert.equal(name(selectUndoTarget(d, [none, rss[2]], 0)), 'web-zzzz0');
    const bad = rs(d, 'xxxx9', 'nine', 'registry.local/web:v9');
    assert.equal(name(selectUndoTarget(d, [bad, rss[2]], 0)), 'no rollout history found for deployment "web"');
  });
});

describe('planUndoToRevision', () => {
  it('one JSON patch replacing /spec/template (no hash label) and /metadata/annotations (skip list merge)', () => {
    const { d, input: i } = webHistory();
    d.metadata!.annotations!['kubectl.kubernetes.io/last-applied-configuration'] = '{}';
    d.metadata!.annotations!['team'] = 'checkout';
    const p = planUndoToRevision(i, 'web');
    assert.equal(p.refusal, undefined, p.refusal);
    const s = p.steps[0] as PatchStep;
    assert.equal(s.strategy, 'json');
    assert.deepEqual(s.ops?.map((o) => [o.op, o.path]), [
      ['replace', '/spec/template'],
      ['replace', '/metadata/annotations'],
    ]);
    const template = s.ops![0].value as any;
    assert.deepEqual(template.metadata.labels, { app: 'web' });
    assert.equal(template.spec.containers[0].image, 'registry.local/web:v2');
    // Skip-list keys keep the Deployment's values; every other key comes from the RS; `team` is dropped.
    assert.deepEqual(s.ops![1].value, {
      'deployment.kubernetes.io/revision': '3',
      'kubectl.kubernetes.io/last-applied-configuration': '{}',
      'kubernetes.io/change-cause': 'release v2',
    });
    assert.ok(s.changes.some((c) => c.field === 'container app image' && c.before === 'registry.local/web:v3' && c.after === 'registry.local/web:v2'));
    assert.ok(s.expect.some((e) => e.path === 'spec.template'));
    assert.match(p.title, /revision 3 -> 2/);
    assert.deepEqual(p.undo?.args, { deployment: 'web', toRevision: 3 });
    assert.ok(p.notes.some((n) => /revision 2 becomes revision 4/.test(n)));
  });
  it('--to-revision 1 takes the RS skip-list annotations from the Deployment, not the RS', () => {
    const { input: i } = webHistory();
    const s = planUndoToRevision(i, 'web', 1).steps[0] as PatchStep;
    assert.deepEqual(s.ops![1].value, { 'deployment.kubernetes.io/revision': '3', 'kubernetes.io/change-cause': 'release v1' });
  });
  it("kubectl's errors and refusals", () => {
    const { input: i } = webHistory();
    assert.equal(planUndoToRevision(i, 'web', 9).refusal, 'unable to find specified revision 9 in history');
    assert.equal(planUndoToRevision(i, 'web', -1).refusal, 'revision must be a positive integer: -1');
    const paused = webHistory({ paused: true });
    assert.equal(planUndoToRevision(paused.input, 'web').refusal, "you cannot rollback a paused deployment; resume it first with 'kubectl rollout resume' and try again");
    // The revision errors come before the paused check, as in kubectl.
    assert.equal(planUndoToRevision(paused.input, 'web', 9).refusal, 'unable to find specified revision 9 in history');
    assert.equal(planUndoToRevision(i, 'web', 3).refusal, 'skipped rollback (current template already matches revision 3)');
    const lone = web({ revision: 1 });
    assert.equal(planUndoToRevision(input({ deployments: [lone], replicasets: [rs(lone, 'aaaa1', 1, 'registry.local/web:v3')] }), 'web').refusal, 'no rollout history found for deployment "web"');
  });
});

describe('listRevisions', () => {
  it('every revision with images, change-cause, replicas, current flag and a diff against now', () => {
    const revs = listRevisions(webHistory().input, 'web');
    assert.ok(Array.isArray(revs));
    assert.deepEqual(revs.map((r) => [r.revision, r.images[0], r.changeCause, r.current]), [
      [1, 'registry.local/web:v1', 'release v1', false],
      [2, 'registry.local/web:v2', 'release v2', false],
      [3, 'registry.local/web:v3', 'release v3', true],
    ]);
    assert.deepEqual(revs[2].diff, []);
    assert.ok(revs[0].diff.includes('-     - image: registry.local/web:v3'), revs[0].diff.join('\n'));
    assert.ok(revs[0].diff.includes('+     - image: registry.local/web:v1'));
    assert.ok(!revs[0].diff.some((l) => l.includes('pod-template-hash')));
    assert.deepEqual(revs[2].replicas, { desired: 4, current: 4, available: 4 });
  });
  it('lineDiff marks removals, additions and elides far context', () => {
    assert.deepEqual(lineDiff(['a', 'b', 'c', 'd', 'e', 'f', 'g'], ['a', 'b', 'c', 'd', 'e', 'f', 'X'], 1), ['  f', '- g', '+ X']);
    assert.deepEqual(lineDiff(['a', 'b', 'c', 'd', 'e'], ['Z', 'b', 'c', 'd', 'Y'], 0), ['- a', '+ Z', '  ...', '- e', '+ Y']);
  });
});

describe('planUndoLast', () => {
  it('re-plans the inverse of a scale and guards it with what cutover left', () => {
    const before = input({ deployments: [web({ replicas: 4 })] });
    const e = entry(planScale(before, 'web', 7));
    const after = input({ deployments: [web({ replicas: 7 })] });
    const p = planUndoLast(after, e);
    assert.equal(p.refusal, undefined, p.refusal);
    assert.equal(p.action, 'undo-action');
    assert.deepEqual((p.steps[0] as PatchStep).patch, { spec: { replicas: 4 } });
    assert.deepEqual((p.steps[0] as PatchStep).expect, [{ path: 'spec.replicas', value: 7 }]);
    assert.equal(p.undo, undefined);
  });
  it('refuses when the world changed since', () => {
    const e = entry(planScale(canaryInput(9, 1), 'shop-stable', 7));
    const p = planUndoLast(canaryInput(5, 1), e);
    assert.equal(p.refusal, 'shop-stable spec.replicas is 5 now, cutover left it at 7: the world changed');
    assert.equal(p.steps.length, 0);
    const gone = planUndoLast(input({}), entry(planPause(input({ deployments: [web()] }), 'web')));
    assert.match(gone.refusal ?? '', /deployment web no longer exists: the world changed/);
  });
  it('pause -> resume; set-image goes back without the migration gate', () => {
    const p = planUndoLast(input({ deployments: [web({ paused: true })] }), entry(planPause(input({ deployments: [web()] }), 'web')));
    assert.deepEqual((p.steps[0] as PatchStep).patch, { spec: { paused: false } });
    const si = planSetImage(input({ deployments: [web()] }), 'web', undefined, 'registry.local/web:v4');
    const after = input({ deployments: [web({ image: 'registry.local/web:v4' })], jobs: [] });
    const back = planUndoLast(after, entry(si));
    assert.equal(back.refusal, undefined, back.refusal);
    assert.equal((back.steps[0] as any).patch.spec.template.spec.containers[0].image, 'registry.local/web:v3');
  });
  it('a canary move goes back through the canary planner', () => {
    const e = entry({ ...planScale(canaryInput(9, 1), 'shop-stable', 8), undo: { action: 'canary-back', args: { release: 'shop', to: { stable: 9, canary: 1 } }, expect: [], description: 'canary shop back to 10%' } });
    const p = planUndoLast(canaryInput(7, 3), e);
    assert.equal(p.refusal, undefined, p.refusal);
    assert.ok(p.steps.some((s) => s.kind === 'patch' && s.target.name === 'shop-canary' && (s.patch as any).spec.replicas === 1));
  });
  it('nothing to undo, already undone, failed entries', () => {
    assert.match(planUndoLast(input({}), undefined).refusal ?? '', /nothing to undo/);
    const e = entry(planPause(input({ deployments: [web()] }), 'web'));
    assert.match(planUndoLast(input({ deployments: [web({ paused: true })] }), { ...e, undone: true }).refusal ?? '', /already undone/);
    assert.match(planUndoLast(input({ deployments: [web({ paused: true })] }), { ...e, ok: false }).refusal ?? '', /it failed/);
  });
  it('undo of an undo-revision goes back to the revision it left', () => {
    const { input: i } = webHistory();
    const e = entry(planUndoToRevision(i, 'web'));
    // After the undo the template is revision 2's (now 4); revision 3 stays in the history.
    const { d, rss } = webHistory();
    d.spec!.template.spec!.containers[0].image = 'registry.local/web:v2';
    d.metadata!.annotations!['deployment.kubernetes.io/revision'] = '4';
    rss[1].metadata!.annotations!['deployment.kubernetes.io/revision'] = '4';
    const p = planUndoLast(input({ deployments: [d], replicasets: rss }), e);
    assert.equal(p.refusal, undefined, p.refusal);
    assert.equal(((p.steps[0] as PatchStep).ops![0].value as any).spec.containers[0].image, 'registry.local/web:v3');
  });
});
