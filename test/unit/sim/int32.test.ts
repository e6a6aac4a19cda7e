/**
 * int32 fields as the apiserver decodes them: create and update answer 400, JSON and merge patches
 * 422 on `patch`, strategic-merge patches wrap as Go's int64 -> int32 conversion does, and nothing is
 * written when a body is refused.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ApiError } from '../../../src/sim/errors.js';
import { R } from '../../../src/sim/resources.js';
import { create, patch, scaleVerb, update } from '../../../src/sim/api/write.js';
import { newSim, type Sim } from '../sim-controllers/helpers.js';

const q = new URLSearchParams();
const MERGE = 'application/merge-patch+json';
const JSON_PATCH = 'application/json-patch+json';
const STRATEGIC = 'application/strategic-merge-patch+json';

function deployment(replicas: unknown) {
  const labels = { app: 'web' };
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'default' },
    spec: { replicas, selector: { matchLabels: labels }, template: { metadata: { labels }, spec: { containers: [{ name: 'app', image: 'nginx:1.25' }] } } },
  };
}

/** The ApiError fn throws. */
function refusal(fn: () => unknown): ApiError {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof ApiError, `an ApiError, got ${String(err)}`);
    return err;
  }
  assert.fail('expected the write to be refused');
}

async function withDeployment(replicas: number, body: (sim: Sim) => void | Promise<void>): Promise<void> {
  const sim = newSim([]);
  try {
    create(sim.store, R.deployments, 'default', deployment(replicas), q);
    await body(sim);
  } finally {
    await sim.stop();
  }
}

const stored = (sim: Sim) => sim.store.get(R.deployments, 'default', 'web')!;

test('a create beyond int32 is a 400 naming the Go field, and writes nothing', async () => {
  const sim = newSim([]);
  try {
    const err = refusal(() => create(sim.store, R.deployments, 'default', deployment(2147483648), q));
    assert.equal(err.code, 400);
    assert.equal(err.reason, 'BadRequest');
    assert.equal(err.message, 'Deployment in version "v1" cannot be handled as a Deployment: json: cannot unmarshal number 2147483648 into Go struct field DeploymentSpec.spec.replicas of type int32');
    assert.equal(sim.store.get(R.deployments, 'default', 'web'), undefined);
    const rs = refusal(() => create(sim.store, R.replicasets, 'default', { ...deployment(1.5), kind: 'ReplicaSet' }, q));
    assert.match(rs.message, /^ReplicaSet in version "v1" cannot be handled as a ReplicaSet: json: cannot unmarshal number 1\.5 into Go struct field ReplicaSetSpec\.spec\.replicas of type int32$/);
    const job = { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'j' }, spec: { parallelism: 99999999999, template: { spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'x' }] } } } };
    assert.match(refusal(() => create(sim.store, R.jobs, 'default', job, q)).message, /json: cannot unmarshal number 99999999999 into Go struct field JobSpec\.spec\.parallelism of type int32$/);
    assert.match(refusal(() => create(sim.store, R.deployments, 'default', deployment('3'), q)).message, /cannot unmarshal string into Go struct field DeploymentSpec\.spec\.replicas of type int32$/);
  } finally {
    await sim.stop();
  }
});

test('the int32 bounds themselves are accepted', async () => {
  await withDeployment(2147483647, (sim) => assert.equal(stored(sim).spec.replicas, 2147483647));
});

test('an update beyond int32 is the same 400 and leaves the object as it was', () =>
  withDeployment(2, (sim) => {
    const err = refusal(() => update(sim.store, R.deployments, 'default', 'web', deployment(4294967296), q));
    assert.equal(err.code, 400);
    assert.match(err.message, /^Deployment in version "v1" cannot be handled as a Deployment: json: cannot unmarshal number 4294967296/);
    assert.equal(stored(sim).spec.replicas, 2);
  }));

test('merge and JSON patches beyond int32 are a 422 on the patch field', () =>
  withDeployment(2, (sim) => {
    for (const [type, body] of [
      [MERGE, { spec: { replicas: 2147483648 } }],
      [JSON_PATCH, [{ op: 'replace', path: '/spec/replicas', value: 2147483648 }]],
    ] as const) {
      const err = refusal(() => patch(sim.store, R.deployments, 'default', 'web', type, body, q));
      assert.equal(err.code, 422, type);
      assert.equal(err.reason, 'Invalid');
      assert.match(err.message, /^ "" is invalid: patch: Invalid value: "\{.*\\"replicas\\":2147483648.*\}": json: cannot unmarshal number 2147483648 into Go struct field DeploymentSpec\.spec\.replicas of type int32$/);
      assert.equal(err.details?.causes?.[0].field, 'patch');
      assert.equal(err.details?.kind, undefined, 'no kind: kubectl says "The request is invalid"');
    }
    assert.equal(stored(sim).spec.replicas, 2);
  }));

test('a strategic-merge patch wraps as Go converts int64 to int32: negative is refused, 2^32+1 becomes 1', () =>
  withDeployment(2, (sim) => {
    const err = refusal(() => patch(sim.store, R.deployments, 'default', 'web', STRATEGIC, { spec: { replicas: 2147483648 } }, q));
    assert.equal(err.code, 422);
    assert.equal(err.message, 'Deployment.apps "web" is invalid: spec.replicas: Invalid value: -2147483648: must be greater than or equal to 0');
    assert.equal(stored(sim).spec.replicas, 2);
    patch(sim.store, R.deployments, 'default', 'web', STRATEGIC, { spec: { replicas: 4294967297 } }, q);
    assert.equal(stored(sim).spec.replicas, 1);
    const frac = refusal(() => patch(sim.store, R.deployments, 'default', 'web', STRATEGIC, { spec: { replicas: 1.5 } }, q));
    assert.equal(frac.message, ' "" is invalid: patch: Invalid value: "map[spec:map[replicas:1.5]]": cannot convert float64 to int32');
  }));

test('the scale subresource: PUT is a 400, a merge patch a 422, both on ScaleSpec', () =>
  withDeployment(2, (sim) => {
    const put = refusal(() =>
      scaleVerb(sim.store, R.deployments, 'default', 'web', 'PUT', q, () => ({ apiVersion: 'autoscaling/v1', kind: 'Scale', metadata: { name: 'web' }, spec: { replicas: 2147483648 } }), 'application/json'),
    );
    assert.equal(put.code, 400);
    assert.equal(put.message, 'Scale in version "v1" cannot be handled as a Scale: json: cannot unmarshal number 2147483648 into Go struct field ScaleSpec.spec.replicas of type int32');
    const merged = refusal(() => scaleVerb(sim.store, R.deployments, 'default', 'web', 'PATCH', q, () => ({ spec: { replicas: 2147483648 } }), MERGE));
    assert.equal(merged.code, 422);
    assert.match(merged.message, /^ "" is invalid: patch: Invalid value: ".*": json: cannot unmarshal number 2147483648 into Go struct field ScaleSpec\.spec\.replicas of type int32$/);
    assert.equal(stored(sim).spec.replicas, 2);
    scaleVerb(sim.store, R.deployments, 'default', 'web', 'PATCH', q, () => ({ spec: { replicas: 5 } }), MERGE);
    assert.equal(stored(sim).spec.replicas, 5);
  }));
