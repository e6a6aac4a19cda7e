/** Small helpers the per-kind derive modules share. */
export const nsOf = (o: { metadata?: { namespace?: string } }) => o.metadata?.namespace ?? '';
export const nameOf = (o: { metadata?: { name?: string } }) => o.metadata?.name ?? '';
export const uidOf = (o: { metadata?: { uid?: string } }) => o.metadata?.uid ?? '';

export function groupBy<T, K>(items: Iterable<T>, key: (t: T) => K): Map<K, T[]> {
  const out = new Map<K, T[]>();
  for (const item of items) {
    const k = key(item);
    let list = out.get(k);
    if (!list) out.set(k, (list = []));
    list.push(item);
  }
  return out;
}

/** Same length and the same object at every position: informers replace objects on change, never mutate them. */
export function sameInputs(a: readonly unknown[] | undefined, b: readonly unknown[]): boolean {
  if (!a || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** What differs between two arrays of one informer map: keys removed, keys added, objects replaced. */
export interface Diff<T> {
  removed: T[];
  added: T[];
  /** [was, now] for a key whose object changed. */
  replaced: [T, T][];
}

/**
 * One walk over two arrays made from one informer map, which keeps a key where it first came (a
 * change replaces the object in place, a new key goes last). In any other order the walk still
 * finds every change, as more removals and additions.
 */
export function diffByKey<T>(before: readonly T[], after: readonly T[], keyOf: (x: T) => string): Diff<T> {
  const diff: Diff<T> = { removed: [], added: [], replaced: [] };
  let j = 0;
  for (const was of before) {
    const now = after[j];
    if (was === now) j++;
    else if (now !== undefined && keyOf(was) === keyOf(now)) {
      j++;
      diff.replaced.push([was, now]);
    } else diff.removed.push(was);
  }
  for (; j < after.length; j++) diff.added.push(after[j]);
  return diff;
}

export const byNsName = (a: { namespace: string; name: string }, b: { namespace: string; name: string }) =>
  a.namespace.localeCompare(b.namespace) || a.name.localeCompare(b.name);
