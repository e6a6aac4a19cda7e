/**
 * Ready-made clusters built from the practices in the seed articles. Every release has its own
 * name, so `demo` can hold all of them in one namespace.
 */
import type { Sim } from './sim.js';
import { R } from './resources.js';
import type { Obj } from './store.js';
import { LEADER_ANN } from './controllers/leaderLease.js';

export const SCENARIOS = ['rolling', 'canary', 'bad-canary', 'bluegreen', 'migration', 'stuck', 'pdb', 'leader', 'empty', 'demo'] as const;
export type ScenarioName = (typeof SCENARIOS)[number];

export const MIGRATION_LABEL = 'cutover.io/migration-for';

interface AppSpec {
  name: string;
  app: string;
  replicas: number;
  image: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>; // pod template annotations (sim behaviour)
  maxSurge?: string | number;
  maxUnavailable?: string | number;
  progressDeadlineSeconds?: number;
  changeCause?: string;
}

/** A Deployment shaped as the articles recommend: readiness distinct from liveness, preStop sleep, long grace. */
export function zeroDowntimeDeployment(ns: string, a: AppSpec): Obj {
  const labels = { app: a.app, ...a.labels };
  return {
    metadata: {
      name: a.name,
      namespace: ns,
      labels,
      ...(a.changeCause ? { annotations: { 'kubernetes.io/change-cause': a.changeCause } } : {}),
    },
    spec: {
      replicas: a.replicas,
      selector: { matchLabels: labels },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: a.maxSurge ?? '25%', maxUnavailable: a.maxUnavailable ?? 0 } },
      ...(a.progressDeadlineSeconds ? { progressDeadlineSeconds: a.progressDeadlineSeconds } : {}),
      template: {
        metadata: { labels, ...(a.annotations ? { annotations: a.annotations } : {}) },
        spec: {
          terminationGracePeriodSeconds: 60,
          containers: [
            {
              name: a.app,
              image: a.image,
              ports: [{ name: 'http', containerPort: 8080 }],
              readinessProbe: {
                httpGet: { path: '/health/ready', port: 8080 },
                initialDelaySeconds: 5,
                periodSeconds: 5,
                timeoutSeconds: 3,
                successThreshold: 1,
                failureThreshold: 3,
              },
              livenessProbe: { httpGet: { path: '/health/live', port: 8080 }, initialDelaySeconds: 60, periodSeconds: 10 },
              lifecycle: { preStop: { exec: { command: ['/bin/sh', '-c', 'sleep 5'] } } },
            },
          ],
        },
      },
    },
  };
}

export function service(ns: string, name: string, selector: Record<string, string>): Obj {
  return {
    metadata: { name, namespace: ns, labels: { app: selector.app ?? name } },
    spec: { selector, ports: [{ name: 'http', port: 80, targetPort: 8080 }] },
  };
}

function migrationTemplate(ns: string, forDeployment: string, version: string): Obj {
  return {
    metadata: {
      name: `${forDeployment}-migrate-${version.replace(/[^a-z0-9-]/gi, '-').toLowerCase()}`,
      namespace: ns,
      labels: { [MIGRATION_LABEL]: forDeployment },
      annotations: { 'cutover.io/target-image': `registry.local/${forDeployment}:${version}` },
    },
    spec: {
      suspend: true,
      backoffLimit: 0,
      template: {
        metadata: { annotations: { 'sim.cutover.io/exit-after': '6' } },
        spec: {
          restartPolicy: 'Never',
          initContainers: [
            { name: 'wait-for-db', image: 'postgres:15-alpine', command: ['sh', '-c', 'until pg_isready -h $DB_HOST -U $DB_USER; do sleep 2; done'] },
          ],
          containers: [{ name: 'migrate', image: `registry.local/${forDeployment}:${version}`, command: ['./run-migrations.sh'] }],
        },
      },
    },
  };
}

type Installer = (sim: Sim, ns: string) => void;

const INSTALLERS: Record<Exclude<ScenarioName, 'demo' | 'empty'>, Installer> = {
  rolling(sim, ns) {
    create(sim, R.deployments, zeroDowntimeDeployment(ns, { name: 'web', app: 'web', replicas: 10, image: 'registry.local/web:v2.0', changeCause: 'release v2.0' }));
    create(sim, R.services, service(ns, 'web', { app: 'web' }));
  },
  canary(sim, ns) {
    create(sim, R.deployments, zeroDowntimeDeployment(ns, { name: 'shop-stable', app: 'shop', labels: { track: 'stable' }, replicas: 9, image: 'registry.local/shop:v1.0.0' }));
    create(sim, R.deployments, zeroDowntimeDeployment(ns, { name: 'shop-canary', app: 'shop', labels: { track: 'canary' }, replicas: 1, image: 'registry.local/shop:v2.0.0' }));
    create(sim, R.services, service(ns, 'shop', { app: 'shop' }));
  },
  // A canary whose new version answers 8% 5xx and slower: metric guards break on it (cutover guard cart).
  'bad-canary'(sim, ns) {
    const bad = { 'sim.cutover.io/error-rate': '8', 'sim.cutover.io/latency-ms': '180' };
    create(sim, R.deployments, zeroDowntimeDeployment(ns, { name: 'cart-stable', app: 'cart', labels: { track: 'stable' }, replicas: 9, image: 'registry.local/cart:v1.4.0' }));
    create(sim, R.deployments, zeroDowntimeDeployment(ns, { name: 'cart-canary', app: 'cart', labels: { track: 'canary' }, replicas: 1, image: 'registry.local/cart:v1.5.0', annotations: bad }));
    create(sim, R.services, service(ns, 'cart', { app: 'cart' }));
  },
  bluegreen(sim, ns) {
    create(sim, R.deployments, zeroDowntimeDeployment(ns, { name: 'pay-blue', app: 'pay', labels: { version: 'blue' }, replicas: 10, image: 'registry.local/pay:v1.0.0' }));
    create(sim, R.deployments, zeroDowntimeDeployment(ns, { name: 'pay-green', app: 'pay', labels: { version: 'green' }, replicas: 10, image: 'registry.local/pay:v2.0.0' }));
    create(sim, R.services, service(ns, 'pay', { app: 'pay', version: 'blue' }));
  },
  migration(sim, ns) {
    if (!sim.store.get(R.deployments, ns, 'web')) INSTALLERS.rolling(sim, ns);
    create(sim, R.jobs, migrationTemplate(ns, 'web', 'v2.5.0'));
  },
  stuck(sim, ns) {
    const d = zeroDowntimeDeployment(ns, { name: 'search', app: 'search', replicas: 3, maxSurge: 1, image: 'registry.local/search:v3.1', progressDeadlineSeconds: 90 });
    create(sim, R.deployments, d);
    create(sim, R.services, service(ns, 'search', { app: 'search' }));
    // Once v3.1 is up, roll out a v3.2 that never passes its readiness probe.
    sim.clock.setTimer(20_000, () => {
      try {
        sim.store.mutate(R.deployments, ns, 'search', (o) => {
          o.metadata.annotations = { ...o.metadata.annotations, 'kubernetes.io/change-cause': 'release v3.2 (readiness never passes)' };
          o.spec.template.spec.containers[0].image = 'registry.local/search:v3.2';
          o.spec.template.metadata.annotations = { 'sim.cutover.io/never-ready': 'true' };
        });
      } catch (err) {
        sim.ctx.log(`stuck scenario: could not start the v3.2 rollout: ${(err as Error).message}`);
      }
    });
  },
  pdb(sim, ns) {
    create(sim, R.deployments, zeroDowntimeDeployment(ns, { name: 'api', app: 'api', replicas: 4, maxSurge: 1, image: 'registry.local/api:v2.0' }));
    create(sim, R.services, service(ns, 'api', { app: 'api' }));
    create(sim, R.pdbs, { metadata: { name: 'api-pdb', namespace: ns }, spec: { minAvailable: '75%', selector: { matchLabels: { app: 'api' } } } });
  },
  leader(sim, ns) {
    // A scheduler whose replicas elect one leader in the Lease `sched-leader` (the French article's pitfall 4).
    const annotations = { [LEADER_ANN.lease]: 'sched-leader' };
    create(sim, R.deployments, zeroDowntimeDeployment(ns, { name: 'sched', app: 'sched', replicas: 3, maxSurge: 1, image: 'registry.local/sched:v1.4', annotations, changeCause: 'release v1.4' }));
    create(sim, R.services, service(ns, 'sched', { app: 'sched' }));
  },
};

/** Installs a scenario into a namespace (created if missing). */
export function installScenario(sim: Sim, name: string, ns = 'default'): void {
  if (!(SCENARIOS as readonly string[]).includes(name)) {
    throw new Error(`unknown scenario "${name}"; choose one of: ${SCENARIOS.join(', ')}`);
  }
  ensureNamespace(sim, ns);
  if (name === 'empty') return;
  const names = name === 'demo' ? (Object.keys(INSTALLERS) as (keyof typeof INSTALLERS)[]) : [name as keyof typeof INSTALLERS];
  for (const n of names) INSTALLERS[n](sim, ns);
}

/** Adds about `pods` pods as Deployments of 50 replicas in namespace `load`, for scale work. */
export function installLoad(sim: Sim, pods: number, ns = 'load'): void {
  ensureNamespace(sim, ns);
  const per = 50;
  for (let i = 0; i * per < pods; i++) {
    const name = `load-${String(i).padStart(3, '0')}`;
    const replicas = Math.min(per, pods - i * per);
    const d = zeroDowntimeDeployment(ns, { name, app: name, replicas, image: 'registry.local/load:v1', annotations: { 'sim.cutover.io/ready-after': '1' } });
    create(sim, R.deployments, d);
    create(sim, R.services, service(ns, name, { app: name }));
  }
}

export function ensureNamespace(sim: Sim, ns: string): void {
  if (sim.store.get(R.namespaces, undefined, ns)) return;
  sim.store.create(R.namespaces, { metadata: { name: ns, labels: { 'kubernetes.io/metadata.name': ns } }, spec: { finalizers: ['kubernetes'] }, status: { phase: 'Active' } });
  sim.store.create(R.serviceaccounts, { metadata: { name: 'default', namespace: ns } });
}

function create(sim: Sim, rt: (typeof R)[keyof typeof R], obj: Obj): void {
  if (sim.store.get(rt, obj.metadata.namespace, obj.metadata.name!)) return;
  sim.store.create(rt, obj);
}
