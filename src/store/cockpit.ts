/**
 * The cockpit's engine, without React: watches the cluster, flushes snapshots into the store,
 * and serves the intents views dispatch (switch context or namespace, quit).
 */
import type { KubeConfig } from '@kubernetes/client-node';
import { connect, type Connection } from '../kube/config.js';
import { ClusterWatch } from '../kube/watch.js';
import { WATCHED_KINDS } from '../kube/kinds.js';
import { deriveViewModel } from './derive.js';
import { FlushScheduler } from './scheduler.js';
import { snapshotOf } from './snapshot.js';
import { createCockpitStore, initialUi, type CockpitStore, type Notice } from './state.js';

export interface CockpitOptions {
  kc: KubeConfig;
  context?: string;
  namespace?: string;
  allNamespaces?: boolean;
  demo?: boolean;
  readonly?: boolean;
  flushIntervalMs?: number;
  now?: () => number;
}

/** What views may ask of the engine. Release actions join here. */
export interface Intents {
  switchNamespace(namespace: string | undefined): void;
  switchContext(context: string): void;
  /** Forces a flush (after a keypress) so the next frame shows fresh data. */
  refresh(): void;
  notify(text: string, level?: Notice['level']): void;
  quit(): void;
}

export class Cockpit implements Intents {
  readonly store: CockpitStore;
  private watch?: ClusterWatch;
  private readonly scheduler: FlushScheduler;
  private readonly now: () => number;
  private conn: Connection;
  onQuit: () => void = () => {};

  constructor(private readonly opts: CockpitOptions) {
    this.now = opts.now ?? Date.now;
    this.conn = connect(opts.kc, opts);
    this.store = createCockpitStore(this.connectionInfo(), this.now());
    this.scheduler = new FlushScheduler(() => this.flush(), opts.flushIntervalMs ?? 150, this.now);
  }

  start(): void {
    this.watch = new ClusterWatch(this.conn, () => this.scheduler.markDirty(), { now: this.now });
    this.watch.start();
    this.scheduler.markDirty();
  }

  async stop(): Promise<void> {
    this.scheduler.stop();
    await this.watch?.stop();
  }

  switchNamespace(namespace: string | undefined): void {
    this.restart(() => {
      this.conn = { ...this.conn, namespace };
    });
    this.notify(namespace ? `namespace ${namespace}` : 'all namespaces');
  }

  switchContext(context: string): void {
    try {
      const next = connect(this.opts.kc, { context, allNamespaces: false });
      this.restart(() => {
        this.conn = next;
      });
      this.notify(`context ${context}`);
    } catch (err) {
      this.notify((err as Error).message, 'error');
    }
  }

  refresh(): void {
    this.scheduler.flushNow();
  }

  notify(text: string, level: Notice['level'] = 'info'): void {
    this.store.setState((s) => ({ ui: { ...s.ui, notice: { text, level, at: this.now() } } }));
  }

  quit(): void {
    this.onQuit();
  }

  /** Builds the next snapshot and view model; runs at most every flush interval. */
  flush(): void {
    const watch = this.watch;
    if (!watch) return;
    const now = this.now();
    const snapshot = snapshotOf(watch.objects);
    const prev = this.store.getState();
    const view = deriveViewModel(snapshot, prev.view.histories, now);
    const failing = WATCHED_KINDS.map((k) => watch.statuses[k]).find((s) => s.failure);
    this.store.setState({
      snapshot,
      view,
      now,
      flushes: prev.flushes + 1,
      health: { synced: watch.synced, lostSince: watch.lostSince, failure: failing?.failure, retryAt: failing?.retryAt },
    });
  }

  private restart(change: () => void): void {
    void this.watch?.stop();
    change();
    this.store.setState((s) => ({
      connection: this.connectionInfo(),
      health: { synced: false },
      ui: { ...initialUi(), notice: s.ui.notice },
      view: { ...s.view, releases: [], services: [], jobs: [], events: [], histories: new Map() },
    }));
    this.start();
  }

  private connectionInfo() {
    return {
      context: this.conn.context,
      server: this.conn.server,
      user: this.conn.user,
      namespace: this.conn.namespace,
      demo: this.opts.demo ?? false,
      readonly: this.opts.readonly ?? false,
      contexts: this.opts.kc.getContexts().map((c) => c.name),
    };
  }
}
