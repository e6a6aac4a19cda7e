/**
 * Every executed action leaves two traces: a Kubernetes Event on its target (reporting component
 * `cutover`), so a partner's cockpit on the same namespace sees it live, and a local JSONL line.
 */
import { appendFileSync, mkdirSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname } from 'node:path';
import { CoreV1Api, type KubeConfig } from '@kubernetes/client-node';
import type { ActionResult, ObjectRef } from './types.js';
import { apiMessage } from '../kube/errors.js';
import { AUDIT_COMPONENT } from '../model/events.js';

export interface AuditRecord {
  at: string;
  user: string;
  context: string;
  action: string;
  title: string;
  namespace: string;
  subject: string;
  ok: boolean;
  dryRun: boolean;
  error?: string;
  changes: { object: string; field: string; before: string; after: string }[];
  override?: string;
}

export function auditRecord(r: ActionResult, who: { user: string; context: string }, now: Date, override?: string): AuditRecord {
  return {
    at: now.toISOString(),
    user: who.user,
    context: who.context,
    action: r.plan.action,
    title: r.plan.title,
    namespace: r.plan.namespace,
    subject: r.plan.subject,
    ok: r.ok,
    dryRun: r.dryRun,
    ...(r.error ? { error: r.error } : {}),
    changes: r.applied.flatMap((s) => s.changes.map((c) => ({ object: `${s.target.kind}/${s.target.name}`, ...c }))),
    ...(override ? { override } : {}),
  };
}

export function appendAuditLog(file: string, record: AuditRecord): void {
  mkdirSync(dirname(file), { recursive: true });
  appendFileSync(file, JSON.stringify(record) + '\n');
}

/** Reason of the Event, e.g. `CutoverCanaryStep`. */
export const auditReason = (action: string) => 'Cutover' + action.split('-').map((w) => w[0].toUpperCase() + w.slice(1)).join('');

export function auditMessage(record: AuditRecord): string {
  const what = record.ok ? record.title : `FAILED ${record.title}: ${record.error ?? ''}`;
  return `${record.user}: ${what}${record.override ? ` (gate overridden: ${record.override})` : ''}`;
}

/** Writes the Event; returns an error line instead of throwing (the action itself already happened). */
export async function emitAuditEvent(kc: KubeConfig, target: ObjectRef, uid: string | undefined, record: AuditRecord, now: Date): Promise<string | undefined> {
  const stamp = now.toISOString();
  try {
    await kc.makeApiClient(CoreV1Api).createNamespacedEvent({
      namespace: target.namespace,
      body: {
        metadata: { generateName: `${target.name}.cutover.`, namespace: target.namespace, labels: { 'app.kubernetes.io/managed-by': AUDIT_COMPONENT } },
        involvedObject: { apiVersion: target.apiVersion, kind: target.kind, name: target.name, namespace: target.namespace, uid },
        reason: auditReason(record.action),
        message: auditMessage(record),
        type: record.ok ? 'Normal' : 'Warning',
        source: { component: AUDIT_COMPONENT, host: hostname() },
        reportingComponent: AUDIT_COMPONENT,
        reportingInstance: hostname(),
        firstTimestamp: stamp as unknown as Date,
        lastTimestamp: stamp as unknown as Date,
        count: 1,
      },
    });
    return undefined;
  } catch (err) {
    return `the audit Event could not be written: ${apiMessage(err)}`;
  }
}
