/** Flags shared by the cockpit and every headless command: which cluster, context and namespace. */
import { KubeConfig } from '@kubernetes/client-node';
import { ConfigError, loadKubeConfig } from '../kube/config.js';
import { Sim } from '../sim/sim.js';
import { installScenario } from '../sim/scenarios.js';
import { UsageError, parsePositiveNumber } from './errors.js';

export const CONNECT_OPTIONS = {
  kubeconfig: { type: 'string' },
  context: { type: 'string' },
  namespace: { type: 'string', short: 'n' },
  'all-namespaces': { type: 'boolean', short: 'A' },
  demo: { type: 'boolean' },
  speed: { type: 'string' },
} as const;

export interface ConnectFlags {
  kubeconfig?: string;
  context?: string;
  namespace?: string;
  'all-namespaces'?: boolean;
  demo?: boolean;
  speed?: string;
}

export interface Target {
  kc: KubeConfig;
  context?: string;
  namespace?: string;
  allNamespaces: boolean;
  /** The in-process cluster of --demo, to stop on exit. */
  sim?: Sim;
}

export async function resolveTarget(flags: ConnectFlags): Promise<Target> {
  if (flags.namespace && flags['all-namespaces']) throw new UsageError('use either -n NAMESPACE or -A, not both');
  if (flags.demo) {
    const sim = new Sim({ speed: parsePositiveNumber('--speed', flags.speed, 1) });
    await sim.listen(0);
    installScenario(sim, 'demo');
    const kc = new KubeConfig();
    kc.loadFromString(sim.kubeconfig());
    return { kc, namespace: flags.namespace, allNamespaces: flags['all-namespaces'] ?? false, sim };
  }
  try {
    const kc = loadKubeConfig({ kubeconfig: flags.kubeconfig });
    return { kc, context: flags.context, namespace: flags.namespace, allNamespaces: flags['all-namespaces'] ?? false };
  } catch (err) {
    if (err instanceof ConfigError) throw new UsageError(err.message, 1);
    throw err;
  }
}
