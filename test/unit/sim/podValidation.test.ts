import assert from 'node:assert/strict';
import { test } from 'node:test';
import { VirtualClock } from '../../../src/sim/clock.js';
import { registerKindHooks } from '../../../src/sim/api/hooks.js';
import { ApiError } from '../../../src/sim/errors.js';
import { R } from '../../../src/sim/resources.js';
import { Store } from '../../../src/sim/store.js';

test('a pod with a container port out of range and a negative probe count is refused with a cause at each field', () => {
  const store = new Store(new VirtualClock());
  registerKindHooks(store);
  store.create(R.namespaces, { metadata: { name: 'default' } });
  const container = { name: 'web', image: 'web:v1', ports: [{ containerPort: 8080 }, { containerPort: 70000 }], readinessProbe: { httpGet: { port: 8080 }, periodSeconds: -1 } };
  assert.throws(
    () => store.create(R.pods, { metadata: { name: 'web', namespace: 'default' }, spec: { containers: [container] } }),
    (err: unknown) => {
      assert.ok(err instanceof ApiError);
      assert.equal(err.code, 422);
      assert.deepEqual(
        err.details?.causes?.map((c) => [c.field, c.message]),
        [
          ['spec.containers[0].ports[1].containerPort', 'Invalid value: 70000: must be between 1 and 65535, inclusive'],
          ['spec.containers[0].readinessProbe.periodSeconds', 'Invalid value: -1: must be greater than or equal to 0'],
        ],
      );
      return true;
    },
  );
});

test('containers shared with a template that passed are still checked against the init containers for a duplicate name', () => {
  const store = new Store(new VirtualClock());
  registerKindHooks(store);
  store.create(R.namespaces, { metadata: { name: 'default' } });
  store.create(R.replicasets, {
    metadata: { name: 'web-1', namespace: 'default' },
    spec: { selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'web:v1' }] } } },
  });
  const spec = store.peek(R.replicasets, 'default', 'web-1')!.spec.template.spec;
  store.create(R.pods, { metadata: { name: 'first', namespace: 'default' }, spec: { ...spec } });
  assert.throws(
    () => store.create(R.pods, { metadata: { name: 'second', namespace: 'default' }, spec: { ...spec, initContainers: [{ name: 'web', image: 'init:v1' }] } }),
    (err: unknown) => {
      assert.ok(err instanceof ApiError);
      assert.deepEqual(
        err.details?.causes?.map((c) => [c.field, c.message]),
        [['spec.containers[0].name', 'Duplicate value: "web"']],
      );
      return true;
    },
  );
});
