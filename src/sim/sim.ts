/** The embedded cluster: storage, controllers, kubelet and the HTTP API, started together. */
import { randomBytes } from 'node:crypto';
import type { AddressInfo, Socket } from 'node:net';
import type { Server } from 'node:http';
import { RealClock, VirtualClock, isoTime, type Clock } from './clock.js';
import { EventRecorder } from './events.js';
import { ControllerManager, type SimContext } from './runtime.js';
import { Store } from './store.js';
import { R } from './resources.js';
import { createControllers } from './controllers/index.js';
import type { Auth, User } from './api/authz.js';
import { createApiServer } from './api/server.js';
import type { WatchListSupport } from './api/watch.js';
import { selfSignedServingCert, type ServingCert } from './api/tls.js';
import { registerKindHooks } from './api/hooks.js';

export interface SimOptions {
  port?: number; // 0 picks a free port
  host?: string;
  /** A VirtualClock for deterministic tests, or a speed for a RealClock. */
  clock?: Clock;
  speed?: number;
  historyLimit?: number;
  nodes?: number;
  log?: (message: string) => void;
  /** Every queue, timer and sync of the controllers, one line each (tests keep the last ones to explain a stall). */
  trace?: (line: string) => void;
  /** Fixed tokens (a restarted sim keeps its kubeconfig valid). */
  tokens?: { admin: string; viewer: string };
  /**
   * The serving certificate (a restarted sim can keep its kubeconfig valid). kubectl sends
   * credentials only to https servers, so the sim always serves TLS.
   */
  tls?: ServingCert;
  /** More users by bearer token (tests: a user denied some resources). */
  users?: Map<string, User>;
  /**
   * Streaming lists (sendInitialEvents): served (default); false refuses them with 422, as
   * Kubernetes 1.33 does by default; 'ignored' treats the parameter as unknown, as servers before
   * 1.27 do (a plain watch: the state as ADDED events, no bookmark that ends them).
   */
  watchList?: WatchListSupport;
}

export const SIM_CONTEXT = 'cutover-sim';
export const SIM_VIEWER_CONTEXT = 'cutover-sim-viewer';

export class Sim {
  readonly ctx: SimContext;
  readonly tokens: { admin: string; viewer: string };
  readonly tls: ServingCert;
  private server?: Server;
  private readonly sockets = new Set<Socket>();
  url = '';

  constructor(readonly options: SimOptions = {}) {
    const clock = options.clock ?? new RealClock(options.speed ?? 1);
    // A fresh sim is a new history: resourceVersions start above any earlier run's (microseconds of
    // wall time), so a client resuming from an old RV gets 410 and relists instead of keeping
    // objects of a cluster that is gone. A virtual clock keeps tests deterministic.
    const startRv = clock instanceof VirtualClock ? 1000 : Date.now() * 1000;
    const store = new Store(clock, options.historyLimit, startRv);
    const log = options.log ?? (() => {});
    const controllers = new ControllerManager(store, clock, log, options.trace);
    this.ctx = { store, clock, controllers, recorder: new EventRecorder(store, clock), podLogs: new Map(), log };
    this.tokens = options.tokens ?? { admin: randomBytes(16).toString('hex'), viewer: randomBytes(16).toString('hex') };
    this.tls = options.tls ?? selfSignedServingCert();
    registerKindHooks(store);
    if (clock instanceof VirtualClock) clock.onTick = () => this.settle();
    controllers.add(...createControllers(this.ctx));
    controllers.start();
    this.bootstrap(options.nodes ?? 3);
  }

  get store(): Store {
    return this.ctx.store;
  }

  get clock(): Clock {
    return this.ctx.clock;
  }

  /** Starts serving HTTP; resolves with the base URL. */
  async listen(port = this.options.port ?? 0, host = this.options.host ?? '127.0.0.1'): Promise<string> {
    const auth: Auth = {
      users: new Map([
        [this.tokens.admin, { username: 'cutover-admin', groups: ['system:masters', 'system:authenticated'], readOnly: false }],
        [this.tokens.viewer, { username: 'cutover-viewer', groups: ['system:authenticated'], readOnly: true }],
        ...(this.options.users ?? []),
      ]),
    };
    const server = createApiServer(this.ctx, auth, { tls: { key: this.tls.key, cert: this.tls.cert }, watchList: this.options.watchList });
    this.server = server;
    // Watches keep connections open; stop() ends them itself instead of waiting for clients to leave.
    server.on('connection', (socket: Socket) => {
      this.sockets.add(socket);
      socket.once('close', () => this.sockets.delete(socket));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => resolve());
    });
    const addr = server.address() as AddressInfo;
    this.url = `https://${host}:${addr.port}`;
    return this.url;
  }

  /** Waits until every controller has nothing left to do. */
  settle(): Promise<void> {
    return this.ctx.controllers.settle();
  }

  /** Moves a virtual clock forward, letting every controller react on the way. */
  async advance(ms: number): Promise<void> {
    const clock = this.ctx.clock;
    if (!(clock instanceof VirtualClock)) throw new Error('advance() needs a VirtualClock');
    await clock.advance(ms);
  }

  kubeconfig(namespace = 'default'): string {
    return [
      'apiVersion: v1',
      'kind: Config',
      'clusters:',
      `- name: ${SIM_CONTEXT}`,
      '  cluster:',
      `    server: ${this.url}`,
      `    certificate-authority-data: ${Buffer.from(this.tls.ca).toString('base64')}`,
      'users:',
      '- name: cutover-admin',
      '  user:',
      `    token: ${this.tokens.admin}`,
      '- name: cutover-viewer',
      '  user:',
      `    token: ${this.tokens.viewer}`,
      'contexts:',
      `- name: ${SIM_CONTEXT}`,
      '  context:',
      `    cluster: ${SIM_CONTEXT}`,
      '    user: cutover-admin',
      `    namespace: ${namespace}`,
      `- name: ${SIM_VIEWER_CONTEXT}`,
      '  context:',
      `    cluster: ${SIM_CONTEXT}`,
      '    user: cutover-viewer',
      `    namespace: ${namespace}`,
      `current-context: ${SIM_CONTEXT}`,
      '',
    ].join('\n');
  }

  async stop(): Promise<void> {
    this.ctx.controllers.stop();
    const server = this.server;
    if (!server) return;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeAllConnections?.();
    for (const socket of this.sockets) socket.destroy();
    await closed;
  }

  private bootstrap(nodes: number): void {
    const { store } = this.ctx;
    for (const name of ['default', 'kube-system', 'kube-public', 'kube-node-lease']) {
      store.create(R.namespaces, { metadata: { name, labels: { 'kubernetes.io/metadata.name': name } }, spec: { finalizers: ['kubernetes'] }, status: { phase: 'Active' } });
    }
    for (let i = 1; i <= nodes; i++) {
      const name = `sim-node-${i}`;
      store.create(R.nodes, {
        metadata: { name, labels: { 'kubernetes.io/hostname': name, 'kubernetes.io/os': 'linux', 'topology.kubernetes.io/zone': `zone-${String.fromCharCode(96 + i)}` } },
        spec: { podCIDR: `10.244.${i}.0/24` },
        status: {
          capacity: { cpu: '8', memory: '32Gi', pods: '5000' },
          allocatable: { cpu: '8', memory: '32Gi', pods: '5000' },
          conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'simulated kubelet is posting ready status', lastHeartbeatTime: isoTime(this.ctx.clock), lastTransitionTime: isoTime(this.ctx.clock) }],
          addresses: [{ type: 'InternalIP', address: `192.168.0.${10 + i}` }, { type: 'Hostname', address: name }],
          nodeInfo: { kubeletVersion: 'v1.35.0-cutover-sim', osImage: 'cutover simulated node', containerRuntimeVersion: 'sim://1', architecture: 'amd64', operatingSystem: 'linux' },
        },
      });
    }
    store.create(R.serviceaccounts, { metadata: { name: 'default', namespace: 'default' } });
  }
}
