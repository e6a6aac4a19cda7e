/** Loads a kubeconfig the way kubectl does: --kubeconfig, then KUBECONFIG, then ~/.kube/config, then in-cluster. */
import { existsSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, isAbsolute, join, resolve } from 'node:path';
import { KubeConfig, type Cluster, type User } from '@kubernetes/client-node';
import type { RequestContext } from '@kubernetes/client-node';

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

/** What every request carries besides the kubeconfig's credentials (kubectl's --as, --as-group, --request-timeout). */
export interface RequestSettings {
  /** Impersonate-User. */
  as?: string;
  /** Impersonate-Group (one: client-node's requests carry one value per header). */
  asGroup?: string;
  /** Bound on each non-watch request; 0 or undefined: none. */
  requestTimeoutMs?: number;
}

/** A KubeConfig whose requests (API calls and watches alike) carry the RequestSettings. */
export class ClientConfig extends KubeConfig {
  settings: RequestSettings = {};

  override async applySecurityAuthentication(context: RequestContext): Promise<void> {
    await super.applySecurityAuthentication(context);
    const { as, asGroup, requestTimeoutMs } = this.settings;
    if (as) context.setHeaderParam('Impersonate-User', as);
    if (asGroup) context.setHeaderParam('Impersonate-Group', asGroup);
    // A watch passes its own signal to fetch and is meant to stay open; everything else is bounded.
    if (requestTimeoutMs && !/[?&]watch=(true|1)/.test(context.getUrl())) context.setSignal(AbortSignal.timeout(requestTimeoutMs));
  }
}

export function loadKubeConfig(opts: ConnectOptions, env = process.env): ClientConfig {
  const kc = new ClientConfig();
  const explicit = opts.kubeconfig ?? env.KUBECONFIG;
  if (explicit) {
    const files = explicit.split(delimiter).filter(Boolean);
    const found = files.filter((f) => existsSync(f));
    if (found.length === 0) throw new ConfigError(`kubeconfig not found: ${files.join(', ')}; pass --kubeconfig FILE or set KUBECONFIG`);
    // Merged as kubectl does: the first file to name a cluster, user or context (or to set the
    // current context) wins.
    readKubeConfigFile(kc, found[0]);
    for (const f of found.slice(1)) {
      const more = new KubeConfig();
      readKubeConfigFile(more, f);
      for (const c of more.getClusters()) if (!kc.getCluster(c.name)) kc.addCluster(c);
      for (const u of more.getUsers()) if (!kc.getUser(u.name)) kc.addUser(u);
      for (const c of more.getContexts()) if (!kc.getContextObject(c.name)) kc.addContext(c);
      if (!kc.getCurrentContext()) kc.setCurrentContext(more.getCurrentContext());
    }
  } else if (existsSync(join(homedir(), '.kube', 'config'))) {
    readKubeConfigFile(kc, join(homedir(), '.kube', 'config'));
  } else if (env.KUBERNETES_SERVICE_HOST) {
    kc.loadFromCluster();
  } else {
    throw new ConfigError('no kubeconfig: pass --kubeconfig FILE, set KUBECONFIG, or try the simulated cluster with cutover --demo');
  }
  return kc;
}

function readKubeConfigFile(kc: KubeConfig, file: string): void {
  if (statSync(file).isDirectory()) throw new ConfigError(`kubeconfig ${file} is a directory, not a file`);
  try {
    kc.loadFromFile(file);
  } catch (err) {
    const e = err as { name?: string; reason?: string; mark?: { line: number; column: number }; code?: string; message?: string };
    if (e.name === 'YAMLException' && e.mark) throw new ConfigError(`${file}:${e.mark.line + 1}:${e.mark.column + 1}: kubeconfig is not valid YAML: ${e.reason ?? 'syntax error'}`);
    if (e.code === 'EACCES') throw new ConfigError(`cannot read kubeconfig ${file}: permission denied`);
    throw new ConfigError(`cannot read kubeconfig ${file}: ${String(e.message).split('\n')[0]}`);
  }
  if (!kc.getContexts().length && !kc.getClusters().length) throw new ConfigError(`${file} holds no clusters or contexts; is it a kubeconfig?`);
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
  const user = kc.getUser(ctx.user);
  if (ctx.user && !user) throw new ConfigError(`context "${contextName}" names user "${ctx.user}", which the kubeconfig does not define`);
  checkCredentialFiles(cluster, user);
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

/**
 * Names a missing client certificate, key, CA file or exec credential plugin before any request,
 * instead of the ENOENT the client would throw on the first one.
 */
function checkCredentialFiles(cluster: Cluster, user: User | null): void {
  const missing = (file: string | undefined) => file !== undefined && file !== '' && !existsSync(file);
  if (missing(cluster.caFile)) throw new ConfigError(`certificate authority file ${cluster.caFile} of cluster "${cluster.name}" not found (kubeconfig clusters[].cluster.certificate-authority)`);
  if (!user) return;
  if (missing(user.certFile)) throw new ConfigError(`client certificate ${user.certFile} of user "${user.name}" not found (kubeconfig users[].user.client-certificate)`);
  if (missing(user.keyFile)) throw new ConfigError(`client key ${user.keyFile} of user "${user.name}" not found (kubeconfig users[].user.client-key)`);
  const command = (user.exec as { command?: string } | undefined)?.command;
  if (command && !findExecutable(command)) {
    const hint = (user.exec as { installHint?: string }).installHint?.split('\n').find((l) => l.trim());
    throw new ConfigError(`exec credential plugin "${command}" of user "${user.name}" not found${command.includes('/') ? '' : ' on PATH'}${hint ? `: ${hint.trim()}` : '; install it or fix users[].user.exec.command in the kubeconfig'}`);
  }
}

function findExecutable(command: string, env = process.env): boolean {
  if (command.includes('/') || isAbsolute(command)) return existsSync(resolve(command));
  const exts = process.platform === 'win32' ? (env.PATHEXT ?? '.EXE;.CMD;.BAT').split(';') : [''];
  return (env.PATH ?? '').split(delimiter).some((dir) => dir && exts.some((ext) => existsSync(join(dir, command + ext))));
}
