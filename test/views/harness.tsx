/** Renders the App into a fake terminal of a given size (ink-testing-library's terminal is 100 columns with no rows). */
import { EventEmitter } from 'node:events';
import React from 'react';
import { render } from 'ink';
import { App, type AppProps } from '../../views/App.js';

export class Stdout extends EventEmitter {
  frames: string[] = [];
  isTTY = false;
  constructor(
    public columns: number,
    public rows: number,
  ) {
    super();
  }
  write = (frame: string, encoding?: unknown, cb?: () => void) => {
    this.frames.push(frame);
    // As a real stream does: ink waits for the callbacks when unmounting.
    const done = typeof encoding === 'function' ? (encoding as () => void) : cb;
    if (done) queueMicrotask(done);
    return true;
  };
  lastFrame = () => this.frames.at(-1) ?? '';
  resize(columns: number, rows: number) {
    this.columns = columns;
    this.rows = rows;
    this.emit('resize');
  }
}

export class Stdin extends EventEmitter {
  isTTY = true;
  private data: string | null = null;
  write = (data: string) => {
    this.data = data;
    this.emit('readable');
    this.emit('data', data);
  };
  read = () => {
    const d = this.data;
    this.data = null;
    return d;
  };
  setEncoding() {}
  setRawMode() {}
  resume() {}
  pause() {}
  ref() {}
  unref() {}
}

export const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Waits (at most `ms`) for a frame that passes `test`: a re-render asked outside a key (a resize) may land a few turns later. */
export async function frameWhere(app: { lastFrame: () => string }, test: (frame: string) => boolean, ms = 2000): Promise<string> {
  const end = Date.now() + ms;
  while (!test(app.lastFrame()) && Date.now() < end) await new Promise((r) => setTimeout(r, 10));
  return app.lastFrame();
}

export interface Rendered {
  lastFrame: () => string;
  stdout: Stdout;
  /** Writes keys, waiting one setImmediate before and after (design.md). */
  press: (...keys: string[]) => Promise<void>;
  unmount: () => void;
}

export const KEYS = { up: '\u001b[A', down: '\u001b[B', enter: '\r', escape: '\u001b', tab: '\t', backspace: '\u007f', pageDown: '\u001b[6~', pageUp: '\u001b[5~', ctrlC: '\u0003' };

export async function renderApp(props: AppProps, size: { columns: number; rows: number } = { columns: 120, rows: 40 }): Promise<Rendered> {
  const stdout = new Stdout(size.columns, size.rows);
  const stdin = new Stdin();
  const stderr = new Stdout(size.columns, size.rows);
  const instance = render(<App color={false} clock={() => props.store.getState().now} {...props} />, {
    stdout: stdout as unknown as NodeJS.WriteStream,
    stdin: stdin as unknown as NodeJS.ReadStream,
    stderr: stderr as unknown as NodeJS.WriteStream,
    debug: true,
    exitOnCtrlC: false,
    patchConsole: false,
  });
  await tick();
  return {
    lastFrame: stdout.lastFrame,
    stdout,
    press: async (...keys: string[]) => {
      for (const k of keys) {
        await tick();
        stdin.write(k);
        await tick();
        // A lone Esc is held briefly by ink's parser in case a sequence follows.
        if (k === KEYS.escape) await new Promise((r) => setTimeout(r, 60));
      }
      await tick();
    },
    unmount: () => {
      instance.unmount();
      instance.cleanup();
    },
  };
}

/** Lines of a frame (no trailing empty line). */
export const linesOf = (frame: string) => frame.replace(/\n$/, '').split('\n');
