/**
 * Stored versions share frozen subtrees with each other and with write inputs: no reader or writer
 * may reach a stored version through a copy it was given or an input it keeps.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { VirtualClock } from '../../../src/sim/clock.js';
import { registerKindHooks } from '../../../src/sim/api/hooks.js';
import { R } from '../../../src/sim/resources.js';
import { Store, type Obj } from '../../../src/sim/store.js';

function store(): Store {
  const s = new Store(new VirtualClock());
  registerKindHooks(s);
  s.create(R.namespaces, { metadata: { name: 'default' } });
  return s;
}

const pod = (): Obj => ({
  metadata: { name: 'web', namespace: 'default', labels: { app: 'web' } },
  spec: { containers: [{ name: 'web', image: 'web:v1', ports: [{ containerPort: 8080 }] }] },
});

const image = (o: Obj | undefined): string => o?.spec.containers[0].image;

test('a copy from get() or a write changes no stored version when the caller changes it', () => {
  const s = store();
  const created = s.create(R.pods, pod());
  created.spec.containers[0].image = 'changed:by-create-caller';
  const copy = s.get(R.pods, 'default', 'web')!;
  copy.spec.containers[0].image = 'changed:by-reader';
  copy.metadata.labels!.app = 'changed';
  const stored = s.peek(R.pods, 'default', 'web')!;
  assert.equal(image(stored), 'web:v1');
  assert.equal(stored.metadata.labels!.app, 'web');
  assert.ok(Object.isFrozen(stored.spec.containers[0]));
});

test('an update keeps what it did not change shared, and the previous version (watch history) intact', () => {
  const s = store();
  const rv = s.resourceVersion;
  s.create(R.pods, pod());
  const before = s.peek(R.pods, 'default', 'web')!;
  s.mutate(R.pods, 'default', 'web', (p) => (p.metadata.labels = { ...p.metadata.labels, track: 'stable' }));
  const after = s.peek(R.pods, 'default', 'web')!;
  assert.equal(after.spec, before.spec, 'the unchanged spec is the stored one');
  assert.deepEqual(after.metadata.labels, { app: 'web', track: 'stable' });

  s.mutate(R.pods, 'default', 'web', (p) => (p.spec.containers[0].image = 'web:v2'));
  const changes = s.changesSince(R.pods, rv);
  assert.ok(changes !== 'expired');
  assert.deepEqual(
    changes.map((e) => [e.type, image(e.object), e.object.metadata.labels?.track]),
    [
      ['ADDED', 'web:v1', undefined],
      ['MODIFIED', 'web:v1', 'stable'],
      ['MODIFIED', 'web:v2', 'stable'],
    ],
  );
  assert.equal(image(changes[2].old), 'web:v1');
});

test('an input that mixes stored (frozen) parts with new ones is stored; the caller changing its own parts afterwards changes nothing', () => {
  const s = store();
  s.create(R.pods, pod());
  const stored = s.peek(R.pods, 'default', 'web')!;
  const annotations = { note: 'first' };
  s.update(R.pods, { ...stored, metadata: { ...stored.metadata, annotations } });
  annotations.note = 'changed after the write';
  const now = s.peek(R.pods, 'default', 'web')!;
  assert.deepEqual(now.metadata.annotations, { note: 'first' });
  assert.equal(now.spec, stored.spec);
  assert.equal(s.update(R.pods, { ...now }).metadata.resourceVersion, now.metadata.resourceVersion, 'an update that changes nothing writes nothing');
});

test('a handed-over input is stored frozen; a controller pod created from a frozen template gets the default tolerations without changing the template', () => {
  const s = store();
  s.create(R.replicasets, {
    metadata: { name: 'web-1', namespace: 'default' },
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: 'web' } },
      template: { metadata: { labels: { app: 'web' } }, spec: { tolerations: [{ key: 'dedicated', operator: 'Exists' }], containers: [{ name: 'web', image: 'web:v1' }] } },
    },
  });
  const tpl = s.peek(R.replicasets, 'default', 'web-1')!.spec.template;
  const input: Obj = { metadata: { generateName: 'web-1-', namespace: 'default', labels: { ...tpl.metadata.labels } }, spec: { ...tpl.spec } };
  const created = s.create(R.pods, input, { frozen: true, handOver: true });
  assert.ok(Object.isFrozen(created.metadata.labels));
  assert.deepEqual(
    created.spec.tolerations.map((t: { key: string }) => t.key),
    ['dedicated', 'node.kubernetes.io/not-ready', 'node.kubernetes.io/unreachable'],
  );
  assert.equal(tpl.spec.tolerations.length, 1);
  assert.equal(created.spec.containers, tpl.spec.containers);
});
