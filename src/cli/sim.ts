/** `cutover sim`: the embedded cluster, headless, with a kubeconfig for kubectl and cutover. */
import { accessSync, constants, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { Sim } from '../sim/sim.js';
import { SCENARIOS, installLoad, installScenario } from '../sim/scenarios.js';
import { prometheusScrapeConfig } from '../sim/api/promTargets.js';
import { UsageError, formatError, parsePositiveInt, parsePositiveNumber } from './errors.js';
import { stateDir } from '../kube/paths.js';

export const SIM_HELP = `Usage: cutover sim [options]

Runs the embedded simulated cluster and serves the Kubernetes API on 127.0.0.1.

Options:
  --port N              port to listen on, 0-65535 (default 7443; 0 picks a free one)
  --scenario NAME       ${SCENARIOS.join(' | ')} (default demo)
  --namespace NS        namespace the scenario is installed in (default default)
  --speed X             simulated time runs X times faster than real time (default 1)
  --pods N              also create about N pods as Deployments in namespace "load"
  --kubeconfig-out FILE where to write the kubeconfig (default: the state directory)
  --prometheus-config FILE
                        also write a Prometheus config that scrapes every pod's /metrics through
                        the API server (its CA goes next to it): prometheus --config.file=FILE
`;

export interface StartedSim {
  sim: Sim;
  kubeconfigPath: string;
}

export interface SimFlags {
  port?: string;
  scenario?: string;
  namespace?: string;
  speed?: string;
  pods?: string;
  'kubeconfig-out'?: string;
  'prometheus-config'?: string;
}

/** Starts a sim from flags and writes its kubeconfig. Shared by `cutover sim` and `cutover --demo`. */
export async function startSimFromFlags(flags: SimFlags, defaults: { port: number } = { port: 7443 }): Promise<StartedSim> {
  const port = parsePositiveInt('--port', flags.port, defaults.port, 65535);
  const speed = parsePositiveNumber('--speed', flags.speed, 1);
  const pods = parsePositiveInt('--pods', flags.pods, 0);
  const scenario = flags.scenario ?? 'demo';
  if (!(SCENARIOS as readonly string[]).includes(scenario)) {
    throw new UsageError(`unknown scenario "${scenario}"; choose one of: ${SCENARIOS.join(', ')}`);
  }
  if (flags.namespace !== undefined && !/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/.test(flags.namespace)) {
    throw new UsageError(`--namespace needs a namespace name (lowercase letters, digits and -), got "${flags.namespace}"`);
  }
  const kubeconfigPath = flags['kubeconfig-out'] ?? join(stateDir(), 'sim.kubeconfig');
  // The file is written once the port is known; its directory is checked first, so a bad path
  // stops before a cluster starts.
  try {
    mkdirSync(dirname(kubeconfigPath), { recursive: true });
    accessSync(dirname(kubeconfigPath), constants.W_OK);
  } catch (err) {
    throw new UsageError(`--kubeconfig-out: cannot write ${kubeconfigPath}: ${formatError(err).line.replace(/^cannot \w+ [^:]+: /, '')}`, 1);
  }
  const sim = new Sim({ speed });
  try {
    await sim.listen(port);
  } catch (err) {
    await sim.stop();
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') throw new UsageError(`port ${port} is in use; pick another with --port (0 picks a free one)`, 1);
    if (code === 'EACCES') throw new UsageError(`port ${port} needs privileges; pick one above 1023 with --port (0 picks a free one)`, 1);
    throw err;
  }
  installScenario(sim, scenario, flags.namespace ?? 'default');
  if (pods > 0) installLoad(sim, pods);
  try {
    writeFileSync(kubeconfigPath, sim.kubeconfig(flags.namespace ?? 'default'), { mode: 0o600 });
  } catch (err) {
    await sim.stop();
    throw new UsageError(`--kubeconfig-out: cannot write ${kubeconfigPath}: ${formatError(err).line.replace(/^cannot \w+ [^:]+: /, '')}`, 1);
  }
  const promConfig = flags['prometheus-config'];
  if (promConfig) {
    const caFile = join(dirname(promConfig), 'cutover-sim-ca.pem');
    writeFileSync(caFile, sim.tls.ca);
    writeFileSync(promConfig, prometheusScrapeConfig(sim.url, caFile, sim.tokens.viewer), { mode: 0o600 });
  }
  return { sim, kubeconfigPath };
}

export async function runSim(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: 'string' },
      scenario: { type: 'string' },
      namespace: { type: 'string', short: 'n' },
      speed: { type: 'string' },
      pods: { type: 'string' },
      'kubeconfig-out': { type: 'string' },
      'prometheus-config': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(SIM_HELP);
    return 0;
  }
  const { sim, kubeconfigPath } = await startSimFromFlags(values);
  process.stdout.write(
    [
      `cutover sim: simulated Kubernetes API at ${sim.url} (scenario ${values.scenario ?? 'demo'}, speed x${values.speed ?? 1})`,
      `kubeconfig written to ${kubeconfigPath} (contexts cutover-sim = admin, cutover-sim-viewer = read-only)`,
      '',
      'Try:',
      `  export KUBECONFIG=${kubeconfigPath}`,
      '  kubectl get deploy,svc,pods',
      '  kubectl set image deployment/web web=registry.local/web:v2.1 && kubectl rollout status deployment/web',
      '  cutover              # the cockpit on this cluster',
      '',
      'Ctrl-C stops the cluster.',
      '',
    ].join('\n'),
  );
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await sim.stop();
  return 0;
}
