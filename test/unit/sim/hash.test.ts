import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SAFE_ALPHABET, computeHash, equalIgnoreHash, fnv32a, safeEncodeString, stableStringify } from '../../../src/sim/controllers/hash.js';

const tpl = { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'app', image: 'myapp:v1' }] } };

test('fnv32a matches the reference vectors', () => {
  const enc = new TextEncoder();
  assert.equal(fnv32a(enc.encode('')), 0x811c9dc5);
  assert.equal(fnv32a(enc.encode('a')), 0xe40c292c);
  assert.equal(fnv32a(enc.encode('foobar')), 0xbf9cf968);
});

test('safeEncodeString maps every character by code % 27', () => {
  assert.equal(SAFE_ALPHABET, 'bcdfghjklmnpqrstvwxz2456789');
  // '0' is 48 -> 48 % 27 = 21 -> '4'; '9' is 57 -> 3 -> 'f'
  assert.equal(safeEncodeString('09'), '4f');
});

test('computeHash is deterministic, key-order independent, in the alphabet', () => {
  const h = computeHash(tpl);
  assert.match(h, /^[bcdfghjklmnpqrstvwxz2456789]{1,10}$/);
  assert.equal(h, computeHash(structuredClone(tpl)));
  const reordered = { spec: { containers: [{ image: 'myapp:v1', name: 'app' }] }, metadata: { labels: { app: 'web' } } };
  assert.equal(computeHash(reordered), h);
  assert.notEqual(computeHash({ ...tpl, spec: { containers: [{ name: 'app', image: 'myapp:v2' }] } }), h);
});

test('collisionCount changes the hash; undefined and absent are the same', () => {
  const h = computeHash(tpl);
  assert.equal(computeHash(tpl, undefined), h);
  assert.notEqual(computeHash(tpl, 0), h);
  assert.notEqual(computeHash(tpl, 1), computeHash(tpl, 0));
});

test('equalIgnoreHash ignores pod-template-hash and empty maps', () => {
  const withHash = structuredClone(tpl) as any;
  withHash.metadata.labels['pod-template-hash'] = 'abc';
  assert.ok(equalIgnoreHash(tpl, withHash));
  assert.ok(equalIgnoreHash(tpl, { ...tpl, metadata: { ...tpl.metadata, annotations: {} } }));
  assert.ok(!equalIgnoreHash(tpl, { ...tpl, metadata: { labels: { app: 'other' } } }));
});

test('stableStringify sorts keys and drops undefined', () => {
  assert.equal(stableStringify({ b: 1, a: { d: undefined, c: [1, { y: 2, x: 1 }] } }), '{"a":{"c":[1,{"x":1,"y":2}]},"b":1}');
});
