/**
 * What the apiserver's typed decoding does with the int32 fields of a body (replicas, parallelism ...),
 * by path (k8s.io/apiserver endpoints/handlers):
 * - create and update decode JSON into the Go struct: a number beyond int32 (or not whole, or not a
 *   number) is a 400, `Deployment in version "v1" cannot be handled as a Deployment: json: cannot
 *   unmarshal number 2147483648 into Go struct field DeploymentSpec.spec.replicas of type int32`;
 * - JSON and merge patches decode the patched JSON the same way, and answer 422 on the `patch` field;
 * - strategic-merge and apply patches go through the unstructured converter, which converts an
 *   integer with Go's int64 -> int32 conversion: 2147483648 becomes -2147483648 (refused by
 *   validation as negative) and 4294967297 becomes 1 (accepted), as on a real apiserver.
 */
import { ApiError, badRequest } from '../errors.js';

/** The int32 fields of each kind's spec, and the name of the Go struct that holds them. */
const INT32_SPEC_FIELDS: Record<string, { struct: string; fields: string[] }> = {
  Deployment: { struct: 'DeploymentSpec', fields: ['replicas', 'minReadySeconds', 'revisionHistoryLimit', 'progressDeadlineSeconds'] },
  ReplicaSet: { struct: 'ReplicaSetSpec', fields: ['replicas', 'minReadySeconds'] },
  Job: { struct: 'JobSpec', fields: ['parallelism', 'completions', 'backoffLimit', 'backoffLimitPerIndex', 'maxFailedIndexes', 'ttlSecondsAfterFinished'] },
  Scale: { struct: 'ScaleSpec', fields: ['replicas'] },
};

const MIN_INT32 = -2147483648;
const MAX_INT32 = 2147483647;

/** How Go's encoding/json names a JSON value it cannot store in an int32. */
function jsonValueName(v: unknown): string {
  if (typeof v === 'number') return `number ${v}`;
  if (typeof v === 'boolean') return 'bool';
  if (Array.isArray(v)) return 'array';
  return typeof v; // string, object
}

/** Go's json error for the first int32 field of `kind` that cannot be decoded, or undefined. */
export function int32DecodeError(kind: string, obj: unknown): string | undefined {
  const spec = INT32_SPEC_FIELDS[kind];
  const s = (obj as { spec?: unknown } | undefined)?.spec;
  if (!spec || !s || typeof s !== 'object') return undefined;
  for (const f of spec.fields) {
    const v = (s as Record<string, unknown>)[f];
    if (v === undefined || v === null) continue;
    if (typeof v === 'number' && Number.isInteger(v) && v >= MIN_INT32 && v <= MAX_INT32) continue;
    return `json: cannot unmarshal ${jsonValueName(v)} into Go struct field ${spec.struct}.spec.${f} of type int32`;
  }
  return undefined;
}

/** Create and update: the 400 of a body that does not decode. */
export function checkDecodable(kind: string, apiVersion: string, body: unknown): void {
  const err = int32DecodeError(kind, body);
  if (err) throw badRequest(`${kind} in version "${apiVersion.split('/').pop()}" cannot be handled as a ${kind}: ${err}`);
}

/** JSON and merge patches: the 422 on `patch` when the patched object does not decode. */
export function checkPatchedDecodable(kind: string, patched: unknown): void {
  const err = int32DecodeError(kind, patched);
  if (err) throw patchInvalid(JSON.stringify(JSON.stringify(patched)), err);
}

/**
 * Strategic-merge and apply patches: whole numbers in int32 fields are converted as Go converts
 * int64 to int32 (in place); anything else there is the converter's 422 on `patch`.
 */
export function convertPatchedInt32(kind: string, patched: unknown, patch: unknown): void {
  const spec = INT32_SPEC_FIELDS[kind];
  const s = (patched as { spec?: unknown } | undefined)?.spec;
  if (!spec || !s || typeof s !== 'object') return;
  for (const f of spec.fields) {
    const o = s as Record<string, unknown>;
    const v = o[f];
    if (v === undefined || v === null) continue;
    if (typeof v === 'number' && Number.isInteger(v)) o[f] = v | 0;
    else throw patchInvalid(JSON.stringify(goPrint(patch)), `cannot convert ${typeof v === 'number' ? 'float64' : typeof v === 'boolean' ? 'bool' : typeof v} to int32`);
  }
}

/** ` "" is invalid: patch: Invalid value: ...`: NewInvalid with an empty GroupKind and name, as the patch handler makes it. */
function patchInvalid(quotedValue: string, detail: string): ApiError {
  const message = `Invalid value: ${quotedValue}: ${detail}`;
  return new ApiError(422, 'Invalid', ` "" is invalid: patch: ${message}`, { causes: [{ reason: 'FieldValueInvalid', message, field: 'patch' }] });
}

/** Go's `%+v` of a decoded JSON value (maps with sorted keys), as the strategic-merge handler prints the patch. */
function goPrint(v: unknown): string {
  if (v === null || v === undefined) return '<nil>';
  if (Array.isArray(v)) return `[${v.map(goPrint).join(' ')}]`;
  if (typeof v === 'object')
    return `map[${Object.keys(v as object)
      .sort()
      .map((k) => `${k}:${goPrint((v as Record<string, unknown>)[k])}`)
      .join(' ')}]`;
  return String(v);
}
