/**
 * Structural equality for Kubernetes JSON, tolerant of the two shapes objects arrive in: keys set to
 * undefined count as absent, and Dates compare equal to their ISO string.
 */
export function jsonEqual(a: unknown, b: unknown): boolean {
  const x = a instanceof Date ? a.toISOString() : a;
  const y = b instanceof Date ? b.toISOString() : b;
  if (x === y) return true;
  if (typeof x !== 'object' || typeof y !== 'object' || x === null || y === null) return false;
  if (Array.isArray(x) !== Array.isArray(y)) return false;
  if (Array.isArray(x) && Array.isArray(y)) {
    return x.length === y.length && x.every((item, i) => jsonEqual(item, y[i]));
  }
  const xo = x as Record<string, unknown>;
  const yo = y as Record<string, unknown>;
  const keys = new Set([...Object.keys(xo), ...Object.keys(yo)]);
  for (const key of keys) {
    if (!jsonEqual(xo[key], yo[key])) return false;
  }
  return true;
}
