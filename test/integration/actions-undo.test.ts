/**
 * `cutover undo` against `kubectl rollout undo` on twin Deployments: the same history, one undone
 * by cutover (ActionService), the other by kubectl; the results must match.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { planPause } from '../../src/actions/rollout.js';
import { listRevisions } from '../../src/actions/revisions.js';
import { planUndoToRevision } from '../../src/actions/rolloutUndo.js';
import { deployment } from '../helpers/sim.js';
import { startActionSim, type ActionSim } from './actions-canary-flip-helpers.js';

const TWINS = ['web-a', 'web-b'] as const;

describe('undo to a revision: cutover and kubectl give the same Deployment', { timeout: 180_000 }, () => {
  let a: ActionSim;
  const k = async (args: string[]) => {
    const r = await a.kubectl(args, { timeoutMs: 60_000 });
    assert.equal(r.code, 0, `kubectl ${args.join(' ')}: ${r.stderr}`);
    return r.stdout;
  };
  const rollout = (name: string) => k(['rollout', 'status', `deploy/${name}`, '--timeout=60s']);
  const json = async (name: string) => JSON.parse(await k(['get', 'deploy', name, '-o', 'json']));
  /** What must match between the twins: template (hash label dropped, names aligned), annotations. */
  const comparable = async (name: string) => {
    const d = await json(name);
    const t = d.spec.template;
    delete t.metadata?.labels?.['pod-template-hash'];
    // kubectl sends Go's zero metav1.Time (`creationTimestamp: null`); a real API server prints
    // it for every template either way, the sim keeps what it was sent.
    if (t.metadata?.creationTimestamp === null) delete t.metadata.creationTimestamp;
    return {
      template: JSON.stringify(t).replaceAll(name, 'TWIN'),
      images: d.spec.template.spec.containers.map((c: { image: string }) => c.image),
      revision: d.metadata.annotations['deployment.kubernetes.io/revision'],
      annotations: JSON.parse(JSON.stringify(d.metadata.annotations).replaceAll(name, 'TWIN')),
    };
  };

  before(async () => {
    a = await startActionSim('empty', []);
    for (const name of TWINS) {
      const d = deployment(name, { replicas: 2, image: 'nginx:1.25' });
      (d.metadata as Record<string, unknown>).annotations = { 'kubernetes.io/change-cause': 'v1.25', team: 'web' };
      const r = await a.kubectl(['apply', '-f', '-'], { input: JSON.stringify(d) });
      assert.equal(r.code, 0, r.stderr);
    }
    for (const name of TWINS) await rollout(name);
    for (const [image, cause] of [
      ['nginx:1.26', 'v1.26'],
      ['nginx:1.27', 'v1.27'],
    ]) {
      for (const name of TWINS) {
        // Image first: the controller copies Deployment annotations onto the new RS on every sync.
        await k(['set', 'image', `deploy/${name}`, `app=${image}`]);
        await k(['annotate', '--overwrite', `deploy/${name}`, `kubernetes.io/change-cause=${cause}`]);
      }
      for (const name of TWINS) await rollout(name);
    }
    // Only on the Deployment and its newest RS: an undo to revision 1 must drop it, as kubectl does.
    for (const name of TWINS) await k(['annotate', `deploy/${name}`, 'note=added-at-v1.27']);
  });
  after(async () => {
    await a?.close();
  });

  it('lists the revisions as kubectl rollout history does', async () => {
    const revs = listRevisions(await a.state(), 'web-a');
    assert.ok(Array.isArray(revs));
    assert.deepEqual(revs.map((r) => [r.revision, r.images[0], r.changeCause, r.current]), [
      [1, 'nginx:1.25', 'v1.25', false],
      [2, 'nginx:1.26', 'v1.26', false],
      [3, 'nginx:1.27', 'v1.27', true],
    ]);
    const hist = await k(['rollout', 'history', 'deploy/web-a']);
    for (const r of revs) assert.match(hist, new RegExp(`^${r.revision}\\s+${r.changeCause}`, 'm'));
    assert.ok(revs[0].diff.some((l) => l.startsWith('+') && l.includes('nginx:1.25')));
  });

  it('the errors are kubectl’s', async () => {
    const input = await a.state();
    const kc = await a.kubectl(['rollout', 'undo', 'deploy/web-b', '--to-revision=9']);
    assert.notEqual(kc.code, 0);
    const ours = planUndoToRevision(input, 'web-a', 9).refusal!;
    assert.equal(ours, 'unable to find specified revision 9 in history');
    assert.ok(kc.stderr.includes(ours), kc.stderr);
  });

  it('--to-revision 1: same template, images, revision and annotations', async () => {
    const r = await a.service.run(planUndoToRevision(await a.state(), 'web-a', 1));
    assert.equal(r.result.ok, true, r.lines.join('\n'));
    await k(['rollout', 'undo', 'deploy/web-b', '--to-revision=1']);
    for (const name of TWINS) await rollout(name);
    const [x, y] = [await comparable('web-a'), await comparable('web-b')];
    assert.deepEqual(x.images, ['nginx:1.25']);
    assert.equal(x.revision, '4');
    assert.equal(x.annotations['kubernetes.io/change-cause'], 'v1.25');
    assert.equal(x.annotations.note, undefined);
    assert.deepEqual(x, y);
  });

  it('plain undo (previous revision): same result again', async () => {
    const r = await a.service.run(planUndoToRevision(await a.state(), 'web-a'));
    assert.equal(r.result.ok, true, r.lines.join('\n'));
    await k(['rollout', 'undo', 'deploy/web-b']);
    for (const name of TWINS) await rollout(name);
    const [x, y] = [await comparable('web-a'), await comparable('web-b')];
    assert.deepEqual(x.images, ['nginx:1.27']);
    assert.equal(x.revision, '5');
    assert.deepEqual(x, y);
    // After kubectl's undo (its template carries creationTimestamp: null) cutover still sees which
    // revision is current, and undoing to it is kubectl's "skipped rollback".
    const revs = listRevisions(await a.state(), 'web-b');
    assert.ok(Array.isArray(revs));
    assert.deepEqual(revs.filter((r) => r.current).map((r) => r.revision), [5]);
    assert.equal(planUndoToRevision(await a.state(), 'web-b', 5).refusal, 'skipped rollback (current template already matches revision 5)');
  });

  it('a paused Deployment: the same refusal text as kubectl', async () => {
    const p = await a.service.run(planPause(await a.state(), 'web-a'));
    assert.equal(p.result.ok, true);
    await k(['rollout', 'pause', 'deploy/web-b']);
    const ours = planUndoToRevision(await a.state(), 'web-a').refusal!;
    const kc = await a.kubectl(['rollout', 'undo', 'deploy/web-b']);
    assert.notEqual(kc.code, 0);
    assert.ok(kc.stderr.includes(ours), `${ours} / ${kc.stderr}`);
  });
});
