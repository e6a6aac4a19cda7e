/**
 * The Job controller (`pkg/controller/job/job_controller.go`, non-indexed Jobs): creates pods from the
 * template, tracks finished pods through the `batch.kubernetes.io/job-tracking` finalizer and
 * `status.uncountedTerminatedPods`, applies backoffLimit, activeDeadlineSeconds, suspend and the pod
 * failure backoff (10 s doubling, at most 6 min), and finishes with the interim SuccessCriteriaMet /
 * FailureTarget condition followed by Complete / Failed.
 *
 * Not simulated: indexed completion mode, podFailurePolicy, successPolicy, backoffLimitPerIndex,
 * managedBy, podReplacementPolicy Failed, adoption of orphan pods by selector.
 */
import type { Controller, SimContext } from '../runtime.js';
import { splitKey } from '../runtime.js';
import { R } from '../resources.js';
import type { Obj, StoreEvent } from '../store.js';
import { isoTime } from '../clock.js';
import { canonical, isNotFound, sameKind } from './ctrlutil.js';
import { isPodActive, isPodReady, isPodTerminating } from './podUtil.js';

export const JOB_TRACKING_FINALIZER = 'batch.kubernetes.io/job-tracking';
export const JOB_NAME_LABEL = 'batch.kubernetes.io/job-name';
export const CONTROLLER_UID_LABEL = 'batch.kubernetes.io/controller-uid';
export const LEGACY_JOB_NAME_LABEL = 'job-name';
export const LEGACY_CONTROLLER_UID_LABEL = 'controller-uid';

export const DEFAULT_POD_FAILURE_BACKOFF_MS = 10_000;
export const MAX_POD_FAILURE_BACKOFF_MS = 10 * 60_000;
const MAX_POD_CREATE_DELETE_PER_SYNC = 500;
const MAX_UNCOUNTED_PODS = 500;
const SOURCE = 'job-controller';

export const MSG_COMPLETIONS_REACHED = 'Reached expected number of succeeded pods';
export const MSG_BACKOFF_LIMIT = 'Job has reached the specified backoff limit';
export const MSG_DEADLINE = 'Job was active longer than specified deadline';

interface Condition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  lastProbeTime: string;
  lastTransitionTime: string;
  reason: string;
  message: string;
}

interface BackoffRecord {
  failuresAfterLastSuccess: number;
  lastFailureTime?: number;
}

/** Whether a Job has a Complete or Failed condition that is True (util.IsJobFinished). */
export function isJobFinished(job: Obj): boolean {
  return !!job.status?.conditions?.some((c: Condition) => (c.type === 'Complete' || c.type === 'Failed') && c.status === 'True');
}

export function jobSuspended(job: Obj): boolean {
  return job.spec?.suspend === true;
}

/** Spec values with the apiserver's defaults (completions/parallelism 1 when both unset, backoffLimit 6). */
export function jobSpecDefaults(job: Obj): { completions: number | null; parallelism: number; backoffLimit: number } {
  const spec = job.spec ?? {};
  const completions = spec.completions ?? (spec.parallelism == null ? 1 : null);
  return { completions, parallelism: spec.parallelism ?? 1, backoffLimit: spec.backoffLimit ?? 6 };
}

const hasFinalizer = (pod: Obj) => !!pod.metadata.finalizers?.includes(JOB_TRACKING_FINALIZER);

/** isPodFailed with the default podReplacementPolicy (TerminatingOrFailed): deleted unfinished pods count as failed. */
const isPodFailed = (pod: Obj) =>
  pod.status?.phase === 'Failed' || (!!pod.metadata.deletionTimestamp && pod.status?.phase !== 'Succeeded');

function findCondition(job: Obj, type: string): Condition | undefined {
  return job.status?.conditions?.find((c: Condition) => c.type === type);
}

/** When a pod finished: latest container finishedAt, else the Ready=False transition, else deletion. */
function finishedTime(pod: Obj, now: number): number {
  let latest: number | undefined;
  for (const cs of [...(pod.status?.containerStatuses ?? []), ...(pod.status?.initContainerStatuses ?? [])]) {
    const t = cs.state?.terminated?.finishedAt;
    if (t && (latest === undefined || Date.parse(t) > latest)) latest = Date.parse(t);
  }
  if (latest !== undefined) return latest;
  const ready = pod.status?.conditions?.find((c: any) => c.type === 'Ready' && c.status === 'False');
  if (ready?.lastTransitionTime) return Date.parse(ready.lastTransitionTime);
  if (pod.metadata.deletionTimestamp) return Date.parse(pod.metadata.deletionTimestamp);
  return now;
}

export class JobController implements Controller {
  readonly name = 'job-controller';
  /** Pods per controlling Job uid. */
  private readonly podsByJob = new Map<string, Map<string, Obj>>();
  private readonly jobs = new Map<string, Obj>(); // ns/name -> job
  private readonly backoff = new Map<string, BackoffRecord>();

  constructor(private readonly ctx: SimContext) {
    for (const j of ctx.store.scan(R.jobs)) this.jobs.set(`${j.metadata.namespace}/${j.metadata.name}`, j);
    for (const p of ctx.store.scan(R.pods)) this.indexPod({ type: 'ADDED', object: p } as StoreEvent);
  }

  private indexPod(ev: StoreEvent): void {
    const pod = ev.object;
    const ref = ownerJob(pod) ?? (ev.old ? ownerJob(ev.old) : undefined);
    if (!ref) return;
    let m = this.podsByJob.get(ref.uid);
    if (ev.type === 'DELETED') {
      m?.delete(pod.metadata.name!);
      if (m?.size === 0) this.podsByJob.delete(ref.uid);
      return;
    }
    if (!m) this.podsByJob.set(ref.uid, (m = new Map()));
    m.set(pod.metadata.name!, pod);
  }

  onEvent(ev: StoreEvent, queue: (key: string) => void): void {
    if (sameKind(ev.rt, R.jobs)) {
      const key = `${ev.object.metadata.namespace}/${ev.object.metadata.name}`;
      if (ev.type === 'DELETED') {
        this.jobs.delete(key);
        // Pods of a deleted Job must lose their tracking finalizer (syncOrphanPod).
        for (const p of this.podsByJob.get(ev.object.metadata.uid!)?.values() ?? []) if (hasFinalizer(p)) queue(`pod:${p.metadata.namespace}/${p.metadata.name}`);
      } else this.jobs.set(key, ev.object);
      queue(key);
      return;
    }
    if (!sameKind(ev.rt, R.pods)) return;
    this.indexPod(ev);
    const ref = ownerJob(ev.object);
    if (!ref) {
      if (ev.type !== 'DELETED' && hasFinalizer(ev.object)) queue(`pod:${ev.object.metadata.namespace}/${ev.object.metadata.name}`);
      return;
    }
    const key = `${ev.object.metadata.namespace}/${ref.name}`;
    const job = this.jobs.get(key);
    if (!job || job.metadata.uid !== ref.uid || isJobFinished(job)) {
      if (ev.type !== 'DELETED' && hasFinalizer(ev.object)) queue(`pod:${ev.object.metadata.namespace}/${ev.object.metadata.name}`);
      return;
    }
    queue(key);
  }

  sync(key: string): void {
    if (key.startsWith('pod:')) return this.syncOrphanPod(key.slice(4));
    const [ns, name] = splitKey(key);
    const { store, clock, recorder } = this.ctx;
    const shared = this.jobs.get(key);
    if (!shared) {
      this.backoff.delete(key);
      return;
    }
    if (isJobFinished(shared)) {
      this.backoff.delete(key);
      return;
    }
    const job = structuredClone(shared) as Obj;
    const nowMs = clock.now();
    const nowIso = isoTime(clock);
    const { completions, parallelism, backoffLimit } = jobSpecDefaults(job);
    const status = (job.status ??= {});
    const original = canonical(shared.status ?? {});
    status.uncountedTerminatedPods ??= {};
    const uncounted = status.uncountedTerminatedPods;
    const uncSucceeded = new Set<string>(uncounted.succeeded ?? []);
    const uncFailed = new Set<string>(uncounted.failed ?? []);

    const pods = [...(this.podsByJob.get(job.metadata.uid!)?.values() ?? [])].sort((a, b) => a.metadata.name!.localeCompare(b.metadata.name!));
    let activePods = pods.filter(isPodActive);
    let ready = activePods.filter(isPodReady).length;
    let terminating = pods.filter(isPodTerminating).length;
    let active = activePods.length;

    const newSucceeded = pods.filter((p) => hasFinalizer(p) && !uncSucceeded.has(p.metadata.uid!) && p.status?.phase === 'Succeeded');
    const newFailed = pods.filter((p) => hasFinalizer(p) && !uncFailed.has(p.metadata.uid!) && isPodFailed(p));
    const succeeded = (status.succeeded ?? 0) + newSucceeded.length + uncSucceeded.size;
    const failed = (status.failed ?? 0) + newFailed.length + uncFailed.size;

    if (!status.startTime && !jobSuspended(job)) status.startTime = nowIso;
    const newBackoff = this.newBackoffRecord(key, newSucceeded, newFailed, nowMs);

    let finished: Condition | undefined = findCondition(job, 'SuccessCriteriaMet')?.status === 'True' ? findCondition(job, 'SuccessCriteriaMet') : undefined;
    if (!finished) {
      const target = findCondition(job, 'FailureTarget');
      if (target?.status === 'True') finished = newCondition('Failed', 'True', target.reason, target.message, nowIso);
    }
    if (!finished) {
      if (failed > backoffLimit || pastBackoffLimitOnFailure(job, pods, backoffLimit)) {
        finished = newCondition('FailureTarget', 'True', 'BackoffLimitExceeded', MSG_BACKOFF_LIMIT, nowIso);
      } else if (this.pastActiveDeadline(job, nowMs)) {
        finished = newCondition('FailureTarget', 'True', 'DeadlineExceeded', MSG_DEADLINE, nowIso);
      } else if (job.spec?.activeDeadlineSeconds != null && !jobSuspended(job) && status.startTime) {
        const left = job.spec.activeDeadlineSeconds * 1000 - (nowMs - Date.parse(status.startTime));
        this.ctx.controllers.enqueueAfter(this, key, Math.max(0, left));
      }
    }

    let suspendChanged = false;
    if (finished) {
      // Remove the active pods of a finishing Job (deleteActivePods keeps their finalizers).
      for (const p of activePods) {
        if (this.deletePod(job, p, false)) {
          active--;
          terminating++;
          if (isPodReady(p)) ready--;
        }
      }
    } else {
      if (!job.metadata.deletionTimestamp) {
        const r = this.manageJob(job, key, activePods, succeeded, completions, parallelism, newBackoff, nowMs);
        active = r.active;
        ready -= r.removedReady;
        terminating += r.removed;
        activePods = r.activePods;
      }
      const complete = completions == null ? succeeded > 0 && active === 0 : succeeded >= completions && active === 0;
      if (complete) {
        finished = newCondition('SuccessCriteriaMet', 'True', 'CompletionsReached', MSG_COMPLETIONS_REACHED, nowIso);
      } else if (!job.metadata.deletionTimestamp) {
        if (jobSuspended(job)) {
          if (ensureCondition(status, 'Suspended', 'True', 'JobSuspended', 'Job suspended', nowIso)) {
            suspendChanged = true;
            recorder.normal(SOURCE, job, 'Suspended', 'Job suspended');
          }
        } else if (ensureCondition(status, 'Suspended', 'False', 'JobResumed', 'Job resumed', nowIso)) {
          suspendChanged = true;
          recorder.normal(SOURCE, job, 'Resumed', 'Job resumed');
          // Resuming restarts the activeDeadlineSeconds clock.
          status.startTime = nowIso;
        }
      }
    }
    // batch/v1 JobStatus: active is an omitempty int32 (a real API server drops 0); ready and terminating are pointers.
    if (active) status.active = active;
    else delete status.active;
    status.ready = ready;
    status.terminating = terminating;
    void suspendChanged;

    // trackJobStatusAndRemoveFinalizers
    const toRemoveFinalizer: Obj[] = [];
    const withFinalizer = new Set(pods.filter(hasFinalizer).map((p) => p.metadata.uid!));
    cleanUncounted(status, withFinalizer);
    for (const p of pods) {
      if (!hasFinalizer(p)) continue;
      const considerFailed = isPodFailed(p);
      const canRemove = !!job.metadata.deletionTimestamp || !!finished || p.status?.phase === 'Succeeded' || considerFailed;
      if (!canRemove) continue;
      toRemoveFinalizer.push(p);
      const unc = status.uncountedTerminatedPods;
      if (p.status?.phase === 'Succeeded' && !(unc.failed ?? []).includes(p.metadata.uid)) {
        if (!(unc.succeeded ?? []).includes(p.metadata.uid)) (unc.succeeded ??= []).push(p.metadata.uid);
      } else if (considerFailed || (finished && finished.type !== 'SuccessCriteriaMet')) {
        if (!(unc.failed ?? []).includes(p.metadata.uid)) (unc.failed ??= []).push(p.metadata.uid);
      }
      if ((unc.succeeded?.length ?? 0) + (unc.failed?.length ?? 0) >= MAX_UNCOUNTED_PODS) break;
    }
    if (finished?.type === 'FailureTarget') {
      status.conditions = [...(status.conditions ?? []), finished];
      finished = newCondition('Failed', 'True', finished.reason, finished.message, nowIso);
    }
    if (finished?.type === 'SuccessCriteriaMet') {
      if (!findCondition(job, 'SuccessCriteriaMet')) status.conditions = [...(status.conditions ?? []), finished];
      finished = newCondition('Complete', 'True', finished.reason, finished.message, nowIso);
    }

    // 1. Flush uncounted pods and interim conditions before any finalizer goes.
    let latest: Obj | undefined = shared;
    const writeStatus = () => {
      tidyUncounted(status);
      if (canonical(status) === canonical(latest?.status ?? {})) return;
      job.metadata.resourceVersion = latest?.metadata.resourceVersion;
      latest = store.update(R.jobs, job, { subresource: 'status' });
    };
    if (canonical(status) !== original) {
      writeStatus();
      if (newFailed.length || newSucceeded.length) this.backoff.set(key, newBackoff);
    }
    // 2. Remove the finalizers, 3. count the pods that lost them.
    for (const p of toRemoveFinalizer) {
      try {
        store.mutate(R.pods, p.metadata.namespace, p.metadata.name!, (o) => {
          o.metadata.finalizers = (o.metadata.finalizers ?? []).filter((f: string) => f !== JOB_TRACKING_FINALIZER);
          if (o.metadata.finalizers.length === 0) delete o.metadata.finalizers;
        });
      } catch (err) {
        if (!isNotFound(err)) throw err;
      }
      withFinalizer.delete(p.metadata.uid!);
    }
    cleanUncounted(status, withFinalizer);
    // 4. enactJobFinished: only once every pod is counted and none is terminating.
    let jobFinished = false;
    const unc = status.uncountedTerminatedPods;
    if (finished && !(unc.succeeded?.length || unc.failed?.length) && terminating === 0) {
      ensureCondition(status, finished.type, finished.status, finished.reason, finished.message, nowIso);
      if (finished.type === 'Complete') status.completionTime = (status.conditions as Condition[]).find((c) => c.type === 'Complete')!.lastTransitionTime;
      jobFinished = true;
    }
    writeStatus();
    if (jobFinished) {
      this.backoff.delete(key);
      if (finished!.type === 'Complete') {
        if (completions != null && (status.succeeded ?? 0) > completions)
          recorder.warning(SOURCE, job, 'TooManySucceededPods', 'Too many succeeded pods running after completion count reached');
        recorder.normal(SOURCE, job, 'Completed', 'Job completed');
      } else recorder.warning(SOURCE, job, finished!.reason, finished!.message);
    }
    void ns;
    void name;
  }

  private manageJob(
    job: Obj,
    key: string,
    activePods: Obj[],
    succeeded: number,
    completions: number | null,
    parallelism: number,
    backoff: BackoffRecord,
    nowMs: number,
  ): { active: number; removed: number; removedReady: number; activePods: Obj[] } {
    let active = activePods.length;
    let removed = 0;
    let removedReady = 0;
    const remove = (pods: Obj[]) => {
      for (const p of pods) {
        if (this.deletePod(job, p, true)) {
          removed++;
          active--;
          if (isPodReady(p)) removedReady++;
        }
      }
    };
    if (jobSuspended(job)) {
      remove(activePodsForRemoval(activePods, activePods.length));
      return { active, removed, removedReady, activePods: [] };
    }
    let wantActive: number;
    if (completions == null) wantActive = succeeded > 0 ? active : parallelism;
    else wantActive = Math.max(0, Math.min(completions - succeeded, parallelism));
    const rmAtLeast = Math.max(0, active - wantActive);
    if (rmAtLeast > 0) {
      remove(activePodsForRemoval(activePods, rmAtLeast).slice(0, MAX_POD_CREATE_DELETE_PER_SYNC));
      return { active, removed, removedReady, activePods };
    }
    let diff = wantActive - active;
    if (diff > 0) {
      const remaining = remainingBackoff(backoff, nowMs);
      if (remaining > 0) {
        this.ctx.controllers.enqueueAfter(this, key, remaining);
        return { active, removed, removedReady, activePods };
      }
      diff = Math.min(diff, MAX_POD_CREATE_DELETE_PER_SYNC);
      for (let i = 0; i < diff; i++) {
        const pod = this.createPod(job);
        if (!pod) break;
        active++;
      }
    }
    return { active, removed, removedReady, activePods };
  }

  private createPod(job: Obj): Obj | undefined {
    const { store, recorder } = this.ctx;
    const tmpl = job.spec?.template ?? {};
    const labels: Record<string, string> = {
      ...(tmpl.metadata?.labels ?? {}),
      [CONTROLLER_UID_LABEL]: job.metadata.uid!,
      [JOB_NAME_LABEL]: job.metadata.name!,
      [LEGACY_CONTROLLER_UID_LABEL]: job.metadata.uid!,
      [LEGACY_JOB_NAME_LABEL]: job.metadata.name!,
    };
    const pod: Obj = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        generateName: `${job.metadata.name}-`,
        namespace: job.metadata.namespace,
        labels,
        ...(tmpl.metadata?.annotations ? { annotations: structuredClone(tmpl.metadata.annotations) } : {}),
        finalizers: [...(tmpl.metadata?.finalizers ?? []), JOB_TRACKING_FINALIZER],
        ownerReferences: [{ apiVersion: 'batch/v1', kind: 'Job', name: job.metadata.name!, uid: job.metadata.uid!, controller: true, blockOwnerDeletion: true }],
      },
      spec: structuredClone(tmpl.spec ?? {}),
    };
    try {
      const created = store.create(R.pods, pod);
      recorder.normal(SOURCE, job, 'SuccessfulCreate', `Created pod: ${created.metadata.name}`);
      return created;
    } catch (err) {
      recorder.warning(SOURCE, job, 'FailedCreate', `Error creating: ${(err as Error).message}`);
      if ((err as { code?: number }).code === 403) return undefined;
      throw err;
    }
  }

  /** Deletes a pod (with or without first removing the tracking finalizer); true when the delete went through. */
  private deletePod(job: Obj, pod: Obj, removeFinalizer: boolean): boolean {
    const { store, recorder } = this.ctx;
    try {
      if (removeFinalizer && hasFinalizer(pod)) {
        store.mutate(R.pods, pod.metadata.namespace, pod.metadata.name!, (o) => {
          o.metadata.finalizers = (o.metadata.finalizers ?? []).filter((f: string) => f !== JOB_TRACKING_FINALIZER);
          if (o.metadata.finalizers.length === 0) delete o.metadata.finalizers;
        });
      }
      store.delete(R.pods, pod.metadata.namespace, pod.metadata.name!);
      recorder.normal(SOURCE, job, 'SuccessfulDelete', `Deleted pod: ${pod.metadata.name}`);
      return true;
    } catch (err) {
      if (isNotFound(err)) return true;
      recorder.warning(SOURCE, job, 'FailedDelete', `Error deleting: ${(err as Error).message}`);
      return false;
    }
  }

  private pastActiveDeadline(job: Obj, nowMs: number): boolean {
    const ads = job.spec?.activeDeadlineSeconds;
    const start = job.status?.startTime;
    if (ads == null || !start || jobSuspended(job)) return false;
    return nowMs - Date.parse(start) >= ads * 1000;
  }

  /** podBackoffStore.newBackoffRecord: failures since the last success and the last failure time. */
  private newBackoffRecord(key: string, newSucceeded: Obj[], newFailed: Obj[], nowMs: number): BackoffRecord {
    const prev = this.backoff.get(key) ?? { failuresAfterLastSuccess: 0 };
    const rec: BackoffRecord = { ...prev };
    const byTime = (a: Obj, b: Obj) => finishedTime(a, nowMs) - finishedTime(b, nowMs);
    const succ = [...newSucceeded].sort(byTime);
    const fail = [...newFailed].sort(byTime);
    if (succ.length === 0) {
      if (fail.length === 0) return rec;
      rec.failuresAfterLastSuccess += fail.length;
      rec.lastFailureTime = finishedTime(fail[fail.length - 1], nowMs);
      return rec;
    }
    rec.failuresAfterLastSuccess = 0;
    rec.lastFailureTime = undefined;
    const lastSuccess = finishedTime(succ[succ.length - 1], nowMs);
    for (let i = fail.length - 1; i >= 0; i--) {
      const t = finishedTime(fail[i], nowMs);
      if (!(t > lastSuccess)) break;
      rec.lastFailureTime ??= t;
      rec.failuresAfterLastSuccess++;
    }
    return rec;
  }

  /** syncOrphanPod: a pod whose Job is gone or finished loses the tracking finalizer. */
  private syncOrphanPod(key: string): void {
    const [ns, name] = splitKey(key);
    const { store } = this.ctx;
    const pod = store.get(R.pods, ns, name);
    if (!pod || !hasFinalizer(pod)) return;
    const ref = ownerJob(pod);
    if (ref) {
      const job = this.jobs.get(`${ns}/${ref.name}`);
      if (job && job.metadata.uid === ref.uid && !isJobFinished(job)) return;
    } else if (pod.metadata.ownerReferences?.some((r) => r.controller)) return;
    store.mutate(R.pods, ns, name, (o) => {
      o.metadata.finalizers = (o.metadata.finalizers ?? []).filter((f: string) => f !== JOB_TRACKING_FINALIZER);
      if (o.metadata.finalizers.length === 0) delete o.metadata.finalizers;
    });
  }
}

function ownerJob(pod: Obj): { name: string; uid: string } | undefined {
  const ref = pod.metadata.ownerReferences?.find((r) => r.controller);
  return ref && ref.kind === 'Job' && ref.apiVersion === 'batch/v1' ? ref : undefined;
}

function newCondition(type: string, status: Condition['status'], reason: string, message: string, now: string): Condition {
  return { type, status, lastProbeTime: now, lastTransitionTime: now, reason, message };
}

/** ensureJobConditionStatus: replace a condition whose status/reason/message changed; add only non-False ones. */
function ensureCondition(status: any, type: string, st: Condition['status'], reason: string, message: string, now: string): boolean {
  const list: Condition[] = (status.conditions ??= []);
  const i = list.findIndex((c) => c.type === type);
  if (i >= 0) {
    const c = list[i];
    if (c.status !== st || c.reason !== reason || c.message !== message) {
      list[i] = newCondition(type, st, reason, message, now);
      return true;
    }
    return false;
  }
  if (st !== 'False') {
    list.push(newCondition(type, st, reason, message, now));
    return true;
  }
  if (list.length === 0) delete status.conditions;
  return false;
}

/** cleanUncountedPodsWithoutFinalizers: uids whose finalizer is gone move into the counters. */
function cleanUncounted(status: any, withFinalizer: Set<string>): void {
  const unc = status.uncountedTerminatedPods;
  const s = (unc.succeeded ?? []).filter((u: string) => withFinalizer.has(u));
  if (s.length !== (unc.succeeded ?? []).length) {
    status.succeeded = (status.succeeded ?? 0) + (unc.succeeded.length - s.length);
    unc.succeeded = s;
  }
  const f = (unc.failed ?? []).filter((u: string) => withFinalizer.has(u));
  if (f.length !== (unc.failed ?? []).length) {
    status.failed = (status.failed ?? 0) + (unc.failed.length - f.length);
    unc.failed = f;
  }
}

function tidyUncounted(status: any): void {
  const unc = (status.uncountedTerminatedPods ??= {});
  if (!unc.succeeded?.length) delete unc.succeeded;
  if (!unc.failed?.length) delete unc.failed;
}

/** pastBackoffLimitOnFailure: with restartPolicy OnFailure, container restarts count against the limit. */
function pastBackoffLimitOnFailure(job: Obj, pods: Obj[], backoffLimit: number): boolean {
  if (job.spec?.template?.spec?.restartPolicy !== 'OnFailure') return false;
  let restarts = 0;
  for (const p of pods) {
    if (p.status?.phase !== 'Running' && p.status?.phase !== 'Pending') continue;
    for (const cs of [...(p.status?.initContainerStatuses ?? []), ...(p.status?.containerStatuses ?? [])]) restarts += cs.restartCount ?? 0;
  }
  return backoffLimit === 0 ? restarts > 0 : restarts >= backoffLimit;
}

function remainingBackoff(rec: BackoffRecord, nowMs: number): number {
  if (rec.failuresAfterLastSuccess === 0 || rec.lastFailureTime === undefined) return 0;
  let d = DEFAULT_POD_FAILURE_BACKOFF_MS;
  for (let i = 1; i <= rec.failuresAfterLastSuccess - 1; i++) {
    d *= 2;
    if (d >= MAX_POD_FAILURE_BACKOFF_MS) {
      d = MAX_POD_FAILURE_BACKOFF_MS;
      break;
    }
  }
  const elapsed = nowMs - rec.lastFailureTime;
  return d < elapsed ? 0 : d - elapsed;
}

/** activePodsForRemoval (simplified ranking): unscheduled, then pending, then not ready, newest first. */
function activePodsForRemoval(pods: Obj[], n: number): Obj[] {
  const rank = (p: Obj) => (p.spec?.nodeName ? 1 : 0) * 4 + (p.status?.phase === 'Running' ? 2 : 0) + (isPodReady(p) ? 1 : 0);
  return [...pods]
    .sort((a, b) => rank(a) - rank(b) || (b.metadata.creationTimestamp ?? '').localeCompare(a.metadata.creationTimestamp ?? ''))
    .slice(0, n);
}
