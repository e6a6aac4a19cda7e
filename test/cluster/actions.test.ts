/**
 * The cutover action suite against the real control plane: the same planners and ActionService the
 * sim integration tests use (test/integration/actions-*.test.ts), read back with kubectl. One
 * namespace per describe. Manifests are the scenarios' zero-downtime Deployments with short
 * ready-after and grace periods so kwok pods move in seconds.
 */
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { KubeConfig, type V1Job } from '@kubernetes/client-node';
import { planCanary, type CanaryMove } from '../../src/actions/canary.js';
import { planFlip } from '../../src/actions/flip.js';
import { migrationGate } from '../../src/actions/gate.js';
import { planMigration } from '../../src/actions/migrate.js';
import { planPause, planRestart, planResume, planSetImage } from '../../src/actions/rollout.js';
import { ActionService } from '../../src/actions/service.js';
import { loadState, requireRelease, type PlanInput } from '../../src/actions/state.js';
import type { CreateStep } from '../../src/actions/types.js';
import { listRevisions } from '../../src/actions/revisions.js';
import { planUndoToRevision } from '../../src/actions/rolloutUndo.js';
import { runCanary } from '../../src/cli/canary.js';
import { runMigrate } from '../../src/cli/migrate.js';
import { runStatus } from '../../src/cli/status.js';
import { MIGRATION_LABEL } from '../../src/sim/scenarios.js';
import { removeDir, useControlPlane, type ControlPlane } from './controlPlane.js';
import { apply, deploymentManifest, serviceManifest, waitFor, type Manifest } from './diff.js';
import { withRelease } from '../helpers/releases.js';

function capture() {
  const s = new PassThrough();
  let text = '';
  s.on('data', (d) => (text += String(d)));
  return { stream: s, text: () => text };
}

interface Actions {
  ns: string;
  service: ActionService;
  stateDir: string;
  state(): Promise<PlanInput>;
  jsonpath(args: string[], path: string): Promise<string>;
  replicas(name: string): Promise<number>;
  settled(names: string[], timeoutMs?: number): Promise<PlanInput>;
  io(): { out: ReturnType<typeof capture>; err: ReturnType<typeof capture>; io: { stdout: PassThrough; stderr: PassThrough; isTTY: false; stateDir: string } };
  close(): void;
}

/** A namespace with the manifests applied and rolled out, an ActionService on the cluster's kubeconfig. */
async function setup(cp: ControlPlane, prefix: string, manifests: (ns: string) => Manifest[], ready: string[]): Promise<Actions> {
  const ns = await cp.namespace(prefix);
  await apply(cp, ...manifests(ns));
  const kc = new KubeConfig();
  kc.loadFromFile(cp.kubeconfigPath);
  const stateDir = mkdtempSync(join(tmpdir(), 'cutover-cluster-actions-'));
  const service = new ActionService(kc, { context: kc.getCurrentContext(), user: 'cluster-test', dir: stateDir });
  const a: Actions = {
    ns,
    service,
    stateDir,
    state: () => loadState(kc, ns),
    async jsonpath(args, path) {
      const r = await cp.kubectl([...args, '-n', ns, '-o', `jsonpath=${path}`]);
      if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')}: ${r.stderr}`);
      return r.stdout;
    },
    async replicas(name) {
      return Number(await a.jsonpath(['get', 'deploy', name], '{.spec.replicas}'));
    },
    settled(names, timeoutMs = 60_000) {
      return waitFor(
        async () => {
          const input = await a.state();
          const ds = input.view.releases.flatMap((r) => r.deployments).filter((d) => names.includes(d.name));
          return ds.length === names.length && ds.every((d) => d.status.done && d.available === d.desired) ? input : undefined;
        },
        timeoutMs,
        `${names.join(', ')} rolled out in ${ns}`,
        200,
      );
    },
    io() {
      const out = capture();
      const err = capture();
      return { out, err, io: { stdout: out.stream, stderr: err.stream, isTTY: false, stateDir } };
    },
    close() {
      removeDir(stateDir);
    },
  };
  await a.settled(ready);
  return a;
}

const fast = { readyAfter: 1, grace: 2, preStopSleep: 1 } as const;

describe('cutover against the real control plane', { timeout: 900_000 }, () => {
  const cp = useControlPlane();

  describe('status model (cutover status --json, deriveViewModel over loadState)', () => {
    let a: Actions;
    before(async () => {
      a = await setup(
        cp(),
        'status',
        (ns) => [
          deploymentManifest(ns, 'web', { ...fast, replicas: 4, maxSurge: '25%', maxUnavailable: 0, image: 'registry.local/web:v1' }),
          serviceManifest(ns, 'web', { app: 'web' }),
          deploymentManifest(ns, 'search', { ...fast, replicas: 2, maxSurge: 1, image: 'registry.local/search:v1', progressDeadlineSeconds: 6 }),
          serviceManifest(ns, 'search', { app: 'search' }),
          { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'web-pdb', namespace: ns }, spec: { minAvailable: '75%', selector: { matchLabels: { app: 'web' } } } },
        ],
        ['web', 'search'],
      );
    });
    after(() => a?.close());

    it('a rolled-out release: budgets, rollout status text as kubectl prints it, verdict', async () => {
      const out = capture();
      const code = await runStatus(['web', '--kubeconfig', cp().kubeconfigPath, '-n', a.ns, '--json'], out.stream as unknown as typeof process.stdout);
      assert.equal(code, 0);
      const j = JSON.parse(out.text()) as any;
      const r = j.releases[0];
      assert.equal(r.name, 'web');
      const d = r.deployments[0];
      assert.deepEqual([d.desired, d.updated, d.ready, d.available], [4, 4, 4, 4]);
      assert.deepEqual(d.images, ['registry.local/web:v1']);
      const kubectl = await cp().kubectl(['rollout', 'status', 'deploy/web', '-n', a.ns, '--watch=false']);
      assert.equal(d.rolloutStatus.text, kubectl.stdout.trim());
      assert.equal(d.rolloutStatus.done, true);
      assert.equal(r.verdict.level, 'ok', JSON.stringify(r.verdict));
      assert.deepEqual(d.pdbs.map((p: any) => p.name), ['web-pdb']);
      const input = await a.state();
      const web = requireRelease(input, 'web').deployments[0];
      // 4 replicas at 25%/0: surge 1, unavailable 0, minAvailable 4; nothing used once rolled out
      assert.deepEqual([web.usage.surge.used, web.usage.surge.limit, web.usage.unavailable.used, web.usage.unavailable.limit], [0, 1, 0, 0]);
      assert.ok(web.usage.budget.ok && web.usage.budget.minAvailable === 4 && web.usage.budget.maxTotal === 5);
      // the JSON says whether a gauge is held to its limit: only while a rollout moves, so not here
      assert.deepEqual(d.surge, { ...web.usage.surge, judged: false });
    });

    it('a rollout that exceeds its progress deadline: failed status, kubectl’s error text, fail verdict', async () => {
      const patch = { spec: { template: { metadata: { annotations: { 'sim.cutover.io/never-ready': 'true' } }, spec: { containers: [{ name: 'search', image: 'registry.local/search:v2' }] } } } };
      const p = await cp().kubectl(['patch', 'deploy/search', '-n', a.ns, '--type=merge', '-p', JSON.stringify(patch)]);
      assert.equal(p.code, 0, p.stderr);
      const input = await waitFor(async () => {
        const s = await a.state();
        return requireRelease(s, 'search').deployments[0].status.failed ? s : undefined;
      }, 40_000, 'search failed', 300);
      const r = requireRelease(input, 'search');
      const d = r.deployments[0];
      const kubectl = await cp().kubectl(['rollout', 'status', 'deploy/search', '-n', a.ns, '--watch=false']);
      assert.notEqual(kubectl.code, 0);
      assert.equal(`error: ${d.status.text}`, kubectl.stderr.trim());
      assert.equal(r.verdict.level, 'fail', JSON.stringify(r.verdict));
      assert.deepEqual([d.desired, d.updated, d.available], [2, 1, 2]);
    });
  });

  describe('canary step/back/promote/abort', () => {
    let a: Actions;
    before(async () => {
      a = await setup(
        cp(),
        'canary',
        (ns) => [
          deploymentManifest(ns, 'shop-stable', { ...fast, app: 'shop', labels: { track: 'stable' }, replicas: 9, image: 'registry.local/shop:v1.0.0' }),
          deploymentManifest(ns, 'shop-canary', { ...fast, app: 'shop', labels: { track: 'canary' }, replicas: 1, image: 'registry.local/shop:v2.0.0' }),
          serviceManifest(ns, 'shop', { app: 'shop' }),
        ],
        ['shop-stable', 'shop-canary'],
      );
    });
    after(() => a?.close());

    const move = async (m: CanaryMove) => {
      const input = await a.settled(['shop-stable', 'shop-canary']);
      const plan = planCanary(...withRelease(input, 'shop'), m, { wait: true, timeoutMs: 60_000 });
      assert.equal(plan.refusal, undefined, plan.refusal);
      const report = await a.service.run(plan);
      assert.equal(report.result.ok, true, report.lines.join('\n'));
      assert.equal(report.auditError, undefined);
      return plan;
    };
    const split = async () => `${await a.replicas('shop-stable')}/${await a.replicas('shop-canary')}`;

    it('steps 10% -> 30% -> 50%, back to 30%, through ActionService', async () => {
      assert.equal(await split(), '9/1');
      const plan = await move('step');
      assert.equal(plan.title, 'canary shop: 10% -> 30% (stable 9 -> 7, canary 1 -> 3)');
      assert.equal(await split(), '7/3');
      await move('step');
      assert.equal(await split(), '5/5');
      await move('back');
      assert.equal(await split(), '7/3');
      assert.equal(await a.jsonpath(['get', 'deploy', 'shop-canary'], '{.status.availableReplicas}'), '3');
    });

    it('headless: cutover canary step (runAct) with --yes --wait', async () => {
      const { out, err, io } = a.io();
      const code = await runCanary(['step', 'shop', '--kubeconfig', cp().kubeconfigPath, '-n', a.ns, '--yes', '--wait', '--timeout', '60'], io);
      assert.equal(code, 0, out.text() + err.text());
      assert.equal(await split(), '5/5');
    });

    it('promote to 100%, then abort back to 0% canary', async () => {
      await move('promote');
      assert.equal(await split(), '0/10');
      await move('abort');
      assert.equal(await split(), '10/0');
      const reasons = (await a.jsonpath(['get', 'events', '--field-selector', 'reportingComponent=cutover'], '{range .items[*]}{.reason}{"\\n"}{end}')).trim().split('\n');
      for (const r of ['CutoverCanaryStep', 'CutoverCanaryBack', 'CutoverCanaryAbort']) assert.ok(reasons.includes(r), reasons.join(','));
    });
  });

  describe('blue-green flip and flip back', () => {
    let a: Actions;
    before(async () => {
      a = await setup(
        cp(),
        'flip',
        (ns) => [
          deploymentManifest(ns, 'pay-blue', { ...fast, app: 'pay', labels: { version: 'blue' }, replicas: 3, image: 'registry.local/pay:v1.0.0' }),
          deploymentManifest(ns, 'pay-green', { ...fast, app: 'pay', labels: { version: 'green' }, replicas: 3, image: 'registry.local/pay:v2.0.0' }),
          serviceManifest(ns, 'pay', { app: 'pay', version: 'blue' }),
        ],
        ['pay-blue', 'pay-green'],
      );
    });
    after(() => a?.close());

    const selector = () => a.jsonpath(['get', 'svc', 'pay'], '{.spec.selector.version}');
    /** The colours behind the ready EndpointSlice endpoints, as kubectl reads them (pod names are pay-<colour>-...). */
    const endpointColours = async () => {
      const lines = (await a.jsonpath(['get', 'endpointslices', '-l', 'kubernetes.io/service-name=pay'], '{range .items[*].endpoints[*]}{.targetRef.name}{" "}{.conditions.ready}{"\\n"}{end}'))
        .trim()
        .split('\n')
        .filter((l) => l.endsWith(' true'));
      return [...new Set(lines.map((l) => l.split('-')[1]))].sort().join(',') + `:${lines.length}`;
    };

    it('flips blue -> green: selector patched, endpoints switched', async () => {
      await waitFor(async () => (await endpointColours()) === 'blue:3', 20_000, 'blue endpoints');
      const plan = planFlip(...withRelease(await a.settled(['pay-blue', 'pay-green']), 'pay'), { timeoutMs: 60_000 });
      assert.equal(plan.title, 'flip pay: blue -> green (pay-blue -> pay-green)');
      const report = await a.service.run(plan);
      assert.equal(report.result.ok, true, report.lines.join('\n'));
      assert.equal(await selector(), 'green');
      assert.equal(await endpointColours(), 'green:3');
      assert.equal(await a.replicas('pay-blue'), 3);
    });

    it('flips back green -> blue', async () => {
      const plan = planFlip(...withRelease(await a.state(), 'pay'), { timeoutMs: 60_000 });
      assert.equal(plan.title, 'flip pay: green -> blue (pay-green -> pay-blue)');
      const report = await a.service.run(plan);
      assert.equal(report.result.ok, true, report.lines.join('\n'));
      assert.equal(await selector(), 'blue');
      assert.equal(await endpointColours(), 'blue:3');
    });
  });

  describe('migration Job and its gate', () => {
    const TARGET = 'registry.local/web:v2.5.0';
    let a: Actions;
    before(async () => {
      a = await setup(
        cp(),
        'migrate',
        (ns) => [
          deploymentManifest(ns, 'web', { ...fast, replicas: 2, image: 'registry.local/web:v2.0' }),
          serviceManifest(ns, 'web', { app: 'web' }),
          {
            apiVersion: 'batch/v1',
            kind: 'Job',
            metadata: { name: 'web-migrate-v2-5-0', namespace: ns, labels: { [MIGRATION_LABEL]: 'web' }, annotations: { 'cutover.io/target-image': TARGET } },
            spec: {
              suspend: true,
              backoffLimit: 0,
              template: {
                metadata: { annotations: { 'sim.cutover.io/exit-after': '1' } },
                spec: { restartPolicy: 'Never', terminationGracePeriodSeconds: 1, containers: [{ name: 'migrate', image: TARGET, command: ['./run-migrations.sh'] }] },
              },
            },
          },
        ],
        ['web'],
      );
    });
    after(() => a?.close());

    const gate = async () => {
      const input = await a.state();
      return migrationGate(input, requireRelease(input, 'web'), TARGET);
    };

    it('set image is refused while no migration ran', async () => {
      assert.match(planSetImage(await a.state(), 'web', undefined, TARGET).refusal ?? '', /migration gate closed/);
    });

    it('a failing run (backoffLimit 0) ends Failed/BackoffLimitExceeded; the gate stays closed', async () => {
      const input = await a.state();
      const tpl = input.snapshot.jobs.find((j) => j.metadata?.name === 'web-migrate-v2-5-0') as V1Job;
      const manifest = JSON.parse(JSON.stringify({ apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'web-migrate-broken', labels: tpl.metadata?.labels, annotations: tpl.metadata?.annotations }, spec: { template: tpl.spec?.template } }));
      manifest.spec.template.metadata = { annotations: { 'sim.cutover.io/exit-after': '1', 'sim.cutover.io/exit-code': '1' } };
      const plan = planMigration(...withRelease(input, 'web'), { manifest, timeoutMs: 60_000 });
      assert.equal(plan.refusal, undefined, plan.refusal);
      const name = (plan.steps[0] as CreateStep).target.name;
      const r = await a.service.run(plan);
      assert.equal(r.result.ok, false);
      assert.match(r.result.error ?? '', /BackoffLimitExceeded/);
      assert.equal(await a.jsonpath(['get', 'job', name], '{.spec.backoffLimit}'), '0');
      assert.equal(await a.jsonpath(['get', 'job', name], '{.status.failed}'), '1');
      assert.equal(await a.jsonpath(['get', 'job', name], '{.status.conditions[?(@.type=="Failed")].reason}'), 'BackoffLimitExceeded');
      const g = await gate();
      assert.equal(g.open, false);
      assert.match(g.reason ?? '', /BackoffLimitExceeded/);
    });

    it('cutover migrate web: Complete, the gate opens, set image then passes', async () => {
      const { out, err, io } = a.io();
      const code = await runMigrate(['web', '--kubeconfig', cp().kubeconfigPath, '-n', a.ns, '--yes', '--timeout', '60'], io);
      assert.equal(code, 0, out.text() + err.text());
      const name = /create job \S+\/(\S+):/.exec(out.text())?.[1];
      assert.ok(name, out.text());
      assert.equal(await a.jsonpath(['get', 'job', name!], '{.status.succeeded}'), '1');
      assert.equal(await a.jsonpath(['get', 'job', name!], '{.status.conditions[?(@.type=="Complete")].status}'), 'True');
      const g = await gate();
      assert.equal(g.open, true, g.reason);
      const si = await a.service.run(planSetImage(await a.state(), 'web', undefined, TARGET));
      assert.equal(si.result.ok, true, si.lines.join('\n'));
      await a.settled(['web']);
      assert.equal(await a.jsonpath(['get', 'deploy', 'web'], '{.spec.template.spec.containers[0].image}'), TARGET);
    });
  });

  describe('pause/resume/restart, set image, undo to a revision', () => {
    let a: Actions;
    before(async () => {
      a = await setup(
        cp(),
        'rollout',
        (ns) => [deploymentManifest(ns, 'web', { ...fast, replicas: 3, maxSurge: 1, image: 'registry.local/web:v1', changeCause: 'release v1' }), serviceManifest(ns, 'web', { app: 'web' })],
        ['web'],
      );
    });
    after(() => a?.close());
    const get = (path: string) => a.jsonpath(['get', 'deploy', 'web'], path);
    const revision = () => get("{.metadata.annotations['deployment\\.kubernetes\\.io/revision']}");

    it('pause sets spec.paused, restart is refused while paused, resume clears it', async () => {
      const r = await a.service.run(planPause(await a.state(), 'web'));
      assert.equal(r.result.ok, true, r.lines.join('\n'));
      assert.equal(await get('{.spec.paused}'), 'true');
      assert.equal(planRestart(await a.state(), 'web').refusal, "can't restart paused deployment (run rollout resume first)");
      const kc = await cp().kubectl(['rollout', 'restart', 'deploy/web', '-n', a.ns]);
      assert.match(kc.stderr, /can't restart paused deployment \(run rollout resume first\)/);
      const back = await a.service.run(planResume(await a.state(), 'web'));
      assert.equal(back.result.ok, true, back.lines.join('\n'));
      assert.equal(await get('{.spec.paused}'), '', 'paused: false is omitted (omitempty), as a real API server does');
    });

    it('restart gives revision 2', async () => {
      const r = await a.service.run(planRestart(await a.state(), 'web'));
      assert.equal(r.result.ok, true, r.lines.join('\n'));
      await a.settled(['web']);
      assert.equal(await revision(), '2');
      assert.match(await get("{.spec.template.metadata.annotations['kubectl\\.kubernetes\\.io/restartedAt']}"), /^\d{4}-\d\d-\d\dT/);
    });

    it('set image gives revision 3 with the new image', async () => {
      const r = await a.service.run(planSetImage(await a.state(), 'web', undefined, 'registry.local/web:v2'));
      assert.equal(r.result.ok, true, r.lines.join('\n'));
      await a.settled(['web']);
      assert.equal(await get('{.spec.template.spec.containers[0].image}'), 'registry.local/web:v2');
      assert.equal(await revision(), '3');
    });

    it('undo to revision 1: revisions as kubectl lists them, image back, revision 4', async () => {
      const revs = listRevisions(await a.state(), 'web');
      assert.ok(Array.isArray(revs));
      assert.deepEqual(revs.map((r) => [r.revision, r.images[0], r.current]), [
        [1, 'registry.local/web:v1', false],
        [2, 'registry.local/web:v1', false],
        [3, 'registry.local/web:v2', true],
      ]);
      const hist = await cp().kubectl(['rollout', 'history', 'deploy/web', '-n', a.ns]);
      for (const r of revs) assert.match(hist.stdout, new RegExp(`^${r.revision}\\s`, 'm'));
      assert.equal(planUndoToRevision(await a.state(), 'web', 9).refusal, 'unable to find specified revision 9 in history');
      const u = await a.service.run(planUndoToRevision(await a.state(), 'web', 1));
      assert.equal(u.result.ok, true, u.lines.join('\n'));
      await a.settled(['web']);
      assert.equal(await get('{.spec.template.spec.containers[0].image}'), 'registry.local/web:v1');
      assert.equal(await revision(), '4');
      const after = await cp().kubectl(['rollout', 'history', 'deploy/web', '-n', a.ns]);
      assert.doesNotMatch(after.stdout, /^1\s/m, 'revision 1 moved to 4');
      assert.match(after.stdout, /^4\s+release v1/m);
    });
  });
});
