/** The real kubectl (v1.32) against the simulator over https. */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { startSim, waitFor, type TestSim } from '../helpers/sim.js';
import { R } from '../../src/sim/resources.js';

const MANIFEST = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels: {app: web}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: app
        image: nginx:1.25
        ports: [{containerPort: 80}]
---
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  selector: {app: web, version: blue}
  ports: [{port: 80, targetPort: 8080}]
`;

describe('kubectl against the sim', () => {
  let t: TestSim;
  let dir: string;
  const ok = async (args: string[], input?: string) => {
    const r = await t.kubectl(args, { input });
    assert.equal(r.code, 0, `kubectl ${args.join(' ')} failed: ${r.stderr}`);
    return r.stdout;
  };
  const fails = async (args: string[]) => {
    const r = await t.kubectl(args);
    assert.notEqual(r.code, 0, `kubectl ${args.join(' ')} should fail`);
    return r.stderr.trim();
  };
  /** Rolled out: every replica updated and available, nothing old left. */
  const settled = (name: string, replicas: number) =>
    waitFor(
      () => {
        const d = t.sim.store.get(R.deployments, 'default', name);
        const s = d?.status ?? {};
        return d && s.observedGeneration >= d.metadata.generation! && s.updatedReplicas === replicas && s.availableReplicas === replicas && s.replicas === replicas;
      },
      15000,
      `${name} rolled out`,
    );

  before(async () => {
    t = await startSim();
    dir = dirname(t.kubeconfigPath);
    writeFileSync(join(dir, 'web.yaml'), MANIFEST);
  });
  after(async () => {
    await t.stop();
  });

  test('apply creates, get prints the server-side table columns', async () => {
    const out = await ok(['apply', '-f', join(dir, 'web.yaml')]);
    assert.match(out, /deployment.apps\/web created/);
    assert.match(out, /service\/web created/);
    await settled('web', 2);
    const deploy = await ok(['get', 'deploy', 'web']);
    assert.match(deploy.split('\n')[0], /^NAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE$/);
    assert.match(deploy.split('\n')[1], /^web\s+2\/2\s+2\s+2\s+\d+s$/);
    const pods = await ok(['get', 'pods', '-l', 'app=web', '-o', 'wide']);
    assert.match(pods.split('\n')[0], /^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE\s+IP\s+NODE\s+NOMINATED NODE\s+READINESS GATES$/);
    assert.match(pods, /web-[a-z0-9]+-[a-z0-9]{5}\s+1\/1\s+Running\s+0\s+\d+s\s+10\.244\.\d+\.\d+\s+sim-node-\d/);
    const rs = await ok(['get', 'rs']);
    assert.match(rs.split('\n')[0], /^NAME\s+DESIRED\s+CURRENT\s+READY\s+AGE$/);
    const svc = await ok(['get', 'svc', 'web']);
    assert.match(svc, /^web\s+ClusterIP\s+10\.96\.\d+\.\d+\s+<none>\s+80\/TCP\s+\d+s$/m);
    const nodes = await ok(['get', 'nodes']);
    assert.match(nodes, /^sim-node-1\s+Ready\s+<none>\s+\S+\s+v1\.35\.0-cutover-sim$/m);
  });

  test('get -o json / -o yaml', async () => {
    const d = JSON.parse(await ok(['get', 'deploy', 'web', '-o', 'json']));
    assert.equal(d.kind, 'Deployment');
    assert.equal(d.spec.strategy.rollingUpdate.maxUnavailable, '25%');
    assert.ok(d.metadata.annotations['kubectl.kubernetes.io/last-applied-configuration']);
    const y = parseYaml(await ok(['get', 'svc', 'web', '-o', 'yaml']));
    assert.equal(y.spec.ports[0].targetPort, 8080);
    const list = JSON.parse(await ok(['get', 'pods', '-l', 'app=web', '-o', 'json']));
    assert.equal(list.kind, 'List');
    assert.equal(list.items.length, 2);
  });

  test('apply again updates in place', async () => {
    writeFileSync(join(dir, 'web.yaml'), MANIFEST.replace('replicas: 2', 'replicas: 3').replace('nginx:1.25', 'nginx:1.26'));
    const out = await ok(['apply', '-f', join(dir, 'web.yaml')]);
    assert.match(out, /deployment.apps\/web configured/);
    assert.match(out, /service\/web unchanged/);
    const d = t.sim.store.get(R.deployments, 'default', 'web')!;
    assert.equal(d.spec.replicas, 3);
    assert.equal(d.spec.template.spec.containers[0].image, 'nginx:1.26');
    assert.equal(d.spec.template.spec.containers[0].ports[0].containerPort, 80);
    await settled('web', 3);
  });

  test('describe deployment and pod', async () => {
    const d = await ok(['describe', 'deployment', 'web']);
    assert.match(d, /^Name:\s+web$/m);
    assert.match(d, /^Replicas:\s+3 desired \| 3 updated \| 3 total \| 3 available \| 0 unavailable$/m);
    assert.match(d, /^RollingUpdateStrategy:\s+25% max unavailable, 25% max surge$/m);
    assert.match(d, /NewReplicaSet:\s+web-\w+ \(3\/3 replicas created\)/);
    assert.match(d, /ScalingReplicaSet/);
    const live = t.sim.store.list(R.pods, 'default').find((p) => p.metadata.labels?.app === 'web' && !p.metadata.deletionTimestamp && p.status?.phase === 'Running')!;
    const p = await ok(['describe', 'pod', live.metadata.name!]);
    assert.match(p, /^Status:\s+Running$/m);
    assert.match(p, /^Node:\s+sim-node-\d\/192\.168\.0\.\d+$/m);
    assert.match(p, /Successfully assigned default\//);
  });

  test('scale and set image', async () => {
    assert.match(await ok(['scale', 'deploy/web', '--replicas=4']), /deployment.apps\/web scaled/);
    assert.equal(t.sim.store.get(R.deployments, 'default', 'web')!.spec.replicas, 4);
    assert.match(await ok(['set', 'image', 'deploy/web', 'app=nginx:1.27']), /deployment.apps\/web image updated/);
    assert.equal(t.sim.store.get(R.deployments, 'default', 'web')!.spec.template.spec.containers[0].image, 'nginx:1.27');
    await settled('web', 4);
  });

  test('patch a Service selector (strategic and merge)', async () => {
    await ok(['patch', 'svc', 'web', '-p', '{"spec":{"selector":{"version":"green"}}}']);
    assert.deepEqual(t.sim.store.get(R.services, 'default', 'web')!.spec.selector, { app: 'web', version: 'green' });
    await ok(['patch', 'svc', 'web', '--type=merge', '-p', '{"spec":{"selector":{"version":null}}}']);
    assert.deepEqual(t.sim.store.get(R.services, 'default', 'web')!.spec.selector, { app: 'web' });
    await ok(['patch', 'svc', 'web', '--type=json', '-p', '[{"op":"add","path":"/spec/selector/version","value":"blue"}]']);
    assert.deepEqual(t.sim.store.get(R.services, 'default', 'web')!.spec.selector, { app: 'web', version: 'blue' });
  });

  test('create job (protobuf body) and get jobs', async () => {
    assert.match(await ok(['create', 'job', 'migrate', '--image=busybox:1.36', '--', 'echo', 'done']), /job.batch\/migrate created/);
    const job = t.sim.store.get(R.jobs, 'default', 'migrate')!;
    assert.equal(job.spec.template.spec.restartPolicy, 'Never');
    assert.deepEqual(job.spec.template.spec.containers[0].command, ['echo', 'done']);
    assert.equal(job.spec.selector.matchLabels['batch.kubernetes.io/controller-uid'], job.metadata.uid);
    const out = await ok(['get', 'jobs']);
    assert.match(out.split('\n')[0], /^NAME\s+STATUS\s+COMPLETIONS\s+DURATION\s+AGE$/);
    assert.match(out, /^migrate\s+\w+\s+[01]\/1\s/m);
  });

  test('get -w streams table rows', async () => {
    const child = t.spawnKubectl(['get', 'deploy', 'web', '-w']);
    let out = '';
    child.stdout!.on('data', (d) => (out += d));
    try {
      await waitFor(() => out.includes('web'), 5000, 'initial row');
      await ok(['scale', 'deploy/web', '--replicas=5']);
      // Judge complete lines only: the stream may stop mid-line when we look.
      const complete = () => out.split('\n').slice(0, -1);
      await waitFor(() => complete().length >= 3, 10000, 'watch rows');
      const lines = complete();
      assert.match(lines[0], /^NAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE$/);
      assert.ok(lines.slice(1).every((l) => /^web\s+\d+\/\d+\s+\d+\s+\d+\s+\S+$/.test(l)), lines.join('\n'));
      assert.ok(lines.slice(1).some((l) => /^web\s+\d+\/5\s/.test(l)));
    } finally {
      child.kill();
    }
  });

  test('errors: not found, invalid (422), conflict, forbidden', async () => {
    assert.equal(await fails(['get', 'deploy', 'nope']), 'Error from server (NotFound): deployments.apps "nope" not found');
    const inv = await fails(['scale', 'deploy/web', '--replicas=-1']);
    assert.match(inv, /replicas/);
    const invalid = await fails(['patch', 'deploy', 'web', '-p', '{"spec":{"replicas":-1}}']);
    assert.equal(invalid, 'The Deployment "web" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0');
    const stale = JSON.parse(await ok(['get', 'deploy', 'web', '-o', 'json']));
    await ok(['label', 'deploy', 'web', 'touched=yes']);
    writeFileSync(join(dir, 'stale.json'), JSON.stringify(stale));
    const conflict = await fails(['replace', '-f', join(dir, 'stale.json')]);
    assert.match(
      conflict,
      /^Error from server \(Conflict\): error when replacing ".*stale.json": Operation cannot be fulfilled on deployments.apps "web": the object has been modified; please apply your changes to the latest version and try again$/,
    );
    const forbidden = await fails(['--context', 'cutover-sim-viewer', 'scale', 'deploy/web', '--replicas=1']);
    assert.match(forbidden, /User "cutover-viewer" cannot patch resource "deployments\/scale" in API group "apps" in the namespace "default"/);
    assert.match(await ok(['--context', 'cutover-sim-viewer', 'auth', 'can-i', 'list', 'pods']), /^yes/);
    const cannot = await t.kubectl(['--context', 'cutover-sim-viewer', 'auth', 'can-i', 'delete', 'pods']);
    assert.match(cannot.stdout, /^no/);
  });

  test('delete with --cascade=orphan, foreground and background', async () => {
    const mk = async (name: string) => {
      await ok(['create', 'deployment', name, '--image=nginx:1.25', '--replicas=1']);
      await settled(name, 1);
    };
    await mk('orph');
    assert.match(await ok(['delete', 'deploy', 'orph', '--cascade=orphan']), /deployment.apps "orph" deleted/);
    const rs = t.sim.store.list(R.replicasets, 'default').filter((r) => r.metadata.labels?.app === 'orph');
    assert.equal(rs.length, 1);
    assert.ok(!rs[0].metadata.ownerReferences?.length);

    await mk('fg');
    await ok(['delete', 'deploy', 'fg', '--cascade=foreground']);
    assert.equal(t.sim.store.get(R.deployments, 'default', 'fg'), undefined);
    assert.equal(t.sim.store.list(R.replicasets, 'default').filter((r) => r.metadata.labels?.app === 'fg').length, 0, 'foreground waits for dependents');

    await mk('bg');
    await ok(['delete', 'deploy', 'bg']);
    await waitFor(() => t.sim.store.list(R.replicasets, 'default').filter((r) => r.metadata.labels?.app === 'bg').length === 0, 5000, 'bg ReplicaSet collected');
  });
});
