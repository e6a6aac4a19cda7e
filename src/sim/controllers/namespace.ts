/**
 * The namespace controller (`pkg/controller/namespace`): a namespace with a deletionTimestamp gets
 * `status.phase: Terminating` and its conditions, every object in it is deleted, and once nothing is
 * left the `kubernetes` finalizer is removed from spec.finalizers, which lets the store drop it.
 */
import type { Controller, SimContext } from '../runtime.js';
import { RESOURCES, R } from '../resources.js';
import type { Obj, StoreEvent } from '../store.js';
import { isoTime } from '../clock.js';
import { canonical, isNotFound, sameKind } from './ctrlutil.js';

const FINALIZER = 'kubernetes';
/** Re-check interval while content is still going away (pods in their grace period). */
const RECHECK_MS = 1000;

export class NamespaceController implements Controller {
  readonly name = 'namespace-controller';
  private readonly terminating = new Set<string>();

  constructor(private readonly ctx: SimContext) {}

  onEvent(ev: StoreEvent, queue: (key: string) => void): void {
    if (sameKind(ev.rt, R.namespaces)) {
      if (ev.type !== 'DELETED' && ev.object.metadata.deletionTimestamp) {
        this.terminating.add(ev.object.metadata.name!);
        queue(ev.object.metadata.name!);
      } else this.terminating.delete(ev.object.metadata.name!);
      return;
    }
    // Content of a terminating namespace went away: check again.
    if (ev.type === 'DELETED' && ev.rt.namespaced && this.terminating.has(ev.object.metadata.namespace ?? '')) queue(ev.object.metadata.namespace!);
  }

  sync(name: string): void {
    const { store, clock } = this.ctx;
    const ns = store.get(R.namespaces, undefined, name);
    if (!ns || !ns.metadata.deletionTimestamp) return;
    const now = isoTime(clock);

    // 1. Phase Terminating.
    let remaining = 0;
    const kinds = new Map<string, number>();
    const finalizersLeft = new Map<string, number>();
    for (const rt of RESOURCES) {
      if (!rt.namespaced || rt.createOnly || (rt.resource === 'events' && rt.group !== '')) continue;
      for (const o of store.list(rt, name)) {
        remaining++;
        const kind = rt.resource + (rt.group ? '.' + rt.group : '');
        kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
        for (const f of o.metadata.finalizers ?? []) finalizersLeft.set(f, (finalizersLeft.get(f) ?? 0) + 1);
        if (!o.metadata.deletionTimestamp || rt === R.pods) {
          try {
            store.delete(rt, name, o.metadata.name!, { propagationPolicy: 'Background' });
          } catch (err) {
            if (!isNotFound(err)) throw err;
          }
        }
      }
    }
    this.writeStatus(ns, remaining, kinds, finalizersLeft, now);

    // 2. Everything gone: finalize (remove `kubernetes` from spec.finalizers).
    const left = RESOURCES.some((rt) => rt.namespaced && !rt.createOnly && store.list(rt, name).length > 0);
    if (left) {
      this.ctx.controllers.enqueueAfter(this, name, RECHECK_MS);
      return;
    }
    const fresh = store.get(R.namespaces, undefined, name);
    if (!fresh) return;
    if ((fresh.spec?.finalizers ?? []).includes(FINALIZER)) {
      fresh.spec.finalizers = fresh.spec.finalizers.filter((f: string) => f !== FINALIZER);
      delete fresh.metadata.resourceVersion;
      store.update(R.namespaces, fresh);
    }
  }

  private writeStatus(ns: Obj, remaining: number, kinds: Map<string, number>, finalizers: Map<string, number>, now: string): void {
    const conditions = [
      cond('NamespaceDeletionDiscoveryFailure', 'False', 'ResourcesDiscovered', 'All resources successfully discovered', now),
      cond('NamespaceDeletionGroupVersionParsingFailure', 'False', 'ParsedGroupVersions', 'All legacy kube types successfully parsed', now),
      cond('NamespaceDeletionContentFailure', 'False', 'ContentDeleted', 'All content successfully deleted, may be waiting on finalization', now),
      remaining > 0
        ? cond('NamespaceContentRemaining', 'True', 'SomeResourcesRemain', `Some resources are remaining: ${[...kinds].map(([k, n]) => `${k} has ${n} resource instances`).join(', ')}`, now)
        : cond('NamespaceContentRemaining', 'False', 'ContentRemoved', 'All content successfully removed', now),
      finalizers.size > 0
        ? cond('NamespaceFinalizersRemaining', 'True', 'SomeFinalizersRemain', `Some content in the namespace has finalizers remaining: ${[...finalizers].map(([f, n]) => `${f} in ${n} resource instances`).join(', ')}`, now)
        : cond('NamespaceFinalizersRemaining', 'False', 'ContentHasNoFinalizers', 'All content-preserving finalizers finished', now),
    ];
    const prev: any[] = ns.status?.conditions ?? [];
    // Keep lastTransitionTime for conditions whose status did not change.
    for (const c of conditions) {
      const p = prev.find((x) => x.type === c.type);
      if (p && p.status === c.status) c.lastTransitionTime = p.lastTransitionTime;
    }
    const status = { ...(ns.status ?? {}), phase: 'Terminating', conditions };
    if (canonical(status) === canonical(ns.status ?? {})) return;
    try {
      this.ctx.store.mutate(R.namespaces, undefined, ns.metadata.name!, (o) => (o.status = status), { subresource: 'status' });
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }
}

function cond(type: string, status: string, reason: string, message: string, now: string) {
  return { type, status, lastTransitionTime: now, reason, message };
}
