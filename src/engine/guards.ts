/**
 * The cockpit's metric guards, without React. While the cockpit is open it reads the figures of the
 * releases that matter now (the one the detail view shows, every release whose rollout or canary
 * is moving, every change it watches; at most `maxReleases` per interval), keeps a short history
 * per release side and publishes the guard state into the store.
 *
 * After a guarded change made here (canary step, promote, flip, a rollout), it watches the release
 * for the window: a breach starts a visible countdown the driver can cancel, then the release's own
 * undo runs through the ActionService (journal, audit Event naming the figure and by how much).
 *
 *   change -> watch (every interval) -> breached -> countdown (c cancels) -> rollback -> outcome
 */
import type { KubeConfig } from '@kubernetes/client-node';
import { DEFAULT_COUNTDOWN_MS, DEFAULT_GUARD, describeMeasurement, guardRollbackPlan, metricsSource, type GuardReading, type GuardSettings } from '../actions/guard.js';
import type { ActionRequest } from '../actions/registry.js';
import { REGISTRY } from '../actions/registry.js';
import type { RunReport } from '../actions/service.js';
import type { PlanInput } from '../actions/state.js';
import type { Plan } from '../actions/types.js';
import type { ReleaseView } from '../derive/derive.js';
import { releaseSides, type ReleaseSides } from '../metrics/sides.js';
import type { MetricsSource } from '../metrics/source.js';
import { advanceGuard, startGuard, type GuardRun, type Measurement } from '../model/guard.js';
import type { GuardPoint, GuardView, GuardsState } from '../store/guardState.js';
import type { CockpitStore, Notice } from '../store/state.js';

/** Time as the engine sees it: real, or a simulated cluster's (tests pass a fast or virtual one). */
export interface EngineClock {
  now(): number;
  /** Runs fn after ms; returns the cancel. */
  setTimeout(fn: () => void, ms: number): () => void;
}

export const realEngineClock: EngineClock = {
  now: Date.now,
  setTimeout(fn, ms) {
    const t = setTimeout(fn, ms);
    t.unref?.();
    return () => clearTimeout(t);
  },
};

export interface GuardEngineOptions {
  store: CockpitStore;
  kc: KubeConfig;
  settings?: Partial<GuardSettings>;
  countdownMs?: number;
  clock?: EngineClock;
  /** Runs a plan through the cockpit's ActionService (journal and audit). */
  run(plan: Plan): Promise<RunReport>;
  planInput(namespace: string): PlanInput;
  notify?(text: string, level?: Notice['level']): void;
  /** Releases sampled per interval at most (bounded work). */
  maxReleases?: number;
  /** Points of history kept per side. */
  maxPoints?: number;
}

/** Actions after which the release is watched: the guarded ones (on their release kind) and rollouts. */
const ROLLOUTS = new Set<ActionRequest['key']>(['setImage', 'restart']);

interface Tracker {
  key: string;
  namespace: string;
  source: MetricsSource;
  started: boolean;
  run: GuardRun;
  nextAt: number;
  since: number;
  series: { candidate: GuardPoint[]; baseline: GuardPoint[] };
  labels: { candidate: string; baseline?: string };
  watch?: { until: number; title: string };
  countdown?: { until: number; why: string; cancel: () => void; tick?: () => void };
  /** Last time the release was wanted; trackers left alone for two intervals are dropped. */
  wantedAt: number;
}

const point = (m: Measurement, side: 'candidate' | 'baseline'): GuardPoint => {
  const f = side === 'candidate' ? m.candidate : m.baseline;
  return { at: m.at, ...(f ? { errorRate: f.errorRate, p95Ms: f.p95Ms, rps: f.rps } : {}) };
};

export const NO_PROXY_ACCESS = 'no data (no pods/proxy access)';

export class GuardEngine {
  readonly settings: GuardSettings;
  private readonly clock: EngineClock;
  private readonly countdownMs: number;
  private readonly trackers = new Map<string, Tracker>();
  /** Namespaces where reading pod metrics is forbidden: said once, not asked again. */
  private readonly denied = new Map<string, string>();
  private cancelTick?: () => void;
  private busy = false;
  private stopped = true;
  private pending?: Promise<void>;

  constructor(private readonly opts: GuardEngineOptions) {
    this.settings = { ...DEFAULT_GUARD, ...opts.settings };
    this.clock = opts.clock ?? realEngineClock;
    this.countdownMs = opts.countdownMs ?? DEFAULT_COUNTDOWN_MS;
    this.publish((g) => ({ ...g, intervalMs: this.settings.intervalMs, windowMs: this.settings.windowMs, countdownMs: this.countdownMs }));
  }

  /** How often the engine looks for due work: a second, or the interval when shorter. */
  private get tickMs(): number {
    return Math.min(1000, this.settings.intervalMs);
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.schedule();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.cancelTick?.();
    for (const t of this.trackers.values()) t.countdown?.cancel();
    await this.pending?.catch(() => {});
  }

  /** Forgets every release (context or namespace switch). */
  reset(): void {
    for (const t of this.trackers.values()) t.countdown?.cancel();
    this.trackers.clear();
    this.denied.clear();
    this.publish((g) => ({ ...g, byRelease: {} }));
  }

  /** One pass now (tests; the scheduler calls it every tick). Resolves when its sampling is done. */
  async tick(): Promise<void> {
    if (this.busy) return this.pending;
    this.busy = true;
    this.pending = this.sampleDue().finally(() => (this.busy = false));
    return this.pending;
  }

  /** The latest figures of a release for a guarded action's check. */
  reading(releaseKey: string): GuardReading | undefined {
    const t = this.trackers.get(releaseKey);
    const last = t?.run.last;
    if (!t || !last) return undefined;
    return { measurement: last, thresholds: this.settings.thresholds, labels: t.labels };
  }

  /** A change made through the cockpit succeeded: watch the release if it is a guarded one. */
  afterAction(request: ActionRequest, title: string): void {
    const key = request.releaseKey;
    if (!key) return;
    const release = this.release(key);
    if (!release) return;
    const spec = REGISTRY[request.key];
    if (!(spec.guard === release.release.kind || ROLLOUTS.has(request.key))) return;
    this.watch(release, title);
  }

  /** Starts (or restarts) the watch window on a release: history since now, first reading now. */
  watch(release: ReleaseView, title: string): void {
    const now = this.clock.now();
    const old = this.trackers.get(release.key);
    old?.countdown?.cancel();
    const t = this.newTracker(release, now);
    t.watch = { until: now + this.settings.windowMs, title };
    this.trackers.set(release.key, t);
    this.show(t, { outcome: undefined });
    void this.tick();
  }

  /** The driver cancelled the countdown(s): no automatic rollback for this window. Returns how many were cancelled. */
  cancelCountdown(): number {
    let n = 0;
    for (const t of this.trackers.values()) {
      if (!t.countdown) continue;
      t.countdown.cancel();
      t.countdown = undefined;
      t.watch = undefined;
      n++;
      const text = `automatic rollback cancelled by the driver; the guard keeps showing the figures`;
      this.show(t, { countdown: undefined, watch: undefined, outcome: { at: this.clock.now(), text, level: 'warn' } });
      this.opts.notify?.(`${this.release(t.key)?.name ?? t.key}: ${text}`, 'warn');
    }
    return n;
  }

  // ---------- sampling ----------

  private schedule(): void {
    if (this.stopped) return;
    this.cancelTick = this.clock.setTimeout(() => {
      void this.tick().finally(() => this.schedule());
    }, this.tickMs);
  }

  private release(key: string): ReleaseView | undefined {
    return this.opts.store.getState().view.releases.find((r) => r.key === key);
  }

  /** The releases that matter now, the watched ones first, at most maxReleases. */
  private wanted(): ReleaseView[] {
    const s = this.opts.store.getState();
    const shown = s.ui.screen === 'release' ? s.ui.releaseKey : undefined;
    const rank = (r: ReleaseView) => (this.trackers.get(r.key)?.watch ? 0 : r.key === shown ? 1 : r.moving || canaryInFlight(r) ? 2 : 3);
    return s.view.releases
      .filter((r) => rank(r) < 3 && !r.syncing)
      .sort((a, b) => rank(a) - rank(b))
      .slice(0, this.opts.maxReleases ?? 8);
  }

  private newTracker(release: ReleaseView, now: number): Tracker {
    return {
      key: release.key,
      namespace: release.namespace,
      source: metricsSource(this.opts.kc, this.settings, this.clock.now),
      started: false,
      run: startGuard(),
      nextAt: now,
      since: now,
      series: { candidate: [], baseline: [] },
      labels: { candidate: 'new side' },
      wantedAt: now,
    };
  }

  private async sampleDue(): Promise<void> {
    const now = this.clock.now();
    const wanted = this.wanted();
    for (const r of wanted) {
      const t = this.trackers.get(r.key);
      if (t) t.wantedAt = now;
      else this.trackers.set(r.key, this.newTracker(r, now));
    }
    for (const [key, t] of this.trackers) {
      if (t.watch || t.countdown || now - t.wantedAt <= 2 * this.settings.intervalMs) continue;
      this.trackers.delete(key);
      this.publish((g) => {
        const { [key]: _gone, ...rest } = g.byRelease;
        return { ...g, byRelease: rest };
      });
    }
    const due = wanted.map((r) => ({ r, t: this.trackers.get(r.key)! })).filter(({ t }) => t.nextAt <= now && !t.countdown);
    await Promise.all(due.map(({ r, t }) => this.sample(r, t).catch((err) => this.show(t, { state: 'inconclusive', reason: `metrics: ${(err as Error).message}` }))));
  }

  private async sample(release: ReleaseView, t: Tracker): Promise<void> {
    t.nextAt = this.clock.now() + this.settings.intervalMs;
    if (this.denied.has(t.namespace)) return this.show(t, { state: 'no-data', reason: NO_PROXY_ACCESS });
    const sides = releaseSides(release, this.settings.scrape);
    t.labels = { candidate: sides.candidate.label, ...(sides.baseline ? { baseline: sides.baseline.label } : {}) };
    if (!t.started) {
      const denied = await t.source.start(sides);
      if (denied) {
        if (!this.denied.has(t.namespace)) this.opts.notify?.(`metric guards: ${denied}`, 'warn');
        this.denied.set(t.namespace, denied);
        return this.show(t, { state: 'no-data', reason: NO_PROXY_ACCESS });
      }
      t.started = true;
      return this.show(t, { reason: `reading the figures (every ${Math.round(this.settings.intervalMs / 1000)} s)` });
    }
    const m = await t.source.measure(sides);
    this.record(t, m, sides);
    // Outside a watch window a decided run starts over: the row follows the figures.
    if (t.run.final && !t.watch) t.run = startGuard();
    t.run = advanceGuard(t.run, m, this.settings.thresholds, this.settings.limits);
    const run = t.run;
    this.show(t, { state: run.state, reason: run.reason, breaches: run.breaches, last: m });
    const now = this.clock.now();
    if (t.watch && run.final && run.state === 'breached') return this.startCountdown(release, t, `${sides.candidate.label}: ${run.reason}`);
    if (t.watch && now >= t.watch.until) {
      const held = run.state === 'ok';
      const text = held ? `held for the watch window (${run.measurements} readings): ${describeMeasurement(m, t.labels)}` : `watch window over, not judged (${run.state}): nothing was undone`;
      t.watch = undefined;
      this.show(t, { watch: undefined, outcome: { at: now, text, level: held ? 'good' : 'warn' } });
    }
  }

  private record(t: Tracker, m: Measurement, sides: ReleaseSides): void {
    if (m.error !== undefined) return;
    const max = this.opts.maxPoints ?? 60;
    t.series.candidate = [...t.series.candidate, point(m, 'candidate')].slice(-max);
    if (sides.baseline) t.series.baseline = [...t.series.baseline, point(m, 'baseline')].slice(-max);
  }

  // ---------- countdown and rollback ----------

  private startCountdown(release: ReleaseView, t: Tracker, why: string): void {
    const until = this.clock.now() + this.countdownMs;
    const plan = guardRollbackPlan(this.opts.planInput(release.namespace), release, why);
    const what = plan.title.slice(plan.title.indexOf('): ') + 3);
    let cancelStep = () => {};
    const step = () => {
      if (!t.countdown) return;
      const left = Math.max(0, Math.ceil((until - this.clock.now()) / 1000));
      if (left <= 0) {
        t.countdown = undefined;
        void this.rollBack(t, why);
        return;
      }
      this.show(t, { countdown: { until, secondsLeft: left, why, plan: what } });
      cancelStep = this.clock.setTimeout(step, Math.min(1000, until - this.clock.now()));
    };
    t.countdown = { until, why, cancel: () => cancelStep() };
    this.opts.notify?.(`${release.name}: rolling back in ${Math.round(this.countdownMs / 1000)} s (${what}), c cancels: guard breached: ${why}`, 'error');
    step();
  }

  private async rollBack(t: Tracker, why: string): Promise<void> {
    const release = this.release(t.key);
    const now = () => this.clock.now();
    t.watch = undefined;
    if (!release) {
      this.show(t, { countdown: undefined, watch: undefined, outcome: { at: now(), text: 'the release is gone: nothing was rolled back', level: 'warn' } });
      return;
    }
    const plan = guardRollbackPlan(this.opts.planInput(release.namespace), release, why);
    this.show(t, { countdown: undefined, watch: undefined, outcome: { at: now(), text: `rolling back: ${plan.title}`, level: 'bad' } });
    let text: string;
    let ok = false;
    if (plan.refusal) text = `rollback refused: ${plan.refusal}`;
    else {
      try {
        const report = await this.opts.run(plan);
        ok = report.result.ok;
        text = ok ? `rolled back (${why})` : `the rollback FAILED: ${report.result.error ?? report.lines.join('; ')}`;
        if (report.auditError) text += `; ${report.auditError}`;
      } catch (err) {
        text = `the rollback FAILED: ${(err as Error).message}`;
      }
    }
    // Rolled back: the figures that broke belong to a side that no longer gets the traffic.
    const after: Partial<GuardView> = ok ? { state: 'no-data', breaches: [], reason: 'rolled back; the figures are read again while the release moves' } : {};
    if (ok) t.run = startGuard();
    this.show(t, { ...after, outcome: { at: now(), text, level: ok ? 'warn' : 'bad' } });
    this.opts.notify?.(`${release.name}: ${text}`, ok ? 'warn' : 'error');
  }

  // ---------- the store ----------

  private show(t: Tracker, part: Partial<GuardView>): void {
    this.publish((g) => {
      const prev = g.byRelease[t.key];
      const fresh = { state: 'no-data' as const, breaches: [], thresholds: this.settings.thresholds, source: t.source.description };
      const next: GuardView = {
        ...(prev ?? fresh),
        candidate: { label: t.labels.candidate, points: t.series.candidate },
        ...(t.labels.baseline ? { baseline: { label: t.labels.baseline, points: t.series.baseline } } : {}),
        since: t.since,
        ...(t.watch ? { watch: t.watch } : {}),
        ...part,
      };
      if (!t.labels.baseline) delete next.baseline;
      for (const k of ['watch', 'countdown', 'outcome', 'reason'] as const) if (k in part && part[k] === undefined) delete next[k];
      return { ...g, byRelease: { ...g.byRelease, [t.key]: next } };
    });
  }

  private publish(f: (g: GuardsState) => GuardsState): void {
    this.opts.store.setState((s) => ({ guards: f(s.guards) }));
  }
}

/** A canary pair with both sides serving: a release in flight even when no Deployment rolls. */
function canaryInFlight(r: ReleaseView): boolean {
  if (r.release.kind !== 'canary') return false;
  return r.deployments.every((d) => d.desired > 0);
}
