import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { V1Job } from '@kubernetes/client-node';
import { parse } from 'yaml';
import { migrationGate } from '../../../src/actions/gate.js';
import { planMigration, runName, stamp } from '../../../src/actions/migrate.js';
import { requireRelease } from '../../../src/actions/state.js';
import type { CreateStep, WaitStep } from '../../../src/actions/types.js';
import { blueGreenInput, canaryInput, migrationJob } from './canary-flip-fixtures.js';
import { NOW, NS, input, svc, web } from './rollout-fixtures.js';
import { withRelease } from '../../helpers/releases.js';

/** A suspended template as the API server returns it: defaulted backoffLimit, generated selector and labels. */
function template(o: { backoffLimit?: number; targetImage?: string; name?: string } = {}): V1Job {
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: {
      name: o.name ?? 'web-migrate-v4',
      namespace: NS,
      uid: 'uid-tpl',
      resourceVersion: '42',
      creationTimestamp: '2025-12-31T00:00:00Z' as unknown as Date,
      labels: { 'cutover.io/migration-for': 'web', team: 'db' },
      annotations: { ...(o.targetImage ? { 'cutover.io/target-image': o.targetImage } : {}) },
    },
    spec: {
      suspend: true,
      backoffLimit: o.backoffLimit ?? 6,
      ttlSecondsAfterFinished: 100,
      selector: { matchLabels: { 'batch.kubernetes.io/controller-uid': 'uid-tpl' } },
      template: {
        metadata: { labels: { 'batch.kubernetes.io/controller-uid': 'uid-tpl', 'controller-uid': 'uid-tpl', 'job-name': 'web-migrate-v4', 'batch.kubernetes.io/job-name': 'web-migrate-v4', role: 'migrate' }, annotations: { 'sim.cutover.io/exit-after': '2' } },
        spec: { restartPolicy: 'Never', containers: [{ name: 'migrate', image: 'registry.local/web:v4', command: ['./run-migrations.sh'] }] },
      },
    },
    status: {},
  };
}

const created = (p: { steps: unknown[] }) => (p.steps[0] as CreateStep).object as V1Job;

describe('planMigration', () => {
  it('creates a new unsuspended Job from the template, then waits for it', () => {
    const p = planMigration(...withRelease(input({ deployments: [web()], services: [svc('web', { app: 'web' })], jobs: [template({ targetImage: 'registry.local/web:v4' })] }), 'web'));
    assert.equal(p.refusal, undefined, p.refusal);
    assert.equal(p.action, 'migrate');
    const job = created(p);
    assert.equal(job.metadata?.name, `web-migrate-v4-${stamp(NOW)}`);
    assert.equal(job.metadata?.name, 'web-migrate-v4-20260101000000');
    assert.equal(job.spec?.suspend, false);
    assert.equal(job.spec?.backoffLimit, 0, 'the API default 6 on a template counts as unset');
    assert.equal(job.spec?.ttlSecondsAfterFinished, undefined);
    assert.equal(job.spec?.selector, undefined);
    assert.deepEqual(job.spec?.template.metadata?.labels, { role: 'migrate' });
    assert.deepEqual(job.spec?.template.metadata?.annotations, { 'sim.cutover.io/exit-after': '2' });
    assert.deepEqual(job.metadata?.labels, { 'cutover.io/migration-for': 'web', team: 'db' });
    assert.equal(job.metadata?.annotations?.['cutover.io/for-image'], 'registry.local/web:v4');
    assert.equal(job.metadata?.annotations?.['cutover.io/from-template'], 'web-migrate-v4');
    assert.equal((job.metadata as any).uid, undefined);
    assert.equal((job.metadata as any).resourceVersion, undefined);
    const wait = p.steps[1] as WaitStep;
    assert.equal(wait.kind, 'wait');
    assert.deepEqual(wait.until, { type: 'job-finished', namespace: NS, name: job.metadata?.name });
  });
  it('keeps an explicit non-default backoffLimit and says so', () => {
    const p = planMigration(...withRelease(input({ deployments: [web()], jobs: [template({ backoffLimit: 2 })] }), 'web'));
    assert.equal(created(p).spec?.backoffLimit, 2);
    assert.ok(p.notes.some((n) => /up to 3 times/.test(n)));
  });
  it('target image: --for-image, then the template annotation, then its own image of the same repository', () => {
    const i = input({ deployments: [web()], jobs: [template({ targetImage: 'registry.local/web:v9' })] });
    assert.equal(created(planMigration(...withRelease(i, 'web'), { forImage: 'registry.local/web:v5' })).metadata?.annotations?.['cutover.io/for-image'], 'registry.local/web:v5');
    assert.equal(created(planMigration(...withRelease(i, 'web'))).metadata?.annotations?.['cutover.io/for-image'], 'registry.local/web:v9');
    const own = input({ deployments: [web()], jobs: [template()] });
    assert.equal(created(planMigration(...withRelease(own, 'web'))).metadata?.annotations?.['cutover.io/for-image'], 'registry.local/web:v4');
  });
  it("pairs: the canary's image, the idle colour's image", () => {
    const tpl = (forRel: string) => ({ ...migrationJob(`${forRel}-migrate`, forRel), spec: { suspend: true, template: { spec: { restartPolicy: 'Never', containers: [{ name: 'm', image: 'tools/migrate:1' }] } } } }) as V1Job;
    const c = planMigration(...withRelease(canaryInput(9, 1, { jobs: [tpl('shop')] }), 'shop'));
    assert.equal(created(c).metadata?.annotations?.['cutover.io/for-image'], 'registry.local/shop:v2');
    const bg = planMigration(...withRelease(blueGreenInput({ jobs: [tpl('pay')] }), 'pay'));
    assert.equal(created(bg).metadata?.annotations?.['cutover.io/for-image'], 'registry.local/pay:v2');
  });
  it('a manifest (--migration FILE): backoffLimit 0 unless set, labelled for the release', () => {
    const manifest = parse(`
apiVersion: batch/v1
kind: Job
metadata:
  name: db-migration-v2.5.0
spec:
  template:
    spec:
      restartPolicy: Never
      containers:
      - name: migrate
        image: registry.local/web:v2.5.0
        command: ["./run-migrations.sh"]
`);
    const p = planMigration(...withRelease(input({ deployments: [web()] }), 'web'), { manifest });
    assert.equal(p.refusal, undefined, p.refusal);
    const job = created(p);
    assert.equal(job.metadata?.name, 'db-migration-v2.5.0-20260101000000');
    assert.equal(job.spec?.backoffLimit, 0);
    assert.equal(job.spec?.suspend, false);
    assert.equal(job.metadata?.labels?.['cutover.io/migration-for'], 'web');
    assert.equal(job.metadata?.annotations?.['cutover.io/for-image'], 'registry.local/web:v2.5.0');
    const set = planMigration(...withRelease(input({ deployments: [web()] }), 'web'), { manifest: { ...manifest, spec: { ...manifest.spec, backoffLimit: 6 } } });
    assert.equal(created(set).spec?.backoffLimit, 6, 'an explicit value in a file is kept');
    assert.match(planMigration(...withRelease(input({ deployments: [web()] }), 'web'), { manifest: { kind: 'Deployment' } }).refusal ?? '', /not a Job or CronJob/);
    const cron = planMigration(...withRelease(input({ deployments: [web()] }), 'web'), { manifest: { kind: 'CronJob', metadata: { name: 'nightly' }, spec: { jobTemplate: { spec: manifest.spec } } } });
    assert.equal(created(cron).metadata?.name, 'nightly-20260101000000');
  });
  it('refusals: no template, unknown release, a run still going', () => {
    assert.match(planMigration(...withRelease(input({ deployments: [web()] }), 'web')).refusal ?? '', /no migration template.*cutover.io\/migration-for=web/);
    // the name is resolved once, before planning
    assert.throws(() => withRelease(input({ deployments: [web()] }), 'nope'), /no release or Deployment named "nope"/);
    const running = migrationJob('web-migrate-v4-1', 'web', { image: 'registry.local/web:v4' });
    assert.match(planMigration(...withRelease(input({ deployments: [web()], jobs: [template(), running] }), 'web')).refusal ?? '', /still running/);
  });
  it('the name is unique and fits a label value', () => {
    assert.equal(runName('m', NOW, new Set(['m-20260101000000'])), 'm-20260101000000-2');
    assert.ok(runName('x'.repeat(80), NOW, new Set()).length <= 63);
  });
  it('the gate: closed before, closed after a failed run, open after a completed one', () => {
    const i = (jobs: V1Job[]) => input({ deployments: [web()], jobs });
    const rel = (x: ReturnType<typeof i>) => requireRelease(x, 'web');
    const before = i([template()]);
    assert.equal(migrationGate(before, rel(before), 'registry.local/web:v4').open, false);
    const run = created(planMigration(...withRelease(before, 'web')));
    const failed = { ...run, metadata: { ...run.metadata, creationTimestamp: '2026-01-01T00:00:01Z' as unknown as Date }, status: { conditions: [{ type: 'Failed', status: 'True', reason: 'BackoffLimitExceeded' }] } } as V1Job;
    const afterFail = i([template(), failed]);
    const g = migrationGate(afterFail, rel(afterFail), 'registry.local/web:v4');
    assert.equal(g.open, false);
    assert.match(g.reason ?? '', /BackoffLimitExceeded/);
    const second = created(planMigration(...withRelease(afterFail, 'web')));
    assert.notEqual(second.metadata?.name, failed.metadata?.name);
    const ok = { ...second, metadata: { ...second.metadata, name: 'web-migrate-v4-ok', creationTimestamp: '2026-01-01T00:00:02Z' as unknown as Date }, status: { conditions: [{ type: 'Complete', status: 'True' }] } } as V1Job;
    const afterOk = i([template(), failed, ok]);
    assert.equal(migrationGate(afterOk, rel(afterOk), 'registry.local/web:v4').open, true);
  });
  it('the gate hint names a template only for its own image: web-migrate-v2-5-0 is not offered before i to web:v5.0', () => {
    // The demo's web: a template for v2.5.0 (annotated), web still at v3; `i` asks for v5.0.
    const tpl = template({ name: 'web-migrate-v2-5-0', targetImage: 'registry.local/web:v2.5.0' });
    const i = input({ deployments: [web()], jobs: [tpl] });
    const v5 = migrationGate(i, requireRelease(i, 'web'), 'registry.local/web:v5.0');
    assert.equal(v5.open, false);
    assert.doesNotMatch(v5.reason ?? '', /press m|to run web-migrate-v2-5-0/);
    assert.match(v5.reason ?? '', /no migration template is for registry.local\/web:v5.0 \(web-migrate-v2-5-0 is for registry.local\/web:v2.5.0\)/);
    assert.match(v5.reason ?? '', /cutover.io\/target-image=registry.local\/web:v5.0/);
    assert.match(v5.reason ?? '', /cutover migrate web --migration FILE --for-image registry.local\/web:v5.0/);
    // For its own image the template is offered, with m.
    const v25 = migrationGate(i, requireRelease(i, 'web'), 'registry.local/web:v2.5.0');
    assert.match(v25.reason ?? '', /press m \(or run: cutover migrate web\) to run web-migrate-v2-5-0 first/);
  });
  it('the gate hint: a second template for the image is named with --for-image (m runs the newest, which is not it)', () => {
    const old = template({ name: 'web-migrate-v5', targetImage: 'registry.local/web:v5.0' });
    const newer = { ...template({ name: 'web-migrate-v2-5-0', targetImage: 'registry.local/web:v2.5.0' }), metadata: { ...template({ name: 'web-migrate-v2-5-0', targetImage: 'registry.local/web:v2.5.0' }).metadata, creationTimestamp: '2026-01-01T00:00:00Z' as unknown as Date } };
    const i = input({ deployments: [web()], jobs: [old, newer] });
    const g = migrationGate(i, requireRelease(i, 'web'), 'registry.local/web:v5.0');
    assert.match(g.reason ?? '', /run: cutover migrate web --for-image registry.local\/web:v5.0 \(it runs web-migrate-v5; m would not/);
    // and --for-image picks that template
    const p = planMigration(...withRelease(i, 'web'), { forImage: 'registry.local/web:v5.0' });
    assert.match(p.title, /run web-migrate-v5 for registry.local\/web:v5.0/);
  });
  it('after a failed --migration FILE run, the hint names that file\'s Job, not the cluster template', () => {
    const tpl = template({ name: 'web-migrate-v2-5-0', targetImage: 'registry.local/web:v2.5.0' });
    const manifest = { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'db-fix-v2-6' }, spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'm', image: 'tools/migrate:1' }] } } } };
    const before = input({ deployments: [web()], jobs: [tpl] });
    const run = created(planMigration(...withRelease(before, 'web'), { manifest, forImage: 'registry.local/web:v2.6.0' }));
    const failed = { ...run, metadata: { ...run.metadata, creationTimestamp: '2026-01-01T00:00:01Z' as unknown as Date }, status: { conditions: [{ type: 'Failed', status: 'True', reason: 'BackoffLimitExceeded' }] } } as V1Job;
    const after = input({ deployments: [web()], jobs: [tpl, failed] });
    const g = migrationGate(after, requireRelease(after, 'web'), 'registry.local/web:v2.6.0');
    assert.equal(g.open, false);
    assert.doesNotMatch(g.reason ?? '', /web-migrate-v2-5-0/);
    assert.match(g.reason ?? '', /failed \(BackoffLimitExceeded\): fix it, then run db-fix-v2-6 again from its manifest: cutover migrate web --migration FILE --for-image registry.local\/web:v2.6.0/);
    // a failed run of a cluster template names that template again
    const tplRun = created(planMigration(...withRelease(before, 'web')));
    const failedTpl = { ...tplRun, status: { conditions: [{ type: 'Failed', status: 'True', reason: 'BackoffLimitExceeded' }] } } as V1Job;
    const again = input({ deployments: [web()], jobs: [tpl, failedTpl] });
    assert.match(migrationGate(again, requireRelease(again, 'web'), 'registry.local/web:v2.5.0').reason ?? '', /fix it, then press m \(or run: cutover migrate web\) to run web-migrate-v2-5-0 again/);
  });
});
