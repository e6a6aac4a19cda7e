/** create, update, patch, delete and the status/scale subresources. */
import { parse as parseYaml } from 'yaml';
import { ApiError, badRequest, conflict, notFound, alreadyExists, invalid } from '../errors.js';
import { isoTime, type Clock } from '../clock.js';
import { R, apiVersionOf, type ResourceType } from '../resources.js';
import { newUid } from '../uid.js';
import { randomSuffix, type DeleteOptions, type Obj, type Store } from '../store.js';
import { selectorString } from '../labels.js';
import { admitOnly } from './hooks.js';
import { applyJsonPatch, applyMergePatch, applyServerSideApply, applyStrategicMergePatch } from './patch.js';
import { presentAs, toStorage } from './convert.js';
import { selectItems } from './read.js';
import { checkDecodable, checkPatchedDecodable, convertPatchedInt32 } from './int32.js';

export interface WriteResult {
  code: number;
  body: unknown;
}

const isObj = (v: unknown): v is Record<string, any> => v !== null && typeof v === 'object' && !Array.isArray(v);

export function isDryRun(q: URLSearchParams, body?: any): boolean {
  return q.getAll('dryRun').includes('All') || (Array.isArray(body?.dryRun) && body.dryRun.includes('All'));
}

function checkBody(rt: ResourceType, body: unknown): asserts body is Obj {
  if (!isObj(body)) throw badRequest(`the body of the request was in an unknown format - accepted media types include: application/json, application/yaml`);
  if (body.kind !== undefined && body.kind !== rt.kind && !(rt.createOnly && body.kind === rt.kind))
    throw badRequest(`the API version in the data (${body.apiVersion ?? ''}) does not match the expected API version (${apiVersionOf(rt)})`);
  if (body.metadata !== undefined && !isObj(body.metadata)) throw badRequest('metadata must be an object');
}

function checkNamespace(rt: ResourceType, body: Obj, namespace: string | undefined): void {
  body.metadata ??= {};
  if (!rt.namespaced) return;
  if (body.metadata.namespace && namespace && body.metadata.namespace !== namespace)
    throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
  if (namespace) body.metadata.namespace = namespace;
}

export function create(store: Store, rt: ResourceType, namespace: string | undefined, body: unknown, q: URLSearchParams): WriteResult {
  checkBody(rt, body);
  checkDecodable(rt.kind, body.apiVersion ?? apiVersionOf(rt), body);
  checkNamespace(rt, body, namespace);
  const input = toStorage(rt, body);
  if (isDryRun(q)) return { code: 201, body: presentAs(rt, dryRunCreate(store, rt, input)) };
  return { code: 201, body: presentAs(rt, store.create(rt, input)) };
}

/** What store.create would write, without writing: the same checks, defaults and validation. */
function dryRunCreate(store: Store, rt: ResourceType, input: Obj): Obj {
  const obj = structuredClone(input);
  const m = obj.metadata;
  if (rt.namespaced) {
    if (!m.namespace) throw new ApiError(400, 'BadRequest', 'the namespace of the object must be set');
    if (!store.get(R.namespaces, undefined, m.namespace)) throw notFound('namespaces', '', m.namespace);
  } else delete m.namespace;
  if (!m.name && m.generateName) m.name = m.generateName + randomSuffix();
  if (!m.name) throw invalid(rt.kind, rt.group, '', [{ field: 'metadata.name', reason: 'FieldValueRequired', message: 'Required value: name or generateName is required' }]);
  if (store.get(rt, m.namespace, m.name)) throw alreadyExists(rt.resource, rt.group, m.name);
  obj.apiVersion = apiVersionOf(rt);
  obj.kind = rt.kind;
  m.uid = newUid();
  m.creationTimestamp = isoTime(store.clock);
  delete m.resourceVersion;
  if (rt.generation) m.generation = 1;
  admitOnly(store, rt, obj, undefined);
  return obj;
}

function dryRunUpdate(store: Store, rt: ResourceType, input: Obj, subresource?: 'status'): Obj {
  const current = store.mustGet(rt, input.metadata.namespace, input.metadata.name!);
  if (input.metadata.resourceVersion && input.metadata.resourceVersion !== current.metadata.resourceVersion)
    throw conflict(rt.resource, rt.group, input.metadata.name!);
  let obj: Obj;
  if (subresource === 'status') {
    obj = structuredClone(current);
    obj.status = structuredClone(input.status);
  } else {
    obj = structuredClone(input);
    if (rt.subresources.includes('status')) obj.status = structuredClone(current.status);
  }
  for (const k of ['name', 'uid', 'creationTimestamp', 'namespace', 'resourceVersion', 'deletionTimestamp', 'generation'])
    if (current.metadata[k] !== undefined) obj.metadata[k] = current.metadata[k];
  admitOnly(store, rt, obj, current);
  return obj;
}

export function update(
  store: Store,
  rt: ResourceType,
  namespace: string | undefined,
  name: string,
  body: unknown,
  q: URLSearchParams,
  subresource?: 'status',
): WriteResult {
  checkBody(rt, body);
  checkDecodable(rt.kind, body.apiVersion ?? apiVersionOf(rt), body);
  checkNamespace(rt, body, namespace);
  if (body.metadata.name && body.metadata.name !== name)
    throw badRequest(`the name of the object (${body.metadata.name}) does not match the name on the URL (${name})`);
  body.metadata.name = name;
  const input = toStorage(rt, body);
  if (isDryRun(q)) return { code: 200, body: presentAs(rt, dryRunUpdate(store, rt, input, subresource)) };
  return { code: 200, body: presentAs(rt, store.update(rt, input, { subresource })) };
}

export const PATCH_TYPES = [
  'application/json-patch+json',
  'application/merge-patch+json',
  'application/strategic-merge-patch+json',
  'application/apply-patch+yaml',
  'application/apply-patch+cbor',
];

export function parsePatchBody(contentType: string, raw: Buffer): any {
  const text = raw.toString('utf8');
  if (contentType === 'application/apply-patch+yaml') {
    try {
      return parseYaml(text);
    } catch (err) {
      throw badRequest(`error decoding YAML: ${(err as Error).message}`);
    }
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw badRequest(`error decoding patch: ${(err as Error).message}`);
  }
}

/** The patched object of `kind`, with the int32 fields decoded as the apiserver decodes them (see int32.ts). */
export function applyPatch(contentType: string, kind: string, current: Obj, patch: any): Obj {
  let patched: Obj;
  switch (contentType) {
    case 'application/json-patch+json':
      patched = applyJsonPatch(current, patch);
      checkPatchedDecodable(kind, patched);
      return patched;
    case 'application/merge-patch+json':
      if (!isObj(patch)) throw badRequest('json: cannot unmarshal array into Go value of type map[string]interface {}');
      patched = applyMergePatch(current, patch);
      checkPatchedDecodable(kind, patched);
      return patched;
    case 'application/strategic-merge-patch+json':
      if (!isObj(patch)) throw badRequest('json: cannot unmarshal array into Go value of type map[string]interface {}');
      patched = applyStrategicMergePatch(current, patch);
      convertPatchedInt32(kind, patched, patch);
      return patched;
    case 'application/apply-patch+yaml':
      patched = applyServerSideApply(current, patch);
      convertPatchedInt32(kind, patched, patch);
      return patched;
    default:
      throw new ApiError(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: ${PATCH_TYPES.join(', ')}`);
  }
}

export function patch(
  store: Store,
  rt: ResourceType,
  namespace: string | undefined,
  name: string,
  contentType: string,
  patchBody: any,
  q: URLSearchParams,
  subresource?: 'status',
): WriteResult {
  const currentStored = store.get(rt, namespace, name);
  if (!currentStored) {
    if (contentType === 'application/apply-patch+yaml' && !subresource) {
      const obj = applyServerSideApply({}, patchBody) as Obj;
      convertPatchedInt32(rt.kind, obj, patchBody);
      obj.metadata = { ...(obj.metadata ?? {}), name };
      return create(store, rt, namespace, obj, q);
    }
    throw notFound(rt.resource, rt.group, name);
  }
  const current = presentAs(rt, currentStored);
  const patched = applyPatch(contentType, rt.kind, current, patchBody);
  if (!isObj(patched) || !isObj(patched.metadata)) throw badRequest('the patched object must have metadata');
  const input = toStorage(rt, patched as Obj);
  input.metadata.name = name;
  if (rt.namespaced) input.metadata.namespace = namespace;
  if (!input.metadata.resourceVersion) input.metadata.resourceVersion = current.metadata.resourceVersion;
  if (isDryRun(q)) return { code: 200, body: presentAs(rt, dryRunUpdate(store, rt, input, subresource)) };
  return { code: 200, body: presentAs(rt, store.update(rt, input, { subresource })) };
}

// ---------- delete ----------

export function deleteOptions(q: URLSearchParams, body: any, rt: ResourceType): DeleteOptions & { dryRun: boolean } {
  const b = isObj(body) ? body : {};
  const opts: DeleteOptions & { dryRun: boolean } = { dryRun: isDryRun(q, b) };
  const grace = q.get('gracePeriodSeconds') ?? b.gracePeriodSeconds;
  if (grace !== undefined && grace !== null && grace !== '') {
    const n = Number(grace);
    if (!Number.isInteger(n)) throw badRequest(`invalid gracePeriodSeconds: ${grace}`);
    opts.gracePeriodSeconds = Math.max(0, n);
  }
  const policy = q.get('propagationPolicy') ?? b.propagationPolicy;
  if (policy) {
    if (!['Background', 'Foreground', 'Orphan'].includes(policy))
      throw invalid('DeleteOptions', '', '', [{ field: 'propagationPolicy', reason: 'FieldValueNotSupported', message: `Unsupported value: "${policy}": supported values: "Foreground", "Background", "Orphan", "nil"` }]);
    opts.propagationPolicy = policy;
  } else {
    const orphan = q.get('orphanDependents') ?? b.orphanDependents;
    if (orphan === true || orphan === 'true') opts.propagationPolicy = 'Orphan';
    else if (orphan === false || orphan === 'false') opts.propagationPolicy = 'Background';
    // batch/v1 Jobs default to orphaning their pods for backward compatibility, as the apiserver does.
    else if (rt === R.jobs) opts.propagationPolicy = 'Orphan';
  }
  if (isObj(b.preconditions)) opts.preconditions = { uid: b.preconditions.uid, resourceVersion: b.preconditions.resourceVersion };
  return opts;
}

function successStatus(rt: ResourceType, o: Obj): unknown {
  return {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Success',
    details: { name: o.metadata.name, ...(rt.group ? { group: rt.group } : {}), kind: rt.resource, uid: o.metadata.uid },
  };
}

export function remove(store: Store, rt: ResourceType, namespace: string | undefined, name: string, q: URLSearchParams, body: any): WriteResult {
  const opts = deleteOptions(q, body, rt);
  if (opts.dryRun) {
    const current = store.mustGet(rt, namespace, name);
    return { code: 200, body: rt === R.pods ? current : successStatus(rt, current) };
  }
  const { dryRun: _d, ...storeOpts } = opts;
  const { object, gone } = store.delete(rt, namespace, name, storeOpts);
  if (rt === R.pods || !gone) return { code: 200, body: presentAs(rt, object) };
  return { code: 200, body: successStatus(rt, object) };
}

export function removeCollection(store: Store, rt: ResourceType, namespace: string | undefined, q: URLSearchParams, body: any): WriteResult {
  const opts = deleteOptions(q, body, rt);
  const items = selectItems(store, rt, namespace, q);
  const out: Obj[] = [];
  for (const o of items) {
    if (opts.dryRun) {
      out.push(o);
      continue;
    }
    const { dryRun: _d, ...storeOpts } = opts;
    try {
      out.push(store.delete(rt, o.metadata.namespace, o.metadata.name!, storeOpts).object);
    } catch (err) {
      if ((err as ApiError).code !== 404) throw err;
    }
  }
  return { code: 200, body: { kind: `${rt.kind}List`, apiVersion: apiVersionOf(rt), metadata: { resourceVersion: String(store.resourceVersion) }, items: out.map((o) => presentAs(rt, o)) } };
}

// ---------- scale ----------

export function scaleOf(o: Obj): Obj {
  return {
    kind: 'Scale',
    apiVersion: 'autoscaling/v1',
    metadata: {
      name: o.metadata.name,
      namespace: o.metadata.namespace,
      uid: o.metadata.uid,
      resourceVersion: o.metadata.resourceVersion,
      creationTimestamp: o.metadata.creationTimestamp,
    },
    spec: { replicas: o.spec?.replicas ?? 0 },
    status: { replicas: o.status?.replicas ?? 0, selector: o.spec?.selector ? selectorString(o.spec.selector) : '' },
  };
}

function writeScale(store: Store, rt: ResourceType, namespace: string | undefined, name: string, scale: any, q: URLSearchParams): WriteResult {
  if (!isObj(scale)) throw badRequest('the body of the request was in an unknown format');
  const replicas = scale.spec?.replicas ?? 0;
  if (replicas < 0)
    throw invalid('Scale', 'autoscaling', name, [{ field: 'spec.replicas', reason: 'FieldValueInvalid', message: `Invalid value: ${replicas}: must be greater than or equal to 0` }]);
  const current = store.mustGet(rt, namespace, name);
  const want = scale.metadata?.resourceVersion;
  if (want && want !== current.metadata.resourceVersion) throw conflict(rt.resource, rt.group, name);
  const next = structuredClone(current);
  next.spec = { ...(next.spec ?? {}), replicas };
  if (isDryRun(q)) return { code: 200, body: scaleOf(dryRunUpdate(store, rt, next)) };
  return { code: 200, body: scaleOf(store.update(rt, next)) };
}

export function scaleVerb(
  store: Store,
  rt: ResourceType,
  namespace: string | undefined,
  name: string,
  method: string,
  q: URLSearchParams,
  body: () => any,
  contentType: string,
): WriteResult {
  if (method === 'GET') return { code: 200, body: scaleOf(store.mustGet(rt, namespace, name)) };
  if (method === 'PUT') {
    const b = body();
    if (isObj(b) && b.metadata?.name && b.metadata.name !== name)
      throw badRequest(`the name of the object (${b.metadata.name}) does not match the name on the URL (${name})`);
    if (isObj(b)) checkDecodable('Scale', b.apiVersion ?? 'autoscaling/v1', b);
    return writeScale(store, rt, namespace, name, b, q);
  }
  const current = scaleOf(store.mustGet(rt, namespace, name));
  const patched = applyPatch(contentType, 'Scale', current, body());
  if (isObj(patched) && isObj(patched.metadata) && patched.metadata.resourceVersion === current.metadata.resourceVersion) delete patched.metadata.resourceVersion;
  return writeScale(store, rt, namespace, name, patched, q);
}

export type { Clock };
