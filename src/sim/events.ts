/** Records core/v1 Events as controllers do, folding repeats into `count`. */
import { isoTime, type Clock } from './clock.js';
import { R, apiVersionOf } from './resources.js';
import type { Obj, Store } from './store.js';

export interface EventSource {
  component: string;
  host?: string;
}

const SHARED_LIMIT = 5000;

export class EventRecorder {
  /** Last event name per (object, type, reason, message), so repeats fold without a scan. */
  private readonly recent = new Map<string, string>();
  /**
   * Frozen values many Events hold alike, given to the store to share instead of copy (Events are
   * five times the pods): one source per component and host, one involvedObject per object
   * version (a kubelet records three about one pod), one string per repeated message.
   */
  private readonly sources = new Map<string, EventSource>();
  private lastAbout?: { about: Obj; involved: Obj['involvedObject'] };
  private readonly messages = new Map<string, string>();
  private sequence = 0;

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
    const src = this.sourceOf(source);
    message = this.shared(message);
    const ns = about.metadata.namespace || 'default';
    const now = isoTime(this.clock);
    const foldKey = `${about.metadata.uid}\u0000${type}\u0000${reason}\u0000${message}`;
    const existingName = this.recent.get(foldKey);
    const existing = existingName ? this.store.peek(R.events, ns, existingName) : undefined;
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
          name: this.eventName(about),
          namespace: ns,
        },
        involvedObject: this.involvedObject(about),
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
      }, { frozen: true, handOver: true });
      this.recent.set(foldKey, created.metadata.name!);
    } catch {
      // Events are best effort, as in client-go's recorder (for example while a namespace terminates).
    }
  }

  /**
   * `<object>.<hex nanoseconds>` as client-go's recorder names Events; the sub-millisecond part is
   * a counter, so the many Events a controller records in one millisecond (a ReplicaSet creating
   * 50 pods) never share a name (a random part did, and the later Event was lost).
   */
  private eventName(about: Obj): string {
    this.sequence = (this.sequence + 1) % 1_000_000;
    return `${about.metadata.name}.${(BigInt(this.clock.now()) * 1_000_000n + BigInt(this.sequence)).toString(16)}`;
  }

  private sourceOf(source: EventSource | string): EventSource {
    const src = typeof source === 'string' ? { component: source } : source;
    const key = `${src.component}\u0000${src.host ?? ''}`;
    let shared = this.sources.get(key);
    if (!shared) this.sources.set(key, (shared = Object.freeze({ ...src })));
    return shared;
  }

  private involvedObject(about: Obj): Obj['involvedObject'] {
    if (this.lastAbout?.about === about) return this.lastAbout.involved;
    const involved = Object.freeze({
      apiVersion: about.apiVersion ?? apiVersionOf(R.pods),
      kind: about.kind,
      name: about.metadata.name,
      namespace: about.metadata.namespace,
      uid: about.metadata.uid,
      resourceVersion: about.metadata.resourceVersion,
    });
    // Only a stored (frozen) object is the same version the next time it is passed.
    if (Object.isFrozen(about)) this.lastAbout = { about, involved };
    return involved;
  }

  private shared(message: string): string {
    const known = this.messages.get(message);
    if (known !== undefined) return known;
    if (this.messages.size >= SHARED_LIMIT) this.messages.clear();
    this.messages.set(message, message);
    return message;
  }
}
