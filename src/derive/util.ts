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

export const byNsName = (a: { namespace: string; name: string }, b: { namespace: string; name: string }) =>
  a.namespace.localeCompare(b.namespace) || a.name.localeCompare(b.name);
