/**
 * pod-template-hash: FNV-32a over a stable JSON dump of the pod template (plus collisionCount),
 * its decimal string mapped into the name alphabet, as controller.ComputeHash + rand.SafeEncodeString.
 * Upstream hashes Go's object dump, so values differ from a real cluster; the shape is the same.
 */
import type { Obj } from '../store.js';

export const HASH_LABEL = 'pod-template-hash';
export const SAFE_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

/** JSON with object keys sorted; undefined members dropped. */
export function stableStringify(v: unknown): string {
  if (v === undefined) return 'null';
  if (v === null || typeof v !== 'object') return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map((x) => (x === undefined ? 'null' : stableStringify(x))).join(',')}]`;
  const o = v as Record<string, unknown>;
  const keys = Object.keys(o)
    .filter((k) => o[k] !== undefined)
    .sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${stableStringify(o[k])}`).join(',')}}`;
}

export function fnv32a(bytes: Uint8Array, seed = 0x811c9dc5): number {
  let h = seed >>> 0;
  for (const b of bytes) {
    h ^= b;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** rand.SafeEncodeString: every character maps to SAFE_ALPHABET[charCode % 27]. */
export function safeEncodeString(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) out += SAFE_ALPHABET[s.charCodeAt(i) % SAFE_ALPHABET.length];
  return out;
}

/** controller.ComputeHash(template, collisionCount). */
export function computeHash(template: unknown, collisionCount?: number | null): string {
  const enc = new TextEncoder();
  let h = fnv32a(enc.encode(stableStringify(template)));
  if (collisionCount !== undefined && collisionCount !== null) {
    const b = new Uint8Array(4);
    new DataView(b.buffer).setUint32(0, collisionCount >>> 0, true);
    h = fnv32a(b, h);
  }
  return safeEncodeString(String(h));
}

/** A template with pod-template-hash removed and nil/empty maps and slices made equal (Semantic.DeepEqual). */
function normalizeTemplate(t: any): unknown {
  const c = structuredClone(t ?? {});
  if (c.metadata?.labels) {
    delete c.metadata.labels[HASH_LABEL];
  }
  return prune(c);
}

function prune(v: any): any {
  if (Array.isArray(v)) {
    const a = v.map(prune);
    return a.length ? a : undefined;
  }
  if (v && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) {
      const p = prune(x);
      if (p !== undefined && p !== null) out[k] = p;
    }
    // Maps such as labels/annotations/nodeSelector: empty equals absent.
    return Object.keys(out).length ? out : MAP_LIKE_EMPTY;
  }
  return v;
}
const MAP_LIKE_EMPTY = undefined;

/** deploymentutil.EqualIgnoreHash: templates equal once pod-template-hash is ignored. */
export function equalIgnoreHash(a: unknown, b: unknown): boolean {
  return stableStringify(normalizeTemplate(a)) === stableStringify(normalizeTemplate(b));
}

export const templateOf = (o: Obj): any => o.spec?.template ?? {};
