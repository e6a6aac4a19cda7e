/**
 * Events as the cockpit keeps them: only the fields the views read, and a bounded number, newest
 * first. A busy namespace holds tens of thousands of Events (six or more per pod start), each
 * about a kilobyte as the API server sends it; the views show the newest few hundred overall and
 * the newest few about each object of a release.
 */
import type { CoreV1Event } from '@kubernetes/client-node';
import { timestampMillis, type Timestamp } from './pods.js';

/** Newest Events shown about one involved object (the release detail shows 60 over all its objects). */
export const EVENTS_PER_OBJECT = 10;

/**
 * Events the informer holds at most (it drops the oldest beyond this, never an audit Event).
 * 50,000 pods have about 250,000 Events; sorting all of them on every change was most of a flush.
 */
export const EVENTS_KEPT = 10_000;

/** The component cutover's audit Events report as: they are the pair's timeline, kept whatever their age. */
export const AUDIT_COMPONENT = 'cutover';

export const isAuditEvent = (e: CoreV1Event): boolean => e.reportingComponent === AUDIT_COMPONENT || e.source?.component === AUDIT_COMPONENT;

/** When the event last happened: the first of lastTimestamp, eventTime, firstTimestamp, creation. */
export function eventMillis(e: CoreV1Event): number {
  return (
    timestampMillis(e.lastTimestamp as Timestamp) ??
    timestampMillis(e.eventTime as unknown as Timestamp) ??
    timestampMillis(e.firstTimestamp as Timestamp) ??
    timestampMillis(e.metadata?.creationTimestamp as Timestamp) ??
    0
  );
}

/**
 * The fields the views, the event index and the pair timeline read, with the event's time folded
 * into `lastTimestamp` (as the API server's ISO string, so the shape stays what a watch delivers),
 * and the uid and resourceVersion that tell a relisted Event from a changed one.
 */
export function compactEvent(e: CoreV1Event): CoreV1Event {
  const t = eventMillis(e);
  const { name, namespace, uid, resourceVersion } = e.metadata ?? {};
  const io = e.involvedObject ?? {};
  return {
    metadata: { name, namespace, uid, ...(resourceVersion !== undefined ? { resourceVersion } : {}) },
    involvedObject: { kind: io.kind, name: io.name, namespace: io.namespace, uid: io.uid },
    reason: e.reason,
    message: e.message,
    type: e.type,
    ...(e.count !== undefined ? { count: e.count } : {}),
    ...(t ? { lastTimestamp: new Date(t).toISOString() as unknown as Date } : {}),
    ...(e.reportingComponent ? { reportingComponent: e.reportingComponent } : {}),
    ...(e.reportingInstance ? { reportingInstance: e.reportingInstance } : {}),
    ...(e.source?.component ? { source: { component: e.source.component } } : {}),
  };
}
