/**
 * Decodes the Kubernetes protobuf envelope for request bodies. kubectl's typed clients (`create
 * job`, `create deployment`, `create service`, `auth can-i`, ...) POST
 * `application/vnd.kubernetes.protobuf` and do not fall back to JSON on 415. Responses stay JSON
 * (those clients accept `application/vnd.kubernetes.protobuf,application/json`).
 * Field numbers come from k8s.io/api generated.proto; only what kubectl's generators write.
 */
import { badRequest } from '../errors.js';

type Field =
  | { n: string; t: 'string' | 'int' | 'bool' | 'bytes' | 'time' | 'intstr' | 'quantity' }
  | { n: string; t: 'msg'; m: string }
  | { n: string; t: 'map'; v?: 'string' | 'bytes' | 'quantity' };
type Schema = Record<number, Field & { rep?: boolean }>;

const s = (n: string): Field => ({ n, t: 'string' });
const i = (n: string): Field => ({ n, t: 'int' });
const b = (n: string): Field => ({ n, t: 'bool' });
const m = (n: string, msg: string): Field => ({ n, t: 'msg', m: msg });
const rep = <F extends Field>(f: F): F & { rep: true } => ({ ...f, rep: true });
const map = (n: string, v: 'string' | 'bytes' | 'quantity' = 'string'): Field => ({ n, t: 'map', v });

const SCHEMAS: Record<string, Schema> = {
  Unknown: { 1: m('typeMeta', 'TypeMeta'), 2: { n: 'raw', t: 'bytes' }, 3: s('contentEncoding'), 4: s('contentType') },
  TypeMeta: { 1: s('apiVersion'), 2: s('kind') },
  ObjectMeta: {
    1: s('name'),
    2: s('generateName'),
    3: s('namespace'),
    5: s('uid'),
    6: s('resourceVersion'),
    7: i('generation'),
    11: map('labels'),
    12: map('annotations'),
    13: rep(m('ownerReferences', 'OwnerReference')),
    14: rep(s('finalizers')),
  },
  OwnerReference: { 1: s('kind'), 3: s('name'), 4: s('uid'), 5: s('apiVersion'), 6: b('controller'), 7: b('blockOwnerDeletion') },
  LabelSelector: { 1: map('matchLabels'), 2: rep(m('matchExpressions', 'LabelSelectorRequirement')) },
  LabelSelectorRequirement: { 1: s('key'), 2: s('operator'), 3: rep(s('values')) },
  PodTemplateSpec: { 1: m('metadata', 'ObjectMeta'), 2: m('spec', 'PodSpec') },
  PodSpec: {
    1: rep(m('volumes', 'Volume')),
    2: rep(m('containers', 'Container')),
    3: s('restartPolicy'),
    4: i('terminationGracePeriodSeconds'),
    5: i('activeDeadlineSeconds'),
    6: s('dnsPolicy'),
    7: map('nodeSelector'),
    8: s('serviceAccountName'),
    9: s('serviceAccount'),
    10: s('nodeName'),
    15: rep(m('imagePullSecrets', 'LocalObjectReference')),
    19: s('schedulerName'),
    20: rep(m('initContainers', 'Container')),
    22: rep(m('tolerations', 'Toleration')),
    24: s('priorityClassName'),
  },
  Volume: { 1: s('name') },
  LocalObjectReference: { 1: s('name') },
  Toleration: { 1: s('key'), 2: s('operator'), 3: s('value'), 4: s('effect'), 5: i('tolerationSeconds') },
  Container: {
    1: s('name'),
    2: s('image'),
    3: rep(s('command')),
    4: rep(s('args')),
    5: s('workingDir'),
    6: rep(m('ports', 'ContainerPort')),
    7: rep(m('env', 'EnvVar')),
    8: m('resources', 'ResourceRequirements'),
    14: s('imagePullPolicy'),
    13: s('terminationMessagePath'),
    16: b('stdin'),
    17: b('stdinOnce'),
    18: b('tty'),
    20: s('terminationMessagePolicy'),
  },
  ContainerPort: { 1: s('name'), 2: i('hostPort'), 3: i('containerPort'), 4: s('protocol'), 5: s('hostIP') },
  EnvVar: { 1: s('name'), 2: s('value') },
  ResourceRequirements: { 1: map('limits', 'quantity'), 2: map('requests', 'quantity') },
  Job: { 1: m('metadata', 'ObjectMeta'), 2: m('spec', 'JobSpec') },
  JobSpec: {
    1: i('parallelism'),
    2: i('completions'),
    3: i('activeDeadlineSeconds'),
    4: m('selector', 'LabelSelector'),
    5: b('manualSelector'),
    6: m('template', 'PodTemplateSpec'),
    7: i('backoffLimit'),
    8: i('ttlSecondsAfterFinished'),
    9: s('completionMode'),
    10: b('suspend'),
  },
  CronJob: { 1: m('metadata', 'ObjectMeta'), 2: m('spec', 'CronJobSpec') },
  CronJobSpec: {
    1: s('schedule'),
    2: i('startingDeadlineSeconds'),
    3: s('concurrencyPolicy'),
    4: b('suspend'),
    5: m('jobTemplate', 'JobTemplateSpec'),
    6: i('successfulJobsHistoryLimit'),
    7: i('failedJobsHistoryLimit'),
    8: s('timeZone'),
  },
  JobTemplateSpec: { 1: m('metadata', 'ObjectMeta'), 2: m('spec', 'JobSpec') },
  Deployment: { 1: m('metadata', 'ObjectMeta'), 2: m('spec', 'DeploymentSpec') },
  DeploymentSpec: {
    1: i('replicas'),
    2: m('selector', 'LabelSelector'),
    3: m('template', 'PodTemplateSpec'),
    4: m('strategy', 'DeploymentStrategy'),
    5: i('minReadySeconds'),
    6: i('revisionHistoryLimit'),
    7: b('paused'),
    9: i('progressDeadlineSeconds'),
  },
  DeploymentStrategy: { 1: s('type'), 2: m('rollingUpdate', 'RollingUpdateDeployment') },
  RollingUpdateDeployment: { 1: { n: 'maxUnavailable', t: 'intstr' }, 2: { n: 'maxSurge', t: 'intstr' } },
  Service: { 1: m('metadata', 'ObjectMeta'), 2: m('spec', 'ServiceSpec') },
  ServiceSpec: {
    1: rep(m('ports', 'ServicePort')),
    2: map('selector'),
    3: s('clusterIP'),
    4: s('type'),
    5: rep(s('externalIPs')),
    7: s('sessionAffinity'),
    10: s('externalName'),
    11: s('externalTrafficPolicy'),
    13: b('publishNotReadyAddresses'),
    18: rep(s('clusterIPs')),
  },
  ServicePort: { 1: s('name'), 2: s('protocol'), 3: i('port'), 4: { n: 'targetPort', t: 'intstr' }, 5: i('nodePort'), 6: s('appProtocol') },
  ConfigMap: { 1: m('metadata', 'ObjectMeta'), 2: map('data'), 3: map('binaryData', 'bytes'), 4: b('immutable') },
  Secret: { 1: m('metadata', 'ObjectMeta'), 2: map('data', 'bytes'), 3: s('type'), 4: map('stringData'), 5: b('immutable') },
  Namespace: { 1: m('metadata', 'ObjectMeta'), 2: m('spec', 'NamespaceSpec') },
  NamespaceSpec: { 1: rep(s('finalizers')) },
  ServiceAccount: { 1: m('metadata', 'ObjectMeta') },
  PodDisruptionBudget: { 1: m('metadata', 'ObjectMeta'), 2: m('spec', 'PodDisruptionBudgetSpec') },
  PodDisruptionBudgetSpec: { 1: { n: 'minAvailable', t: 'intstr' }, 2: m('selector', 'LabelSelector'), 3: { n: 'maxUnavailable', t: 'intstr' }, 4: s('unhealthyPodEvictionPolicy') },
  SelfSubjectAccessReview: { 1: m('metadata', 'ObjectMeta'), 2: m('spec', 'SelfSubjectAccessReviewSpec') },
  SelfSubjectAccessReviewSpec: { 1: m('resourceAttributes', 'ResourceAttributes'), 2: m('nonResourceAttributes', 'NonResourceAttributes') },
  ResourceAttributes: { 1: s('namespace'), 2: s('verb'), 3: s('group'), 4: s('version'), 5: s('resource'), 6: s('subresource'), 7: s('name') },
  NonResourceAttributes: { 1: s('path'), 2: s('verb') },
  Time: { 1: i('seconds'), 2: i('nanos') },
  IntOrString: { 1: i('type'), 2: i('intVal'), 3: s('strVal') },
  Quantity: { 1: s('string') },
  MapEntry: { 1: s('key'), 2: { n: 'value', t: 'bytes' } },
};

/** Optional (pointer) scalars in the Go types: their zero value is meaningful and kept. */
const POINTERS = new Set([
  'replicas', 'parallelism', 'completions', 'activeDeadlineSeconds', 'backoffLimit', 'ttlSecondsAfterFinished',
  'terminationGracePeriodSeconds', 'startingDeadlineSeconds', 'successfulJobsHistoryLimit', 'failedJobsHistoryLimit',
  'revisionHistoryLimit', 'progressDeadlineSeconds', 'tolerationSeconds', 'manualSelector', 'suspend', 'controller',
  'blockOwnerDeletion', 'immutable', 'timeZone',
]);

class Reader {
  pos = 0;
  constructor(readonly buf: Buffer, readonly end = buf.length) {}
  varint(): bigint {
    let result = 0n;
    let shift = 0n;
    for (;;) {
      if (this.pos >= this.end) throw badRequest('protobuf: unexpected end of data');
      const byte = this.buf[this.pos++];
      result |= BigInt(byte & 0x7f) << shift;
      if (!(byte & 0x80)) return result;
      shift += 7n;
    }
  }
  bytes(): Buffer {
    const len = Number(this.varint());
    const out = this.buf.subarray(this.pos, this.pos + len);
    this.pos += len;
    return out;
  }
  skip(wire: number): void {
    if (wire === 0) this.varint();
    else if (wire === 1) this.pos += 8;
    else if (wire === 2) this.bytes();
    else if (wire === 5) this.pos += 4;
    else throw badRequest(`protobuf: unsupported wire type ${wire}`);
  }
}

function toSigned(v: bigint): number {
  return Number(BigInt.asIntN(64, v));
}

function decodeMessage(buf: Buffer, schemaName: string): Record<string, any> {
  const schema = SCHEMAS[schemaName];
  const out: Record<string, any> = {};
  const r = new Reader(buf);
  while (r.pos < r.end) {
    const tag = Number(r.varint());
    const num = tag >>> 3;
    const wire = tag & 7;
    const f = schema[num];
    if (!f) {
      r.skip(wire);
      continue;
    }
    let value: any;
    switch (f.t) {
      case 'string':
        value = r.bytes().toString('utf8');
        break;
      case 'bytes':
        value = r.bytes().toString('base64');
        break;
      case 'int':
        value = toSigned(r.varint());
        break;
      case 'bool':
        value = r.varint() !== 0n;
        break;
      case 'intstr': {
        const is = decodeMessage(r.bytes(), 'IntOrString');
        value = is.type === 1 ? (is.strVal ?? '') : (is.intVal ?? 0);
        break;
      }
      case 'msg':
        value = decodeMessage(r.bytes(), f.m);
        break;
      case 'map': {
        const entry = decodeMessage(r.bytes(), 'MapEntry');
        const raw = entry.value ? Buffer.from(entry.value, 'base64') : Buffer.alloc(0);
        const v = f.v === 'bytes' ? raw.toString('base64') : f.v === 'quantity' ? decodeMessage(raw, 'Quantity').string : raw.toString('utf8');
        (out[f.n] ??= {})[entry.key ?? ''] = v;
        continue;
      }
      default:
        r.skip(wire);
        continue;
    }
    if ((f as { rep?: boolean }).rep) (out[f.n] ??= []).push(value);
    else if ((value === '' || value === 0 || value === false) && !POINTERS.has(f.n) && schemaName !== 'IntOrString') delete out[f.n];
    else out[f.n] = value;
  }
  return out;
}

const MAGIC = Buffer.from([0x6b, 0x38, 0x73, 0x00]);

/** Decodes a `k8s\0`-prefixed runtime.Unknown holding one of the kinds above into JSON form. */
export function decodeKubernetesProtobuf(buf: Buffer): Record<string, any> {
  if (buf.length < 4 || !buf.subarray(0, 4).equals(MAGIC)) throw badRequest('provided protobuf is not a valid Kubernetes object (missing magic number)');
  const unknown = decodeMessage(buf.subarray(4), 'Unknown');
  const kind: string = unknown.typeMeta?.kind ?? '';
  if (!SCHEMAS[kind] || !SCHEMAS[kind][1] || (SCHEMAS[kind][1] as Field).n !== 'metadata')
    throw badRequest(`the simulator cannot decode protobuf for kind ${JSON.stringify(kind)}; send application/json`);
  const obj = decodeMessage(Buffer.from(unknown.raw ?? '', 'base64'), kind);
  return { apiVersion: unknown.typeMeta.apiVersion, kind, ...obj };
}
