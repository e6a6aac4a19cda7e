/**
 * One cheap request (GET /api), repeated: it tells when the API server stops
 * answering (refused, certificate, 401, or a connection that stalls) and when it answers again.
 * Every kind waits on it instead of backing off on its own, so all of them come back together.
 */
import { HttpStatusError, type ApiGetter } from './http.js';

export interface ProbeOptions {
  /** Between probes while everything is healthy: a stall is noticed within this plus the timeout. */
  intervalMs?: number;
  /** Between probes while something waits for the server. */
  fastIntervalMs?: number;
  /** A probe without an answer this long counts as a failure (a stalled connection). */
  timeoutMs?: number;
}

export type ProbeResult = { ok: true; startedAt: number } | { ok: false; startedAt: number; error: unknown };

export class Reachability {
  private stopped = false;
  private wake?: () => void;
  private timer?: NodeJS.Timeout;
  /** Probe often: something waits for the server. */
  fast = false;

  constructor(
    private readonly getter: ApiGetter,
    private readonly onResult: (r: ProbeResult) => void,
    private readonly opts: ProbeOptions = {},
    private readonly now: () => number = Date.now,
  ) {}

  start(): void {
    void this.loop();
  }

  stop(): void {
    this.stopped = true;
    this.wake?.();
  }

  /** Probe now instead of at the next tick (a kind just failed). */
  soon(): void {
    this.wake?.();
  }

  private async loop(): Promise<void> {
    while (!this.stopped) {
      await new Promise<void>((resolve) => {
        this.wake = resolve;
        this.timer = setTimeout(resolve, this.fast ? (this.opts.fastIntervalMs ?? 500) : (this.opts.intervalMs ?? 3000));
        this.timer.unref?.();
      });
      clearTimeout(this.timer);
      this.wake = undefined;
      if (this.stopped) return;
      const result = await this.probe();
      if (!this.stopped) this.onResult(result);
    }
  }

  private async probe(): Promise<ProbeResult> {
    const startedAt = this.now();
    const deadline = answerWithin(this.opts.timeoutMs ?? 4000);
    try {
      const status = await this.getter.status('/api', deadline.signal);
      // 403/404 still prove a server that answers; 401 (credentials) and 5xx (not ready) do not serve the cockpit.
      if (status === 401 || status >= 500) return { ok: false, startedAt, error: new HttpStatusError(status, undefined) };
      return { ok: true, startedAt };
    } catch (error) {
      return { ok: false, startedAt, error };
    } finally {
      deadline.clear();
    }
  }
}

/**
 * A timeout that lets an answer already received win: when it expires, the abort waits for the
 * event loop's next I/O phase. A process busy past the timeout (a 50,000-pod list page, a garbage
 * collection) would otherwise fire the timer before reading the answer waiting in its socket, and
 * call a server that answered in time out of reach.
 */
function answerWithin(ms: number): { signal: AbortSignal; clear(): void } {
  const controller = new AbortController();
  let immediate: NodeJS.Immediate | undefined;
  const timer = setTimeout(() => {
    immediate = setImmediate(() => controller.abort(new DOMException('The operation was aborted due to timeout', 'TimeoutError')));
  }, ms);
  return {
    signal: controller.signal,
    clear() {
      clearTimeout(timer);
      clearImmediate(immediate);
    },
  };
}
