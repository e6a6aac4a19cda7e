import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nextPageSize, PAGE_SIZE } from '../../../src/kube/informer.js';

test('a list keeps pages of 500 up to about ten pages, then asks for bigger ones, at most 5,000', () => {
  assert.equal(nextPageSize(PAGE_SIZE, undefined), 500, 'a server that does not count keeps the first size');
  assert.equal(nextPageSize(PAGE_SIZE, 0), 500);
  assert.equal(nextPageSize(PAGE_SIZE, 4_500), 500, '5,000 pods: ten pages of 500');
  assert.equal(nextPageSize(PAGE_SIZE, 49_500), 4_950, '50,000 pods: ten more pages');
  assert.equal(nextPageSize(PAGE_SIZE, 250_000), 5_000, '250,000 Events: pages of 5,000');
});
