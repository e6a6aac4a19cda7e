/**
 * The JSON values the store holds: deep copies, equality as the apiserver's encoding sees it,
 * and structural sharing. A stored object is deep-frozen, so its subtrees can be shared between
 * objects and between versions of one object: a write copies only what is not frozen yet, and
 * points what it did not change at the previous version's subtrees.
 */

/** A deep copy of a JSON value, several times faster than structuredClone on Kubernetes objects. */
export function cloneJson<T>(v: T): T {
  if (v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) {
    const n = v.length;
    const a = new Array(n);
    for (let i = 0; i < n; i++) a[i] = cloneJson(v[i]);
    return a as T;
  }
  // A spread keeps the object's layout (its fields in the object itself): smaller and faster than adding them one by one.
  const o: Record<string, unknown> = { ...(v as Record<string, unknown>) };
  for (const k in o) {
    const x = o[k];
    if (x !== null && typeof x === 'object') o[k] = cloneJson(x);
  }
  return o as T;
}

/** A deep copy that shares frozen subtrees (nobody can change them) instead of copying them. */
export function copyUnfrozen<T>(v: T): T {
  if (v === null || typeof v !== 'object' || Object.isFrozen(v)) return v;
  if (Array.isArray(v)) {
    const n = v.length;
    const a = new Array(n);
    for (let i = 0; i < n; i++) a[i] = copyUnfrozen(v[i]);
    return a as T;
  }
  const o: Record<string, unknown> = { ...(v as Record<string, unknown>) };
  for (const k in o) {
    const x = o[k];
    if (x !== null && typeof x === 'object' && !Object.isFrozen(x)) o[k] = copyUnfrozen(x);
  }
  return o as T;
}

export function deepFreeze<T>(o: T): T {
  if (o && typeof o === 'object' && !Object.isFrozen(o)) {
    Object.freeze(o);
    for (const k in o) deepFreeze((o as Record<string, unknown>)[k]);
  }
  return o;
}

/**
 * `next`, with every subtree that equals (jsonEqual) the one at the same place in `prev` replaced
 * by prev's, in place; prev itself when the whole value is equal. Frozen parts of `next` are kept.
 */
export function shareUnchanged<T>(next: T, prev: unknown): T {
  if (next === prev || next === null || typeof next !== 'object' || prev === null || typeof prev !== 'object' || Object.isFrozen(next)) return next;
  if (Array.isArray(next)) {
    if (!Array.isArray(prev)) return next;
    let same = next.length === prev.length;
    for (let i = 0; i < next.length; i++) {
      const v = shareUnchanged(next[i], prev[i]);
      next[i] = v;
      if (v !== prev[i]) same = false;
    }
    return same ? (prev as T) : next;
  }
  if (Array.isArray(prev)) return next;
  const n = next as Record<string, unknown>;
  const p = prev as Record<string, unknown>;
  let same = true;
  let keys = 0;
  for (const k in n) {
    const nv = n[k];
    if (nv === undefined) continue;
    keys++;
    const v = shareUnchanged(nv, p[k]);
    if (v !== nv) n[k] = v;
    if (v !== p[k]) same = false;
  }
  if (!same) return next;
  for (const k in p) if (p[k] !== undefined) keys--;
  return keys === 0 ? (prev as T) : next;
}

/**
 * Whether two JSON values are equal as the apiserver's encoding would be: key order and
 * undefined-valued keys do not count, and shared (frozen) subtrees are equal without a walk.
 */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!jsonEqual(a[i], b[i])) return false;
    return true;
  }
  const x = a as Record<string, unknown>;
  const y = b as Record<string, unknown>;
  let keys = 0;
  for (const k in x) {
    if (x[k] === undefined) continue;
    keys++;
    if (!jsonEqual(x[k], y[k])) return false;
  }
  for (const k in y) if (y[k] !== undefined) keys--;
  return keys === 0;
}
