/** Replicas beyond int32 through the real kubectl: the apiserver's refusals, as kubectl prints them, and nothing written. */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startSim, deployment, type TestSim } from '../helpers/sim.js';
import { R } from '../../src/sim/resources.js';

describe('replicas beyond int32 against the sim', () => {
  let t: TestSim;
  before(async () => {
    t = await startSim({ nodes: 1 });
    const r = await t.kubectl(['create', '-f', '-'], { input: JSON.stringify(deployment('web', { replicas: 1 })) });
    assert.equal(r.code, 0, r.stderr);
  });
  after(() => t?.stop());

  const replicas = () => t.sim.store.get(R.deployments, 'default', 'web')!.spec.replicas;

  test('kubectl create of a Deployment with 2147483648 replicas: BadRequest naming the Go field', async () => {
    const r = await t.kubectl(['create', '-f', '-'], { input: JSON.stringify(deployment('big', { replicas: 2147483648 })) });
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /Error from server \(BadRequest\).*Deployment in version "v1" cannot be handled as a Deployment: json: cannot unmarshal number 2147483648 into Go struct field DeploymentSpec\.spec\.replicas of type int32/);
    assert.equal(t.sim.store.get(R.deployments, 'default', 'big'), undefined);
  });

  test('kubectl patch --type merge: "The request is invalid" on the patch field', async () => {
    const r = await t.kubectl(['patch', 'deployment', 'web', '--type', 'merge', '-p', '{"spec":{"replicas":2147483648}}']);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /The request is invalid: patch: Invalid value: .*json: cannot unmarshal number 2147483648 into Go struct field DeploymentSpec\.spec\.replicas of type int32/);
    assert.equal(replicas(), 1);
  });

  test('kubectl patch (strategic): the value wraps to int32 and validation refuses it as negative', async () => {
    const r = await t.kubectl(['patch', 'deployment', 'web', '-p', '{"spec":{"replicas":2147483648}}']);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /The Deployment "web" is invalid: spec\.replicas: Invalid value: -2147483648: must be greater than or equal to 0/);
    assert.equal(replicas(), 1);
  });
});
