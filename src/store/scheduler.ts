/**
 * Coalesces cluster events into flushes: at most one every `intervalMs`, and at once on demand
 * (after a keypress), so the UI never re-renders per event.
 */
export class FlushScheduler {
  private timer?: NodeJS.Timeout;
  private last = 0;
  private dirty = false;

  constructor(
    private readonly flush: () => void,
    private readonly intervalMs = 150,
    private readonly now: () => number = Date.now,
  ) {}

  markDirty(): void {
    this.dirty = true;
    if (this.timer) return;
    const wait = Math.max(0, this.last + this.intervalMs - this.now());
    this.timer = setTimeout(() => this.run(), wait);
    this.timer.unref?.();
  }

  /** Flushes now, whether or not anything changed (a keypress wants a fresh frame). */
  flushNow(): void {
    this.run();
  }

  get pending(): boolean {
    return this.dirty;
  }

  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private run(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.dirty = false;
    this.last = this.now();
    this.flush();
  }
}
