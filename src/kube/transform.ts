/**
 * What the cockpit keeps of each object, decided once at the edge (list pages and watch events):
 * `managedFields` go everywhere (kilobytes per object on a real server, read by nothing here), and
 * the numerous kinds keep only what is read: pods what the model, checklist and views read,
 * Events what compactEvent keeps.
 */
import type { CoreV1Event, KubernetesObject, V1Container, V1ContainerStatus, V1Pod, V1PodStatus } from '@kubernetes/client-node';
import { compactEvent, eventMillis, EVENTS_KEPT, isAuditEvent } from '../model/events.js';
import type { WatchedKind } from './kinds.js';

type Obj = KubernetesObject & Record<string, unknown>;

/** The last-applied annotation repeats the whole manifest; nothing reads it on pods. */
const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

export function keepForKind(kind: WatchedKind, obj: KubernetesObject): KubernetesObject {
  const o = obj as Obj;
  if (o.metadata?.managedFields) delete o.metadata.managedFields;
  if (kind === 'pods') return keepOfPod(o as V1Pod);
  if (kind === 'events') return compactEvent(obj as unknown as CoreV1Event) as KubernetesObject;
  return o;
}

/** At most `max` objects of a kind are held, the oldest dropped first, except those `pinned`. */
export interface KindBound {
  max: number;
  time(o: KubernetesObject): number;
  pinned(o: KubernetesObject): boolean;
}

/**
 * Only Events are bounded (the newest EVENTS_KEPT and every audit Event): they are the one kind
 * that grows with time rather than with the workload, and the views show the newest few.
 */
export function boundForKind(kind: WatchedKind): KindBound | undefined {
  if (kind !== 'events') return undefined;
  return { max: EVENTS_KEPT, time: (o) => eventMillis(o as CoreV1Event), pinned: (o) => isAuditEvent(o as CoreV1Event) };
}

/**
 * A pod as the cockpit reads it: metadata (labels, owners, timestamps), the containers' names and
 * images, the node, and of the status the phase, conditions and container states. Volumes, env,
 * probes, resources, IPs and image digests are dropped.
 */
function keepOfPod(p: V1Pod): V1Pod {
  const annotations = p.metadata?.annotations;
  if (annotations && LAST_APPLIED in annotations) delete annotations[LAST_APPLIED];
  if (p.status) p.status = keepOfPodStatus(p.status);
  const spec = p.spec;
  if (!spec) return p;
  const containers = (list: V1Container[] | undefined) => list?.map((c) => ({ name: c.name, image: c.image }));
  p.spec = {
    containers: containers(spec.containers) ?? [],
    ...(spec.initContainers ? { initContainers: containers(spec.initContainers) } : {}),
    ...(spec.nodeName !== undefined ? { nodeName: spec.nodeName } : {}),
    ...(spec.readinessGates ? { readinessGates: spec.readinessGates } : {}),
    ...(spec.terminationGracePeriodSeconds !== undefined ? { terminationGracePeriodSeconds: spec.terminationGracePeriodSeconds } : {}),
  };
  return p;
}

function keepOfPodStatus(s: V1PodStatus): V1PodStatus {
  return {
    ...(s.phase !== undefined ? { phase: s.phase } : {}),
    ...(s.reason !== undefined ? { reason: s.reason } : {}),
    ...(s.startTime !== undefined ? { startTime: s.startTime } : {}),
    ...(s.conditions ? { conditions: s.conditions.map(({ type, status, lastTransitionTime, reason }) => ({ type, status, lastTransitionTime, ...(reason !== undefined ? { reason } : {}) })) } : {}),
    ...(s.containerStatuses
      ? // imageID (a digest per container) is read by nothing here, though the type requires it.
        { containerStatuses: s.containerStatuses.map(({ name, ready, restartCount, state, started, image }) => ({ name, ready, restartCount, image, ...(state ? { state } : {}), ...(started !== undefined ? { started } : {}) }) as V1ContainerStatus) }
      : {}),
  };
}
