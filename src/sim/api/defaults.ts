/** Defaulting as the apiserver's SetDefaults_* functions and create strategies do it. */
import type { Obj, Store } from '../store.js';
import { R } from '../resources.js';

type J = Record<string, any>;

function defaultProbe(p: J | undefined): void {
  if (!p) return;
  p.timeoutSeconds ??= 1;
  p.periodSeconds ??= 10;
  p.successThreshold ??= 1;
  p.failureThreshold ??= 3;
  for (const h of [p.httpGet]) if (h) h.scheme ??= 'HTTP';
}

function imageTag(image: string): string | undefined {
  if (image.includes('@')) return 'digest';
  const slash = image.lastIndexOf('/');
  const colon = image.lastIndexOf(':');
  return colon > slash ? image.slice(colon + 1) : undefined;
}

function defaultContainer(c: J): void {
  if (!c || typeof c !== 'object') return;
  if (c.imagePullPolicy === undefined && typeof c.image === 'string' && c.image) {
    const tag = imageTag(c.image);
    c.imagePullPolicy = tag === undefined || tag === 'latest' ? 'Always' : 'IfNotPresent';
  }
  c.terminationMessagePath ??= '/dev/termination-log';
  c.terminationMessagePolicy ??= 'File';
  c.resources ??= {};
  for (const p of Array.isArray(c.ports) ? c.ports : []) if (p && typeof p === 'object') p.protocol ??= 'TCP';
  for (const e of Array.isArray(c.env) ? c.env : []) if (e?.valueFrom?.fieldRef) e.valueFrom.fieldRef.apiVersion ??= 'v1';
  defaultProbe(c.livenessProbe);
  defaultProbe(c.readinessProbe);
  defaultProbe(c.startupProbe);
}

export function defaultPodSpec(spec: J | undefined): void {
  if (!spec || typeof spec !== 'object') return;
  spec.restartPolicy ??= 'Always';
  spec.terminationGracePeriodSeconds ??= 30;
  spec.dnsPolicy ??= 'ClusterFirst';
  spec.schedulerName ??= 'default-scheduler';
  spec.securityContext ??= {};
  for (const list of [spec.containers, spec.initContainers, spec.ephemeralContainers]) if (Array.isArray(list)) list.forEach(defaultContainer);
  for (const v of Array.isArray(spec.volumes) ? spec.volumes : []) {
    if (v?.configMap) v.configMap.defaultMode ??= 420;
    if (v?.secret) v.secret.defaultMode ??= 420;
    if (v?.projected) v.projected.defaultMode ??= 420;
  }
}

function defaultTemplate(template: J | undefined): void {
  if (!template || typeof template !== 'object') return;
  template.metadata ??= {};
  defaultPodSpec(template.spec);
}

export function defaultDeployment(o: Obj): void {
  const spec = (o.spec ??= {});
  spec.replicas ??= 1;
  const strategy = (spec.strategy ??= {});
  strategy.type ??= 'RollingUpdate';
  if (strategy.type === 'RollingUpdate') {
    const ru = (strategy.rollingUpdate ??= {});
    ru.maxUnavailable ??= '25%';
    ru.maxSurge ??= '25%';
  }
  spec.revisionHistoryLimit ??= 10;
  spec.progressDeadlineSeconds ??= 600;
  // omitempty in apps/v1 DeploymentSpec: a real API server never stores paused: false or minReadySeconds: 0.
  if (spec.paused === false) delete spec.paused;
  if (spec.minReadySeconds === 0) delete spec.minReadySeconds;
  defaultTemplate(spec.template);
}

export function defaultReplicaSet(o: Obj): void {
  const spec = (o.spec ??= {});
  spec.replicas ??= 1;
  defaultTemplate(spec.template);
}

export function defaultPod(o: Obj, old: Obj | undefined): void {
  const spec = (o.spec ??= {});
  defaultPodSpec(spec);
  spec.enableServiceLinks ??= true;
  if (!old) {
    spec.serviceAccountName ??= spec.serviceAccount ?? 'default';
    spec.serviceAccount ??= spec.serviceAccountName;
    spec.priority ??= 0;
    spec.preemptionPolicy ??= 'PreemptLowerPriority';
    // A new array, not a push: a controller's pod shares its template's (frozen) tolerations.
    const tolerations: J[] = spec.tolerations ?? [];
    const missing = ['node.kubernetes.io/not-ready', 'node.kubernetes.io/unreachable'].filter((key) => !tolerations.some((t) => t.key === key));
    if (missing.length || !spec.tolerations) spec.tolerations = [...tolerations, ...missing.map((key) => ({ key, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 }))];
    o.status ??= {};
    o.status.phase ??= 'Pending';
    o.status.qosClass ??= 'BestEffort';
  }
}

export function defaultJob(o: Obj, old: Obj | undefined): void {
  const spec = (o.spec ??= {});
  if (spec.completions == null && spec.parallelism == null) {
    spec.completions = 1;
    spec.parallelism = 1;
  }
  spec.parallelism ??= 1;
  spec.backoffLimit ??= 6;
  spec.completionMode ??= 'NonIndexed';
  spec.suspend ??= false;
  spec.podReplacementPolicy ??= 'TerminatingOrFailed';
  if (spec.manualSelector == null) delete spec.manualSelector;
  defaultTemplate(spec.template);
  if (!old && spec.manualSelector !== true && spec.template && typeof spec.template === 'object') {
    // batch/v1 job strategy PrepareForCreate -> generateSelector
    const labels: Record<string, string> = (spec.template.metadata.labels ??= {});
    const uid = o.metadata.uid ?? '';
    for (const k of ['batch.kubernetes.io/controller-uid', 'controller-uid']) labels[k] ??= uid;
    for (const k of ['batch.kubernetes.io/job-name', 'job-name']) labels[k] ??= o.metadata.name ?? '';
    spec.selector ??= {};
    spec.selector.matchLabels ??= {};
    spec.selector.matchLabels['batch.kubernetes.io/controller-uid'] ??= uid;
  }
  if (spec.template?.metadata?.labels && !Object.keys(o.metadata.labels ?? {}).length) o.metadata.labels = { ...spec.template.metadata.labels };
}

export function defaultCronJob(o: Obj): void {
  const spec = (o.spec ??= {});
  spec.concurrencyPolicy ??= 'Allow';
  spec.suspend ??= false;
  spec.successfulJobsHistoryLimit ??= 3;
  spec.failedJobsHistoryLimit ??= 1;
  const jt = spec.jobTemplate?.spec;
  if (jt) {
    jt.backoffLimit ??= 6;
    jt.completionMode ??= 'NonIndexed';
    jt.suspend ??= false;
    defaultTemplate(jt.template);
  }
}

// ---------- Services ----------

function ipToNum(ip: string): number {
  return ip.split('.').reduce((n, p) => n * 256 + Number(p), 0);
}
function numToIp(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

const SERVICE_BASE = ipToNum('10.96.0.0');

function allocateClusterIP(store: Store): string {
  const used = new Set<string>();
  for (const s of store.scan(R.services)) if (s.spec?.clusterIP) used.add(s.spec.clusterIP);
  for (let tries = 0; tries < 100000; tries++) {
    const offset = 10 + Math.floor(Math.random() * (65536 - 12));
    const ip = numToIp(SERVICE_BASE + offset);
    if (!used.has(ip)) return ip;
  }
  throw new Error('no free cluster IP in 10.96.0.0/16');
}

function allocateNodePort(store: Store, taken: Set<number>): number {
  for (const s of store.scan(R.services)) for (const p of s.spec?.ports ?? []) if (p.nodePort) taken.add(p.nodePort);
  for (let tries = 0; tries < 10000; tries++) {
    const port = 30000 + Math.floor(Math.random() * 2768);
    if (!taken.has(port)) {
      taken.add(port);
      return port;
    }
  }
  throw new Error('no free node port');
}

export function defaultService(o: Obj, store: Store, old: Obj | undefined): void {
  const spec = (o.spec ??= {});
  spec.type ??= 'ClusterIP';
  spec.sessionAffinity ??= 'None';
  if (spec.type !== 'ExternalName') spec.internalTrafficPolicy ??= 'Cluster';
  for (const p of Array.isArray(spec.ports) ? spec.ports : []) {
    if (!p || typeof p !== 'object') continue;
    p.protocol ??= 'TCP';
    if (p.targetPort === undefined || p.targetPort === 0 || p.targetPort === '') p.targetPort = p.port;
  }
  if (spec.type === 'ExternalName') return;
  // patchAllocatedValues: an update that drops allocated values keeps the old ones.
  if (old?.spec) {
    if (!spec.clusterIP && old.spec.clusterIP) spec.clusterIP = old.spec.clusterIP;
    if (!spec.clusterIPs && old.spec.clusterIPs) spec.clusterIPs = old.spec.clusterIPs;
    if (spec.type === 'NodePort' || spec.type === 'LoadBalancer')
      for (const p of spec.ports ?? []) {
        if (p.nodePort) continue;
        const was = (old.spec.ports ?? []).find((q: J) => q.port === p.port && q.protocol === p.protocol) ?? (old.spec.ports ?? []).find((q: J) => q.name === p.name);
        if (was?.nodePort) p.nodePort = was.nodePort;
      }
  }
  if (!spec.clusterIP) spec.clusterIP = spec.clusterIPs?.[0] || allocateClusterIP(store);
  spec.clusterIPs ??= [spec.clusterIP];
  if (spec.clusterIP !== 'None' || spec.selector) {
    spec.ipFamilies ??= ['IPv4'];
    spec.ipFamilyPolicy ??= 'SingleStack';
  }
  if (spec.type === 'NodePort' || spec.type === 'LoadBalancer') {
    spec.externalTrafficPolicy ??= 'Cluster';
    const taken = new Set<number>();
    for (const p of spec.ports ?? []) if (p && !p.nodePort) p.nodePort = allocateNodePort(store, taken);
  }
  if (spec.type === 'LoadBalancer') spec.allocateLoadBalancerNodePorts ??= true;
  if (!old) {
    o.status ??= {};
    o.status.loadBalancer ??= {};
  }
}

export function defaultNamespace(o: Obj): void {
  o.metadata.labels = { ...(o.metadata.labels ?? {}), 'kubernetes.io/metadata.name': o.metadata.name! };
  o.spec ??= {};
  o.spec.finalizers ??= ['kubernetes'];
  o.status ??= {};
  o.status.phase ??= 'Active';
}

export function defaultPdb(o: Obj): void {
  o.spec ??= {};
}
