import { jsonEqual } from '../model/equality.js';

/** Dotted paths into plain objects (`spec.replicas`, `spec.selector.version`). */
export function getPath(obj: unknown, path: string): unknown {
  let cur: unknown = obj;
  for (const part of path.split('.')) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur;
}

/** Structural equality (key order, Dates vs ISO strings and undefined keys do not matter). */
export function sameValue(a: unknown, b: unknown): boolean {
  return jsonEqual(a, b);
}

export const show = (v: unknown): string => (v === undefined ? '(unset)' : typeof v === 'string' ? v : JSON.stringify(v));

/** A plain JSON copy: no Dates, no undefined keys (objects may come typed from client-node). */
export function plain<T>(v: T): T {
  return v === undefined ? v : (JSON.parse(JSON.stringify(v)) as T);
}
