/**
 * The cockpit's action controller, without React: a key asks for an action on a release; the
 * controller plans it (the key's entry in the action registry, PlanInput from the store's snapshot + view), puts the
 * plan in the store for the confirm dialog, runs it through ActionService once confirmed (progress
 * into the store), then leaves the result (and, after a failure, the rollback `u` applies).
 *
 *   key -> [prompt | revision picker] -> plan -> confirm (prod: type the Deployment or Service name)
 *       |-> refused (gate: `!` + a reason re-plans with an audited override)
 *   confirm -> [claim the driver lock: refused while a partner drives (`T` takes over, audited) or
 *              during a freeze (`!` + a reason, audited)] -> [cancel window: Esc cancels]
 *           -> running (progress, Job state + log tail for migrations; Esc stops waiting) -> result
 */
import type { KubeConfig } from '@kubernetes/client-node';
import { describeRef } from '../actions/client.js';
import { notWritten, restoreCommands, rollbackPlan } from '../actions/execute.js';
import { migrationLogTail } from '../actions/migrate.js';
import { GUARD_REFUSAL, type GuardReading } from '../actions/guard.js';
import { confirmTarget, disabledReason, keyWord, mutates, planAction, REGISTRY, type ActionKey, type ActionRequest } from '../actions/registry.js';
import { listRevisions } from '../actions/revisions.js';
import { ActionService, type RunReport } from '../actions/service.js';
import type { PlanInput } from '../actions/state.js';
import { actionTarget } from '../actions/target.js';
import { formatChanges, refuse, type ActionResult, type Plan } from '../actions/types.js';
import { checkAccess } from '../kube/access.js';
import { isProductionContext } from '../kube/config.js';
import type { ActionsState, Dialog, DialogInput } from '../store/actionState.js';
import type { ReleaseView } from '../derive/derive.js';
import type { CockpitStore, Notice } from '../store/state.js';
import type { RecurringFreeze } from '../model/freeze.js';
import { DriverService, drivenText, mayActRefusal, type MayAct } from './driver.js';

export interface ControllerOptions {
  store: CockpitStore;
  kc: KubeConfig;
  /** Send every write as a server-side dry run (`cutover --dry-run`). */
  dryRun?: boolean;
  /** The canary ladder (`--steps`); else the annotation, else 10,30,50,100. */
  canarySteps?: number[];
  /** Where the journal and audit JSONL go (default: the state directory). */
  stateDir?: string;
  /** Flushes the store now (plans read the freshest snapshot). */
  refresh?: () => void;
  notify?: (text: string, level?: Notice['level']) => void;
  now?: () => number;
  /** How often a running migration's log tail is re-read (ms). */
  logPollMs?: number;
  /** Steering as a pair: the driver lock, freezes and the cancel window (off with --readonly). */
  pair?: PairOptions;
  /** The release's latest metric figures, for guarded actions (the guard engine's). */
  guardReading?: (releaseKey: string) => GuardReading | undefined;
  /** After a run that wrote something (the guard engine opens its watch window). */
  onRan?: (request: ActionRequest, result: ActionResult) => void;
}

export interface PairOptions {
  /** `user@host` (kube/lease.ts driverIdentity). */
  identity: string;
  /** How long a lock lives without renewal (default 60 s). */
  lockSeconds?: number;
  /** The cancel window between confirm and fire (default 0). */
  graceMs?: number;
  /** Recurring freeze windows (--freeze-config). */
  freezeRules?: readonly RecurringFreeze[];
}

const COCKPIT_HOW = { takeOver: 'T takes over (type a reason; audited as an Event on the release)', freezeOverride: '! overrides it with a typed reason (audited)' };

const PROGRESS_LINES = 6;
/** How long quitting waits for a stopped action to record what it wrote. */
const STOP_WAIT_MS = 5000;
const LOG_LINES = 8;

/** The Job a migration plan creates. */
function migrationJob(plan: Plan): string | undefined {
  const create = plan.steps.find((s) => s.kind === 'create');
  return plan.action === 'migrate' && create ? create.target.name : undefined;
}

const isGuardRefusal = (plan: Plan): boolean => (plan.refusal ?? '').startsWith(GUARD_REFUSAL);
/** A refusal an override with a typed reason lifts: the migration gate, the metric guard. */
export const isGateRefusal = (plan: Plan): boolean => /migration gate closed/.test(plan.refusal ?? '') || isGuardRefusal(plan);

/** true when the promise settled (either way) within ms, false when the time ran out first. */
async function within(p: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const settled = await Promise.race([p.then(() => true, () => true), new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), ms)))]);
  clearTimeout(timer);
  return settled;
}

export class ActionController {
  readonly service: ActionService;
  private readonly store: CockpitStore;
  private readonly now: () => number;
  private abort?: AbortController;
  private logTimer?: NodeJS.Timeout;
  private running?: Promise<void>;
  /** The driver lock, freezes and the cancel window; undefined when not steering as a pair. */
  readonly driver?: DriverService;
  /** Quit was forced while an action ran: what it did, for the lines printed on exit. */
  private interrupted?: { plan: Plan; report?: RunReport; error?: string; progress?: string[] };
  private forcing = false;

  constructor(private readonly opts: ControllerOptions) {
    this.store = opts.store;
    this.now = opts.now ?? Date.now;
    const c = this.store.getState().connection;
    this.service = new ActionService(opts.kc, {
      context: c.context,
      user: opts.kc.getCurrentUser()?.name ?? (c.user || 'unknown'),
      dryRun: opts.dryRun ?? false,
      ...(opts.stateDir ? { dir: opts.stateDir } : {}),
    });
    this.set({ dryRun: this.service.dryRun, ...(opts.pair ? { identity: opts.pair.identity } : {}) });
    const pair = opts.pair;
    if (pair)
      this.driver = new DriverService({
        kc: opts.kc,
        identity: pair.identity,
        user: opts.kc.getCurrentUser()?.name ?? (c.user || 'unknown'),
        context: c.context,
        now: this.now,
        auditLog: this.service.auditLog,
        ...(pair.lockSeconds ? { durationSeconds: pair.lockSeconds } : {}),
        ...(pair.freezeRules ? { freezeRules: pair.freezeRules } : {}),
        onLost: (key, by) => this.notify(`you no longer drive ${key.split('/').at(-1)}: ${by ? `${by} took over` : 'the lock was lost'}`, 'warn'),
      });
  }

  get state(): ActionsState {
    return this.store.getState().actions;
  }

  get dialog(): Dialog | null {
    return this.state.dialog;
  }

  /** The action running now, if any (tests await it). */
  get settled(): Promise<void> {
    return this.running ?? Promise.resolve();
  }

  /** One SelfSubjectAccessReview per verb/resource; disabled keys say why. */
  async checkAccess(): Promise<void> {
    const ns = this.store.getState().connection.namespace;
    const access = await checkAccess(this.opts.kc, ns);
    this.set({ access });
  }

  /** Why a key cannot be used (read-only, no permission), or undefined: the registry decides. */
  denied(key: ActionKey): string | undefined {
    const s = this.store.getState();
    return disabledReason(key, { readonly: s.connection.readonly, access: s.actions.access });
  }

  /**
   * A release key was pressed on a release (its key), with the Deployment under the cursor when
   * the detail view's pod list points at one.
   */
  request(key: ActionKey, releaseKey: string | undefined, side?: string): void {
    if (this.dialog?.kind === 'running') {
      this.notify('an action is running: wait for it (Esc stops waiting)', 'warn');
      return;
    }
    const denied = this.denied(key);
    if (denied) {
      this.notify(`${keyWord(key)}: disabled: ${denied}`, 'warn');
      return;
    }
    this.opts.refresh?.();
    const spec = REGISTRY[key];
    if (spec.scope === 'session') return this.plan({ key });
    const release = this.release(releaseKey);
    if (!release) {
      this.notify(`${keyWord(key)}: no release under the cursor`, 'warn');
      return;
    }
    const request: ActionRequest = { key, releaseKey: release.key, ...(side ? { side } : {}) };
    const holder = this.partnerDriving(release);
    if (holder && mutates(key)) return this.refuseDriven(request, release, holder.holder, holder.since);
    const target = actionTarget(release, side);
    const prompt = spec.prompt;
    if (prompt && (prompt.applies?.(release) ?? true)) {
      return this.open({ kind: 'prompt', purpose: prompt.purpose, request, title: prompt.title(target, release), label: prompt.label, text: prompt.text(target), hint: prompt.hint(target) });
    }
    if (spec.picker) {
      const d = target.deployment;
      const revisions = listRevisions(this.planInput(release.namespace), d.name);
      if ('error' in revisions) return this.plan(request);
      const previous = revisions.filter((r) => !r.current).at(-1);
      const cursor = previous ? revisions.indexOf(previous) : Math.max(0, revisions.length - 1);
      return this.open({ kind: 'picker', request, deployment: d.name, revisions, cursor });
    }
    return this.plan(request);
  }

  /** The PlanInput of a namespace: the store's snapshot and view now. */
  planInput(namespace: string | undefined): PlanInput {
    const s = this.store.getState();
    return { namespace: namespace ?? s.connection.namespace ?? 'default', snapshot: s.snapshot, view: s.view, now: this.now() };
  }

  /** A key inside the open dialog. */
  key(input: DialogInput): void {
    const d = this.dialog;
    if (!d) return;
    switch (d.kind) {
      case 'prompt':
        if (input.type === 'cancel') return this.close();
        if (input.type === 'text') return this.open({ ...d, text: d.text + input.text, error: undefined });
        if (input.type === 'backspace') return this.open({ ...d, text: [...d.text].slice(0, -1).join(''), error: undefined });
        if (input.type === 'confirm') return this.submitPrompt(d);
        return;
      case 'picker':
        if (input.type === 'cancel') return this.close();
        if (input.type === 'move') {
          const n = d.revisions.length;
          const to = input.to === 'top' ? 0 : input.to === 'bottom' ? n - 1 : d.cursor + input.to;
          return this.open({ ...d, cursor: Math.max(0, Math.min(n - 1, to)) });
        }
        if (input.type === 'confirm') {
          const r = d.revisions[d.cursor];
          if (!r) return this.close();
          if (r.current) return this.open({ ...d, error: `revision ${r.revision} is the template running now: pick another` });
          return this.plan({ ...d.request, revision: r.revision });
        }
        return;
      case 'confirm':
        if (input.type === 'cancel') {
          this.close();
          this.notify(`cancelled: ${d.plan.title}; nothing was changed`);
          return;
        }
        if (d.confirmName !== undefined) {
          if (input.type === 'text') return this.open({ ...d, typed: d.typed + input.text, error: undefined });
          if (input.type === 'backspace') return this.open({ ...d, typed: [...d.typed].slice(0, -1).join(''), error: undefined });
          if (input.type === 'confirm') {
            if (d.typed.trim() !== d.confirmName) return this.open({ ...d, error: `"${d.typed}" is not "${d.confirmName}"` });
            return this.execute(d.plan, d.request);
          }
          return;
        }
        if (input.type === 'confirm') return this.execute(d.plan, d.request);
        return;
      case 'refused':
        if (input.type === 'takeOver' && d.drivenBy) return this.takeOver(this.releaseKeyOf(d.plan, d.request), d.request);
        if (input.type === 'override' && d.overridable && d.frozen) {
          return this.open({
            kind: 'prompt',
            purpose: 'freeze-override',
            request: d.request,
            title: `override the freeze for: ${d.plan.title}`,
            label: 'reason',
            text: '',
            hint: 'type why (recorded in the audit log and the Event); Enter re-plans, Esc cancels',
          });
        }
        if (input.type === 'override' && d.overridable) {
          return this.open({
            kind: 'prompt',
            purpose: 'override',
            request: d.request,
            title: `override the ${isGuardRefusal(d.plan) ? 'metric guard' : 'migration gate'} for: ${d.plan.title}`,
            label: 'reason',
            text: '',
            hint: 'type why (recorded in the audit log and the Event); Enter re-plans, Esc cancels',
          });
        }
        if (input.type === 'cancel' || input.type === 'close' || input.type === 'confirm') return this.close();
        return;
      case 'takeover':
        if (d.busy) return;
        if (input.type === 'cancel') return this.close();
        if (input.type === 'text') return this.open({ ...d, text: d.text + input.text, error: undefined });
        if (input.type === 'backspace') return this.open({ ...d, text: [...d.text].slice(0, -1).join(''), error: undefined });
        if (input.type === 'confirm') return this.submitTakeOver(d);
        return;
      case 'grace':
        if (input.type === 'cancel') this.abort?.abort();
        return;
      case 'running':
        if (input.type === 'cancel' && d.quitAsked) return this.open({ ...d, quitAsked: false });
        if (input.type === 'cancel' && !d.stopping) {
          this.open({ ...d, stopping: true });
          this.abort?.abort();
        }
        return;
      case 'result':
        if (input.type === 'rollback' && d.rollback) return this.plan({ key: 'undoLast', ...(d.entryId !== undefined ? { entryId: d.entryId } : {}) }, d.rollback);
        if (input.type === 'cancel' || input.type === 'close' || input.type === 'confirm') return this.close();
        return;
    }
  }

  /**
   * `T`: take over driving a release (a typed reason; audited as an Event on the release). From a
   * refusal, `then` is the refused request, planned again once the lock is ours.
   */
  takeOver(releaseKey: string | undefined, then?: ActionRequest): void {
    if (!this.driver) return this.notify('T: taking over needs the driver lock, which is off here (--readonly)', 'warn');
    const release = this.release(releaseKey);
    if (!release) return this.notify('T: no release under the cursor', 'warn');
    const holder = this.partnerDriving(release)?.holder;
    if (!holder && !then) return this.notify(`T: nobody else drives ${release.name}; the first action you run takes the lock`);
    this.open({ kind: 'takeover', releaseKey: release.key, release: release.name, ...(holder ? { holder } : {}), text: '', ...(then ? { then } : {}) });
  }

  private submitTakeOver(d: Extract<Dialog, { kind: 'takeover' }>): void {
    const reason = d.text.trim();
    if (!reason) return this.open({ ...d, error: 'type why you take over (recorded in the Event on the release); Esc cancels' });
    this.open({ ...d, busy: true });
    this.running = (async () => {
      let may: MayAct;
      try {
        may = await this.driver!.takeOver(d.releaseKey, reason);
      } catch (err) {
        return this.open({ ...d, busy: false, error: (err as Error).message });
      }
      if (!may.ok) return this.open({ ...d, busy: false, error: may.reason === 'driven' ? `${drivenText(may.drivenBy, may.since)} again: try again` : may.why });
      this.notify(`you drive ${d.release} now${d.holder ? ` (taken over from ${d.holder}; audited)` : ''}${may.note ? `; ${may.note}` : ''}`, may.note ? 'warn' : 'info');
      this.opts.refresh?.();
      if (d.then) this.plan(d.then);
      else this.close();
    })();
  }

  close(): void {
    if (this.dialog?.kind === 'running' || this.dialog?.kind === 'grace') return;
    this.stopLogs();
    this.set({ dialog: null });
  }

  /** Plans a request (or takes a ready plan) and opens the confirm dialog or the refusal. */
  plan(request: ActionRequest, ready?: Plan): void {
    let plan: Plan;
    try {
      plan = ready ?? this.build(request);
    } catch (err) {
      const release = this.release(request.releaseKey);
      plan = refuse({ action: 'undo-action', title: `${keyWord(request.key)} on ${release?.name ?? 'release'}`, namespace: release?.namespace ?? '', subject: release?.name ?? '' }, (err as Error).message);
    }
    if (plan.refusal) {
      this.open({ kind: 'refused', request, plan, overridable: isGateRefusal(plan) && !request.override });
      return;
    }
    const context = this.store.getState().connection.context;
    const confirm = isProductionContext(context) ? confirmTarget(plan) : undefined;
    this.open({ kind: 'confirm', request, plan, dryRun: this.service.dryRun, context, typed: '', ...(confirm ? { confirmName: confirm.name, confirmKind: confirm.kind } : {}) });
  }

  /** The plan for a request, from the store's snapshot and view now, by the key's registry entry. */
  build(request: ActionRequest): Plan {
    const spec = REGISTRY[request.key];
    if (spec.scope === 'session') {
      const entry = this.service.journal.lastUndoable();
      if (entry) request.entryId = entry.id;
      // Planned in the namespace on screen: an entry of another one is refused with the :ns to use.
      return spec.plan({ ...(entry ? { entry } : {}) }, this.planInput(this.store.getState().connection.namespace ?? entry?.namespace));
    }
    const release = this.release(request.releaseKey);
    if (!release) throw new Error(`the release is gone (deleted, or no longer a pair)`);
    const { side, value, revision, override } = request;
    const guard = spec.guard ? this.opts.guardReading?.(release.key) : undefined;
    return planAction(
      spec,
      { release, side, value, revision, override, ...(guard ? { guard } : {}), options: this.opts.canarySteps ? { steps: this.opts.canarySteps } : {} },
      this.planInput(release.namespace),
    );
  }

  private submitPrompt(d: Extract<Dialog, { kind: 'prompt' }>): void {
    const text = d.text.trim();
    if (!text) return this.open({ ...d, error: `type a ${d.label} first (Esc cancels)` });
    if (d.purpose === 'override') return this.plan({ ...d.request, override: text });
    if (d.purpose === 'freeze-override') return this.plan({ ...d.request, freezeOverride: text });
    const problem = REGISTRY[d.request.key].prompt?.check(text);
    if (problem) return this.open({ ...d, error: problem });
    return this.plan({ ...d.request, value: text });
  }

  /**
   * A confirmed plan: a mutation claims the driver lock first (refused while someone else drives,
   * or during a freeze unless overridden), waits out the cancel window, then runs.
   */
  private execute(plan: Plan, request: ActionRequest): void {
    const releaseKey = this.releaseKeyOf(plan, request);
    if (!this.driver || this.service.dryRun || !mutates(request.key) || !releaseKey) return this.fire(plan, request);
    this.abort = new AbortController();
    const signal = this.abort.signal;
    const job = migrationJob(plan);
    this.open({ kind: 'running', plan, dryRun: false, progress: ['checking the driver lock and freezes'], started: this.now(), ...(job ? { job } : {}) });
    this.running = (async () => {
      const may = await this.driver!.claim(releaseKey, request.freezeOverride ? { freezeOverride: request.freezeOverride } : {}).catch(
        (err): MayAct => ({ ok: true, lock: 'advisory', note: `cannot check the driver lock: ${(err as Error).message}` }),
      );
      if (!may.ok) {
        this.abort = undefined;
        const refused = refuse({ action: plan.action, title: plan.title, namespace: plan.namespace, subject: plan.subject }, mayActRefusal(may, COCKPIT_HOW));
        return this.open({ kind: 'refused', request, plan: refused, overridable: may.reason === 'frozen', ...(may.reason === 'frozen' ? { frozen: true } : { drivenBy: may.drivenBy }) });
      }
      if (may.note) this.notify(may.note, 'warn');
      const override = [request.override, may.freezeOverridden && `freeze: ${may.freezeOverridden}`].filter(Boolean).join('; ');
      const graceMs = this.opts.pair?.graceMs ?? 0;
      if (graceMs > 0 && !signal.aborted) {
        this.open({ kind: 'grace', plan, request, fireAt: this.now() + graceMs });
        const outcome = await this.driver!.grace(releaseKey, graceMs, { action: plan.action, title: plan.title }, signal);
        if (outcome === 'cancelled') {
          this.abort = undefined;
          this.set({ dialog: null });
          this.notify(`cancelled in the cancel window: ${plan.title}; nothing was changed`);
          return;
        }
      } else if (signal.aborted) {
        this.abort = undefined;
        this.set({ dialog: null });
        this.notify(`cancelled: ${plan.title}; nothing was changed`);
        return;
      }
      this.fire(plan, { ...request, ...(override ? { override } : {}) });
      await this.running;
    })();
  }

  /** Runs a plan now; progress and the result go into the store. */
  private fire(plan: Plan, request: ActionRequest): void {
    const job = migrationJob(plan);
    const dryRun = this.service.dryRun;
    this.abort = new AbortController();
    this.open({ kind: 'running', plan, dryRun, progress: [], started: this.now(), ...(job ? { job } : {}) });
    if (job && !dryRun) this.followLogs(plan.namespace, job);
    const onProgress = (line: string) => {
      const d = this.dialog;
      if (d?.kind !== 'running') return;
      this.open({ ...d, progress: [...d.progress, line].slice(-PROGRESS_LINES) });
    };
    this.running = (async () => {
      let dialog: Dialog;
      try {
        const report = await this.service.run(plan, { onProgress, signal: this.abort!.signal, ...(request.override ? { override: request.override } : {}) });
        const r = report.result;
        if (this.forcing) this.interrupted = { plan, report };
        if (r.ok && !r.dryRun && request.key === 'undoLast' && request.entryId !== undefined) this.service.journal.markUndone(request.entryId);
        if (r.ok && !r.dryRun && r.applied.length > 0) this.opts.onRan?.(request, r);
        const rollback = rollbackPlan(r);
        const log = job && !dryRun ? await migrationLogTail(this.opts.kc, plan.namespace, job, LOG_LINES) : undefined;
        dialog = {
          kind: 'result',
          plan,
          ok: r.ok,
          dryRun: r.dryRun,
          lines: report.lines,
          changed: r.applied.map((s) => `${s.target.kind.toLowerCase()} ${s.target.name}: ${formatChanges(s.changes)}`),
          ...(rollback ? { rollback } : {}),
          ...(report.entry ? { entryId: report.entry.id } : {}),
          ...(job ? { job } : {}),
          ...(log ? { log } : {}),
          ...(report.auditError ? { auditError: report.auditError } : {}),
          // Only this run's own undo: an older entry's would read as the undo of what just ran.
          ...(report.entry?.undo ? { undoHint: report.entry.undo.description } : {}),
        };
      } catch (err) {
        if (this.forcing) this.interrupted = { plan, error: (err as Error).message };
        dialog = { kind: 'result', plan, ok: false, dryRun, lines: [`failed: ${plan.title}: ${(err as Error).message}`], changed: [] };
      } finally {
        this.stopLogs();
        this.abort = undefined;
      }
      this.set({ dialog });
      this.opts.refresh?.();
    })();
  }

  private followLogs(namespace: string, job: string): void {
    this.stopLogs();
    const poll = async () => {
      const tail = await migrationLogTail(this.opts.kc, namespace, job, LOG_LINES).catch(() => undefined);
      const d = this.dialog;
      if (tail && d?.kind === 'running' && d.job === job) this.open({ ...d, log: tail });
    };
    this.logTimer = setInterval(() => void poll(), this.opts.logPollMs ?? 1000);
    this.logTimer.unref?.();
  }

  private stopLogs(): void {
    clearInterval(this.logTimer);
    this.logTimer = undefined;
  }

  /**
   * Quit was pressed. Nothing runs: false, quit. An action runs: the first press asks in its
   * dialog (true: do not quit yet); the next one forces: the run stops before its next step and
   * records what it wrote (the journal entry a later `u` undoes), and false: quit; exitReport()
   * then says what was changed and how to undo it.
   */
  holdQuit(): boolean {
    const d = this.dialog;
    if (d?.kind !== 'running') return false;
    if (!d.quitAsked && !this.forcing) {
      this.open({ ...d, quitAsked: true });
      return true;
    }
    this.forceStop();
    return false;
  }

  /** Stops the running action for a quit without asking (a second press, SIGTERM, SIGHUP). */
  forceStop(): void {
    if (this.dialog?.kind !== 'running') return;
    this.forcing = true;
    this.abort?.abort();
  }

  /**
   * After a forced quit (once stop() has settled the run): the lines for the terminal, saying what
   * the unfinished action changed, what it did not, and the exact undo; empty when nothing was cut short.
   */
  exitReport(): string[] {
    const i = this.interrupted;
    if (!i) return [];
    const lines = [`cutover: quit while "${i.plan.title}" was running; it was stopped before finishing.`];
    if (!i.report) {
      lines.push(`  ${i.error ?? 'it failed'}; check the cluster (kubectl get deploy,svc,jobs -n ${i.plan.namespace}).`);
      if (i.progress?.length) lines.push('  its last progress:', ...i.progress.map((p) => `    ${p}`));
      lines.push('  the plan it was running:', ...i.plan.steps.flatMap((s) => (s.kind === 'wait' ? [] : [`    ${describeRef(s.target)}: ${formatChanges(s.changes)}`])));
      return lines;
    }
    const r = i.report.result;
    if (r.ok) return [`cutover: "${i.plan.title}" finished before the quit took effect: done.`];
    if (r.applied.length === 0) return [...lines, '  nothing was changed'];
    lines.push('  changed:');
    for (const s of r.applied) lines.push(`    ${describeRef(s.target)}: ${formatChanges(s.changes)}`);
    const left = notWritten(r);
    if (left.length) {
      lines.push('  not done:');
      for (const s of left) lines.push(`    ${describeRef(s.target)}: ${formatChanges(s.changes)}`);
    }
    const entry = i.report.entry;
    if (entry?.undo) {
      const where = `context ${this.store.getState().connection.context}, namespace ${entry.namespace}`;
      lines.push(`  to undo it: open cutover again (${where}) and press u (journal #${entry.id}: it re-checks the state first), or run:`);
      for (const c of restoreCommands(r, this.store.getState().connection.context)) lines.push(`    ${c}`);
    } else if (r.applied.some((s) => s.kind === 'create')) {
      lines.push('  a created Job keeps running: follow it with kubectl get jobs (cutover cannot undo a migration)');
    }
    return lines;
  }

  /**
   * Stops a running wait (the writes made stay) and timers, and gives up the driver locks; for
   * quitting. Waits for the run to record what it did, but not for an API server that does not
   * answer (STOP_WAIT_MS; an unreleased lock runs out by itself).
   */
  async stop(): Promise<void> {
    this.abort?.abort();
    this.stopLogs();
    if (this.running) {
      const settled = await within(this.running, STOP_WAIT_MS);
      const d = this.dialog;
      if (!settled && this.forcing && !this.interrupted && d?.kind === 'running') {
        this.interrupted = { plan: d.plan, error: `the API server did not answer within ${STOP_WAIT_MS / 1000} s, so cutover cannot tell what was written`, progress: d.progress };
      }
    }
    if (this.driver) await within(this.driver.stop(), STOP_WAIT_MS);
  }

  /** Someone else's live driver lock on the release, as the watched Lease says. */
  private partnerDriving(release: ReleaseView): { holder: string; since?: Date } | undefined {
    const d = release.driver;
    const identity = this.opts.pair?.identity;
    if (!d || !identity || d.holder === identity) return undefined;
    return d.expiresAt && d.expiresAt.getTime() <= this.now() ? undefined : d;
  }

  private refuseDriven(request: ActionRequest, release: ReleaseView, holder: string, since: Date | undefined): void {
    const plan = refuse({ action: 'undo-action', title: `${keyWord(request.key)} on ${release.name}`, namespace: release.namespace, subject: release.name }, `${drivenText(holder, since)}: ${COCKPIT_HOW.takeOver}`);
    this.open({ kind: 'refused', request, plan, overridable: false, drivenBy: holder });
  }

  /** The release a plan acts on: the request's, else (undo of the last action) the release named by the plan's subject. */
  private releaseKeyOf(plan: Plan, request: ActionRequest): string | undefined {
    if (request.releaseKey) return request.releaseKey;
    const releases = this.store.getState().view.releases.filter((r) => r.namespace === plan.namespace);
    return (releases.find((r) => r.name === plan.subject) ?? releases.find((r) => r.deployments.some((d) => d.name === plan.subject)))?.key;
  }

  private release(key: string | undefined): ReleaseView | undefined {
    return key === undefined ? undefined : this.store.getState().view.releases.find((r) => r.key === key);
  }

  private open(dialog: Dialog): void {
    this.set({ dialog });
  }

  private set(part: Partial<ActionsState>): void {
    this.store.setState((s) => ({ actions: { ...s.actions, ...part } }));
  }

  private notify(text: string, level: Notice['level'] = 'info'): void {
    this.opts.notify?.(text, level);
  }
}
