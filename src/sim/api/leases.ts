/**
 * coordination.k8s.io/v1 Lease as the apiserver takes it: renewTime and acquireTime are MicroTime
 * (RFC 3339 with exactly six fractional digits; anything else fails to decode, 400), and the spec
 * is validated as ValidateLeaseSpec does. Conflicts on a stale resourceVersion come from the store.
 */
import { badRequest, type StatusCause } from '../errors.js';
import type { KindHooks, Obj } from '../store.js';
import { validateSimple } from './validation.js';

const MICRO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}(Z|[+-]\d{2}:\d{2})$/;
const GO_LAYOUT = '2006-01-02T15:04:05.000000Z07:00';
const STRATEGIES = ['OldestEmulationVersion'];

/** The decode step: a MicroTime field that Go's time.Parse(RFC3339Micro) would refuse. */
function decodeLease(o: Obj): void {
  const spec = o.spec;
  if (spec == null) return;
  if (typeof spec !== 'object') throw badRequest('Lease in version "v1" cannot be handled as a Lease: json: cannot unmarshal into Go struct field Lease.spec of type v1.LeaseSpec');
  for (const field of ['renewTime', 'acquireTime'] as const) {
    const v = spec[field];
    if (v == null) continue;
    if (typeof v !== 'string' || !MICRO_TIME.test(v) || Number.isNaN(Date.parse(v))) {
      throw badRequest(`Lease in version "v1" cannot be handled as a Lease: parsing time ${JSON.stringify(String(v))} as "${GO_LAYOUT}": cannot parse as RFC3339Micro`);
    }
  }
  for (const field of ['leaseDurationSeconds', 'leaseTransitions'] as const) {
    const v = spec[field];
    if (v != null && !Number.isInteger(v)) throw badRequest(`Lease in version "v1" cannot be handled as a Lease: json: cannot unmarshal ${typeof v} into Go struct field LeaseSpec.spec.${field} of type int32`);
  }
}

function validateLeaseSpec(o: Obj): StatusCause[] {
  const spec = o.spec ?? {};
  const causes: StatusCause[] = [];
  if (spec.leaseDurationSeconds != null && spec.leaseDurationSeconds <= 0)
    causes.push({ field: 'spec.leaseDurationSeconds', message: `Invalid value: ${spec.leaseDurationSeconds}: must be greater than 0` });
  if (spec.leaseTransitions != null && spec.leaseTransitions < 0)
    causes.push({ field: 'spec.leaseTransitions', message: `Invalid value: ${spec.leaseTransitions}: must be greater than or equal to 0` });
  if (spec.strategy != null && !STRATEGIES.includes(spec.strategy))
    causes.push({ field: 'spec.strategy', reason: 'FieldValueNotSupported', message: `Unsupported value: ${JSON.stringify(spec.strategy)}: supported values: "${STRATEGIES.join('", "')}"` });
  if (spec.preferredHolder != null && spec.strategy == null)
    causes.push({ field: 'spec.preferredHolder', reason: 'FieldValueForbidden', message: 'Forbidden: preferredHolder can only be set when strategy is set' });
  return causes;
}

export const LEASE_HOOKS: KindHooks = {
  defaults: (o) => decodeLease(o),
  validate: (o) => [...validateSimple('subdomain', true)(o), ...validateLeaseSpec(o)],
};
