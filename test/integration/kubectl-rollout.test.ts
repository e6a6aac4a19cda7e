/** kubectl rollout status/history/undo/pause/resume/restart against the sim's deployment controller. */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { deployment, startSim, waitFor, type TestSim } from '../helpers/sim.js';
import { R } from '../../src/sim/resources.js';
import { ANN } from '../../src/sim/podBehaviour.js';

describe('kubectl rollout', () => {
  let t: TestSim;
  const ok = async (args: string[]) => {
    const r = await t.kubectl(args, { timeoutMs: 30_000 });
    assert.equal(r.code, 0, `kubectl ${args.join(' ')} failed: ${r.stderr}`);
    return r.stdout;
  };
  const image = () => t.sim.store.get(R.deployments, 'default', 'app')!.spec.template.spec.containers[0].image;

  before(async () => {
    t = await startSim();
    await ok(['create', 'deployment', 'app', '--image=nginx:1.25', '--replicas=3']);
  });
  after(async () => {
    await t.stop();
  });

  test('status waits for the rollout and prints kubectl progress lines', async () => {
    const out = await ok(['rollout', 'status', 'deploy/app', '--timeout=30s']);
    assert.match(out.trim().split('\n').at(-1)!, /^deployment "app" successfully rolled out$/);
    await ok(['set', 'image', 'deploy/app', 'nginx=nginx:1.26']);
    const out2 = await ok(['rollout', 'status', 'deploy/app', '--timeout=30s']);
    assert.match(out2, /Waiting for deployment "app" rollout to finish: /);
    assert.match(out2, /deployment "app" successfully rolled out\n$/);
  });

  test('history lists revisions; undo goes back to the previous template', async () => {
    const hist = await ok(['rollout', 'history', 'deploy/app']);
    assert.match(hist, /^REVISION\s+CHANGE-CAUSE$/m);
    assert.match(hist, /^1\s+<none>$/m);
    assert.match(hist, /^2\s+<none>$/m);
    assert.match(await ok(['rollout', 'undo', 'deploy/app']), /deployment.apps\/app rolled back/);
    assert.equal(image(), 'nginx:1.25');
    await ok(['rollout', 'status', 'deploy/app', '--timeout=30s']);
    const rev2 = await ok(['rollout', 'history', 'deploy/app', '--revision=3']);
    assert.match(rev2, /Image:\s+nginx:1.25/);
  });

  test('pause, resume and restart', async () => {
    assert.match(await ok(['rollout', 'pause', 'deploy/app']), /deployment.apps\/app paused/);
    assert.equal(t.sim.store.get(R.deployments, 'default', 'app')!.spec.paused, true);
    const r = await t.kubectl(['rollout', 'restart', 'deploy/app']);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /can't restart paused deployment \(run rollout resume first\)/);
    assert.match(await ok(['rollout', 'resume', 'deploy/app']), /deployment.apps\/app resumed/);
    assert.match(await ok(['rollout', 'restart', 'deploy/app']), /deployment.apps\/app restarted/);
    const ann = t.sim.store.get(R.deployments, 'default', 'app')!.spec.template.metadata.annotations;
    assert.ok(ann?.['kubectl.kubernetes.io/restartedAt']);
    await ok(['rollout', 'status', 'deploy/app', '--timeout=30s']);
    await waitFor(() => t.sim.store.get(R.deployments, 'default', 'app')!.metadata.annotations?.['deployment.kubernetes.io/revision'] === '4', 5000, 'revision 4');
  });

  test('status ends with an error when the Deployment is deleted mid-watch', async () => {
    const manifest = deployment('doomed', { replicas: 1 });
    const template = { ...manifest.spec.template, metadata: { ...manifest.spec.template.metadata, annotations: { [ANN.neverReady]: 'true' } } };
    const created = await t.kubectl(['apply', '-f', '-'], { input: JSON.stringify({ ...manifest, spec: { ...manifest.spec, template } }) });
    assert.equal(created.code, 0, created.stderr);
    const status = t.spawnKubectl(['rollout', 'status', 'deploy/doomed', '--timeout=60s']);
    let stdout = '';
    let stderr = '';
    status.stdout!.on('data', (d) => (stdout += d));
    status.stderr!.on('data', (d) => (stderr += d));
    const exited = new Promise<number | null>((resolve) => status.on('close', resolve));
    await waitFor(() => /Waiting for deployment "doomed" rollout to finish/.test(stdout), 20_000, 'kubectl rollout status to start waiting');
    await ok(['delete', 'deploy/doomed', '--wait=false']);
    assert.notEqual(await exited, 0, stdout);
    assert.match(stderr, /object has been deleted/);
  });
});
