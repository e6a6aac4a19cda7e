/**
 * PATCH bodies: JSON Patch (RFC 6902), JSON Merge Patch (RFC 7386), strategic merge patch (the
 * directives kubectl sends: patchMergeKey lists, `$patch`, `$setElementOrder`, `$retainKeys`,
 * `$deleteFromPrimitiveList`) and a simple server-side apply.
 */
import { ApiError } from '../errors.js';

type Json = any;

const isObj = (v: unknown): v is Record<string, Json> => v !== null && typeof v === 'object' && !Array.isArray(v);
const clone = <T>(v: T): T => (v === undefined ? v : structuredClone(v));

// ---------- JSON Patch ----------

function unescape(t: string): string {
  return t.replace(/~1/g, '/').replace(/~0/g, '~');
}

function pointer(path: string): string[] {
  if (path === '') return [];
  if (!path.startsWith('/')) throw new ApiError(422, 'Invalid', `the server rejected our request due to an error in our request`);
  return path.slice(1).split('/').map(unescape);
}

function resolveParent(doc: Json, tokens: string[], op: string, path: string): { parent: Json; key: string } {
  let cur = doc;
  for (const t of tokens.slice(0, -1)) {
    if (Array.isArray(cur)) cur = cur[Number(t)];
    else if (isObj(cur)) cur = cur[t];
    else cur = undefined;
    if (cur === undefined || cur === null) throw jsonPatchError(`${op} operation does not apply: doc is missing path: "${path}": missing value`);
  }
  return { parent: cur, key: tokens[tokens.length - 1] };
}

function jsonPatchError(msg: string): ApiError {
  return new ApiError(422, 'Invalid', msg);
}

function getAt(doc: Json, path: string): Json {
  let cur = doc;
  for (const t of pointer(path)) {
    if (Array.isArray(cur)) cur = cur[Number(t)];
    else if (isObj(cur)) cur = cur[t];
    else return undefined;
    if (cur === undefined) return undefined;
  }
  return cur;
}

function arrayIndex(arr: Json[], key: string, forAdd: boolean, op: string, path: string): number {
  if (forAdd && key === '-') return arr.length;
  if (!/^\d+$/.test(key)) throw jsonPatchError(`${op} operation does not apply: doc is missing path: "${path}": invalid index`);
  const i = Number(key);
  if (i > arr.length || (!forAdd && i >= arr.length)) throw jsonPatchError(`${op} operation does not apply: doc is missing path: "${path}": index out of bounds`);
  return i;
}

function removeAt(doc: Json, path: string, op = 'remove'): Json {
  const tokens = pointer(path);
  if (!tokens.length) throw jsonPatchError('cannot remove the root');
  const { parent, key } = resolveParent(doc, tokens, op, path);
  if (Array.isArray(parent)) {
    const i = arrayIndex(parent, key, false, op, path);
    return parent.splice(i, 1)[0];
  }
  if (!isObj(parent) || !(key in parent)) throw jsonPatchError(`${op} operation does not apply: doc is missing path: "${path}": missing value`);
  const v = parent[key];
  delete parent[key];
  return v;
}

function addAt(doc: Json, path: string, value: Json, op = 'add'): Json {
  const tokens = pointer(path);
  if (!tokens.length) return value;
  const { parent, key } = resolveParent(doc, tokens, op, path);
  if (Array.isArray(parent)) parent.splice(arrayIndex(parent, key, true, op, path), 0, value);
  else if (isObj(parent)) parent[key] = value;
  else throw jsonPatchError(`${op} operation does not apply: doc is missing path: "${path}": missing value`);
  return doc;
}

function deepEqual(a: Json, b: Json): boolean {
  if (a === b) return true;
  if (typeof a !== typeof b || a === null || b === null || typeof a !== 'object') return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) return a.length === b.length && a.every((v, i) => deepEqual(v, b[i]));
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  return ka.length === kb.length && ka.every((k) => deepEqual(a[k], b[k]));
}

export function applyJsonPatch(doc: Json, ops: Json): Json {
  if (!Array.isArray(ops)) throw new ApiError(400, 'BadRequest', 'json: cannot unmarshal object into Go value of type jsonpatch.Patch');
  let out = clone(doc);
  for (const op of ops) {
    if (!isObj(op)) throw new ApiError(400, 'BadRequest', 'invalid JSON Patch');
    const path = String(op.path ?? '');
    switch (op.op) {
      case 'add':
        out = addAt(out, path, clone(op.value));
        break;
      case 'remove':
        removeAt(out, path);
        break;
      case 'replace': {
        const tokens = pointer(path);
        if (!tokens.length) {
          out = clone(op.value);
          break;
        }
        const { parent, key } = resolveParent(out, tokens, 'replace', path);
        if (Array.isArray(parent)) parent[arrayIndex(parent, key, false, 'replace', path)] = clone(op.value);
        else if (isObj(parent) && key in parent) parent[key] = clone(op.value);
        else throw jsonPatchError(`replace operation does not apply: doc is missing key: ${path}: missing value`);
        break;
      }
      case 'move': {
        const v = removeAt(out, String(op.from), 'move');
        out = addAt(out, path, v, 'move');
        break;
      }
      case 'copy': {
        const v = getAt(out, String(op.from));
        if (v === undefined) throw jsonPatchError(`copy operation does not apply: doc is missing from path: ${op.from}: missing value`);
        out = addAt(out, path, clone(v), 'copy');
        break;
      }
      case 'test': {
        const v = getAt(out, path);
        if (!deepEqual(v, op.value)) throw jsonPatchError(`testing value ${path} failed: test failed`);
        break;
      }
      default:
        throw new ApiError(422, 'Invalid', `Unexpected kind: ${op.op}`);
    }
  }
  return out;
}

// ---------- JSON Merge Patch ----------

export function applyMergePatch(target: Json, patch: Json): Json {
  if (!isObj(patch)) return clone(patch);
  const out: Record<string, Json> = isObj(target) ? clone(target) : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = applyMergePatch(out[k], v);
  }
  return out;
}

// ---------- Strategic merge patch ----------

/**
 * patchMergeKey of list fields, from the Go struct tags of k8s.io/api. `path` is the list of
 * field names from the object root (array indices dropped).
 */
export function mergeKeyFor(path: string[]): string | 'primitive' | undefined {
  const field = path[path.length - 1];
  const parent = path[path.length - 2];
  switch (field) {
    case 'containers':
    case 'initContainers':
    case 'ephemeralContainers':
    case 'env':
    case 'volumes':
    case 'imagePullSecrets':
    case 'resourceClaims':
    case 'schedulingGates':
      return 'name';
    case 'volumeMounts':
      return 'mountPath';
    case 'volumeDevices':
      return 'devicePath';
    case 'hostAliases':
      return 'ip';
    case 'conditions':
      return 'type';
    case 'ownerReferences':
      return 'uid';
    case 'topologySpreadConstraints':
      return 'topologyKey';
    case 'finalizers':
      return parent === 'metadata' ? 'primitive' : undefined;
    case 'ports':
      // Container ports merge by containerPort; Service ports by port. Endpoints/slices ports are atomic.
      if (parent === 'containers' || parent === 'initContainers' || parent === 'ephemeralContainers') return 'containerPort';
      if (path.length === 2 && parent === 'spec') return 'port';
      return undefined;
    case 'podIPs':
    case 'hostIPs':
      return 'ip';
    case 'containerStatuses':
    case 'initContainerStatuses':
    case 'ephemeralContainerStatuses':
      return undefined;
    default:
      return undefined;
  }
}

function retainKeys(obj: Record<string, Json>, keys: Json): void {
  if (!Array.isArray(keys)) return;
  for (const k of Object.keys(obj)) if (!keys.includes(k)) delete obj[k];
}

function smpObject(original: Json, patch: Record<string, Json>, path: string[]): Json {
  const directive = patch.$patch;
  if (directive === 'delete') return undefined;
  if (directive === 'replace') {
    const { $patch: _p, ...rest } = patch;
    return stripDirectives(rest);
  }
  const out: Record<string, Json> = isObj(original) ? clone(original) : {};
  const orders: Record<string, Json[]> = {};
  for (const [k, v] of Object.entries(patch)) {
    if (k === '$patch' || k === '$retainKeys') continue;
    if (k.startsWith('$setElementOrder/')) {
      orders[k.slice('$setElementOrder/'.length)] = v;
      continue;
    }
    if (k.startsWith('$deleteFromPrimitiveList/')) {
      const field = k.slice('$deleteFromPrimitiveList/'.length);
      if (Array.isArray(out[field]) && Array.isArray(v)) out[field] = out[field].filter((x: Json) => !v.includes(x));
      continue;
    }
    if (v === null) {
      delete out[k];
      continue;
    }
    const childPath = [...path, k];
    if (isObj(v)) {
      const merged = smpObject(out[k], v, childPath);
      if (merged === undefined) delete out[k];
      else out[k] = merged;
    } else if (Array.isArray(v)) {
      out[k] = smpList(out[k], v, childPath);
    } else out[k] = v;
  }
  for (const [field, order] of Object.entries(orders)) {
    if (Array.isArray(out[field]) && Array.isArray(order)) out[field] = reorder(out[field], order, mergeKeyFor([...path, field]));
  }
  if ('$retainKeys' in patch) retainKeys(out, patch.$retainKeys);
  return out;
}

function reorder(list: Json[], order: Json[], key: string | undefined): Json[] {
  const id = (x: Json) => (key && key !== 'primitive' && isObj(x) ? JSON.stringify(x[key]) : JSON.stringify(isObj(x) && key ? x[key] : x));
  const orderIds = order.map((o) => (key && key !== 'primitive' && isObj(o) ? JSON.stringify(o[key]) : JSON.stringify(o)));
  const rank = (x: Json) => {
    const i = orderIds.indexOf(id(x));
    return i < 0 ? Number.MAX_SAFE_INTEGER : i;
  };
  return list
    .map((x, i) => ({ x, i }))
    .sort((a, b) => rank(a.x) - rank(b.x) || a.i - b.i)
    .map((e) => e.x);
}

function stripDirectives(v: Json): Json {
  if (Array.isArray(v)) return v.filter((x) => !(isObj(x) && x.$patch)).map(stripDirectives);
  if (!isObj(v)) return v;
  const out: Record<string, Json> = {};
  for (const [k, x] of Object.entries(v)) if (!k.startsWith('$')) out[k] = stripDirectives(x);
  return out;
}

function smpList(original: Json, patch: Json[], path: string[]): Json[] {
  const key = mergeKeyFor(path);
  if (patch.some((x) => isObj(x) && x.$patch === 'replace')) return stripDirectives(patch.filter((x) => !(isObj(x) && x.$patch === 'replace')));
  if (!key) return stripDirectives(patch);
  const out: Json[] = Array.isArray(original) ? clone(original) : [];
  if (key === 'primitive') {
    for (const x of patch) if (!out.some((y) => deepEqual(x, y))) out.push(x);
    return out;
  }
  for (const item of patch) {
    if (!isObj(item)) {
      out.push(item);
      continue;
    }
    const idx = out.findIndex((x) => isObj(x) && deepEqual(x[key], item[key]));
    if (item.$patch === 'delete') {
      if (idx >= 0) out.splice(idx, 1);
      continue;
    }
    if (idx >= 0) out[idx] = smpObject(out[idx], item, path);
    else out.push(smpObject(undefined, item, path));
  }
  return out;
}

export function applyStrategicMergePatch(original: Json, patch: Json): Json {
  if (!isObj(patch)) throw new ApiError(400, 'BadRequest', 'unable to find api field in struct for the patch');
  return smpObject(original, patch, []) ?? {};
}

/** Server-side apply, simplified: the applied configuration merged strategically over the live object. */
export function applyServerSideApply(original: Json | undefined, applied: Json): Json {
  if (!isObj(applied)) throw new ApiError(400, 'BadRequest', 'error decoding YAML: the applied configuration must be an object');
  return smpObject(original ?? {}, applied, []);
}
