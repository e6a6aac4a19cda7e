/** Loads a kubeconfig the way kubectl does: --kubeconfig, then KUBECONFIG, then ~/.kube/config, then in-cluster. */
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';

export interface ConnectOptions {
  kubeconfig?: string;
  context?: string;
  namespace?: string;
  allNamespaces?: boolean;
}

export interface Connection {
  kc: KubeConfig;
  context: string;
  cluster: string;
  server: string;
  user: string;
  /** undefined means all namespaces. */
  namespace: string | undefined;
}

export class ConfigError extends Error {}

export function loadKubeConfig(opts: ConnectOptions, env = process.env): KubeConfig {
  const kc = new KubeConfig();
  const explicit = opts.kubeconfig ?? env.KUBECONFIG;
  try {
    if (explicit) {
      const files = explicit.split(':').filter(Boolean);
      const missing = files.filter((f) => !existsSync(f));
      if (missing.length === files.length) throw new ConfigError(`kubeconfig not found: ${missing.join(', ')}; pass --kubeconfig FILE or set KUBECONFIG`);
      if (files.length === 1) kc.loadFromFile(files[0]);
      else kc.loadFromDefault({}, false);
    } else if (existsSync(join(homedir(), '.kube', 'config'))) {
      kc.loadFromFile(join(homedir(), '.kube', 'config'));
    } else if (env.KUBERNETES_SERVICE_HOST) {
      kc.loadFromCluster();
    } else {
      throw new ConfigError('no kubeconfig: pass --kubeconfig FILE, set KUBECONFIG, or try the simulated cluster with cutover --demo');
    }
  } catch (err) {
    if (err instanceof ConfigError) throw err;
    throw new ConfigError(`cannot read kubeconfig: ${(err as Error).message}`);
  }
  return kc;
}

/** Picks the context and namespace; throws ConfigError with what to do when they do not exist. */
export function connect(kc: KubeConfig, opts: ConnectOptions): Connection {
  if (opts.context) {
    if (!kc.getContextObject(opts.context)) {
      const known = kc.getContexts().map((c) => c.name).join(', ') || 'none';
      throw new ConfigError(`context "${opts.context}" not found in kubeconfig (known: ${known})`);
    }
    kc.setCurrentContext(opts.context);
  }
  const contextName = kc.getCurrentContext();
  const ctx = kc.getContextObject(contextName);
  if (!ctx) throw new ConfigError('the kubeconfig has no current context; pass --context NAME');
  const cluster = kc.getCluster(ctx.cluster);
  if (!cluster) throw new ConfigError(`context "${contextName}" names cluster "${ctx.cluster}", which the kubeconfig does not define`);
  return {
    kc,
    context: contextName,
    cluster: cluster.name,
    server: cluster.server,
    user: ctx.user,
    namespace: opts.allNamespaces ? undefined : (opts.namespace ?? ctx.namespace ?? 'default'),
  };
}

/** A context whose name mentions prod asks for the Deployment's name before any mutation. */
export const isProductionContext = (context: string): boolean => /prod/i.test(context);
