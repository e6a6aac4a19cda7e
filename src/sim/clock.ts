/** Time for the simulator: real (optionally sped up) or virtual, driven by tests. */
export interface Timer {
  readonly due: number;
}

export interface Clock {
  /** Milliseconds since the epoch, in simulated time. */
  now(): number;
  /** Runs fn after ms of simulated time. */
  setTimer(ms: number, fn: () => void): Timer;
  clearTimer(timer: Timer): void;
}

const formatted = new Map<number, string>();

/**
 * An instant as the apiserver writes timestamps (whole seconds, RFC 3339). Each second is
 * formatted once: the kubelet writes several timestamps per pod status, nearly all of a few
 * recent seconds.
 */
export function isoSeconds(ms: number): string {
  const second = Math.floor(ms / 1000);
  let iso = formatted.get(second);
  if (iso === undefined) {
    if (formatted.size >= 1000) formatted.clear();
    iso = new Date(second * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
    formatted.set(second, iso);
  }
  return iso;
}

/** The clock's time as the apiserver writes timestamps. */
export function isoTime(clock: Clock): string {
  return isoSeconds(clock.now());
}

/** Real time, optionally faster: at speed 10, one simulated minute lasts six seconds. */
export class RealClock implements Clock {
  private readonly origin = Date.now();
  private readonly handles = new Map<Timer, NodeJS.Timeout>();

  constructor(readonly speed = 1) {
    if (!(speed > 0)) throw new Error(`speed must be a positive number, got ${speed}`);
  }

  now(): number {
    return this.origin + (Date.now() - this.origin) * this.speed;
  }

  setTimer(ms: number, fn: () => void): Timer {
    const timer = { due: this.now() + ms };
    const handle = setTimeout(() => {
      this.handles.delete(timer);
      fn();
    }, Math.max(0, ms / this.speed));
    handle.unref?.();
    this.handles.set(timer, handle);
    return timer;
  }

  clearTimer(timer: Timer): void {
    const handle = this.handles.get(timer);
    if (handle) clearTimeout(handle);
    this.handles.delete(timer);
  }
}

/**
 * Time that moves only when a test advances it. Timers fire in due order; after each
 * one, `onTick` runs (the simulator drains its controllers there), so one advance
 * behaves like that much time passing with every reaction in between.
 */
export class VirtualClock implements Clock {
  private t: number;
  private seq = 0;
  private readonly timers = new Map<Timer, { fn: () => void; seq: number }>();
  onTick: () => Promise<void> = async () => {};

  constructor(start = Date.parse('2026-01-01T00:00:00Z')) {
    this.t = start;
  }

  now(): number {
    return this.t;
  }

  setTimer(ms: number, fn: () => void): Timer {
    const timer = { due: this.t + Math.max(0, ms) };
    this.timers.set(timer, { fn, seq: this.seq++ });
    return timer;
  }

  clearTimer(timer: Timer): void {
    this.timers.delete(timer);
  }

  /** Moves time forward by ms, firing every timer due on the way. */
  async advance(ms: number): Promise<void> {
    const end = this.t + ms;
    await this.onTick();
    for (;;) {
      const next = this.nextDue(end);
      if (!next) break;
      const entry = this.timers.get(next)!;
      this.timers.delete(next);
      this.t = Math.max(this.t, next.due);
      entry.fn();
      await this.onTick();
    }
    this.t = end;
    await this.onTick();
  }

  private nextDue(end: number): Timer | undefined {
    let best: Timer | undefined;
    let bestSeq = Infinity;
    for (const [timer, { seq }] of this.timers) {
      if (timer.due > end) continue;
      if (!best || timer.due < best.due || (timer.due === best.due && seq < bestSeq)) {
        best = timer;
        bestSeq = seq;
      }
    }
    return best;
  }
}
