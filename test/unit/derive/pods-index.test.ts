import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { V1Pod } from '@kubernetes/client-node';
import { indexPods } from '../../../src/derive/memo.js';

const pod = (name: string, owner: string, v = 0): V1Pod => ({
  metadata: { name, namespace: 'ns', uid: `${name}-${v}`, ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: owner, uid: owner, controller: true }] },
});

const names = (list: V1Pod[] | undefined) => (list ?? []).map((p) => `${p.metadata!.name}@${p.metadata!.uid}`).sort();

test('pods regrouped from the last index equal a fresh grouping, and an owner none of whose pods changed keeps its list', () => {
  let seed = 7;
  const random = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) % n);
  // An informer's map: a change replaces in place, a new key goes last.
  const map = new Map<string, V1Pod>();
  for (let i = 0; i < 300; i++) map.set(`p${i}`, pod(`p${i}`, `rs${i % 12}`));
  let index = indexPods([...map.values()]);
  for (let round = 0; round < 200; round++) {
    const before = new Map([...index.byOwner].map(([o, l]) => [o, l]));
    const touched = new Set<string | undefined>();
    for (let k = 0; k < 1 + random(6); k++) {
      const keys = [...map.keys()];
      const key = keys[random(keys.length)];
      const was = map.get(key)!;
      const owner = was.metadata!.ownerReferences![0].uid;
      touched.add(owner);
      const op = random(5);
      if (op === 0) map.set(key, pod(key, owner, round + 1)); // changed
      else if (op === 1) map.delete(key); // gone
      else if (op === 2) map.set(`n${round}-${k}`, pod(`n${round}-${k}`, `rs${random(14)}`)); // new, perhaps of a new owner
      else if (op === 3) {
        const to = `rs${random(12)}`; // adopted by another owner
        touched.add(to);
        map.set(key, pod(key, to, round + 1));
      } else {
        map.delete(key); // gone and back: now last
        map.set(key, pod(key, owner, round + 1));
      }
      if (op === 2) touched.add([...map.values()].at(-1)!.metadata!.ownerReferences![0].uid);
    }
    const pods = [...map.values()];
    index = indexPods(pods, index);
    const fresh = indexPods(pods);
    assert.deepEqual([...index.byOwner.keys()].sort(), [...fresh.byOwner.keys()].sort(), `owners, round ${round}`);
    for (const [owner, list] of fresh.byOwner) assert.deepEqual(names(index.byOwner.get(owner)), names(list), `${owner}, round ${round}`);
    for (const [owner, list] of before) if (!touched.has(owner) && index.byOwner.has(owner)) assert.equal(index.byOwner.get(owner), list, `${owner} untouched keeps its list`);
  }
});

test('pods by namespace/name, once asked, follow every later index and equal a fresh map', () => {
  const map = new Map<string, V1Pod>();
  for (let i = 0; i < 50; i++) map.set(`p${i}`, pod(`p${i}`, `rs${i % 5}`));
  let index = indexPods([...map.values()]);
  const first = index.byKey();
  assert.equal(first.get('ns/p7'), map.get('p7'));
  for (let round = 0; round < 60; round++) {
    const key = `p${(round * 7) % 50}`;
    if (round % 3 === 0) map.delete(key);
    else map.set(key, pod(key, `rs${round % 5}`, round + 1));
    if (round % 4 === 0) {
      map.delete('p1'); // gone and back: now last
      map.set('p1', pod('p1', 'rs1', round + 1));
    }
    index = indexPods([...map.values()], index);
    // Asked only every other round: the map is edited either way.
    if (round % 2 === 1) continue;
    const byKey = index.byKey();
    assert.deepEqual([...byKey.keys()].sort(), [...map.keys()].map((k) => `ns/${k}`).sort(), `keys, round ${round}`);
    for (const [k, p] of map) assert.equal(byKey.get(`ns/${k}`), p, `ns/${k}, round ${round}`);
  }
  // An older index asked again does not read the newer pods.
  const old = indexPods([pod('x', 'rs0')]);
  assert.deepEqual([...old.byKey().keys()], ['ns/x']);
});
