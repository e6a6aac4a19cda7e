/** Records core/v1 Events as controllers do, folding repeats into `count`. */
import { isoTime, type Clock } from './clock.js';
import { R, apiVersionOf } from './resources.js';
import type { Obj, Store } from './store.js';

export interface EventSource {
  component: string;
  host?: string;
}

export class EventRecorder {
  /** Last event name per (object, type, reason, message), so repeats fold without a scan. */
  private readonly recent = new Map<string, string>();

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
  ) {}

  normal(source: EventSource | string, about: Obj, reason: string, message: string): void {
    this.record(source, about, 'Normal', reason, message);
  }

  warning(source: EventSource | string, about: Obj, reason: string, message: string): void {
    this.record(source, about, 'Warning', reason, message);
  }

  record(source: EventSource | string, about: Obj, type: 'Normal' | 'Warning', reason: string, message: string): void {
    const src = typeof source === 'string' ? { component: source } : source;
    const ns = about.metadata.namespace || 'default';
    const now = isoTime(this.clock);
    const foldKey = `${about.metadata.uid}\u0000${type}\u0000${reason}\u0000${message}`;
    const existingName = this.recent.get(foldKey);
    const existing = existingName ? this.store.get(R.events, ns, existingName) : undefined;
    try {
      if (existing) {
        this.store.mutate(
          R.events,
          ns,
          existing.metadata.name!,
          (e) => {
            e.count = (e.count ?? 1) + 1;
            e.lastTimestamp = now;
          },
          { frozen: true },
        );
        return;
      }
      if (this.recent.size > 5000) this.recent.clear();
      const created = this.store.create(R.events, {
        metadata: {
          name: `${about.metadata.name}.${(this.clock.now() * 1000 + Math.floor(Math.random() * 1000)).toString(16)}`,
          namespace: ns,
        },
        involvedObject: {
          apiVersion: about.apiVersion ?? apiVersionOf(R.pods),
          kind: about.kind,
          name: about.metadata.name,
          namespace: about.metadata.namespace,
          uid: about.metadata.uid,
          resourceVersion: about.metadata.resourceVersion,
        },
        reason,
        message,
        type,
        source: src,
        reportingComponent: src.component,
        reportingInstance: src.host ?? '',
        firstTimestamp: now,
        lastTimestamp: now,
        eventTime: null,
        count: 1,
      }, { frozen: true });
      this.recent.set(foldKey, created.metadata.name!);
    } catch {
      // Events are best effort, as in client-go's recorder (for example while a namespace terminates).
    }
  }
}
