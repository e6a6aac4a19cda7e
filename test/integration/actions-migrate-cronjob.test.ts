/** A CronJob labelled for a release is a migration template too: its jobTemplate becomes the run. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { migrationGate } from '../../src/actions/gate.js';
import { planMigration } from '../../src/actions/migrate.js';
import { requireRelease } from '../../src/actions/state.js';
import type { CreateStep } from '../../src/actions/types.js';
import { startActionSim, type ActionSim } from './actions-canary-flip-helpers.js';
import { withRelease } from '../helpers/releases.js';

const IMAGE = 'registry.local/web:v3.0.0';

describe('migration template from a CronJob', { timeout: 120_000 }, () => {
  let a: ActionSim;
  before(async () => {
    a = await startActionSim('rolling', ['web']);
    const manifest = {
      apiVersion: 'batch/v1',
      kind: 'CronJob',
      metadata: { name: 'web-nightly-migrate', labels: { 'cutover.io/migration-for': 'web' }, annotations: { 'cutover.io/target-image': IMAGE } },
      spec: {
        schedule: '0 3 * * *',
        suspend: true,
        jobTemplate: {
          spec: {
            backoffLimit: 0,
            template: {
              metadata: { annotations: { 'sim.cutover.io/exit-after': '2' } },
              spec: { restartPolicy: 'Never', containers: [{ name: 'migrate', image: IMAGE, command: ['./run-migrations.sh'] }] },
            },
          },
        },
      },
    };
    const r = await a.kubectl(['apply', '-f', '-'], { input: JSON.stringify(manifest) });
    assert.equal(r.code, 0, r.stderr);
  });
  after(async () => {
    await a?.close();
  });

  it('the gate names it, m runs its jobTemplate, and the completed run opens the gate', async () => {
    let input = await a.state();
    const closed = migrationGate(input, requireRelease(input, 'web'), IMAGE);
    assert.equal(closed.open, false);
    assert.match(closed.reason, /to run web-nightly-migrate first/);

    const plan = planMigration(...withRelease(input, 'web'), { forImage: IMAGE });
    assert.equal(plan.refusal, undefined, plan.refusal);
    const create = plan.steps.find((s): s is CreateStep => s.kind === 'create')!;
    const job = create.object as { metadata: { name: string; annotations: Record<string, string> }; spec: { suspend?: boolean; template: { spec: { containers: { command: string[] }[] } } } };
    assert.match(job.metadata.name, /^web-nightly-migrate-/);
    assert.equal(job.spec.suspend, false);
    assert.deepEqual(job.spec.template.spec.containers[0].command, ['./run-migrations.sh']);
    assert.equal(job.metadata.annotations['cutover.io/for-image'], IMAGE);

    const r = await a.service.run(plan);
    assert.equal(r.result.ok, true, r.lines.join('\n'));
    assert.equal(await a.jsonpath(['get', 'job', job.metadata.name], '{.status.succeeded}'), '1');
    input = await a.state();
    assert.equal(migrationGate(input, requireRelease(input, 'web'), IMAGE).open, true);
  });
});
