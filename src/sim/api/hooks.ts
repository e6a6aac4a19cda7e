/** Defaulting and validation per kind, registered on the store so controllers' writes pass through them too. */
import { invalid } from '../errors.js';
import { R, RESOURCES, storageKey, type ResourceType } from '../resources.js';
import type { KindHooks, Obj, Store } from '../store.js';
import { defaultCronJob, defaultDeployment, defaultJob, defaultNamespace, defaultPdb, defaultPod, defaultReplicaSet, defaultService } from './defaults.js';
import {
  validateCronJob,
  validateDeployment,
  validateJob,
  validateNamespace,
  validatePdb,
  validatePod,
  validateReplicaSet,
  validateService,
  validateSimple,
} from './validation.js';
import { LEASE_HOOKS } from './leases.js';

const HOOKS = new Map<string, KindHooks>();

function hooksFor(rt: ResourceType): KindHooks | undefined {
  switch (rt) {
    case R.deployments:
      return { defaults: (o) => defaultDeployment(o), validate: validateDeployment };
    case R.replicasets:
      return { defaults: (o) => defaultReplicaSet(o), validate: validateReplicaSet };
    case R.pods:
      return { defaults: (o, { old }) => defaultPod(o, old), validate: validatePod };
    case R.jobs:
      return { defaults: (o, { old }) => defaultJob(o, old), validate: validateJob };
    case R.cronjobs:
      return { defaults: (o) => defaultCronJob(o), validate: (o) => validateCronJob(o) };
    case R.services:
      return { defaults: (o, { store, old }) => defaultService(o, store, old), validate: validateService };
    case R.pdbs:
      return { defaults: (o) => defaultPdb(o), validate: (o) => validatePdb(o) };
    case R.namespaces:
      return { defaults: (o) => defaultNamespace(o), validate: (o) => validateNamespace(o) };
    case R.configmaps:
    case R.serviceaccounts:
    case R.endpoints:
    case R.endpointslices:
      return { validate: validateSimple('subdomain', true) };
    case R.leases:
      return LEASE_HOOKS;
    case R.nodes:
      return { validate: validateSimple('subdomain', false) };
    default:
      if (rt.kind === 'Secret')
        return {
          defaults: (o) => {
            o.type ??= 'Opaque';
          },
          validate: validateSimple('subdomain', true),
        };
      return undefined;
  }
}

export function registerKindHooks(store: Store): void {
  const registered = new Set<string>();
  for (const rt of RESOURCES) {
    const key = storageKey(rt);
    // Two kinds in one storage (core and events.k8s.io Events): the core one's hooks serve both.
    if (registered.has(key) && rt.group) continue;
    const h = hooksFor(rt);
    if (!h) continue;
    registered.add(key);
    HOOKS.set(key, h);
    store.setHooks(rt, h);
  }
}

/** Runs defaulting and validation without writing (dryRun=All), throwing 422 as a write would. */
export function admitOnly(store: Store, rt: ResourceType, obj: Obj, old: Obj | undefined): void {
  const h = HOOKS.get(storageKey(rt));
  h?.defaults?.(obj, { store, old });
  const causes = h?.validate?.(obj, old) ?? [];
  if (causes.length) throw invalid(rt.kind, rt.group, obj.metadata.name ?? '', causes);
}
