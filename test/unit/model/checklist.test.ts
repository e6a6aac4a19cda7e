import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { V1Container, V1Deployment } from '@kubernetes/client-node';
import { imageTag, lintDeployment, preStopSeconds, summarizeChecklist } from '../../../src/model/checklist.js';
import { deployment, pdb } from './fixtures.js';

function seedContainer(): V1Container {
  return {
    name: 'my-app',
    image: 'myregistry/my-app:v2.0',
    readinessProbe: { httpGet: { path: '/health/ready', port: 8080 }, initialDelaySeconds: 15, periodSeconds: 5 },
    livenessProbe: { httpGet: { path: '/health/live', port: 8080 }, initialDelaySeconds: 60, periodSeconds: 10 },
    lifecycle: { preStop: { exec: { command: ['/bin/sh', '-c', 'sleep 5'] } } },
  };
}

/** The seed articles' recommended Deployment: 4 replicas, 1/0, probes, preStop sleep 5, grace 60. */
function seedDeployment(edit: (d: V1Deployment, c: V1Container) => void = () => {}): V1Deployment {
  const d = deployment('my-web-deployment', {
    replicas: 4,
    maxSurge: 1,
    maxUnavailable: 0,
    labels: { app: 'my-web-deployment' },
    terminationGracePeriodSeconds: 60,
    containers: [seedContainer()],
  });
  edit(d, d.spec!.template.spec!.containers[0]);
  return d;
}

const seedPdb = pdb('my-app-pdb', { minAvailable: '75%', matchLabels: { app: 'my-web-deployment' } });

function levelOf(d: V1Deployment, id: string, pdbs = [seedPdb]) {
  const found = lintDeployment(d, pdbs).find((r) => r.id === id);
  assert.ok(found, `rule ${id} exists`);
  return found;
}

test('the seed articles’ Deployment passes every rule', () => {
  const results = lintDeployment(seedDeployment(), [seedPdb]);
  assert.deepEqual(
    results.filter((r) => r.level !== 'pass').map((r) => `${r.id}: ${r.why}`),
    [],
  );
  assert.deepEqual(summarizeChecklist(results), { pass: 10, warn: 0, fail: 0, worst: 'pass' });
  for (const r of results) {
    assert.equal(r.ok, true);
    assert.equal(r.fix, '');
    assert.ok(r.why.length > 0 && !r.why.includes('\n'), `${r.id} has a one-line why`);
  }
});

test('each rule flags its own problem', () => {
  type Row = [string, string, (d: V1Deployment, c: V1Container) => void, 'warn' | 'fail'];
  const rows: Row[] = [
    ['default 25% unavailable', 'max-unavailable', (d) => (d.spec!.strategy!.rollingUpdate!.maxUnavailable = '25%'), 'warn'],
    ['Recreate', 'max-unavailable', (d) => (d.spec!.strategy = { type: 'Recreate' }), 'fail'],
    ['invalid surge', 'max-unavailable', (d) => (d.spec!.strategy!.rollingUpdate!.maxSurge = 'two'), 'fail'],
    ['no readiness probe', 'readiness-probe', (_d, c) => delete c.readinessProbe, 'fail'],
    ['readiness same as liveness', 'readiness-vs-liveness', (_d, c) => (c.livenessProbe = { ...c.readinessProbe, initialDelaySeconds: 60 }), 'warn'],
    ['no preStop', 'prestop-hook', (_d, c) => delete c.lifecycle, 'warn'],
    ['preStop as long as grace', 'prestop-vs-grace', (d) => (d.spec!.template.spec!.terminationGracePeriodSeconds = 5), 'fail'],
    ['preStop sleep action longer than default grace', 'prestop-vs-grace', (d, c) => {
      delete d.spec!.template.spec!.terminationGracePeriodSeconds;
      c.lifecycle = { preStop: { sleep: { seconds: 45 } } };
    }, 'fail'],
    ['little room to drain', 'prestop-vs-grace', (d) => (d.spec!.template.spec!.terminationGracePeriodSeconds = 12), 'warn'],
    ['liveness before readiness', 'probe-delays', (_d, c) => (c.livenessProbe!.initialDelaySeconds = 5), 'warn'],
    ['readiness delay beyond the progress deadline', 'probe-delays', (d, c) => {
      d.spec!.progressDeadlineSeconds = 120;
      c.readinessProbe!.initialDelaySeconds = 300;
      c.livenessProbe!.initialDelaySeconds = 400;
    }, 'warn'],
    ['progress deadline MaxInt32', 'progress-deadline', (d) => (d.spec!.progressDeadlineSeconds = 2147483647), 'warn'],
    ['progress deadline of a day', 'progress-deadline', (d) => (d.spec!.progressDeadlineSeconds = 86400), 'warn'],
    ['no revision history', 'revision-history', (d) => (d.spec!.revisionHistoryLimit = 0), 'warn'],
    [':latest image', 'image-tag', (_d, c) => (c.image = 'myregistry/my-app:latest'), 'warn'],
    ['untagged image', 'image-tag', (_d, c) => (c.image = 'registry:5000/my-app'), 'warn'],
  ];
  for (const [name, id, edit, level] of rows) {
    const result = levelOf(seedDeployment(edit), id);
    assert.equal(result.level, level, name);
    assert.equal(result.ok, level !== 'fail', `${name}: ok`);
    assert.ok(result.fix.length > 0, `${name}: has a fix`);
    const others = lintDeployment(seedDeployment(edit), [seedPdb]).filter((r) => r.id !== id && r.level !== 'pass');
    assert.deepEqual(others.map((r) => r.id), [], `${name}: only ${id} complains`);
  }
});

test('a startupProbe excuses an early liveness probe', () => {
  const d = seedDeployment((_d, c) => {
    c.livenessProbe!.initialDelaySeconds = 0;
    c.startupProbe = { httpGet: { path: '/health/live', port: 8080 }, failureThreshold: 30 };
  });
  assert.equal(levelOf(d, 'probe-delays').level, 'pass');
});

test('PDB rule: missing, blocking, several, not checked', () => {
  const d = seedDeployment();
  const cases: [string, Parameters<typeof lintDeployment>[1], string, RegExp][] = [
    ['seed 75% of 4 leaves one disruption', [seedPdb], 'pass', /my-app-pdb/],
    ['no PDB in the namespace', [], 'warn', /No PodDisruptionBudget/],
    ['PDB for other pods only', [pdb('other', { minAvailable: 1, matchLabels: { app: 'other' } })], 'warn', /No PodDisruptionBudget/],
    ['minAvailable == replicas', [pdb('strict', { minAvailable: 4, matchLabels: { app: 'my-web-deployment' } })], 'warn', /allows no eviction/],
    ['maxUnavailable 0', [pdb('zero', { maxUnavailable: 0, matchLabels: { app: 'my-web-deployment' } })], 'warn', /allows no eviction/],
    ['two PDBs', [seedPdb, pdb('second', { maxUnavailable: 1, matchLabels: { app: 'my-web-deployment' } })], 'warn', /2 PodDisruptionBudgets/],
    ['PDBs not passed', undefined, 'pass', /not checked/],
  ];
  for (const [name, pdbs, level, why] of cases) {
    const r = lintDeployment(d, pdbs).find((x) => x.id === 'pdb')!;
    assert.equal(r.level, level, name);
    assert.match(r.why, why, name);
  }
});

test('preStopSeconds reads sleep actions and exec sleeps', () => {
  const cases: [Parameters<typeof preStopSeconds>[0], number | undefined][] = [
    [{ exec: { command: ['/bin/sh', '-c', 'sleep 5'] } }, 5],
    [{ exec: { command: ['sleep', '10'] } }, 10],
    [{ exec: { command: ['/bin/sh', '-c', 'sleep 3 && nginx -s quit && sleep 2'] } }, 5],
    [{ exec: { command: ['/bin/sh', '-c', 'sleep 1.5s'] } }, 1.5],
    [{ sleep: { seconds: 7 } }, 7],
    [{ exec: { command: ['/drain.sh'] } }, undefined],
    [{ httpGet: { path: '/drain', port: 8080 } }, undefined],
    [undefined, undefined],
  ];
  for (const [handler, want] of cases) assert.equal(preStopSeconds(handler), want, JSON.stringify(handler));
});

test('imageTag separates registry ports from tags and spots digests', () => {
  const cases: [string, { tag?: string; digest: boolean }][] = [
    ['myapp:v2.5.0', { tag: 'v2.5.0', digest: false }],
    ['nginx', { tag: undefined, digest: false }],
    ['registry:5000/team/app', { tag: undefined, digest: false }],
    ['registry:5000/team/app:1.2', { tag: '1.2', digest: false }],
    ['app@sha256:abcd', { digest: true }],
  ];
  for (const [image, want] of cases) assert.deepEqual(imageTag(image), want, image);
});
