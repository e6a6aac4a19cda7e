/**
 * Validation with the apiserver's messages (pkg/apis/core/validation, pkg/apis/apps/validation,
 * pkg/apis/batch/validation, apimachinery validation). Each error is a StatusCause whose message
 * is the field.Error body (`Invalid value: ...: detail`, `Required value`, ...).
 */
import type { StatusCause } from '../errors.js';
import type { Obj } from '../store.js';
import { jsonEqual } from '../json.js';
import { matchesSelector, selectorRequirements } from '../labels.js';

type J = Record<string, any>;

// ---------- field.Error bodies ----------

/** Go's rendering of a bad value in field.Error, as a v1.35 apiserver prints it. */
export function goValue(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (typeof v === 'string') return JSON.stringify(v);
  if (Array.isArray(v)) return `[]string{${v.map((x) => JSON.stringify(String(x))).join(', ')}}`;
  return goStruct(v as J);
}

function goMap(m: Record<string, unknown> | undefined | null): string {
  if (!m) return 'map[string]string(nil)';
  const keys = Object.keys(m).sort();
  return `map[string]string{${keys.map((k) => `${JSON.stringify(k)}:${JSON.stringify(String(m[k]))}`).join(', ')}}`;
}

function goStruct(v: J): string {
  if ('matchLabels' in v || 'matchExpressions' in v) {
    const exprs = v.matchExpressions
      ? `[]v1.LabelSelectorRequirement{${(v.matchExpressions as J[])
          .map((e) => `v1.LabelSelectorRequirement{Key:${JSON.stringify(e.key)}, Operator:${JSON.stringify(e.operator)}, Values:[]string{${(e.values ?? []).map((x: string) => JSON.stringify(x)).join(', ')}}}`)
          .join(', ')}}`
      : '[]v1.LabelSelectorRequirement(nil)';
    return `v1.LabelSelector{MatchLabels:${goMap(v.matchLabels)}, MatchExpressions:${exprs}}`;
  }
  return goMap(v as Record<string, unknown>);
}

const invalid = (field: string, value: unknown, detail: string, raw = false): StatusCause => ({
  field,
  reason: 'FieldValueInvalid',
  message: `Invalid value: ${raw ? String(value) : goValue(value)}: ${detail}`,
});
const required = (field: string, detail = ''): StatusCause => ({ field, reason: 'FieldValueRequired', message: detail ? `Required value: ${detail}` : 'Required value' });
const forbidden = (field: string, detail: string): StatusCause => ({ field, reason: 'FieldValueForbidden', message: `Forbidden: ${detail}` });
const notSupported = (field: string, value: unknown, supported: string[]): StatusCause => ({
  field,
  reason: 'FieldValueNotSupported',
  message: `Unsupported value: ${goValue(value)}: supported values: ${supported.map((s) => JSON.stringify(s)).join(', ')}`,
});
const duplicate = (field: string, value: unknown): StatusCause => ({ field, reason: 'FieldValueDuplicate', message: `Duplicate value: ${goValue(value)}` });

// ---------- names ----------

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;

/** A name rule of k8s.io/apimachinery/pkg/util/validation: its errors for a value (none when valid). */
const nameRule =
  (re: RegExp, max: number, message: string) =>
  (v: string): string[] => {
    const errs: string[] = [];
    if (v.length > max) errs.push(`must be no more than ${max} characters`);
    if (!re.test(v)) errs.push(message);
    return errs;
  };

export const dns1123Subdomain = nameRule(
  DNS1123_SUBDOMAIN,
  253,
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
);

export const dns1123Label = nameRule(
  DNS1123_LABEL,
  63,
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')",
);

export const dns1035Label = nameRule(
  DNS1035_LABEL,
  63,
  "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')",
);

const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const QUALIFIED_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;

function validateLabels(labels: unknown, field: string): StatusCause[] {
  if (labels === undefined || labels === null) return [];
  if (typeof labels !== 'object' || Array.isArray(labels)) return [invalid(field, labels, 'must be a map of strings')];
  const out: StatusCause[] = [];
  for (const [k, v] of Object.entries(labels as Record<string, unknown>)) {
    const slash = k.lastIndexOf('/');
    const name = slash >= 0 ? k.slice(slash + 1) : k;
    const prefix = slash >= 0 ? k.slice(0, slash) : '';
    if (!name || name.length > 63 || !QUALIFIED_NAME.test(name) || (slash >= 0 && (!prefix || dns1123Subdomain(prefix).length)))
      out.push(
        invalid(
          field,
          k,
          "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')",
        ),
      );
    if (typeof v !== 'string') out.push(invalid(field, v, 'must be a string'));
    else if (v.length > 63) out.push(invalid(field, v, 'must be no more than 63 characters'));
    else if (!LABEL_VALUE.test(v))
      out.push(
        invalid(
          field,
          v,
          "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')",
        ),
      );
  }
  return out;
}

export type NameRule = 'subdomain' | 'label' | 'dns1035';

export function validateMeta(o: Obj, rule: NameRule, namespaced: boolean): StatusCause[] {
  const out: StatusCause[] = [];
  const m = o.metadata ?? {};
  const name = m.name ?? '';
  const check = rule === 'subdomain' ? dns1123Subdomain : rule === 'label' ? dns1123Label : dns1035Label;
  if (!name) out.push(required('metadata.name', 'name or generateName is required'));
  else for (const e of check(name)) out.push(invalid('metadata.name', name, e));
  if (namespaced && m.namespace) for (const e of dns1123Label(m.namespace)) out.push(invalid('metadata.namespace', m.namespace, e));
  out.push(...validateLabels(m.labels, 'metadata.labels'));
  return out;
}

// ---------- pod spec ----------

const negative = (v: unknown): boolean => typeof v === 'number' && v < 0;

function nonNegative(v: unknown, field: string): StatusCause[] {
  return negative(v) ? [invalid(field, v, 'must be greater than or equal to 0')] : [];
}

const validPort = (v: unknown): boolean => typeof v === 'number' && Number.isInteger(v) && v >= 1 && v <= 65535;
const PORT_RANGE = 'must be between 1 and 65535, inclusive';

function validatePort(v: unknown, field: string): StatusCause[] {
  return validPort(v) ? [] : [invalid(field, v, PORT_RANGE)];
}

const PROBES = ['livenessProbe', 'readinessProbe', 'startupProbe'];
const PROBE_COUNTS = ['timeoutSeconds', 'periodSeconds', 'successThreshold', 'failureThreshold', 'initialDelaySeconds'];

/**
 * Frozen (stored, never changed) container lists that passed. Every pod of a ReplicaSet shares its
 * template's list, and every later write of a pod the same list: each is checked once.
 */
const passed = new WeakSet<unknown[]>();

function validateContainers(list: unknown, path: string, requireSome: boolean, names: Set<string>): StatusCause[] {
  const out: StatusCause[] = [];
  if (list === undefined || list === null || (Array.isArray(list) && list.length === 0)) {
    if (requireSome) out.push(required(path));
    return out;
  }
  if (!Array.isArray(list)) return [invalid(path, list, 'must be a list')];
  if (passed.has(list)) {
    // Only a name taken by the other list (init or regular containers) can be wrong now.
    list.forEach((c: J, i) => {
      if (names.has(c.name)) out.push(duplicate(`${path}[${i}].name`, c.name));
      names.add(c.name);
    });
    return out;
  }
  list.forEach((c: J, i) => {
    const p = `${path}[${i}]`;
    if (!c || typeof c !== 'object') {
      out.push(invalid(p, c, 'must be an object'));
      return;
    }
    if (!c.name) out.push(required(`${p}.name`));
    else {
      for (const e of dns1123Label(c.name)) out.push(invalid(`${p}.name`, c.name, e));
      if (names.has(c.name)) out.push(duplicate(`${p}.name`, c.name));
      names.add(c.name);
    }
    if (!c.image || (typeof c.image === 'string' && c.image.trim() === '')) out.push(required(`${p}.image`));
    if (c.imagePullPolicy !== undefined && !['Always', 'IfNotPresent', 'Never'].includes(c.imagePullPolicy))
      out.push(notSupported(`${p}.imagePullPolicy`, c.imagePullPolicy, ['Always', 'IfNotPresent', 'Never']));
    // Field paths are built only for a cause: every pod write is validated, nearly all without one.
    const ports = Array.isArray(c.ports) ? c.ports : [];
    ports.forEach((port: J, j: number) => {
      if (!validPort(port?.containerPort)) out.push(invalid(`${p}.ports[${j}].containerPort`, port?.containerPort, PORT_RANGE));
      if (port?.protocol !== undefined && !['TCP', 'UDP', 'SCTP'].includes(port.protocol))
        out.push(notSupported(`${p}.ports[${j}].protocol`, port.protocol, ['SCTP', 'TCP', 'UDP']));
    });
    const envNames = Array.isArray(c.env) ? c.env : [];
    envNames.forEach((e: J, j: number) => {
      if (!e?.name) out.push(required(`${p}.env[${j}].name`));
    });
    for (const probe of PROBES) {
      const pr = c[probe];
      if (!pr) continue;
      for (const f of PROBE_COUNTS) if (negative(pr[f])) out.push(...nonNegative(pr[f], `${p}.${probe}.${f}`));
      if ((probe === 'livenessProbe' || probe === 'startupProbe') && pr.successThreshold !== undefined && pr.successThreshold !== 1)
        out.push(invalid(`${p}.${probe}.successThreshold`, pr.successThreshold, 'must be 1'));
    }
  });
  if (out.length === 0 && Object.isFrozen(list)) passed.add(list);
  return out;
}

export function validatePodSpec(spec: J | undefined, path: string, allowedRestart?: string[]): StatusCause[] {
  const out: StatusCause[] = [];
  if (!spec || typeof spec !== 'object') return [required(`${path}.containers`)];
  const names = new Set<string>();
  out.push(...validateContainers(spec.initContainers, `${path}.initContainers`, false, names));
  out.push(...validateContainers(spec.containers, `${path}.containers`, true, names));
  const restart = spec.restartPolicy;
  if (allowedRestart) {
    if (!restart) out.push(required(`${path}.restartPolicy`, `valid values: ${allowedRestart.map((s) => JSON.stringify(s)).join(', ')}`));
    else if (!allowedRestart.includes(restart)) out.push(notSupported(`${path}.restartPolicy`, restart, allowedRestart));
  } else if (restart !== undefined && !['Always', 'OnFailure', 'Never'].includes(restart))
    out.push(notSupported(`${path}.restartPolicy`, restart, ['Always', 'OnFailure', 'Never']));
  if (spec.dnsPolicy !== undefined && !['ClusterFirstWithHostNet', 'ClusterFirst', 'Default', 'None'].includes(spec.dnsPolicy))
    out.push(notSupported(`${path}.dnsPolicy`, spec.dnsPolicy, ['ClusterFirst', 'ClusterFirstWithHostNet', 'Default', 'None']));
  out.push(...nonNegative(spec.terminationGracePeriodSeconds, `${path}.terminationGracePeriodSeconds`));
  if (spec.activeDeadlineSeconds !== undefined && !(spec.activeDeadlineSeconds > 0))
    out.push(invalid(`${path}.activeDeadlineSeconds`, spec.activeDeadlineSeconds, 'must be between 1 and 2147483647, inclusive'));
  const vols = new Set<string>();
  (Array.isArray(spec.volumes) ? spec.volumes : []).forEach((v: J, i: number) => {
    if (!v?.name) out.push(required(`${path}.volumes[${i}].name`));
    else if (vols.has(v.name)) out.push(duplicate(`${path}.volumes[${i}].name`, v.name));
    else vols.add(v.name);
  });
  return out;
}

function validateTemplate(template: J | undefined, path: string, allowedRestart?: string[]): StatusCause[] {
  if (!template || typeof template !== 'object') return [required(path)];
  return [...validateLabels(template.metadata?.labels, `${path}.metadata.labels`), ...validatePodSpec(template.spec, `${path}.spec`, allowedRestart)];
}

function validateSelectorShape(sel: J | undefined, path: string, kind: string): StatusCause[] {
  if (sel === undefined || sel === null) return [required(path)];
  const out: StatusCause[] = [];
  try {
    selectorRequirements(sel);
  } catch (err) {
    return [invalid(`${path}.matchExpressions`, sel.matchExpressions, (err as Error).message)];
  }
  out.push(...validateLabels(sel.matchLabels, `${path}.matchLabels`));
  if (Object.keys(sel.matchLabels ?? {}).length + (sel.matchExpressions ?? []).length === 0)
    out.push(invalid(path, sel, `empty selector is invalid for ${kind}`));
  return out;
}

function selectorMatchesTemplate(sel: J | undefined, template: J | undefined, path: string): StatusCause[] {
  if (!sel || !template) return [];
  try {
    if (!matchesSelector(sel, template.metadata?.labels ?? {}))
      return [invalid(`${path}.template.metadata.labels`, template.metadata?.labels ?? {}, '`selector` does not match template `labels`')];
  } catch {
    /* reported by validateSelectorShape */
  }
  return [];
}

// ---------- intstr ----------

function intOrPercent(v: unknown, roundUp: boolean, base = 100): number | undefined {
  if (typeof v === 'number') return v;
  if (typeof v === 'string') {
    const m = v.match(/^(-?\d+)%$/);
    if (!m) return undefined;
    const p = Number(m[1]);
    return roundUp ? Math.ceil((p * base) / 100) : Math.floor((p * base) / 100);
  }
  return undefined;
}

function validateIntOrPercent(v: unknown, field: string): StatusCause[] {
  if (v === undefined || v === null) return [];
  if (typeof v === 'string') {
    if (!/^-?\d+%$/.test(v)) return [invalid(field, v, "a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')")];
    if (Number(v.slice(0, -1)) < 0) return [invalid(field, v, 'must be greater than or equal to 0')];
    return [];
  }
  if (typeof v !== 'number') return [invalid(field, v, 'must be an integer or percentage')];
  return nonNegative(v, field);
}

// ---------- kinds ----------

function immutable(field: string, now: unknown, was: unknown): StatusCause[] {
  return JSON.stringify(now ?? null) !== JSON.stringify(was ?? null) ? [invalid(field, now, 'field is immutable')] : [];
}

export function validateDeployment(o: Obj, old: Obj | undefined): StatusCause[] {
  const spec: J = o.spec ?? {};
  const out = validateMeta(o, 'subdomain', true);
  out.push(...nonNegative(spec.replicas, 'spec.replicas'));
  out.push(...validateSelectorShape(spec.selector, 'spec.selector', 'deployment'));
  out.push(...selectorMatchesTemplate(spec.selector, spec.template, 'spec'));
  out.push(...validateTemplate(spec.template, 'spec.template', ['Always']));
  const st = spec.strategy ?? {};
  if (st.type === 'Recreate') {
    if (st.rollingUpdate) out.push(forbidden('spec.strategy.rollingUpdate', "may not be specified when strategy `type` is 'Recreate'"));
  } else if (st.type === 'RollingUpdate') {
    const ru = st.rollingUpdate ?? {};
    out.push(...validateIntOrPercent(ru.maxUnavailable, 'spec.strategy.rollingUpdate.maxUnavailable'));
    out.push(...validateIntOrPercent(ru.maxSurge, 'spec.strategy.rollingUpdate.maxSurge'));
    const mu = intOrPercent(ru.maxUnavailable, false);
    const ms = intOrPercent(ru.maxSurge, true);
    if (mu === 0 && ms === 0) out.push(invalid('spec.strategy.rollingUpdate.maxUnavailable', ru.maxUnavailable, 'may not be 0 when `maxSurge` is 0'));
    if (typeof ru.maxUnavailable === 'string' && (intOrPercent(ru.maxUnavailable, false) ?? 0) > 100)
      out.push(invalid('spec.strategy.rollingUpdate.maxUnavailable', ru.maxUnavailable, 'must not be greater than 100%'));
  } else if (st.type !== undefined) out.push(notSupported('spec.strategy.type', st.type, ['Recreate', 'RollingUpdate']));
  out.push(...nonNegative(spec.revisionHistoryLimit, 'spec.revisionHistoryLimit'));
  out.push(...nonNegative(spec.minReadySeconds, 'spec.minReadySeconds'));
  if (typeof spec.progressDeadlineSeconds === 'number') {
    out.push(...nonNegative(spec.progressDeadlineSeconds, 'spec.progressDeadlineSeconds'));
    if (spec.progressDeadlineSeconds <= (spec.minReadySeconds ?? 0))
      out.push(invalid('spec.progressDeadlineSeconds', spec.progressDeadlineSeconds, 'must be greater than minReadySeconds'));
  }
  if (old) out.push(...immutable('spec.selector', spec.selector, old.spec?.selector));
  return out;
}

export function validateReplicaSet(o: Obj, old: Obj | undefined): StatusCause[] {
  const spec: J = o.spec ?? {};
  const out = validateMeta(o, 'subdomain', true);
  out.push(...nonNegative(spec.replicas, 'spec.replicas'));
  out.push(...nonNegative(spec.minReadySeconds, 'spec.minReadySeconds'));
  out.push(...validateSelectorShape(spec.selector, 'spec.selector', 'deployment'));
  out.push(...selectorMatchesTemplate(spec.selector, spec.template, 'spec'));
  if (spec.template) out.push(...validateTemplate(spec.template, 'spec.template', ['Always']));
  if (old) out.push(...immutable('spec.selector', spec.selector, old.spec?.selector));
  return out;
}

const MUTABLE_POD_SPEC = new Set(['activeDeadlineSeconds', 'tolerations', 'terminationGracePeriodSeconds', 'nodeName', 'schedulingGates']);

/** Whether two pod specs differ at most in what a pod update may change (the fields above, container images). */
function sameImmutablePodSpec(a: J, b: J): boolean {
  const ignored: J = { containers: undefined, initContainers: undefined };
  for (const k of MUTABLE_POD_SPEC) ignored[k] = undefined;
  return jsonEqual({ ...a, ...ignored }, { ...b, ...ignored }) && sameButImages(a.containers, b.containers) && sameButImages(a.initContainers, b.initContainers);
}

/** Container lists equal but for their images; a list shared with the stored version is equal without a copy. */
const sameButImages = (x: unknown, y: unknown): boolean => x === y || jsonEqual(withoutImages(x), withoutImages(y));
const withoutImages = (list: unknown): unknown => (Array.isArray(list) ? list.map((c) => (c && typeof c === 'object' ? { ...c, image: undefined } : c)) : list);

export function validatePod(o: Obj, old: Obj | undefined): StatusCause[] {
  const out = validateMeta(o, 'subdomain', true);
  out.push(...validatePodSpec(o.spec, 'spec'));
  if (old) {
    if (old.spec?.nodeName && o.spec?.nodeName !== old.spec.nodeName) out.push(immutable('spec.nodeName', o.spec?.nodeName, old.spec.nodeName)[0]);
    else if (!sameImmutablePodSpec(o.spec ?? {}, old.spec ?? {}))
      out.push(forbidden('spec', 'pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)'));
  }
  return out;
}

export function validateJob(o: Obj, old: Obj | undefined): StatusCause[] {
  const spec: J = o.spec ?? {};
  const out = validateMeta(o, 'subdomain', true);
  for (const f of ['parallelism', 'completions', 'backoffLimit']) out.push(...nonNegative(spec[f], `spec.${f}`));
  if (spec.activeDeadlineSeconds !== undefined && !(spec.activeDeadlineSeconds > 0))
    out.push(invalid('spec.activeDeadlineSeconds', spec.activeDeadlineSeconds, 'must be greater than or equal to 0'));
  if (spec.completionMode !== undefined && !['NonIndexed', 'Indexed'].includes(spec.completionMode))
    out.push(notSupported('spec.completionMode', spec.completionMode, ['NonIndexed', 'Indexed']));
  if (spec.selector === undefined || spec.selector === null) out.push(required('spec.selector'));
  else out.push(...selectorMatchesTemplate(spec.selector, spec.template, 'spec'));
  out.push(...validateTemplate(spec.template, 'spec.template', ['OnFailure', 'Never']));
  if (old) {
    out.push(...immutable('spec.selector', spec.selector, old.spec?.selector));
    out.push(...immutable('spec.completions', spec.completions, old.spec?.completions));
    if (!old.spec?.suspend) out.push(...immutable('spec.template', spec.template, old.spec?.template));
  }
  return out;
}

export function validateCronJob(o: Obj): StatusCause[] {
  const spec: J = o.spec ?? {};
  const out = validateMeta(o, 'subdomain', true);
  if ((o.metadata.name ?? '').length > 52) out.push(invalid('metadata.name', o.metadata.name, 'must be no more than 52 characters'));
  if (!spec.schedule) out.push(required('spec.schedule'));
  const jt = spec.jobTemplate?.spec;
  if (!jt) out.push(required('spec.jobTemplate'));
  else out.push(...validateTemplate(jt.template, 'spec.jobTemplate.spec.template', ['OnFailure', 'Never']));
  if (spec.concurrencyPolicy !== undefined && !['Allow', 'Forbid', 'Replace'].includes(spec.concurrencyPolicy))
    out.push(notSupported('spec.concurrencyPolicy', spec.concurrencyPolicy, ['Allow', 'Forbid', 'Replace']));
  return out;
}

export function validateService(o: Obj, old: Obj | undefined): StatusCause[] {
  const spec: J = o.spec ?? {};
  const out = validateMeta(o, 'dns1035', true);
  const types = ['ClusterIP', 'ExternalName', 'LoadBalancer', 'NodePort'];
  if (!types.includes(spec.type)) out.push(notSupported('spec.type', spec.type, types));
  const ports: J[] = Array.isArray(spec.ports) ? spec.ports : [];
  const headless = spec.clusterIP === 'None';
  if (ports.length === 0 && !headless && spec.type !== 'ExternalName') out.push(required('spec.ports'));
  const names = new Set<string>();
  ports.forEach((p, i) => {
    const path = `spec.ports[${i}]`;
    if (ports.length > 1) {
      if (!p?.name) out.push(required(`${path}.name`));
      else if (names.has(p.name)) out.push(duplicate(`${path}.name`, p.name));
      else names.add(p.name);
    }
    if (p?.name) for (const e of dns1123Label(p.name)) out.push(invalid(`${path}.name`, p.name, e));
    out.push(...validatePort(p?.port, `${path}.port`));
    if (p?.protocol !== undefined && !['TCP', 'UDP', 'SCTP'].includes(p.protocol)) out.push(notSupported(`${path}.protocol`, p.protocol, ['SCTP', 'TCP', 'UDP']));
    if (typeof p?.targetPort === 'number') out.push(...validatePort(p.targetPort, `${path}.targetPort`));
    if (p?.nodePort !== undefined && spec.type !== 'NodePort' && spec.type !== 'LoadBalancer')
      out.push(forbidden(`${path}.nodePort`, 'may not be used when `type` is \'ClusterIP\''));
  });
  out.push(...validateLabels(spec.selector, 'spec.selector'));
  if (spec.sessionAffinity !== undefined && !['ClientIP', 'None'].includes(spec.sessionAffinity))
    out.push(notSupported('spec.sessionAffinity', spec.sessionAffinity, ['ClientIP', 'None']));
  if (old && old.spec?.clusterIP && spec.clusterIP !== old.spec.clusterIP && spec.type !== 'ExternalName' && old.spec.type !== 'ExternalName')
    out.push(invalid('spec.clusterIPs[0]', spec.clusterIPs ?? [], 'may not change once set'));
  return out;
}

export function validatePdb(o: Obj): StatusCause[] {
  const spec: J = o.spec ?? {};
  const out = validateMeta(o, 'subdomain', true);
  if (spec.minAvailable !== undefined && spec.maxUnavailable !== undefined)
    out.push({ field: 'spec', reason: 'FieldValueInvalid', message: 'Invalid value: policy.PodDisruptionBudgetSpec{...}: minAvailable and maxUnavailable cannot be both set' });
  out.push(...validateIntOrPercent(spec.minAvailable, 'spec.minAvailable'));
  out.push(...validateIntOrPercent(spec.maxUnavailable, 'spec.maxUnavailable'));
  if (spec.selector) {
    try {
      selectorRequirements(spec.selector);
    } catch (err) {
      out.push(invalid('spec.selector', spec.selector, (err as Error).message));
    }
  }
  return out;
}

export function validateNamespace(o: Obj): StatusCause[] {
  return validateMeta(o, 'label', false);
}

export function validateSimple(rule: NameRule, namespaced: boolean) {
  return (o: Obj): StatusCause[] => validateMeta(o, rule, namespaced);
}
