import assert from 'node:assert/strict';
import { test } from 'node:test';
import { newUid } from '../../../src/sim/uid.js';

test('newUid gives distinct version 4 UUIDs, across refills of its random pool', () => {
  const seen = new Set<string>();
  for (let i = 0; i < 1000; i++) {
    const uid = newUid();
    assert.match(uid, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    seen.add(uid);
  }
  assert.equal(seen.size, 1000);
});
