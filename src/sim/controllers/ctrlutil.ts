/** Small helpers shared by the endpoint, job, PDB, GC and namespace controllers (pod predicates live in podUtil). */
import type { ResourceType } from '../resources.js';
import type { Obj, StoreEvent } from '../store.js';

/** Whether two resource types are the same kind (by group and resource, not object identity). */
export const sameKind = (a: ResourceType, b: ResourceType): boolean => a.group === b.group && a.resource === b.resource;

/**
 * Objects of one kind kept per namespace from store events (frozen store objects, not copies).
 * Controllers read it instead of listing the store on every sync.
 */
export class NsIndex {
  private readonly byNs = new Map<string, Map<string, Obj>>();

  apply(ev: StoreEvent): void {
    const o = ev.object;
    const ns = o.metadata.namespace ?? '';
    if (ev.type === 'DELETED') {
      const m = this.byNs.get(ns);
      m?.delete(o.metadata.name!);
      if (m && m.size === 0) this.byNs.delete(ns);
      return;
    }
    let m = this.byNs.get(ns);
    if (!m) this.byNs.set(ns, (m = new Map()));
    m.set(o.metadata.name!, o);
  }

  seed(objects: Iterable<Obj>): void {
    for (const o of objects) this.apply({ type: 'ADDED', object: o } as StoreEvent);
  }

  get(ns: string, name: string): Obj | undefined {
    return this.byNs.get(ns)?.get(name);
  }

  inNamespace(ns: string): Iterable<Obj> {
    return this.byNs.get(ns)?.values() ?? [];
  }

  has(ns: string): boolean {
    return this.byNs.has(ns);
  }

  namespaces(): Iterable<string> {
    return this.byNs.keys();
  }
}

/** JSON with object keys sorted, for content comparisons that must not depend on key order. */
export function canonical(v: unknown): string {
  return JSON.stringify(v, (_k, val) =>
    val && typeof val === 'object' && !Array.isArray(val)
      ? Object.fromEntries(Object.keys(val).sort().map((k) => [k, val[k]]))
      : val,
  );
}

/** Whether two label maps hold the same pairs (absent and empty are the same). */
export function sameLabels(a: Record<string, string> | undefined, b: Record<string, string> | undefined): boolean {
  if (a === b) return true;
  const ka = Object.keys(a ?? {});
  if (ka.length !== Object.keys(b ?? {}).length) return false;
  return ka.every((k) => a![k] === b?.[k]);
}

export const isNotFound = (err: unknown): boolean => (err as { code?: number })?.code === 404;
