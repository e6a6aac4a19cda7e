/**
 * A realistic cluster, built by hand (the embedded sim's controllers are not producing pods yet):
 * Deployments with their ReplicaSets, pods, Services and EndpointSlices, a PDB, Jobs and Events,
 * run through the real deriveViewModel, into a real cockpit store. No module of ours is mocked.
 *
 * namespace shop-ns:
 *   web     rolling 10 replicas, 25%/0, mid-rollout rev 3 -> 4: surge 3/3 (AT), unavailable 0/0
 *   shop    canary pair shop-stable 9 + shop-canary 1 behind Service shop: canary 10%
 *   pay     blue-green pair pay-blue (live) / pay-green behind Service pay (version=blue)
 *   api     rolling 4 replicas, PDB api-pdb minAvailable 75%, settled
 *   search  rolling 3 replicas, maxSurge 1/maxUnavailable 0, one old pod gone and the new one
 *           never ready, progress deadline exceeded: unavailable 1/0 (OVER)
 */
import type {
  CoreV1Event,
  V1Deployment,
  V1EndpointSlice,
  V1Job,
  V1Pod,
  V1PodDisruptionBudget,
  V1ReplicaSet,
  V1Service,
} from '@kubernetes/client-node';
import { DeriveMemo, deriveViewModel, type ViewModel } from '../../src/derive/derive.js';
import type { Snapshot } from '../../src/derive/snapshot.js';
import { createCockpitStore, type CockpitStore, type ConnectionInfo, type Health } from '../../src/store/state.js';
import type { Intents } from '../../src/engine/cockpit.js';
import type { Notice } from '../../src/store/state.js';

export const NOW = Date.UTC(2025, 0, 1, 12, 0, 0);
export const NS = 'shop-ns';
const iso = (msAgo: number) => new Date(NOW - msAgo).toISOString();

let uidCounter = 0;
const uid = (prefix: string) => `${prefix}-${(++uidCounter).toString().padStart(4, '0')}`;

interface AppDef {
  name: string;
  labels: Record<string, string>;
  replicas: number;
  maxSurge: string | number;
  maxUnavailable: string | number;
  image: string;
  revision: number;
  progressDeadlineExceeded?: boolean;
  paused?: boolean;
}

function template(def: AppDef, image: string, hash?: string) {
  return {
    metadata: { labels: { ...def.labels, ...(hash ? { 'pod-template-hash': hash } : {}) } },
    spec: {
      terminationGracePeriodSeconds: 60,
      containers: [
        {
          name: def.labels.app,
          image,
          readinessProbe: { httpGet: { path: '/health/ready', port: 8080 }, initialDelaySeconds: 5, periodSeconds: 5 },
          livenessProbe: { httpGet: { path: '/health/live', port: 8080 }, initialDelaySeconds: 60, periodSeconds: 10 },
          lifecycle: { preStop: { exec: { command: ['/bin/sh', '-c', 'sleep 5'] } } },
        },
      ],
    },
  };
}

interface RsDef {
  revision: number;
  image: string;
  /** spec.replicas */
  want: number;
  ready: number;
  notReady?: number;
  terminating?: number;
  status?: string;
}

interface Built {
  deployment: V1Deployment;
  replicasets: V1ReplicaSet[];
  pods: V1Pod[];
}

function app(def: AppDef, rss: RsDef[]): Built {
  const dUid = uid('d');
  const newRs = rss.find((r) => r.revision === def.revision)!;
  const total = rss.reduce((n, r) => n + r.ready + (r.notReady ?? 0), 0);
  const ready = rss.reduce((n, r) => n + r.ready, 0);
  const updated = newRs.ready + (newRs.notReady ?? 0);
  const deployment: V1Deployment = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name: def.name,
      namespace: NS,
      uid: dUid,
      generation: 4,
      labels: def.labels,
      annotations: { 'deployment.kubernetes.io/revision': String(def.revision) },
      creationTimestamp: new Date(NOW - 86_400_000),
    },
    spec: {
      replicas: def.replicas,
      paused: def.paused,
      selector: { matchLabels: def.labels },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: def.maxSurge, maxUnavailable: def.maxUnavailable } },
      progressDeadlineSeconds: 600,
      template: template(def, def.image),
    },
    status: {
      observedGeneration: 4,
      replicas: total,
      updatedReplicas: updated,
      readyReplicas: ready,
      availableReplicas: ready,
      unavailableReplicas: Math.max(0, def.replicas - ready),
      conditions: [
        {
          type: 'Available',
          status: ready >= def.replicas - (typeof def.maxUnavailable === 'number' ? def.maxUnavailable : 0) ? 'True' : 'False',
          reason: ready >= def.replicas ? 'MinimumReplicasAvailable' : 'MinimumReplicasUnavailable',
          message: ready >= def.replicas ? 'Deployment has minimum availability.' : 'Deployment does not have minimum availability.',
          lastUpdateTime: new Date(NOW - 60_000),
          lastTransitionTime: new Date(NOW - 60_000),
        },
        def.progressDeadlineExceeded
          ? { type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded', message: `ReplicaSet "${def.name}-new" has timed out progressing.`, lastUpdateTime: new Date(NOW - 30_000), lastTransitionTime: new Date(NOW - 30_000) }
          : { type: 'Progressing', status: 'True', reason: updated === def.replicas ? 'NewReplicaSetAvailable' : 'ReplicaSetUpdated', message: `ReplicaSet "${def.name}" is progressing.`, lastUpdateTime: new Date(NOW - 20_000), lastTransitionTime: new Date(NOW - 600_000) },
      ],
    },
  };
  const replicasets: V1ReplicaSet[] = [];
  const pods: V1Pod[] = [];
  for (const r of rss) {
    const hash = `h${r.revision}x${def.name.length}`;
    const rsName = `${def.name}-${hash}`;
    const rsUid = uid('rs');
    const count = r.ready + (r.notReady ?? 0);
    replicasets.push({
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: {
        name: rsName,
        namespace: NS,
        uid: rsUid,
        labels: { ...def.labels, 'pod-template-hash': hash },
        annotations: { 'deployment.kubernetes.io/revision': String(r.revision) },
        ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: def.name, uid: dUid, controller: true }],
        creationTimestamp: new Date(NOW - 3_600_000 + r.revision * 60_000),
      },
      spec: { replicas: r.want, selector: { matchLabels: { ...def.labels, 'pod-template-hash': hash } }, template: template(def, r.image, hash) },
      status: { replicas: count, readyReplicas: r.ready, availableReplicas: r.ready, observedGeneration: 1 },
    });
    const states = [...Array(r.ready).fill('ready'), ...Array(r.notReady ?? 0).fill('notready'), ...Array(r.terminating ?? 0).fill('terminating')];
    states.forEach((state, i) => {
      const podName = `${rsName}-p${String(i).padStart(2, '0')}`;
      const ready = state === 'ready';
      pods.push({
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: {
          name: podName,
          namespace: NS,
          uid: uid('pod'),
          labels: { ...def.labels, 'pod-template-hash': hash },
          ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: rsName, uid: rsUid, controller: true }],
          creationTimestamp: new Date(NOW - (ready ? 300_000 : 20_000) - i * 1000),
          ...(state === 'terminating' ? { deletionTimestamp: new Date(NOW - 2_000) } : {}),
        },
        spec: { nodeName: `node-${(i % 3) + 1}`, containers: [{ name: def.labels.app, image: r.image }] },
        status: {
          phase: 'Running',
          conditions: [{ type: 'Ready', status: ready ? 'True' : 'False', lastTransitionTime: new Date(NOW - 200_000) }],
          containerStatuses: [
            {
              name: def.labels.app,
              image: r.image,
              imageID: '',
              ready,
              restartCount: r.status === 'CrashLoopBackOff' ? 4 : 0,
              started: true,
              state: r.status && !ready ? { waiting: { reason: r.status } } : { running: { startedAt: new Date(NOW - 250_000) } },
            },
          ],
        },
      });
    });
  }
  return { deployment, replicasets, pods };
}

function service(name: string, selector: Record<string, string>): V1Service {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace: NS, uid: uid('svc') },
    spec: { selector, ports: [{ port: 80, targetPort: 8080 }] },
  };
}

/** One EndpointSlice with the given pods, in the states a kube-proxy would see. */
function slice(svc: string, pods: V1Pod[]): V1EndpointSlice {
  return {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    addressType: 'IPv4',
    metadata: { name: `${svc}-abc`, namespace: NS, uid: uid('eps'), labels: { 'kubernetes.io/service-name': svc } },
    endpoints: pods.map((p, i) => {
      const ready = p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
      const terminating = Boolean(p.metadata?.deletionTimestamp);
      return {
        addresses: [`10.1.${i >> 8}.${i & 255}`],
        conditions: { ready: ready && !terminating, serving: ready, terminating },
        nodeName: p.spec?.nodeName,
        targetRef: { kind: 'Pod', name: p.metadata!.name!, namespace: NS, uid: p.metadata!.uid! },
      };
    }),
  };
}

function event(obj: { kind: string; name: string; uid?: string }, reason: string, message: string, msAgo: number, type = 'Normal'): CoreV1Event {
  return {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { name: `${obj.name}.${reason}.${msAgo}`, namespace: NS, uid: uid('ev') },
    involvedObject: { kind: obj.kind, name: obj.name, namespace: NS, uid: obj.uid },
    reason,
    message,
    type,
    count: 1,
    firstTimestamp: new Date(NOW - msAgo),
    lastTimestamp: new Date(NOW - msAgo),
  };
}

export interface Fixture {
  snapshot: Snapshot;
  /** The view model after a few flushes (so availability histories have points). */
  view: ViewModel;
}

/** The snapshot at a point of the web rollout (0: start .. 3: now). */
function buildSnapshot(step = 3): Snapshot {
  uidCounter = 0;
  const webNew = Math.min(6, step * 2);
  const web = app(
    { name: 'web', labels: { app: 'web' }, replicas: 10, maxSurge: '25%', maxUnavailable: 0, image: 'registry.local/web:v2.5.0', revision: 4 },
    [
      { revision: 3, image: 'registry.local/web:v2.4.1', want: 10 - Math.max(0, webNew - 3), ready: 10 - Math.max(0, webNew - 3), terminating: step === 3 ? 1 : 0 },
      { revision: 4, image: 'registry.local/web:v2.5.0', want: webNew, ready: Math.max(0, webNew - 3), notReady: Math.min(3, webNew), status: 'ContainerCreating' },
    ],
  );
  const shopStable = app(
    { name: 'shop-stable', labels: { app: 'shop', track: 'stable' }, replicas: 9, maxSurge: 1, maxUnavailable: 0, image: 'registry.local/shop:v1.0.0', revision: 2 },
    [{ revision: 2, image: 'registry.local/shop:v1.0.0', want: 9, ready: 9 }],
  );
  const shopCanary = app(
    { name: 'shop-canary', labels: { app: 'shop', track: 'canary' }, replicas: 1, maxSurge: 1, maxUnavailable: 0, image: 'registry.local/shop:v2.0.0', revision: 1 },
    [{ revision: 1, image: 'registry.local/shop:v2.0.0', want: 1, ready: 1 }],
  );
  const payBlue = app(
    { name: 'pay-blue', labels: { app: 'pay', version: 'blue' }, replicas: 4, maxSurge: '25%', maxUnavailable: 0, image: 'registry.local/pay:v1.0.0', revision: 1 },
    [{ revision: 1, image: 'registry.local/pay:v1.0.0', want: 4, ready: 4 }],
  );
  const payGreen = app(
    { name: 'pay-green', labels: { app: 'pay', version: 'green' }, replicas: 4, maxSurge: '25%', maxUnavailable: 0, image: 'registry.local/pay:v2.0.0', revision: 1 },
    [{ revision: 1, image: 'registry.local/pay:v2.0.0', want: 4, ready: 4 }],
  );
  const api = app(
    { name: 'api', labels: { app: 'api' }, replicas: 4, maxSurge: 1, maxUnavailable: 0, image: 'registry.local/api:v2.0', revision: 2 },
    [
      { revision: 1, image: 'registry.local/api:v1.9', want: 0, ready: 0 },
      { revision: 2, image: 'registry.local/api:v2.0', want: 4, ready: 4 },
    ],
  );
  const search = app(
    { name: 'search', labels: { app: 'search' }, replicas: 3, maxSurge: 1, maxUnavailable: 0, image: 'registry.local/search:v3.2', revision: 5, progressDeadlineExceeded: true },
    [
      { revision: 4, image: 'registry.local/search:v3.1', want: 3, ready: 2 },
      { revision: 5, image: 'registry.local/search:v3.2', want: 1, ready: 0, notReady: 1, status: 'CrashLoopBackOff' },
    ],
  );
  const all = [web, shopStable, shopCanary, payBlue, payGreen, api, search];
  const services = [service('web', { app: 'web' }), service('shop', { app: 'shop' }), service('pay', { app: 'pay', version: 'blue' }), service('api', { app: 'api' }), service('search', { app: 'search' })];
  const slices = [
    slice('web', web.pods),
    slice('shop', [...shopStable.pods, ...shopCanary.pods]),
    slice('pay', payBlue.pods),
    slice('api', api.pods),
    slice('search', search.pods),
  ];
  const pdb: V1PodDisruptionBudget = {
    apiVersion: 'policy/v1',
    kind: 'PodDisruptionBudget',
    metadata: { name: 'api-pdb', namespace: NS, uid: uid('pdb'), generation: 1 },
    spec: { minAvailable: '75%', selector: { matchLabels: { app: 'api' } } },
    status: { observedGeneration: 1, disruptionsAllowed: 1, currentHealthy: 4, desiredHealthy: 3, expectedPods: 4 },
  };
  const jobs: V1Job[] = [
    {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name: 'nightly-report', namespace: NS, uid: uid('job') },
      spec: { template: { spec: { containers: [{ name: 'r', image: 'report:1' }], restartPolicy: 'Never' } } },
      status: { active: 1, startTime: new Date(NOW - 90_000) },
    },
    {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name: 'web-migrate-v2-5-0', namespace: NS, uid: uid('job'), labels: { 'cutover.io/migration-for': 'web' } },
      spec: { template: { spec: { containers: [{ name: 'migrate', image: 'registry.local/web:v2.5.0' }], restartPolicy: 'Never' } } },
      status: {
        succeeded: 1,
        startTime: new Date(NOW - 400_000),
        completionTime: new Date(NOW - 380_000),
        conditions: [{ type: 'Complete', status: 'True', lastTransitionTime: new Date(NOW - 380_000) }],
      },
    },
  ];
  const d = (b: Built) => ({ kind: 'Deployment', name: b.deployment.metadata!.name!, uid: b.deployment.metadata!.uid });
  const events = [
    event(d(web), 'ScalingReplicaSet', 'Scaled up replica set web-h4x3 from 3 to 6', 30_000),
    event(d(web), 'ScalingReplicaSet', 'Scaled down replica set web-h3x3 from 10 to 7', 25_000),
    event({ kind: 'Pod', name: search.pods.at(-1)!.metadata!.name!, uid: search.pods.at(-1)!.metadata!.uid }, 'BackOff', 'Back-off restarting failed container search', 10_000, 'Warning'),
    event(d(search), 'ProgressDeadlineExceeded', 'Deployment "search" has timed out progressing.', 20_000, 'Warning'),
    event(d(shopCanary), 'ScalingReplicaSet', 'Scaled up replica set shop-canary-h1x11 from 0 to 1', 600_000),
  ];
  return {
    deployments: all.map((b) => b.deployment),
    replicasets: all.flatMap((b) => b.replicasets),
    pods: all.flatMap((b) => b.pods),
    services,
    endpointslices: slices,
    jobs,
    cronjobs: [],
    leases: [],
    poddisruptionbudgets: [pdb],
    events,
  };
}

/** Derives the view model over four flushes, 10 s apart, ending at NOW. */
export function buildFixture(): Fixture {
  let view: ViewModel | undefined;
  let snapshot: Snapshot = buildSnapshot(0);
  const memo = new DeriveMemo();
  for (let step = 0; step <= 3; step++) {
    snapshot = buildSnapshot(step);
    view = deriveViewModel(snapshot, memo, NOW - (3 - step) * 10_000, { observedSince: NOW - 3_600_000 });
  }
  return { snapshot, view: view! };
}

export const CONNECTION: ConnectionInfo = {
  context: 'prod-eu',
  server: 'https://10.0.0.1:6443',
  user: 'alice',
  namespace: NS,
  demo: false,
  readonly: false,
  contexts: ['prod-eu', 'staging'],
};

/** A store holding the fixture, synced. */
export function fixtureStore(opts: { connection?: Partial<ConnectionInfo>; health?: Health; empty?: boolean } = {}): CockpitStore {
  const store = createCockpitStore({ ...CONNECTION, ...opts.connection }, NOW);
  if (!opts.empty) {
    const { snapshot, view } = buildFixture();
    store.setState({ snapshot, view, now: NOW, flushes: 4 });
  }
  store.setState({ health: opts.health ?? { synced: true } });
  return store;
}

export interface RecordedIntents extends Intents {
  calls: string[];
}

/** Intents that record what the views asked for, and keep notices in the store as the Cockpit does. */
export function recordingIntents(store: CockpitStore): RecordedIntents {
  const calls: string[] = [];
  return {
    calls,
    switchNamespace: (ns) => calls.push(`ns:${ns ?? '*'}`),
    switchContext: (ctx) => calls.push(`ctx:${ctx}`),
    refresh: () => calls.push('refresh'),
    notify: (text: string, level: Notice['level'] = 'info') => {
      calls.push(`notify:${level}:${text}`);
      store.setState((s) => ({ ui: { ...s.ui, notice: { text, level, at: NOW } } }));
    },
    quit: () => calls.push('quit'),
  };
}
