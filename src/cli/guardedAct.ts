/**
 * `--guard` on the headless guarded actions (canary step|promote, flip): the figures are read
 * before planning (the plan is refused with them while breached, unless --override REASON), and
 * after the action the release is watched for --for and undone on a breach, as `cutover guard` does.
 */
import type { KubeConfig } from '@kubernetes/client-node';
import { describeLimits, describeMeasurement, guardRollbackPlan, metricsSource, watchWindow, type GuardReading, type GuardSettings, type WatchClock } from '../actions/guard.js';
import { resolveName } from '../actions/names.js';
import type { ActionService } from '../actions/service.js';
import { loadState, type PlanInput } from '../actions/state.js';
import type { ReleaseView } from '../derive/derive.js';
import { releaseSides } from '../metrics/sides.js';
import type { MetricsSource } from '../metrics/source.js';
import { guardHeld } from '../model/guard.js';
import { RealClock } from '../sim/clock.js';
import type { Sim } from '../sim/sim.js';

export const GUARD_EXIT = { held: 0, rolledBack: 1, notJudged: 3 } as const;

export interface GuardedRun {
  source: MetricsSource;
  settings: GuardSettings;
  clock: WatchClock;
  name: string;
}

/** The guard's clock: real, or the embedded cluster's (its speed) under --demo. */
export function guardClock(sim: Sim | undefined): WatchClock {
  const speed = sim?.clock instanceof RealClock ? sim.clock.speed : 1;
  return { now: () => (sim ? sim.clock.now() : Date.now()), sleep: (ms) => new Promise((r) => setTimeout(r, ms / speed)) };
}

/**
 * Reads the release's figures over one interval before the action. Returns the reading for the
 * plan, or the line saying why nothing can be measured (no pods/proxy access).
 */
export async function readBefore(kc: KubeConfig, input: PlanInput, name: string, settings: GuardSettings, clock: WatchClock, say: (l: string) => void): Promise<{ reading?: GuardReading; run: GuardedRun } | { denied: string }> {
  const { release } = resolveName(input, name, 'release');
  const source = metricsSource(kc, settings, clock.now);
  const sides = releaseSides(release, settings.scrape);
  const denied = await source.start(sides);
  if (denied) return { denied };
  say(`guard: reading ${sides.candidate.label}${sides.baseline ? ` and ${sides.baseline.label}` : ''} over ${Math.round(settings.intervalMs / 1000)} s (${source.description}); limits: ${describeLimits(settings.thresholds)}`);
  await clock.sleep(settings.intervalMs);
  const fresh = resolveName(await loadState(kc, input.namespace, clock.now()), name, 'release').release;
  const now = releaseSides(fresh, settings.scrape);
  const measurement = await source.measure(now);
  const labels = { candidate: now.candidate.label, ...(now.baseline ? { baseline: now.baseline.label } : {}) };
  say(`guard: ${describeMeasurement(measurement, labels)}`);
  return { reading: { measurement, thresholds: settings.thresholds, labels }, run: { source, settings, clock, name } };
}

/** After the action: the watch window; a breach runs the release's undo (audited with the figure). Returns the exit code. */
export async function watchAfter(kc: KubeConfig, namespace: string, g: GuardedRun, service: ActionService, say: (l: string) => void): Promise<number> {
  const load = async (): Promise<{ input: PlanInput; release: ReleaseView }> => {
    const input = await loadState(kc, namespace, g.clock.now());
    return { input, release: resolveName(input, g.name, 'release').release };
  };
  say(`guard: watching ${g.name} for ${Math.round(g.settings.windowMs / 1000)} s every ${Math.round(g.settings.intervalMs / 1000)} s; a breach undoes the change`);
  const { run, sides } = await watchWindow({
    source: g.source,
    settings: g.settings,
    clock: g.clock,
    started: true,
    load: async () => (await load()).release,
    onMeasure: (m, r, sd, elapsed) => {
      const labels = { candidate: sd.candidate.label, ...(sd.baseline ? { baseline: sd.baseline.label } : {}) };
      say(`  [${Math.round(elapsed / 1000)} s] ${r.state === 'breached' ? 'BREACHED' : r.state}: ${describeMeasurement(m, labels)}${r.reason && r.state !== 'ok' ? ` (${r.reason})` : ''}`);
    },
  });
  if (run.final && run.state === 'breached') {
    const { input, release } = await load();
    const plan = guardRollbackPlan(input, release, `${sides.candidate.label}: ${run.reason}`);
    say(`guard: rolling back: ${plan.title}`);
    const report = await service.run(plan, { onProgress: (l) => say(`  ${l}`) });
    for (const l of report.lines) say(`  ${l}`);
    say(report.result.ok ? `guard ${g.name}: rolled back: ${sides.candidate.label}: ${run.reason}` : `guard ${g.name}: the rollback FAILED: ${report.result.error ?? plan.refusal}`);
    return GUARD_EXIT.rolledBack;
  }
  if (guardHeld(run)) {
    say(`guard ${g.name}: held (${run.measurements} readings)`);
    return GUARD_EXIT.held;
  }
  say(`guard ${g.name}: not judged (${run.state === 'no-data' ? 'no data' : 'inconclusive'}${run.reason ? `: ${run.reason}` : ''}); nothing was undone, a human decides`);
  return GUARD_EXIT.notJudged;
}
