/**
 * Deployment controller (pkg/controller/deployment): the sync loop of sync.go with the rolling
 * (rolling.go), recreate (recreate.go) and progress (progress.go) strategies in sibling files.
 * One sync does at most one scaling action; it is re-run on every Deployment, ReplicaSet and
 * owned-pod deletion, and on the progress-deadline timer.
 */
import { isoTime } from '../clock.js';
import { matchesSelector } from '../labels.js';
import { R } from '../resources.js';
import { controllerOf, keyOf, splitKey, type SimContext } from '../runtime.js';
import type { Obj, StoreEvent } from '../store.js';
import { HASH_LABEL, computeHash, equalIgnoreHash } from './hash.js';
import { controllerRef } from './replicaset.js';
import type { PodIndex } from './podUtil.js';
import type { DeploymentSyncer } from './deploymentSyncer.js';
import {
  REVISION,
  Reasons,
  byCreation,
  byRevision,
  bySizeNewer,
  bySizeOlder,
  calculateStatus,
  deploySpec,
  filterActive,
  findActiveOrLatest,
  getCondition,
  hasProgressDeadline,
  isSaturated,
  maxRevision,
  maxSurge,
  newCondition,
  newRSNewReplicas,
  replicaCount,
  replicaSetProportion,
  replicasAnnotationsNeedUpdate,
  rsSpecReplicas,
  setCondition,
  setNewReplicaSetAnnotations,
  setReplicasAnnotations,
} from './deploymentUtil.js';
import { rolloutRolling } from './deploymentRolling.js';
import { rolloutRecreate } from './deploymentRecreate.js';
import { syncRolloutStatus } from './deploymentProgress.js';

export const DEPLOYMENT_COMPONENT = 'deployment-controller';

export class DeploymentController implements DeploymentSyncer {
  readonly name = 'deployment';

  constructor(
    readonly ctx: SimContext,
    readonly pods: PodIndex,
  ) {}

  onEvent(ev: StoreEvent, queue: (key: string) => void): void {
    const o = ev.object;
    if (ev.rt === R.deployments) {
      queue(keyOf(o));
      return;
    }
    if (ev.rt === R.replicasets) {
      const ns = o.metadata.namespace!;
      const ref = controllerOf(o);
      const oldRef = ev.old ? controllerOf(ev.old) : undefined;
      if (ref?.kind === 'Deployment') queue(`${ns}/${ref.name}`);
      if (oldRef?.kind === 'Deployment' && oldRef.uid !== ref?.uid) queue(`${ns}/${oldRef.name}`);
      if (!ref && ev.type !== 'DELETED') {
        for (const d of this.ctx.store.scan(R.deployments, ns)) if (matchesSelector(d.spec?.selector, o.metadata.labels)) queue(keyOf(d));
      }
      return;
    }
    if (ev.rt === R.pods && ev.type === 'DELETED') {
      // Recreate waits for old pods to be gone.
      const ref = controllerOf(o);
      if (ref?.kind !== 'ReplicaSet') return;
      const rs = this.ctx.store.get(R.replicasets, o.metadata.namespace, ref.name);
      const dref = rs && controllerOf(rs);
      if (dref?.kind === 'Deployment') queue(`${o.metadata.namespace}/${dref.name}`);
    }
  }

  now(): string {
    return isoTime(this.ctx.clock);
  }

  sync(key: string): void {
    const [ns, name] = splitKey(key);
    const { store, recorder } = this.ctx;
    const found = store.get(R.deployments, ns, name);
    if (!found) return;
    let d = found;
    const sel = d.spec?.selector;
    if (!sel || (Object.keys(sel.matchLabels ?? {}).length === 0 && (sel.matchExpressions ?? []).length === 0)) {
      recorder.warning(DEPLOYMENT_COMPONENT, d, 'SelectingAll', 'This deployment is selecting all pods. A non-empty selector is required.');
      if ((d.status?.observedGeneration ?? 0) < (d.metadata.generation ?? 0)) {
        store.update(R.deployments, { ...d, status: { ...(d.status ?? {}), observedGeneration: d.metadata.generation } }, { subresource: 'status' });
      }
      return;
    }
    const rsList = this.getReplicaSetsForDeployment(d);
    if (d.metadata.deletionTimestamp) {
      return this.syncStatusOnly(d, rsList);
    }
    d = this.checkPausedConditions(d);
    if (deploySpec(d).paused) return this.syncScale(d, rsList);
    if (this.isScalingEvent(d, rsList)) return this.syncScale(store.get(R.deployments, ns, name)!, this.getReplicaSetsForDeployment(d));
    d = store.get(R.deployments, ns, name)!;
    if (deploySpec(d).strategy === 'Recreate') return rolloutRecreate(this, d, rsList);
    return rolloutRolling(this, d, rsList);
  }

  /** getReplicaSetsForDeployment: owned RSs that match, plus adopted orphans; releases non-matching ones. */
  getReplicaSetsForDeployment(d: Obj): Obj[] {
    const { store } = this.ctx;
    const uid = d.metadata.uid!;
    const out: Obj[] = [];
    for (const rs of store.scan(R.replicasets, d.metadata.namespace)) {
      const ref = controllerOf(rs);
      const matches = matchesSelector(d.spec.selector, rs.metadata.labels);
      if (ref?.uid === uid) {
        if (matches || d.metadata.deletionTimestamp) out.push(structuredClone(rs));
        else {
          store.mutate(R.replicasets, rs.metadata.namespace, rs.metadata.name!, (o) => {
            o.metadata.ownerReferences = (o.metadata.ownerReferences ?? []).filter((r) => r.uid !== uid);
            if (!o.metadata.ownerReferences!.length) delete o.metadata.ownerReferences;
          });
        }
      } else if (!ref && matches && !rs.metadata.deletionTimestamp && !d.metadata.deletionTimestamp) {
        out.push(
          store.mutate(R.replicasets, rs.metadata.namespace, rs.metadata.name!, (o) => {
            o.metadata.ownerReferences = [...(o.metadata.ownerReferences ?? []), controllerRef(d)];
          }),
        );
      }
    }
    return out;
  }

  /** Old RSs (every RS that is not the new one) and the new RS if the template matches one. */
  findNewAndOld(d: Obj, rsList: Obj[]): { newRS?: Obj; oldRSs: Obj[] } {
    const sorted = [...rsList].sort(byCreation);
    const newRS = sorted.find((rs) => equalIgnoreHash(rs.spec?.template, d.spec?.template));
    return { newRS, oldRSs: sorted.filter((rs) => rs !== newRS) };
  }

  /** getAllReplicaSetsAndSyncRevision. Throws on a create error or a hash collision (the key is retried). */
  getAllReplicaSetsAndSyncRevision(d: Obj, rsList: Obj[], createIfNotExisted: boolean): { d: Obj; newRS?: Obj; oldRSs: Obj[] } {
    const { oldRSs } = this.findNewAndOld(d, rsList);
    const r = this.getNewReplicaSet(d, rsList, oldRSs, createIfNotExisted);
    return { d: r.d, newRS: r.newRS, oldRSs };
  }

  /** Writes the Deployment's revision annotation (metadata) and status, returning the stored object. */
  private writeDeployment(d: Obj, annotations: boolean, status: boolean): Obj {
    const { store } = this.ctx;
    let cur = d;
    if (annotations) {
      cur = store.mutate(R.deployments, d.metadata.namespace, d.metadata.name!, (o) => {
        o.metadata.annotations = { ...(o.metadata.annotations ?? {}), [REVISION]: d.metadata.annotations![REVISION] };
      });
    }
    if (status) cur = store.update(R.deployments, { ...cur, status: d.status }, { subresource: 'status' });
    return cur;
  }

  private getNewReplicaSet(d0: Obj, rsList: Obj[], oldRSs: Obj[], createIfNotExisted: boolean): { d: Obj; newRS?: Obj } {
    const { store, recorder } = this.ctx;
    let d = structuredClone(d0);
    const existing = this.findNewAndOld(d, rsList).newRS;
    const newRevision = String(maxRevision(oldRSs) + 1);
    const setRevision = (rev: string): boolean => {
      d.metadata.annotations ??= {};
      if (d.metadata.annotations[REVISION] === rev) return false;
      d.metadata.annotations[REVISION] = rev;
      return true;
    };
    if (existing) {
      const rsCopy = structuredClone(existing);
      const annotationsUpdated = setNewReplicaSetAnnotations(d, rsCopy, newRevision, true);
      const minReady = deploySpec(d).minReadySeconds;
      if (annotationsUpdated || (rsCopy.spec?.minReadySeconds ?? 0) !== minReady) {
        rsCopy.spec.minReadySeconds = minReady;
        delete rsCopy.metadata.resourceVersion;
        const updated = store.update(R.replicasets, rsCopy);
        return { d, newRS: updated };
      }
      const annotationChanged = setRevision(rsCopy.metadata.annotations?.[REVISION] ?? '');
      let statusChanged = false;
      if (hasProgressDeadline(d) && !getCondition(d.status, 'Progressing')) {
        d.status ??= {};
        setCondition(d.status, newCondition('Progressing', 'True', Reasons.FoundNewRS, `Found new replica set "${rsCopy.metadata.name}"`, this.now()));
        statusChanged = true;
      }
      if (annotationChanged || statusChanged) d = this.writeDeployment(d, annotationChanged, statusChanged);
      return { d, newRS: rsCopy };
    }
    if (!createIfNotExisted) return { d };

    const template = structuredClone(d.spec.template ?? {});
    const collisionCount = d.status?.collisionCount;
    const hash = computeHash(d.spec.template, collisionCount);
    template.metadata ??= {};
    template.metadata.labels = { ...(template.metadata.labels ?? {}), [HASH_LABEL]: hash };
    const selector = structuredClone(d.spec.selector);
    selector.matchLabels = { ...(selector.matchLabels ?? {}), [HASH_LABEL]: hash };
    const newRS: Obj = {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: {
        name: `${d.metadata.name}-${hash}`,
        namespace: d.metadata.namespace,
        ownerReferences: [controllerRef(d)],
        labels: { ...template.metadata.labels },
      },
      spec: { replicas: 0, minReadySeconds: deploySpec(d).minReadySeconds, selector, template },
    };
    const count = newRSNewReplicas(d, [...oldRSs, newRS], newRS);
    newRS.spec.replicas = count;
    setNewReplicaSetAnnotations(d, newRS, newRevision, false);
    let created: Obj;
    let alreadyExists = false;
    try {
      created = store.create(R.replicasets, newRS);
    } catch (err) {
      const e = err as { code?: number; reason?: string; message: string };
      if (e.reason === 'AlreadyExists') {
        const rs = store.get(R.replicasets, d.metadata.namespace, newRS.metadata.name!);
        if (rs && controllerOf(rs)?.uid === d.metadata.uid && equalIgnoreHash(d.spec.template, rs.spec?.template)) {
          created = rs;
          alreadyExists = true;
        } else {
          d.status ??= {};
          d.status.collisionCount = (d.status.collisionCount ?? 0) + 1;
          store.update(R.deployments, { ...d0, status: d.status }, { subresource: 'status' });
          throw err;
        }
      } else {
        if (/being terminated/.test(e.message)) throw err;
        const msg = `Failed to create new replica set "${newRS.metadata.name}": ${e.message}`;
        if (hasProgressDeadline(d)) {
          d.status ??= {};
          setCondition(d.status, newCondition('Progressing', 'False', Reasons.FailedRSCreate, msg, this.now()));
          try {
            store.update(R.deployments, { ...d0, status: d.status }, { subresource: 'status' });
          } catch {
            /* reported below */
          }
        }
        recorder.warning(DEPLOYMENT_COMPONENT, d, Reasons.FailedRSCreate, msg);
        throw err;
      }
    }
    if (!alreadyExists && count > 0) {
      recorder.normal(DEPLOYMENT_COMPONENT, d, 'ScalingReplicaSet', `Scaled up replica set ${created.metadata.name} from 0 to ${count}`);
    }
    const annotationChanged = setRevision(newRevision);
    let statusChanged = false;
    if (!alreadyExists && hasProgressDeadline(d)) {
      d.status ??= {};
      setCondition(d.status, newCondition('Progressing', 'True', Reasons.NewReplicaSet, `Created new replica set "${created.metadata.name}"`, this.now()));
      statusChanged = true;
    }
    if (annotationChanged || statusChanged) d = this.writeDeployment(d, annotationChanged, statusChanged);
    return { d, newRS: created };
  }

  /** scaleReplicaSetAndRecordEvent. Returns [scaled, rs]. */
  scaleReplicaSetAndRecordEvent(rs: Obj, newScale: number, d: Obj): [boolean, Obj] {
    if (rsSpecReplicas(rs) === newScale) return [false, rs];
    return this.scaleReplicaSet(rs, newScale, d, rsSpecReplicas(rs) < newScale ? 'up' : 'down');
  }

  scaleReplicaSet(rs: Obj, newScale: number, d: Obj, op: string): [boolean, Obj] {
    const sizeNeedsUpdate = rsSpecReplicas(rs) !== newScale;
    const replicas = deploySpec(d).replicas;
    const max = replicas + maxSurge(d);
    if (!sizeNeedsUpdate && !replicasAnnotationsNeedUpdate(rs, replicas, max)) return [false, rs];
    const oldScale = rsSpecReplicas(rs);
    const copy = structuredClone(rs);
    copy.spec.replicas = newScale;
    setReplicasAnnotations(copy, replicas, max);
    const updated = this.ctx.store.update(R.replicasets, copy);
    if (sizeNeedsUpdate) {
      this.ctx.recorder.normal(DEPLOYMENT_COMPONENT, d, 'ScalingReplicaSet', `Scaled ${op} replica set ${rs.metadata.name} from ${oldScale} to ${newScale}`);
    }
    return [sizeNeedsUpdate, updated];
  }

  /** isScalingEvent: an active RS's desired-replicas annotation differs from spec.replicas. */
  private isScalingEvent(d: Obj, rsList: Obj[]): boolean {
    const r = this.getAllReplicaSetsAndSyncRevision(d, rsList, false);
    const replicas = deploySpec(d).replicas;
    for (const rs of filterActive([...r.oldRSs, r.newRS])) {
      const v = rs.metadata.annotations?.['deployment.kubernetes.io/desired-replicas'];
      if (v === undefined || !/^-?\d+$/.test(v)) continue;
      if (Number(v) !== replicas) return true;
    }
    return false;
  }

  /** checkPausedConditions: Progressing Unknown DeploymentPaused / DeploymentResumed. */
  private checkPausedConditions(d: Obj): Obj {
    if (!hasProgressDeadline(d)) return d;
    const cond = getCondition(d.status, 'Progressing');
    if (cond?.reason === Reasons.TimedOut) return d;
    const pausedExists = cond?.reason === Reasons.Paused;
    const paused = deploySpec(d).paused;
    let c;
    if (paused && !pausedExists) c = newCondition('Progressing', 'Unknown', Reasons.Paused, 'Deployment is paused', this.now());
    else if (!paused && pausedExists) c = newCondition('Progressing', 'Unknown', Reasons.Resumed, 'Deployment is resumed', this.now());
    if (!c) return d;
    const status = structuredClone(d.status ?? {});
    setCondition(status, c);
    return this.ctx.store.update(R.deployments, { ...d, status }, { subresource: 'status' });
  }

  /** sync(): scaling events and paused Deployments. */
  private syncScale(d0: Obj, rsList: Obj[]): void {
    const r = this.getAllReplicaSetsAndSyncRevision(d0, rsList, false);
    const d = r.d;
    this.scale(d, r.newRS, r.oldRSs);
    const fresh = this.getReplicaSetsForDeployment(d);
    const { newRS, oldRSs } = this.findNewAndOld(d, fresh);
    if (deploySpec(d).paused) this.cleanupDeployment(oldRSs, d);
    this.syncDeploymentStatus([...oldRSs, newRS], newRS, this.ctx.store.get(R.deployments, d.metadata.namespace, d.metadata.name!) ?? d);
  }

  /** scale(): proportional scaling (sync.go). */
  private scale(d: Obj, newRS: Obj | undefined, oldRSs: Obj[]): void {
    const replicas = deploySpec(d).replicas;
    const activeOrLatest = findActiveOrLatest(newRS, oldRSs);
    if (activeOrLatest) {
      if (rsSpecReplicas(activeOrLatest) === replicas) return;
      this.scaleReplicaSetAndRecordEvent(activeOrLatest, replicas, d);
      return;
    }
    if (isSaturated(d, newRS)) {
      for (const old of filterActive(oldRSs)) this.scaleReplicaSetAndRecordEvent(old, 0, d);
      return;
    }
    if (deploySpec(d).strategy !== 'RollingUpdate') return;
    const all = filterActive([...oldRSs, newRS]);
    const allReplicas = replicaCount(all);
    const allowed = replicas > 0 ? replicas + maxSurge(d) : 0;
    const toAdd = allowed - allReplicas;
    let op = '';
    if (toAdd > 0) {
      all.sort(bySizeNewer);
      op = 'up';
    } else if (toAdd < 0) {
      all.sort(bySizeOlder);
      op = 'down';
    }
    let added = 0;
    const sizes = new Map<string, number>();
    for (const rs of all) {
      if (toAdd !== 0) {
        const p = replicaSetProportion(rs, d, toAdd, added);
        sizes.set(rs.metadata.name!, rsSpecReplicas(rs) + p);
        added += p;
      } else sizes.set(rs.metadata.name!, rsSpecReplicas(rs));
    }
    all.forEach((rs, i) => {
      if (i === 0 && toAdd !== 0) {
        const leftover = toAdd - added;
        sizes.set(rs.metadata.name!, Math.max(0, sizes.get(rs.metadata.name!)! + leftover));
      }
      this.scaleReplicaSet(rs, sizes.get(rs.metadata.name!)!, d, op);
    });
  }

  /** cleanupDeployment: delete the oldest fully scaled-down old RSs beyond revisionHistoryLimit. */
  cleanupDeployment(oldRSs: Obj[], d: Obj): void {
    const limit = deploySpec(d).revisionHistoryLimit;
    if (limit === undefined) return;
    const cleanable = oldRSs.filter((rs) => !rs.metadata.deletionTimestamp);
    const diff = cleanable.length - limit;
    if (diff <= 0) return;
    cleanable.sort(byRevision);
    for (let i = 0; i < diff; i++) {
      const rs = cleanable[i];
      if ((rs.status?.replicas ?? 0) !== 0 || rsSpecReplicas(rs) !== 0 || (rs.metadata.generation ?? 0) > (rs.status?.observedGeneration ?? 0) || rs.metadata.deletionTimestamp) continue;
      try {
        this.ctx.store.delete(R.replicasets, rs.metadata.namespace, rs.metadata.name!);
      } catch (err) {
        if ((err as { code?: number }).code !== 404) throw err;
      }
    }
  }

  /** syncDeploymentStatus: calculateStatus, written only when it changed. */
  syncDeploymentStatus(allRSs: (Obj | undefined)[], newRS: Obj | undefined, d: Obj): void {
    const status = calculateStatus(allRSs, newRS, d, this.now());
    if (JSON.stringify(status) === JSON.stringify(d.status ?? {})) return;
    this.ctx.store.update(R.deployments, { ...d, status }, { subresource: 'status' });
  }

  private syncStatusOnly(d: Obj, rsList: Obj[]): void {
    const r = this.getAllReplicaSetsAndSyncRevision(d, rsList, false);
    this.syncDeploymentStatus([...r.oldRSs, r.newRS], r.newRS, r.d);
  }

  /** Re-reads the RSs after a scaling step, for the status. */
  refresh(d: Obj): { d: Obj; newRS?: Obj; oldRSs: Obj[] } {
    const cur = this.ctx.store.get(R.deployments, d.metadata.namespace, d.metadata.name!) ?? d;
    const list = this.getReplicaSetsForDeployment(cur);
    return { d: cur, ...this.findNewAndOld(cur, list) };
  }

  syncRolloutStatus(d: Obj): void {
    const r = this.refresh(d);
    syncRolloutStatus(this, [...r.oldRSs, r.newRS], r.newRS, r.d);
  }
}
