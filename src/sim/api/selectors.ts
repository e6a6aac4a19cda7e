/** `?labelSelector=` and `?fieldSelector=` for lists and watches. */
import { ApiError } from '../errors.js';
import { matchesRequirements, parseLabelSelector, type Requirement } from '../labels.js';
import type { Obj } from '../store.js';

export interface FieldRequirement {
  path: string[];
  op: '=' | '!=';
  value: string;
}

export function parseFieldSelector(text: string): FieldRequirement[] {
  const out: FieldRequirement[] = [];
  for (const raw of text.split(',')) {
    const part = raw.trim();
    if (!part) continue;
    const m = part.match(/^([^=!]+?)\s*(==|=|!=)\s*(.*)$/);
    if (!m) throw new ApiError(400, 'BadRequest', `invalid field selector: ${part}`);
    out.push({ path: m[1].trim().split('.'), op: m[2] === '!=' ? '!=' : '=', value: m[3].trim() });
  }
  return out;
}

function fieldValue(o: Obj, path: string[]): string {
  let v: any = o;
  for (const p of path) {
    if (v == null || typeof v !== 'object') return '';
    v = v[p];
  }
  if (v == null) return '';
  return typeof v === 'object' ? JSON.stringify(v) : String(v);
}

export interface Filter {
  namespace?: string;
  labels: Requirement[];
  fields: FieldRequirement[];
  /** True when nothing but the namespace restricts. */
  trivial: boolean;
}

export function makeFilter(namespace: string | undefined, q: URLSearchParams): Filter {
  let labels: Requirement[] = [];
  let fields: FieldRequirement[] = [];
  const ls = q.get('labelSelector');
  if (ls) {
    try {
      labels = parseLabelSelector(ls);
    } catch (err) {
      throw new ApiError(400, 'BadRequest', `unable to parse requirement: ${(err as Error).message}`);
    }
  }
  const fs = q.get('fieldSelector');
  if (fs) fields = parseFieldSelector(fs);
  return { namespace, labels, fields, trivial: labels.length === 0 && fields.length === 0 };
}

export function matches(f: Filter, o: Obj): boolean {
  if (f.namespace !== undefined && o.metadata.namespace !== f.namespace) return false;
  if (f.trivial) return true;
  if (f.labels.length && !matchesRequirements(f.labels, o.metadata.labels)) return false;
  for (const r of f.fields) {
    const v = fieldValue(o, r.path);
    if (r.op === '=' ? v !== r.value : v === r.value) return false;
  }
  return true;
}
