/**
 * The cockpit's engine, without React: watches the cluster, flushes snapshots into the store,
 * and serves the intents views dispatch (switch context or namespace, quit, release actions
 * through the ActionController of src/store/actions.ts).
 */
import type { KubeConfig } from '@kubernetes/client-node';
import { connect, type Connection } from '../kube/config.js';
import { ClusterWatch } from '../kube/watch.js';
import { DeriveMemo, deriveSteps, emptyViewModel, RELEASE_KINDS, type ViewModel } from '../derive/derive.js';
import { FlushScheduler } from '../store/scheduler.js';
import { snapshotOf, type Versions } from '../derive/snapshot.js';
import { checkNamespace } from '../kube/namespaces.js';
import { createCockpitStore, initialUi, type CockpitStore, type Notice } from '../store/state.js';
import { expireNotice, NOTICE_TTL_MS } from '../store/ui.js';
import { ActionController, type PairOptions } from './controller.js';
import { driverIdentity } from '../kube/lease.js';
import { GuardEngine, type EngineClock } from './guards.js';
import type { GuardSettings } from '../actions/guard.js';
import type { ActionKey, DialogInput } from '../store/actionState.js';

/** How long a derive runs before the event loop gets a turn (keys wait at most about this long). */
const SLICE_MS = 8;

export interface CockpitOptions {
  kc: KubeConfig;
  context?: string;
  namespace?: string;
  allNamespaces?: boolean;
  demo?: boolean;
  readonly?: boolean;
  flushIntervalMs?: number;
  now?: () => number;
  /** Every write a server-side dry run (`--dry-run`). */
  dryRun?: boolean;
  /** The canary ladder for `+`/`-` (`--steps`). */
  canarySteps?: number[];
  /** Where the action journal and audit log go (default: the state directory). */
  stateDir?: string;
  /** Skip the SelfSubjectAccessReviews at connect. */
  skipAccessCheck?: boolean;
  /** Steering as a pair: lock duration, cancel window, freeze rules; identity defaults to the kubeconfig user @ this host. */
  pair?: Partial<PairOptions>;
  /** Metric guards: thresholds, interval, watch window, source (default: pod scrape, 10 s, 5 min). */
  guard?: Partial<GuardSettings>;
  /** Seconds of warning before an automatic rollback, in ms (default 10 s). */
  countdownMs?: number;
  /** The guards' clock (the simulated cluster's in tests and --demo); default real time. */
  guardClock?: EngineClock;
}

/** What views may ask of the engine. Release actions join here. */
export interface Intents {
  switchNamespace(namespace: string | undefined): void;
  switchContext(context: string): void;
  /** Forces a flush (after a keypress) so the next frame shows fresh data. */
  refresh(): void;
  notify(text: string, level?: Notice['level']): void;
  quit(): void;
  /**
   * A release action key on a release (its ReleaseView.key), with the Deployment the user pointed
   * at in the detail view (`side`); opens a prompt, the picker or the confirm dialog.
   */
  act?(action: ActionKey, releaseKey: string | undefined, side?: string): void;
  /** A key inside the open action dialog. */
  dialog?(input: DialogInput): void;
  /** `T`: take over driving the release (a typed reason, audited). */
  takeOver?(releaseKey: string | undefined): void;
  /** Cancels the countdown of an automatic rollback (the guard keeps its figures). */
  cancelRollback?(): void;
}

export class Cockpit implements Intents {
  readonly store: CockpitStore;
  private watch?: ClusterWatch;
  private readonly scheduler: FlushScheduler;
  private readonly now: () => number;
  private conn: Connection;
  /** The watch's change counters at the last flush (reset with the watch). */
  private lastVersions: Versions = {};
  /** What the last derive left for the next one (availability records, caches); one per watch. */
  private memo = new DeriveMemo();
  /**
   * Start of the unbroken watch that verdicts cover: when the kinds releases depend on first
   * synced, and again when a lost watch comes back (what happened meanwhile was not seen).
   */
  private observedSince?: number;
  private watchGap = false;
  private noticeTimer?: NodeJS.Timeout;
  /** Plans, confirms and runs release actions; its state is `store.actions`. */
  actions: ActionController;
  /** Samples the metric guards of the releases that matter and rolls back a breached change. */
  readonly guards: GuardEngine;
  onQuit: () => void = () => {};
  /** The derive under way, in steps (see flush). */
  private deriving?: Generator<void, ViewModel>;
  /** A flush was asked for while a derive was under way. */
  private flushAfterDerive = false;
  /** A flush when the next driver lock runs out: nothing else may change then. */
  private expiryTimer?: NodeJS.Timeout;

  constructor(private readonly opts: CockpitOptions) {
    this.now = opts.now ?? Date.now;
    this.conn = connect(opts.kc, opts);
    this.store = createCockpitStore(this.connectionInfo(), this.now());
    this.scheduler = new FlushScheduler(() => this.flush(), opts.flushIntervalMs ?? 150, this.now);
    this.actions = this.newController();
    this.guards = new GuardEngine({
      store: this.store,
      kc: opts.kc,
      ...(opts.guard ? { settings: opts.guard } : {}),
      ...(opts.countdownMs !== undefined ? { countdownMs: opts.countdownMs } : {}),
      ...(opts.guardClock ? { clock: opts.guardClock } : {}),
      run: (plan) => this.actions.service.run(plan),
      planInput: (ns) => this.actions.planInput(ns),
      notify: (text, level) => this.notify(text, level),
    });
  }

  start(): void {
    this.watch = new ClusterWatch(this.conn, () => this.scheduler.markDirty(), { now: this.now });
    this.watch.start();
    this.scheduler.markDirty();
    if (!this.opts.readonly && !this.opts.skipAccessCheck) void this.actions.checkAccess().catch(() => {});
    this.guards.start();
    const ns = this.conn.namespace;
    if (ns !== undefined) void this.warnIfMissing(ns);
  }

  /** An empty namespace and a mistyped one look the same: say which it is when the API server can tell. */
  private async warnIfMissing(namespace: string): Promise<void> {
    const found = await checkNamespace(this.opts.kc, namespace);
    if (found === 'missing' && this.conn.namespace === namespace) {
      this.notify(`namespace ${namespace} does not exist in context ${this.conn.context}: nothing to show (:ns NAME to look elsewhere, :ns all for every namespace)`, 'warn');
    }
  }

  async stop(): Promise<void> {
    clearTimeout(this.noticeTimer);
    this.scheduler.stop();
    this.deriving = undefined;
    clearTimeout(this.expiryTimer);
    await this.guards.stop();
    await this.actions.stop();
    await this.watch?.stop();
  }

  act(action: ActionKey, releaseKey: string | undefined, side?: string): void {
    if (this.opts.readonly) return;
    this.actions.request(action, releaseKey, side);
  }

  dialog(input: DialogInput): void {
    this.actions.key(input);
  }

  takeOver(releaseKey: string | undefined): void {
    if (this.opts.readonly) return;
    this.actions.takeOver(releaseKey);
  }

  cancelRollback(): void {
    if (this.guards.cancelCountdown() === 0) this.notify('no automatic rollback is counting down');
  }

  private newController(): ActionController {
    return new ActionController({
      store: this.store,
      kc: this.opts.kc,
      dryRun: this.opts.dryRun,
      canarySteps: this.opts.canarySteps,
      stateDir: this.opts.stateDir,
      refresh: () => this.refresh(),
      notify: (text, level) => this.notify(text, level),
      now: this.now,
      ...(this.opts.readonly ? {} : { pair: { identity: driverIdentity(this.opts.kc.getCurrentUser()?.name ?? (this.conn.user || 'unknown')), ...this.opts.pair } }),
      guardReading: (key) => this.guards.reading(key),
      onRan: (request, result) => this.guards.afterAction(request, result.plan.title),
    });
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
      if (this.store.getState().actions.dialog?.kind === 'running') {
        this.notify('an action is running: switch context once it has finished', 'warn');
        return;
      }
      this.restart(() => {
        this.conn = next;
        // The audit names the context; the journal of undoable actions belongs to the old one (and its locks go).
        void this.actions.stop();
        this.actions = this.newController();
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
    clearTimeout(this.noticeTimer);
    this.noticeTimer = setTimeout(() => this.expireNotice(), NOTICE_TTL_MS[level] + 50);
    this.noticeTimer.unref?.();
  }

  /** Clears the notice once its time is up (src/store/ui.ts decides how long). */
  expireNotice(): void {
    const ui = this.store.getState().ui;
    const next = expireNotice(ui, this.now());
    if (next !== ui) this.store.setState({ ui: next });
  }

  /** q, :q or Ctrl-C: while an action runs, the first press asks in its dialog, the next one quits (ActionController.holdQuit). */
  quit(): void {
    if (this.actions.holdQuit()) return;
    this.onQuit();
  }

  /** Quits without asking (SIGTERM, SIGHUP): a running action stops before its next step and is reported on exit. */
  forceQuit(): void {
    this.actions.forceStop();
    this.onQuit();
  }

  /** What a forced quit left unfinished and how to undo it, for the terminal once the cockpit is closed (after stop()). */
  exitReport(): string[] {
    return this.actions.exitReport();
  }

  /**
   * Builds the next snapshot and view model; runs at most every flush interval. A derive of many
   * releases runs in steps that give the event loop a turn every SLICE_MS (a key pressed meanwhile
   * gets its frame at once); a flush asked for meanwhile runs after it.
   */
  flush(): void {
    const watch = this.watch;
    if (!watch) return;
    if (this.deriving) {
      this.flushAfterDerive = true;
      return;
    }
    const now = this.now();
    const prev = this.store.getState();
    const versions = { ...watch.versions };
    const snapshot = snapshotOf(watch.objects, { previous: prev.snapshot, then: this.lastVersions, now: versions });
    this.lastVersions = versions;
    const statuses = watch.statuses as Partial<Record<string, { synced: boolean }>>;
    const synced = (kind: string) => statuses[kind]?.synced ?? true;
    if (watch.lostSince !== undefined) this.watchGap = true;
    else if (RELEASE_KINDS.every(synced) && (this.observedSince === undefined || this.watchGap)) {
      this.observedSince = now;
      this.watchGap = false;
    }
    const steps = deriveSteps(snapshot, this.memo, now, { synced, observedSince: this.observedSince });
    const step = (): void => {
      if (this.deriving !== steps) return; // the watch started over meanwhile
      const until = performance.now() + SLICE_MS;
      let next = steps.next();
      while (!next.done) {
        if (performance.now() >= until) {
          setImmediate(step);
          return;
        }
        next = steps.next();
      }
      this.deriving = undefined;
      const view = next.value;
      this.store.setState({ snapshot, view, now, flushes: prev.flushes + 1, health: watch.health });
      this.flushAtExpiry(view.releases, now);
      if (this.flushAfterDerive) {
        this.flushAfterDerive = false;
        this.scheduler.markDirty();
      }
    };
    this.deriving = steps;
    step();
  }

  private flushAtExpiry(releases: readonly { driver?: { expiresAt?: Date } }[], now: number): void {
    clearTimeout(this.expiryTimer);
    const next = Math.min(...releases.map((r) => r.driver?.expiresAt?.getTime() ?? Infinity));
    if (!Number.isFinite(next)) return;
    this.expiryTimer = setTimeout(() => this.scheduler.markDirty(), Math.max(0, next - now) + 50);
    this.expiryTimer.unref?.();
  }

  private restart(change: () => void): void {
    void this.watch?.stop();
    this.deriving = undefined;
    this.flushAfterDerive = false;
    this.guards.reset();
    this.lastVersions = {};
    this.memo = new DeriveMemo();
    this.observedSince = undefined;
    this.watchGap = false;
    change();
    this.store.setState((s) => ({
      connection: this.connectionInfo(),
      health: { synced: false },
      ui: { ...initialUi(), notice: s.ui.notice },
      actions: { ...s.actions, access: undefined, dialog: s.actions.dialog?.kind === 'running' ? s.actions.dialog : null },
      view: emptyViewModel(),
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
