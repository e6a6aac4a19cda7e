import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { planPause, planRestart, planResume, planScale, planSetImage, RESTARTED_AT_ANNOTATION } from '../../../src/actions/rollout.js';
import type { PatchStep } from '../../../src/actions/types.js';
import { canaryInput, migrationJob } from './canary-flip-fixtures.js';
import { NOW, input, svc, web } from './rollout-fixtures.js';

const only = (p: { steps: unknown[] }) => {
  assert.equal(p.steps.length, 1);
  return p.steps[0] as PatchStep;
};

describe('pause / resume', () => {
  it('pause sends spec.paused true (strategic), expects it unpaused, undo resumes', () => {
    const p = planPause(input({ deployments: [web()] }), 'web');
    assert.equal(p.refusal, undefined);
    const s = only(p);
    assert.equal(s.strategy, 'strategic');
    assert.deepEqual(s.patch, { spec: { paused: true } });
    assert.deepEqual(s.expect, [{ path: 'spec.paused', value: undefined }]);
    assert.deepEqual(s.inverse?.patch, { spec: { paused: false } });
    assert.equal(p.undo?.action, 'resume');
    assert.deepEqual(p.undo?.expect[0], { target: s.target, path: 'spec.paused', value: true });
  });
  it('refuses pausing a paused Deployment and resuming a running one', () => {
    assert.match(planPause(input({ deployments: [web({ paused: true })] }), 'web').refusal ?? '', /already paused/);
    assert.match(planResume(input({ deployments: [web()] }), 'web').refusal ?? '', /is not paused/);
  });
  it('resume sends spec.paused false', () => {
    const p = planResume(input({ deployments: [web({ paused: true })] }), 'web');
    assert.deepEqual(only(p).patch, { spec: { paused: false } });
    assert.deepEqual(only(p).expect, [{ path: 'spec.paused', value: true }]);
    assert.equal(p.undo?.action, 'pause');
  });
  it('unknown Deployment: refusal listing the ones there are', () => {
    assert.match(planPause(input({ deployments: [web()] }), 'nope').refusal ?? '', /no Deployment named "nope".*web/);
  });
});

describe('restart', () => {
  it('sets the restartedAt template annotation to now (RFC 3339)', () => {
    const p = planRestart(input({ deployments: [web({ templateAnnotations: { keep: 'me' } })] }), 'web');
    const s = only(p);
    assert.deepEqual(s.patch, { spec: { template: { metadata: { annotations: { [RESTARTED_AT_ANNOTATION]: '2026-01-01T00:00:00Z' } } } } });
    assert.deepEqual(s.expect, [{ path: 'spec.template.metadata.annotations', value: { keep: 'me' } }]);
    // The inverse removes the annotation again (null deletes in a strategic merge patch).
    assert.deepEqual(s.inverse?.patch, { spec: { template: { metadata: { annotations: { [RESTARTED_AT_ANNOTATION]: null } } } } });
    assert.equal(p.undo?.action, 'restart');
    assert.deepEqual(p.undo?.args, { deployment: 'web', restartedAt: null });
  });
  it("refuses a paused Deployment with kubectl's message", () => {
    assert.equal(planRestart(input({ deployments: [web({ paused: true })] }), 'web').refusal, "can't restart paused deployment (run rollout resume first)");
  });
  it('restore puts a previous restartedAt back', () => {
    const p = planRestart(input({ deployments: [web({ templateAnnotations: { [RESTARTED_AT_ANNOTATION]: '2026-01-01T00:00:00Z' } })] }), 'web', { restore: { restartedAt: '2025-06-01T00:00:00Z' } });
    assert.deepEqual(only(p).patch, { spec: { template: { metadata: { annotations: { [RESTARTED_AT_ANNOTATION]: '2025-06-01T00:00:00Z' } } } } });
  });
});

describe('set image', () => {
  it('patches the one container by name and expects its current image', () => {
    const p = planSetImage(input({ deployments: [web()] }), 'web', undefined, 'registry.local/web:v4');
    assert.equal(p.refusal, undefined);
    const s = only(p);
    assert.deepEqual(s.patch, { spec: { template: { spec: { containers: [{ name: 'app', image: 'registry.local/web:v4' }] } } } });
    assert.deepEqual(s.expect, [
      { path: 'spec.template.spec.containers.0.name', value: 'app' },
      { path: 'spec.template.spec.containers.0.image', value: 'registry.local/web:v3' },
    ]);
    assert.deepEqual(s.changes, [{ field: 'container app image', before: 'registry.local/web:v3', after: 'registry.local/web:v4' }]);
    assert.deepEqual(p.undo?.args, { deployment: 'web', container: 'app', image: 'registry.local/web:v3' });
    assert.equal((s.inverse?.patch as any).spec.template.spec.containers[0].image, 'registry.local/web:v3');
  });
  it('refuses an unknown container with the list, and a no-op', () => {
    assert.match(planSetImage(input({ deployments: [web()] }), 'web', 'sidecar', 'x:1').refusal ?? '', /no container "sidecar" \(containers: app\)/);
    assert.match(planSetImage(input({ deployments: [web()] }), 'web', 'app', 'registry.local/web:v3').refusal ?? '', /already runs registry.local\/web:v3/);
  });
  it('needs CONTAINER= when there are several', () => {
    const d = web();
    d.spec!.template.spec!.containers.push({ name: 'proxy', image: 'envoy:1' });
    assert.match(planSetImage(input({ deployments: [d] }), 'web', undefined, 'x:1').refusal ?? '', /2 containers \(app, proxy\)/);
    assert.equal(planSetImage(input({ deployments: [d] }), 'web', 'proxy', 'envoy:2').refusal, undefined);
  });
  it('the migration gate refuses until a completed run for that image exists', () => {
    const template = migrationJob('web-migrate', 'web');
    const closed = planSetImage(input({ deployments: [web()], services: [svc('web', { app: 'web' })], jobs: [template] }), 'web', 'app', 'registry.local/web:v4');
    assert.match(closed.refusal ?? '', /migration gate closed: no migration has run for registry.local\/web:v4/);
    const failed = migrationJob('web-migrate-1', 'web', { image: 'registry.local/web:v4', condition: 'Failed' });
    assert.match(planSetImage(input({ deployments: [web()], jobs: [template, failed] }), 'web', 'app', 'registry.local/web:v4').refusal ?? '', /failed/);
    const done = migrationJob('web-migrate-2', 'web', { image: 'registry.local/web:v4', condition: 'Complete', created: '2026-01-01T00:00:01Z' });
    const open = planSetImage(input({ deployments: [web()], jobs: [template, failed, done] }), 'web', 'app', 'registry.local/web:v4');
    assert.equal(open.refusal, undefined);
    assert.ok(open.notes.some((n) => /web-migrate-2 completed/.test(n)));
  });
  it('an override runs the plan and says so in its notes', () => {
    const p = planSetImage(input({ deployments: [web()], jobs: [migrationJob('web-migrate', 'web')] }), 'web', 'app', 'registry.local/web:v4', { override: 'hotfix, schema unchanged' });
    assert.equal(p.refusal, undefined);
    assert.ok(p.notes.some((n) => n.startsWith('migration gate overridden (hotfix, schema unchanged)')));
  });
});

describe('scale', () => {
  it('merge-patches spec.replicas with the read value expected', () => {
    const p = planScale(input({ deployments: [web()] }), 'web', 6);
    const s = only(p);
    assert.equal(s.strategy, 'merge');
    assert.deepEqual(s.patch, { spec: { replicas: 6 } });
    assert.deepEqual(s.expect, [{ path: 'spec.replicas', value: 4 }]);
    assert.deepEqual(s.inverse?.patch, { spec: { replicas: 4 } });
    assert.deepEqual(p.undo?.args, { deployment: 'web', replicas: 4 });
    assert.deepEqual(p.undo?.expect[0].value, 6);
  });
  it('refuses negative, fractional and unchanged counts', () => {
    const i = input({ deployments: [web()] });
    assert.match(planScale(i, 'web', -1).refusal ?? '', /whole number/);
    assert.match(planScale(i, 'web', 1.5).refusal ?? '', /whole number/);
    assert.match(planScale(i, 'web', Number.NaN).refusal ?? '', /whole number/);
    assert.match(planScale(i, 'web', 4).refusal ?? '', /already has 4/);
  });
  it('one side of a canary pair: points at the canary keys and says the new share', () => {
    const p = planScale(canaryInput(9, 1), 'shop-canary', 3);
    assert.equal(p.refusal, undefined);
    assert.ok(p.notes.some((n) => /canary release shop/.test(n) && /25%/.test(n) && /canary keys/.test(n)), p.notes.join('\n'));
  });
});

describe('time', () => {
  it('NOW fixture is what the restart stamps', () => {
    assert.equal(new Date(NOW).toISOString(), '2026-01-01T00:00:00.000Z');
  });
});
