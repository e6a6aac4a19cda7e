/**
 * Controllers run in-process against the store: every store event is offered to each
 * controller, which queues keys; a pump syncs queued keys on the next turn of the event loop.
 * `settle()` drains everything, which is how tests reach a fixed point under a virtual clock.
 */
import type { Clock, Timer } from './clock.js';
import type { Obj, Store, StoreEvent } from './store.js';
import type { EventRecorder } from './events.js';

export interface Controller {
  readonly name: string;
  /** Queue the keys this event concerns (usually `namespace/name` of the object to reconcile). */
  onEvent(ev: StoreEvent, queue: (key: string) => void): void;
  /** Reconcile one key. May throw: the error is logged and the key retried with backoff. */
  sync(key: string): void;
}

export interface SimContext {
  store: Store;
  clock: Clock;
  controllers: ControllerManager;
  recorder: EventRecorder;
  /** Container log lines per pod uid, written by the kubelet and served by pods/log. */
  podLogs: Map<string, string[]>;
  log(message: string): void;
}

/**
 * Real time one pump runs syncs before it yields to the event loop, so API requests and watches keep
 * flowing while controllers work through a large backlog (a ReplicaSet of millions creating its pods
 * 500 a sync, a scenario of 50,000 pods).
 */
export const PUMP_SLICE_MS = 20;

export class ControllerManager {
  private readonly list: Controller[] = [];
  private readonly queue = new Map<Controller, Set<string>>();
  private readonly timers = new Map<string, Timer>();
  private readonly failures = new Map<string, number>();
  /** Each controller's queue function, made once (not a closure per controller per store event). */
  private readonly queueFns = new Map<Controller, (key: string) => void>();
  private scheduled = false;
  private pumping = false;
  private waiters: (() => void)[] = [];
  private unsubscribe?: () => void;
  stopped = false;

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly log: (message: string) => void = () => {},
    private readonly trace?: (line: string) => void,
  ) {}

  add(...controllers: Controller[]): void {
    this.list.push(...controllers);
    for (const c of controllers) this.queueFns.set(c, (key) => this.enqueue(c, key));
  }

  start(): void {
    this.unsubscribe = this.store.subscribe((ev) => this.offer(ev));
  }

  stop(): void {
    this.stopped = true;
    this.unsubscribe?.();
    for (const t of this.timers.values()) this.clock.clearTimer(t);
    this.timers.clear();
    this.queue.clear();
    for (const w of this.waiters.splice(0)) w();
  }

  enqueue(controller: Controller, key: string): void {
    if (this.stopped) return;
    let keys = this.queue.get(controller);
    if (!keys) this.queue.set(controller, (keys = new Set()));
    keys.add(key);
    this.schedule();
  }

  /** Sync `key` again after `ms` of simulated time (one pending timer per controller and key; the earliest wins). */
  enqueueAfter(controller: Controller, key: string, ms: number): void {
    if (this.stopped) return;
    const id = `${controller.name}\u0000${key}`;
    const existing = this.timers.get(id);
    const due = this.clock.now() + ms;
    if (existing && existing.due <= due) {
      this.trace?.(`after ${controller.name} ${key} ${ms.toFixed(0)} ms: kept the timer due in ${(existing.due - this.clock.now()).toFixed(0)} ms`);
      return;
    }
    if (existing) this.clock.clearTimer(existing);
    this.trace?.(`after ${controller.name} ${key} ${ms.toFixed(0)} ms`);
    this.timers.set(
      id,
      this.clock.setTimer(Math.max(0, ms), () => {
        this.trace?.(`fired ${controller.name} ${key}`);
        this.timers.delete(id);
        this.enqueue(controller, key);
      }),
    );
  }

  /** Resolves once no key is queued. */
  settle(): Promise<void> {
    if (!this.busy()) return Promise.resolve();
    return new Promise((resolve) => {
      this.waiters.push(resolve);
      this.schedule();
    });
  }

  /**
   * Runs queued syncs now, synchronously, until nothing is queued, `maxSyncs` ran or `sliceMs` of
   * real time passed. Work goes in rounds in controller order: each round takes every key queued so
   * far, so a burst of pod updates costs one ReplicaSet sync, not one per pod. Keys a cut-short round
   * did not reach stay first in their queue.
   */
  drain(maxSyncs = 1_000_000, sliceMs = Infinity): void {
    if (this.pumping) return;
    this.pumping = true;
    const deadline = performance.now() + sliceMs;
    try {
      let n = 0;
      pump: while (!this.stopped && this.busy()) {
        for (const controller of this.list) {
          const keys = this.queue.get(controller);
          if (!keys || keys.size === 0) continue;
          const round = [...keys];
          keys.clear();
          for (let i = 0; i < round.length; i++) {
            if (this.stopped) break pump;
            if (n >= maxSyncs || (n > 0 && performance.now() > deadline)) {
              this.queue.set(controller, new Set([...round.slice(i), ...keys]));
              break pump;
            }
            n++;
            this.runSync(controller, round[i]);
          }
        }
      }
    } finally {
      this.pumping = false;
    }
    if (!this.busy()) for (const w of this.waiters.splice(0)) w();
  }

  private busy(): boolean {
    for (const keys of this.queue.values()) if (keys.size) return true;
    return false;
  }

  private offer(ev: StoreEvent): void {
    for (const c of this.list) {
      try {
        c.onEvent(ev, this.queueFns.get(c)!);
      } catch (err) {
        this.log(`${c.name}: event handler failed: ${(err as Error).stack ?? err}`);
      }
    }
  }

  private runSync(controller: Controller, key: string): void {
    const id = `${controller.name}\u0000${key}`;
    this.trace?.(`sync ${controller.name} ${key}`);
    try {
      controller.sync(key);
      this.failures.delete(id);
    } catch (err) {
      const n = (this.failures.get(id) ?? 0) + 1;
      this.failures.set(id, n);
      const conflict = (err as { code?: number }).code === 409;
      if (!conflict) this.log(`${controller.name} ${key}: ${(err as Error).message}`);
      this.enqueueAfter(controller, key, Math.min(5 * 2 ** (n - 1), 1000) * (conflict ? 1 : 10));
    }
  }

  private schedule(): void {
    if (this.scheduled || this.stopped) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.drain(undefined, PUMP_SLICE_MS);
      if (this.busy()) this.schedule();
    });
  }
}

/** `namespace/name` of an object, the usual queue key. */
export const keyOf = (o: Obj): string => `${o.metadata.namespace ?? ''}/${o.metadata.name}`;

export function splitKey(key: string): [string, string] {
  const i = key.indexOf('/');
  return [key.slice(0, i), key.slice(i + 1)];
}

/** The controller ownerReference of an object, if any. */
export function controllerOf(o: Obj): { kind: string; name: string; uid: string } | undefined {
  return o.metadata.ownerReferences?.find((r) => r.controller);
}
