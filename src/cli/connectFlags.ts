/** Flags shared by the cockpit and every headless command: which cluster, context, namespace and identity. */
import { CoreApi, KubeConfig } from '@kubernetes/client-node';
import { ClientConfig, ConfigError, connect, loadKubeConfig } from '../kube/config.js';
import { describeFailure } from '../kube/errors.js';
import { Sim } from '../sim/sim.js';
import { installScenario } from '../sim/scenarios.js';
import { UsageError, failureLine, parseDuration, parsePositiveNumber } from './errors.js';

export const CONNECT_OPTIONS = {
  kubeconfig: { type: 'string' },
  context: { type: 'string' },
  namespace: { type: 'string', short: 'n' },
  'all-namespaces': { type: 'boolean', short: 'A' },
  'request-timeout': { type: 'string' },
  as: { type: 'string' },
  'as-group': { type: 'string', multiple: true },
  demo: { type: 'boolean' },
  speed: { type: 'string' },
} as const;

export interface ConnectFlags {
  kubeconfig?: string;
  context?: string;
  namespace?: string;
  'all-namespaces'?: boolean;
  'request-timeout'?: string;
  as?: string;
  'as-group'?: string[];
  demo?: boolean;
  speed?: string;
}

export interface Target {
  kc: KubeConfig;
  context?: string;
  namespace?: string;
  allNamespaces: boolean;
  /** The API server's URL, for messages. */
  server: string;
  /** The in-process cluster of --demo, to stop on exit. */
  sim?: Sim;
}

/** The server of the last resolved target: the top-level error formatter names it. */
let lastServer: string | undefined;
export const currentServer = (): string | undefined => lastServer;

const NAMESPACE = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** Checks the flags alone (no I/O); throws UsageError. */
export function checkConnectFlags(flags: ConnectFlags): void {
  if (flags.namespace !== undefined && (flags.namespace.length > 63 || !NAMESPACE.test(flags.namespace))) {
    throw new UsageError(`-n/--namespace needs a namespace name (lowercase letters, digits and -), got "${flags.namespace}"`);
  }
  if (flags.namespace && flags['all-namespaces']) throw new UsageError('use either -n NAMESPACE or -A, not both');
  if (flags.context !== undefined && flags.context.trim() === '') throw new UsageError('--context needs a context name');
  if (flags.as !== undefined && flags.as.trim() === '') throw new UsageError('--as needs a user name');
  const groups = flags['as-group'] ?? [];
  if (groups.length && !flags.as) throw new UsageError('--as-group needs --as USER as well (as kubectl)');
  if (groups.length > 1) throw new UsageError('cutover impersonates one group: pass --as-group once');
  if (groups.some((g) => g.trim() === '')) throw new UsageError('--as-group needs a group name');
}

/**
 * Loads the kubeconfig, applies the context, identity and request timeout, and (with `preflight`,
 * the default for headless commands) asks the server for /api (discovery, open to every authenticated user), so an unreachable server, an
 * untrusted certificate or rejected credentials stop the command with one line before it starts.
 */
export async function resolveTarget(flags: ConnectFlags, { preflight = true }: { preflight?: boolean } = {}): Promise<Target> {
  checkConnectFlags(flags);
  const requestTimeoutMs = flags['request-timeout'] === undefined ? 0 : parseDuration('--request-timeout', flags['request-timeout']);
  const base = { namespace: flags.namespace, allNamespaces: flags['all-namespaces'] ?? false };
  if (flags.demo) {
    const sim = new Sim({ speed: parsePositiveNumber('--speed', flags.speed, 1) });
    await sim.listen(0);
    installScenario(sim, 'demo');
    const kc = new ClientConfig();
    kc.loadFromString(sim.kubeconfig());
    kc.settings = { requestTimeoutMs };
    lastServer = sim.url;
    return { kc, ...base, server: sim.url, sim };
  }
  let kc: ClientConfig;
  let server: string;
  try {
    kc = loadKubeConfig({ kubeconfig: flags.kubeconfig });
    server = connect(kc, { context: flags.context }).server;
  } catch (err) {
    if (err instanceof ConfigError) throw new UsageError(err.message, 1);
    throw err;
  }
  kc.settings = { as: flags.as, asGroup: flags['as-group']?.[0], requestTimeoutMs };
  lastServer = server;
  if (preflight) await checkReachable(kc, server, requestTimeoutMs || 15_000);
  return { kc, context: flags.context, ...base, server };
}

async function checkReachable(kc: ClientConfig, server: string, timeoutMs: number): Promise<void> {
  const saved = kc.settings;
  kc.settings = { ...saved, requestTimeoutMs: timeoutMs };
  try {
    await kc.makeApiClient(CoreApi).getAPIVersions();
  } catch (err) {
    throw new UsageError(failureLine(describeFailure(err, { server, what: 'the API discovery document' })), 1);
  } finally {
    kc.settings = saved;
  }
}
