/** Shared by the canary, flip and failure integration tests: a sim with a scenario, an ActionService, kubectl checks. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { ActionService } from '../../src/actions/service.js';
import { loadState, type PlanInput } from '../../src/actions/state.js';
import { installScenario, type ScenarioName } from '../../src/sim/scenarios.js';
import { startSim, waitFor, type TestSim } from '../helpers/sim.js';

export interface ActionSim extends TestSim {
  /** A client-node config for the https listener (the same kubeconfig kubectl uses). */
  akc: KubeConfig;
  service: ActionService;
  stateDir: string;
  state(): Promise<PlanInput>;
  /** spec.replicas as the real kubectl reads it. */
  replicas(deployment: string): Promise<number>;
  /** `kubectl get ... -o jsonpath=...` stdout; fails the test on a non-zero exit. */
  jsonpath(args: string[], path: string): Promise<string>;
  /** Waits until every Deployment named is rolled out (as `cutover status` sees it). */
  settled(names: string[], timeoutMs?: number): Promise<PlanInput>;
  close(): Promise<void>;
}

export async function startActionSim(scenario: ScenarioName, ready: string[]): Promise<ActionSim> {
  const t = await startSim({ speed: 20 });
  installScenario(t.sim, scenario);
  const akc = new KubeConfig();
  akc.loadFromFile(t.kubeconfigPath);
  const stateDir = mkdtempSync(join(tmpdir(), 'cutover-actions-'));
  const service = new ActionService(akc, { context: akc.getCurrentContext(), user: akc.getCurrentUser()?.name ?? 'test', dir: stateDir });
  const a: ActionSim = {
    ...t,
    akc,
    service,
    stateDir,
    state: () => loadState(akc, 'default'),
    async jsonpath(args, path) {
      const r = await t.kubectl([...args, '-o', `jsonpath=${path}`]);
      if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')} failed: ${r.stderr}`);
      return r.stdout;
    },
    async replicas(name) {
      return Number(await a.jsonpath(['get', 'deploy', name], '{.spec.replicas}'));
    },
    async settled(names, timeoutMs = 20_000) {
      return waitFor(
        async () => {
          const input = await a.state();
          const ds = input.view.releases.flatMap((r) => r.deployments).filter((d) => names.includes(d.name));
          return ds.length === names.length && ds.every((d) => d.status.done && d.available === d.desired) ? input : undefined;
        },
        timeoutMs,
        `${names.join(', ')} rolled out`,
      );
    },
    async close() {
      await t.stop();
      rmSync(stateDir, { recursive: true, force: true });
    },
  };
  try {
    await a.settled(ready);
  } catch (err) {
    // The caller never gets `a` to close: a sim left listening would keep the test process alive.
    await a.close();
    throw err;
  }
  return a;
}

/** A kubeconfig beside the sim's with one more context, named like production (`prod-east`), for the confirm-name checks. */
export function prodKubeconfig(a: ActionSim, context = 'prod-east'): string {
  const kc = new KubeConfig();
  kc.loadFromFile(a.kubeconfigPath);
  kc.addContext({ name: context, cluster: 'cutover-sim', user: 'cutover-admin', namespace: 'default' });
  const file = join(a.stateDir, `${context}.kubeconfig`);
  writeFileSync(file, kc.exportConfig());
  return file;
}
