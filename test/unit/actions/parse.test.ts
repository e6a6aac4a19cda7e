import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { imageProblem, MAX_REPLICAS, parseImageArg, parseReplicas, replicasProblem } from '../../../src/actions/parse.js';

describe('parseReplicas', () => {
  it('takes whole numbers from 0 to the int32 maximum', () => {
    assert.equal(parseReplicas('0'), 0);
    assert.equal(parseReplicas(' 12 '), 12);
    assert.equal(parseReplicas('2147483647'), MAX_REPLICAS);
  });
  it('refuses anything else with one line', () => {
    for (const bad of ['2147483648', '99999999999', '-1', '1.5', '1e3', 'x', '', '0x10']) {
      const r = parseReplicas(bad);
      assert.equal(typeof r, 'string', bad);
      assert.match(r as string, /is not a whole number from 0 to 2147483647/);
    }
  });
  it('replicasProblem guards planners the same way', () => {
    assert.equal(replicasProblem(3), undefined);
    assert.match(replicasProblem(MAX_REPLICAS + 1) ?? '', /whole number from 0 to 2147483647/);
    assert.match(replicasProblem(-1) ?? '', /whole number/);
  });
});

describe('parseImageArg', () => {
  it('splits [CONTAINER=]IMAGE', () => {
    assert.deepEqual(parseImageArg('registry.local/web:v2'), { image: 'registry.local/web:v2' });
    assert.deepEqual(parseImageArg('app=registry.local/web:v2'), { container: 'app', image: 'registry.local/web:v2' });
    assert.deepEqual(parseImageArg(`nginx@sha256:${'a'.repeat(64)}`), { image: `nginx@sha256:${'a'.repeat(64)}` });
    assert.deepEqual(parseImageArg('localhost:5000/team/app'), { image: 'localhost:5000/team/app' });
  });
  it('refuses what the reference grammar refuses, saying why', () => {
    assert.match(parseImageArg('app=UPPER/Repo::v1') as string, /"UPPER\/Repo::v1" is not an image reference \(invalid reference format\)/);
    assert.match(parseImageArg('UPPER/Repo:v1') as string, /repository name must be lowercase/);
    assert.match(parseImageArg('web:v 2') as string, /not an image reference/);
    assert.match(parseImageArg('nginx@sha256:abc') as string, /not an image reference/);
    assert.match(parseImageArg('=web:v2') as string, /is not \[CONTAINER=\]IMAGE/);
    assert.match(parseImageArg('app=') as string, /is not \[CONTAINER=\]IMAGE/);
    assert.equal(imageProblem('registry.local/web:v2.5.0'), undefined);
  });
});
