/**
 * A watched screen for the alarm e2e tests: every capture the test makes is checked for alarms
 * (test/e2e/alarms.ts), so nothing between two waits goes unseen; the first unexpected alarm fails
 * the test with its frame.
 */
import { stripVTControlCharacters } from 'node:util';
import type { Tmux } from './tmux.js';
import { alarmsOn, describeAlarms, type Alarm } from './alarms.js';

const SGR = /\x1b\[[\d;]*m/;
/** The cockpit's header line (`cutover  ctx …` or `SIMULATED CLUSTER (…)  ctx …`): the cockpit is drawn. */
const HEADER = /^[^\n]*  ctx \S/;

export class WatchedScreen {
  frames = 0;
  /** The alarms on the last capture, expected or not. */
  alarms: Alarm[] = [];
  /** What the test is doing, for the failure message. */
  step = 'starting';
  /** Every phase word seen in a verdict (`→ creating`), for diagnostics. */
  readonly phases = new Set<string>();

  constructor(
    private readonly tmux: Tmux,
    /** Alarms that are real and expected on this screen (none by default). */
    private readonly expected: (a: Alarm) => boolean = () => false,
  ) {}

  /** One capture, checked; returns the screen without colours. */
  sample(): string {
    const ansi = this.tmux.capture({ ansi: true });
    this.frames++;
    const screen = stripVTControlCharacters(ansi);
    if (HEADER.test(screen) && !SGR.test(ansi)) {
      throw new Error(`the cockpit drew no colours during "${this.step}", so no red alarm could be seen (is CI, NO_COLOR or FORCE_COLOR=0 set in the terminal?):\n${screen}`);
    }
    for (const m of screen.matchAll(/→ (\w[\w ()]*?)(?= {2}|$)/gm)) this.phases.add(m[1]);
    this.alarms = alarmsOn(ansi);
    const unexpected = this.alarms.filter((a) => !this.expected(a));
    if (unexpected.length > 0) {
      throw new Error(`alarm on screen during "${this.step}" (frame ${this.frames}):\n${describeAlarms(unexpected)}\n\nthe frame:\n${screen}`);
    }
    return screen;
  }

  /** Samples until the screen matches; throws with the last screen after `timeoutMs`. */
  async waitFor(test: (screen: string) => boolean, what: string, timeoutMs = 60_000): Promise<string> {
    const end = Date.now() + timeoutMs;
    let screen = '';
    while (Date.now() < end) {
      screen = this.sample();
      if (test(screen)) return screen;
      await pause(100);
    }
    throw new Error(`during "${this.step}": the screen did not show ${what} within ${timeoutMs} ms; last screen:\n${screen}`);
  }

  /** Samples for a while (an observation window, not a timing assertion). */
  async watch(ms: number): Promise<string> {
    const end = Date.now() + ms;
    let screen = this.sample();
    while (Date.now() < end) {
      await pause(100);
      screen = this.sample();
    }
    return screen;
  }
}

export const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The releases row of `name`: the line starting with the cursor mark or a space, then the name. */
export function releaseRow(screen: string, name: string): string {
  return screen.split('\n').find((l) => l.startsWith(`›${name} `) || l.startsWith(` ${name} `)) ?? '';
}

/** The name on the row under the cursor (`›`). */
export function cursorRow(screen: string): string | undefined {
  return /^›(\S+)/m.exec(screen)?.[1];
}
