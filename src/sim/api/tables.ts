/**
 * Server-side printing (`Accept: application/json;as=Table;v=v1;g=meta.k8s.io`), following
 * kubernetes pkg/printers/internalversion/printers.go. Cells always include the wide columns
 * (priority 1); kubectl hides them unless `-o wide`.
 */
import type { Obj } from '../store.js';
import type { ResourceType } from '../resources.js';
import { selectorString } from '../labels.js';

export interface Column {
  name: string;
  type: string;
  format: string;
  description: string;
  priority: number;
}

const col = (name: string, priority = 0, type = 'string', format = '', description = ''): Column => ({
  name,
  type,
  format,
  description: description || name,
  priority,
});
const NAME = col('Name', 0, 'string', 'name', 'Name must be unique within a namespace.');
const AGE = col('Age', 0, 'string', '', 'CreationTimestamp is a timestamp representing the server time when this object was created.');

/** Go's duration.HumanDuration, as kubectl prints ages. */
export function humanDuration(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  if (seconds < -1) return '<invalid>';
  if (seconds < 0) return '0s';
  if (seconds < 60 * 2) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 10) {
    const s = seconds % 60;
    return s === 0 ? `${minutes}m` : `${minutes}m${s}s`;
  }
  if (minutes < 60 * 3) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 8) {
    const m = minutes % 60;
    return m === 0 ? `${hours}h` : `${hours}h${m}m`;
  }
  if (hours < 48) return `${hours}h`;
  if (hours < 24 * 8) {
    const h = hours % 24;
    return h === 0 ? `${Math.floor(hours / 24)}d` : `${Math.floor(hours / 24)}d${h}h`;
  }
  if (hours < 24 * 365 * 2) return `${Math.floor(hours / 24)}d`;
  if (hours < 24 * 365 * 8) {
    const dy = Math.floor(hours / 24) % 365;
    return dy === 0 ? `${Math.floor(hours / 24 / 365)}y` : `${Math.floor(hours / 24 / 365)}y${dy}d`;
  }
  return `${Math.floor(hours / 24 / 365)}y`;
}

const since = (now: number, ts: string | undefined | null): string => (ts ? humanDuration(now - Date.parse(ts)) : '<unknown>');

function intstr(v: unknown): string {
  return v === undefined || v === null ? 'N/A' : String(v);
}

function formatSelector(sel: any): string {
  if (!sel) return '<none>';
  try {
    const s = selectorString(sel);
    return s || '<none>';
  } catch {
    return '<error>';
  }
}

function formatLabels(m: Record<string, string> | undefined): string {
  const keys = Object.keys(m ?? {}).sort();
  return keys.length ? keys.map((k) => `${k}=${m![k]}`).join(',') : '<none>';
}

const containerNames = (spec: any) => (spec?.containers ?? []).map((c: any) => c.name).join(',');
const containerImages = (spec: any) => (spec?.containers ?? []).map((c: any) => c.image).join(',');

interface Printer {
  columns: Column[];
  cells(o: Obj, now: number): unknown[];
  conditions?(o: Obj): unknown[] | undefined;
}

function podStatus(pod: Obj, now: number): { ready: string; reason: string; restarts: string } {
  const spec = pod.spec ?? {};
  const status = pod.status ?? {};
  let restarts = 0;
  let restartableInitRestarts = 0;
  let total = (spec.containers ?? []).length;
  let ready = 0;
  let lastRestart = 0;
  let lastRestartableInit = 0;
  const phase = status.phase ?? '';
  let reason: string = status.reason || phase;
  for (const c of status.conditions ?? []) if (c.type === 'PodScheduled' && c.reason === 'SchedulingGated') reason = 'SchedulingGated';
  const inits = new Map<string, any>();
  for (const c of spec.initContainers ?? []) {
    inits.set(c.name, c);
    if (c.restartPolicy === 'Always') total++;
  }
  let initializing = false;
  const initStatuses: any[] = status.initContainerStatuses ?? [];
  for (let i = 0; i < initStatuses.length; i++) {
    const c = initStatuses[i];
    restarts += c.restartCount ?? 0;
    const finished = c.lastState?.terminated?.finishedAt;
    if (finished && Date.parse(finished) > lastRestart) lastRestart = Date.parse(finished);
    const restartable = inits.get(c.name)?.restartPolicy === 'Always';
    if (restartable) {
      restartableInitRestarts += c.restartCount ?? 0;
      if (finished && Date.parse(finished) > lastRestartableInit) lastRestartableInit = Date.parse(finished);
    }
    const t = c.state?.terminated;
    const w = c.state?.waiting;
    if (t && t.exitCode === 0) continue;
    if (restartable && c.started) {
      if (c.ready) ready++;
      continue;
    }
    if (t) reason = t.reason ? `Init:${t.reason}` : t.signal ? `Init:Signal:${t.signal}` : `Init:ExitCode:${t.exitCode}`;
    else if (w?.reason && w.reason !== 'PodInitializing') reason = `Init:${w.reason}`;
    else reason = `Init:${i}/${(spec.initContainers ?? []).length}`;
    initializing = true;
    break;
  }
  const initializedTrue = (status.conditions ?? []).some((c: any) => c.type === 'Initialized' && c.status === 'True');
  if (!initializing || initializedTrue) {
    restarts = restartableInitRestarts;
    lastRestart = lastRestartableInit;
    let hasRunning = false;
    const cs: any[] = status.containerStatuses ?? [];
    for (let i = cs.length - 1; i >= 0; i--) {
      const c = cs[i];
      restarts += c.restartCount ?? 0;
      const finished = c.lastState?.terminated?.finishedAt;
      if (finished && Date.parse(finished) > lastRestart) lastRestart = Date.parse(finished);
      const w = c.state?.waiting;
      const t = c.state?.terminated;
      if (w && w.reason) reason = w.reason;
      else if (t && t.reason) reason = t.reason;
      else if (t) reason = t.signal ? `Signal:${t.signal}` : `ExitCode:${t.exitCode}`;
      else if (c.ready && c.state?.running) {
        hasRunning = true;
        ready++;
      }
    }
    if (reason === 'Completed' && hasRunning) {
      reason = (status.conditions ?? []).some((c: any) => c.type === 'Ready' && c.status === 'True') ? 'Running' : 'NotReady';
    }
  }
  if (pod.metadata.deletionTimestamp && status.reason === 'NodeLost') reason = 'Unknown';
  else if (pod.metadata.deletionTimestamp && phase !== 'Succeeded' && phase !== 'Failed') reason = 'Terminating';
  let restartsStr = String(restarts);
  if (restarts !== 0 && lastRestart) restartsStr = `${restarts} (${humanDuration(now - lastRestart)} ago)`;
  return { ready: `${ready}/${total}`, reason, restarts: restartsStr };
}

const PRINTERS: Record<string, Printer> = {
  pods: {
    columns: [
      NAME,
      col('Ready', 0, 'string', '', 'The aggregate readiness state of this pod for accepting traffic.'),
      col('Status', 0, 'string', '', 'The aggregate status of the containers in this pod.'),
      col('Restarts', 0, 'string', '', 'The number of times the containers in this pod have been restarted and when the last container in this pod has restarted.'),
      AGE,
      col('IP', 1),
      col('Node', 1),
      col('Nominated Node', 1),
      col('Readiness Gates', 1),
    ],
    cells(o, now) {
      const s = podStatus(o, now);
      const gates: any[] = o.spec?.readinessGates ?? [];
      let gateStr = '<none>';
      if (gates.length) {
        const ok = gates.filter((g) => (o.status?.conditions ?? []).find((c: any) => c.type === g.conditionType)?.status === 'True').length;
        gateStr = `${ok}/${gates.length}`;
      }
      return [
        o.metadata.name,
        s.ready,
        s.reason,
        s.restarts,
        since(now, o.metadata.creationTimestamp),
        o.status?.podIPs?.[0]?.ip || o.status?.podIP || '<none>',
        o.spec?.nodeName || '<none>',
        o.status?.nominatedNodeName || '<none>',
        gateStr,
      ];
    },
    conditions(o) {
      if (o.status?.phase === 'Succeeded') return [{ type: 'Completed', status: 'True', reason: 'Succeeded', message: 'The pod has completed successfully.' }];
      if (o.status?.phase === 'Failed') return [{ type: 'Completed', status: 'True', reason: 'Failed', message: 'The pod failed.' }];
      return undefined;
    },
  },
  deployments: {
    columns: [NAME, col('Ready'), col('Up-to-date'), col('Available'), AGE, col('Containers', 1), col('Images', 1), col('Selector', 1)],
    cells: (o, now) => [
      o.metadata.name,
      `${o.status?.readyReplicas ?? 0}/${o.spec?.replicas ?? 0}`,
      o.status?.updatedReplicas ?? 0,
      o.status?.availableReplicas ?? 0,
      since(now, o.metadata.creationTimestamp),
      containerNames(o.spec?.template?.spec),
      containerImages(o.spec?.template?.spec),
      formatSelector(o.spec?.selector),
    ],
  },
  replicasets: {
    columns: [NAME, col('Desired'), col('Current'), col('Ready'), AGE, col('Containers', 1), col('Images', 1), col('Selector', 1)],
    cells: (o, now) => [
      o.metadata.name,
      o.spec?.replicas ?? 0,
      o.status?.replicas ?? 0,
      o.status?.readyReplicas ?? 0,
      since(now, o.metadata.creationTimestamp),
      containerNames(o.spec?.template?.spec),
      containerImages(o.spec?.template?.spec),
      formatSelector(o.spec?.selector),
    ],
  },
  services: {
    columns: [NAME, col('Type'), col('Cluster-IP'), col('External-IP'), col('Port(s)'), AGE, col('Selector', 1)],
    cells(o, now) {
      const spec = o.spec ?? {};
      const type = spec.type ?? 'ClusterIP';
      let external = '<none>';
      const ext: string[] = spec.externalIPs ?? [];
      if (type === 'ExternalName') external = spec.externalName ?? '<none>';
      else if (type === 'LoadBalancer') {
        const ing: string[] = (o.status?.loadBalancer?.ingress ?? []).map((i: any) => i.ip || i.hostname);
        const all = [...ing, ...ext];
        external = all.length ? all.join(',') : '<pending>';
      } else if (ext.length) external = ext.join(',');
      const ports = (spec.ports ?? []).map((p: any) => (p.nodePort ? `${p.port}:${p.nodePort}/${p.protocol ?? 'TCP'}` : `${p.port}/${p.protocol ?? 'TCP'}`)).join(',');
      return [o.metadata.name, type, spec.clusterIP || '<none>', external, ports || '<none>', since(now, o.metadata.creationTimestamp), formatLabels(spec.selector)];
    },
  },
  endpoints: {
    columns: [NAME, col('Endpoints'), AGE],
    cells(o, now) {
      const eps: string[] = [];
      let count = 0;
      for (const ss of o.subsets ?? []) {
        for (const a of ss.addresses ?? []) {
          const ports = ss.ports?.length ? ss.ports : [undefined];
          for (const p of ports) {
            count++;
            if (eps.length < 3) eps.push(p ? `${a.ip}:${p.port}` : a.ip);
          }
        }
      }
      let s = eps.length ? eps.join(',') : '<none>';
      if (count > 3) s += ` + ${count - 3} more...`;
      return [o.metadata.name, s, since(now, o.metadata.creationTimestamp)];
    },
  },
  endpointslices: {
    columns: [NAME, col('AddressType'), col('Ports'), col('Endpoints'), AGE],
    cells(o, now) {
      const ports = (o.ports ?? []).map((p: any) => (p.port === undefined || p.port === null ? '<unset>' : String(p.port)));
      const addrs: string[] = [];
      let count = 0;
      for (const e of o.endpoints ?? [])
        for (const a of e.addresses ?? []) {
          count++;
          if (addrs.length < 3) addrs.push(a);
        }
      let ep = addrs.length ? addrs.join(',') : '<unset>';
      if (count > 3) ep += ` + ${count - 3} more...`;
      return [o.metadata.name, o.addressType ?? '', ports.length ? ports.join(',') : '<unset>', ep, since(now, o.metadata.creationTimestamp)];
    },
  },
  jobs: {
    columns: [NAME, col('Status'), col('Completions'), col('Duration'), AGE, col('Containers', 1), col('Images', 1), col('Selector', 1)],
    cells(o, now) {
      const conds: any[] = o.status?.conditions ?? [];
      const has = (t: string) => conds.some((c) => c.type === t && c.status === 'True');
      const status = has('Complete')
        ? 'Complete'
        : has('Failed')
          ? 'Failed'
          : o.metadata.deletionTimestamp
            ? 'Terminating'
            : has('Suspended')
              ? 'Suspended'
              : has('FailureTarget')
                ? 'FailureTarget'
                : has('SuccessCriteriaMet')
                  ? 'SuccessCriteriaMet'
                  : 'Running';
      const succeeded = o.status?.succeeded ?? 0;
      const spec = o.spec ?? {};
      let completions: string;
      if (spec.completions !== undefined && spec.completions !== null) completions = `${succeeded}/${spec.completions}`;
      else if (spec.parallelism === undefined || spec.parallelism === null) completions = `${succeeded}/1`;
      else if (spec.parallelism > 1) completions = `${succeeded}/1 of ${spec.parallelism}`;
      else completions = `${succeeded}/1`;
      const start = o.status?.startTime;
      const end = o.status?.completionTime;
      const duration = !start ? '' : !end ? humanDuration(now - Date.parse(start)) : humanDuration(Date.parse(end) - Date.parse(start));
      return [
        o.metadata.name,
        status,
        completions,
        duration,
        since(now, o.metadata.creationTimestamp),
        containerNames(spec.template?.spec),
        containerImages(spec.template?.spec),
        formatSelector(spec.selector),
      ];
    },
  },
  cronjobs: {
    columns: [NAME, col('Schedule'), col('Timezone'), col('Suspend'), col('Active'), col('Last Schedule'), AGE, col('Containers', 1), col('Images', 1), col('Selector', 1)],
    cells(o, now) {
      const spec = o.spec ?? {};
      const jspec = spec.jobTemplate?.spec ?? {};
      return [
        o.metadata.name,
        spec.schedule ?? '',
        spec.timeZone ?? '<none>',
        spec.suspend === undefined || spec.suspend === null ? '<unset>' : spec.suspend ? 'True' : 'False',
        (o.status?.active ?? []).length,
        o.status?.lastScheduleTime ? since(now, o.status.lastScheduleTime) : '<none>',
        since(now, o.metadata.creationTimestamp),
        containerNames(jspec.template?.spec),
        containerImages(jspec.template?.spec),
        formatSelector(jspec.selector),
      ];
    },
  },
  poddisruptionbudgets: {
    columns: [NAME, col('Min Available'), col('Max Unavailable'), col('Allowed Disruptions'), AGE],
    cells: (o, now) => [
      o.metadata.name,
      intstr(o.spec?.minAvailable),
      intstr(o.spec?.maxUnavailable),
      o.status?.disruptionsAllowed ?? 0,
      since(now, o.metadata.creationTimestamp),
    ],
  },
  events: {
    columns: [
      col('Last Seen'),
      col('Type'),
      col('Reason'),
      col('Object'),
      col('Subobject', 1),
      col('Source', 1),
      col('Message'),
      col('First Seen', 1),
      col('Count', 1, 'integer'),
      col('Name', 1, 'string', 'name'),
    ],
    cells(o, now) {
      const first = o.firstTimestamp ? since(now, o.firstTimestamp) : o.eventTime ? since(now, o.eventTime) : '<unknown>';
      let last = o.lastTimestamp ? since(now, o.lastTimestamp) : first;
      let count = o.count ?? 0;
      if (o.series) {
        last = since(now, o.series.lastObservedTime);
        count = o.series.count;
      } else if (!count) count = 1;
      const io = o.involvedObject ?? {};
      const target = io.name ? `${String(io.kind ?? '').toLowerCase()}/${io.name}` : String(io.kind ?? '').toLowerCase();
      const src = o.source?.component ? (o.source.host ? `${o.source.component}, ${o.source.host}` : o.source.component) : o.reportingController ?? '';
      return [last, o.type ?? '', o.reason ?? '', target, io.fieldPath ?? '', src, String(o.message ?? '').trim(), first, count, o.metadata.name];
    },
  },
  namespaces: {
    columns: [NAME, col('Status'), AGE],
    cells: (o, now) => [o.metadata.name, o.status?.phase ?? '', since(now, o.metadata.creationTimestamp)],
  },
  nodes: {
    columns: [NAME, col('Status'), col('Roles'), AGE, col('Version'), col('Internal-IP', 1), col('External-IP', 1), col('OS-Image', 1), col('Kernel-Version', 1), col('Container-Runtime', 1)],
    cells(o, now) {
      const conds: any[] = o.status?.conditions ?? [];
      const ready = conds.find((c) => c.type === 'Ready');
      const statuses = [ready ? (ready.status === 'True' ? 'Ready' : 'NotReady') : 'Unknown'];
      if (o.spec?.unschedulable) statuses.push('SchedulingDisabled');
      const roles = Object.keys(o.metadata.labels ?? {})
        .filter((k) => k.startsWith('node-role.kubernetes.io/'))
        .map((k) => k.slice('node-role.kubernetes.io/'.length))
        .sort();
      const addr = (t: string) => (o.status?.addresses ?? []).find((a: any) => a.type === t)?.address ?? '<none>';
      const info = o.status?.nodeInfo ?? {};
      return [
        o.metadata.name,
        statuses.join(','),
        roles.length ? roles.join(',') : '<none>',
        since(now, o.metadata.creationTimestamp),
        info.kubeletVersion ?? '',
        addr('InternalIP'),
        addr('ExternalIP'),
        info.osImage ?? '<unknown>',
        info.kernelVersion || '<unknown>',
        info.containerRuntimeVersion ?? '<unknown>',
      ];
    },
  },
  configmaps: {
    columns: [NAME, col('Data', 0, 'integer'), AGE],
    cells: (o, now) => [o.metadata.name, Object.keys(o.data ?? {}).length + Object.keys(o.binaryData ?? {}).length, since(now, o.metadata.creationTimestamp)],
  },
  secrets: {
    columns: [NAME, col('Type'), col('Data', 0, 'integer'), AGE],
    cells: (o, now) => [o.metadata.name, o.type ?? 'Opaque', Object.keys(o.data ?? {}).length, since(now, o.metadata.creationTimestamp)],
  },
  serviceaccounts: {
    columns: [NAME, col('Secrets', 0, 'integer'), AGE],
    cells: (o, now) => [o.metadata.name, (o.secrets ?? []).length, since(now, o.metadata.creationTimestamp)],
  },
  leases: {
    columns: [NAME, col('Holder'), AGE],
    cells: (o, now) => [o.metadata.name, o.spec?.holderIdentity ?? '', since(now, o.metadata.creationTimestamp)],
  },
};

const DEFAULT_PRINTER: Printer = { columns: [NAME, AGE], cells: (o, now) => [o.metadata.name, since(now, o.metadata.creationTimestamp)] };

export function printerFor(rt: ResourceType): Printer {
  if (rt.resource === 'events' && rt.group === 'events.k8s.io') return DEFAULT_PRINTER;
  return PRINTERS[rt.resource] ?? DEFAULT_PRINTER;
}

export type IncludeObject = 'None' | 'Metadata' | 'Object';

function rowObject(o: Obj, include: IncludeObject): unknown {
  if (include === 'None') return undefined;
  if (include === 'Object') return o;
  return { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: o.metadata };
}

export function tableRow(rt: ResourceType, o: Obj, now: number, include: IncludeObject): Record<string, unknown> {
  const p = printerFor(rt);
  const row: Record<string, unknown> = { cells: p.cells(o, now) };
  const conds = p.conditions?.(o);
  if (conds) row.conditions = conds;
  const obj = rowObject(o, include);
  if (obj) row.object = obj;
  return row;
}

export function toTable(
  rt: ResourceType,
  items: Obj[],
  now: number,
  include: IncludeObject,
  meta: Record<string, unknown>,
  withColumns = true,
): Record<string, unknown> {
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: meta,
    ...(withColumns ? { columnDefinitions: printerFor(rt).columns } : { columnDefinitions: null }),
    rows: items.map((o) => tableRow(rt, o, now, include)),
  };
}

export function parseIncludeObject(v: string | null): IncludeObject {
  if (v === 'None' || v === 'Object') return v;
  return 'Metadata';
}
