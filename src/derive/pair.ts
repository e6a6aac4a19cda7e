/**
 * A release as a pair steers it: who drives it (the Lease `cutover-driver-<release>`), the action
 * waiting out its cancel window, the app's own leader Leases with their hand-offs, and the shared
 * timeline (both cockpits' audit Events, take-overs, guard rollbacks, hand-offs) with who and when.
 */
import type { CoreV1Event, V1Deployment, V1Lease, V1Pod, V1ReplicaSet } from '@kubernetes/client-node';
import { DRIVER_LEASE_PREFIX, driverLeaseName, driverLockOf, liveHolder, type PendingAction } from '../kube/lease.js';
import { isAuditEvent } from '../model/events.js';
import { describeHandoff, leaderHandoffs, releaseLeaderLeases, type LeaderLease } from '../model/leader.js';
import { eventTime } from './events.js';
import { groupBy, nameOf, nsOf } from './util.js';

/** The live driver lock of a release. */
export interface DriverView {
  holder: string;
  since?: Date;
  expiresAt?: Date;
  /** The driver's action waiting out its cancel window. */
  pending?: PendingAction;
}

export interface TimelineEntry {
  at: number;
  /** The user (audit Events) or the Lease (hand-offs). */
  who: string;
  kind: 'action' | 'failed' | 'take-over' | 'rollback' | 'hand-off';
  text: string;
}

export interface PairView {
  driver?: DriverView;
  leaders: LeaderLease[];
  /** Newest first. */
  timeline: TimelineEntry[];
}

/** What the next derive needs: the leaders seen last (for hand-offs), Leases once held, hand-offs so far. */
export interface PairMemo {
  leaders: LeaderLease[];
  known: ReadonlySet<string>;
  handoffs: TimelineEntry[];
}

/** The cutover audit Events by `namespace/name` of the object they are on; rebuilt when the events change. */
export interface AuditEventIndex {
  events: CoreV1Event[];
  byObject: Map<string, CoreV1Event[]>;
}

const TIMELINE_LIMIT = 40;
/** A pending action stays on screen this long after its fire time (the partner sees it fire). */
const PENDING_LINGER_MS = 3000;

export function indexAuditEvents(events: CoreV1Event[], previous: AuditEventIndex | undefined): AuditEventIndex {
  if (previous?.events === events) return previous;
  const audit = events.filter(isAuditEvent);
  return { events, byObject: groupBy(audit, (e) => `${e.involvedObject?.namespace ?? nsOf(e)}/${e.involvedObject?.name ?? ''}`) };
}

export function driverView(leases: readonly V1Lease[], release: string, now: number): DriverView | undefined {
  const name = driverLeaseName(release);
  const lease = leases.find((l) => nameOf(l) === name);
  if (!lease) return undefined;
  const lock = driverLockOf(lease, release);
  const holder = liveHolder(lock, now);
  if (!holder) return undefined;
  const pending = lock.pending && Date.parse(lock.pending.fireAt) + PENDING_LINGER_MS > now ? lock.pending : undefined;
  return { holder, ...(lock.since ? { since: lock.since } : {}), ...(lock.expiresAt ? { expiresAt: lock.expiresAt } : {}), ...(pending ? { pending } : {}) };
}

function auditEntry(e: CoreV1Event): TimelineEntry {
  const message = e.message ?? '';
  const colon = message.indexOf(': ');
  const who = colon > 0 ? message.slice(0, colon) : (e.reportingInstance ?? '');
  const text = colon > 0 ? message.slice(colon + 2) : message;
  const kind = e.reason === 'CutoverTakeOver' ? 'take-over' : /guard|roll(ed)? ?back/i.test(`${e.reason} ${text}`) ? 'rollback' : e.type === 'Warning' ? 'failed' : 'action';
  return { at: eventTime(e), who, kind, text };
}

export interface PairInput {
  namespace: string;
  release: string;
  /** The objects the release's audit Events are on: its Deployments and Service. */
  objects: readonly string[];
  leases: readonly V1Lease[];
  /** The release's objects, asked for only when the namespace has Leases of its own. */
  workloads: () => { pods: readonly V1Pod[]; deployments: readonly V1Deployment[]; replicaSets: readonly V1ReplicaSet[] };
  audit: AuditEventIndex;
  now: number;
}

/** What most releases have: no Lease in their namespace, no audit Event, nothing remembered. */
const NOTHING: { view: PairView; memo: PairMemo } = { view: { leaders: [], timeline: [] }, memo: { leaders: [], known: new Set(), handoffs: [] } };

export function pairView(input: PairInput, memo: PairMemo | undefined): { view: PairView; memo: PairMemo } {
  const quiet = input.leases.length === 0 && (!memo || memo === NOTHING.memo) && input.objects.every((o) => !input.audit.byObject.has(`${input.namespace}/${o}`));
  if (quiet) return NOTHING;
  const appLeases = input.leases.filter((l) => !nameOf(l).startsWith(DRIVER_LEASE_PREFIX));
  const leaders = appLeases.length ? releaseLeaderLeases({ leases: appLeases, ...input.workloads(), now: input.now, ...(memo ? { known: memo.known } : {}) }) : [];
  const handoffs = memo
    ? [
        ...leaderHandoffs(memo.leaders, leaders, new Date(input.now)).map((h): TimelineEntry => ({ at: h.at.getTime(), who: h.lease, kind: 'hand-off', text: `leader ${describeHandoff(h)}` })),
        ...memo.handoffs,
      ].slice(0, TIMELINE_LIMIT)
    : [];
  const known = new Set([...(memo?.known ?? []), ...leaders.filter((l) => l.pod).map((l) => l.lease)]);
  const audit = input.objects.flatMap((o) => input.audit.byObject.get(`${input.namespace}/${o}`) ?? []).map(auditEntry);
  const timeline = [...audit, ...handoffs].sort((a, b) => b.at - a.at).slice(0, TIMELINE_LIMIT);
  const driver = driverView(input.leases, input.release, input.now);
  return { view: { ...(driver ? { driver } : {}), leaders, timeline }, memo: { leaders, known, handoffs } };
}

/** Leases by namespace, for pairView. */
export const leasesByNamespace = (leases: readonly V1Lease[]) => groupBy(leases, nsOf);
