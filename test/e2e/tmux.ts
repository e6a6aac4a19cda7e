/** A real terminal for end-to-end tests: a private tmux server, send-keys and capture-pane. */
import { execFileSync } from 'node:child_process';

const RUNNER_COLOUR_VARS = ['CI', 'NO_COLOR', 'FORCE_COLOR'];

export class Tmux {
  readonly socket = `cutover-e2e-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  private readonly session = 'e2e';

  constructor(
    readonly width = 120,
    readonly height = 40,
  ) {}

  private tmux(...args: string[]): string {
    return execFileSync('tmux', ['-L', this.socket, '-f', '/dev/null', ...args], { encoding: 'utf8' });
  }

  /**
   * Starts `command` (a shell line) in a detached session of the given size, in a user's terminal:
   * without the CI runner's `CI`, `NO_COLOR` or `FORCE_COLOR`, which would turn colours off (a CI
   * variable alone makes the colour detection answer "none") and hide every red alarm.
   */
  start(command: string, env: Record<string, string> = {}): void {
    const exports = Object.entries(env)
      .map(([k, v]) => `export ${k}='${v.replace(/'/g, `'\\''`)}';`)
      .join(' ');
    const line = `unset ${RUNNER_COLOUR_VARS.join(' ')}; ${exports} ${command}; echo "[exited $?]"; sleep 600`;
    this.tmux('new-session', '-d', '-s', this.session, '-x', String(this.width), '-y', String(this.height), line);
  }

  send(...keys: string[]): void {
    this.tmux('send-keys', '-t', this.session, ...keys);
  }

  type(text: string): void {
    this.tmux('send-keys', '-t', this.session, '-l', text);
  }

  /** The screen as text; with `ansi`, with its colours as SGR sequences (capture-pane -e). */
  capture(opts: { ansi?: boolean } = {}): string {
    return this.tmux('capture-pane', '-p', ...(opts.ansi ? ['-e'] : []), '-t', this.session);
  }

  /** Waits until the screen matches; returns the matching screen, or throws with the last one. */
  async waitFor(pattern: RegExp | ((screen: string) => boolean), timeoutMs = 20_000): Promise<string> {
    const test = typeof pattern === 'function' ? pattern : (s: string) => pattern.test(s);
    const end = Date.now() + timeoutMs;
    let screen = '';
    while (Date.now() < end) {
      screen = this.capture();
      if (test(screen)) return screen;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`screen did not show ${pattern} within ${timeoutMs} ms; last screen:\n${screen}`);
  }

  kill(): void {
    try {
      this.tmux('kill-server');
    } catch {
      // already gone
    }
  }
}
