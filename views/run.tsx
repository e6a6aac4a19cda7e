/**
 * Mounts the cockpit in the terminal and resolves when the user quits (q, :q or Ctrl-C).
 * The caller starts the Cockpit (its watches) before and stops it after.
 */
import React from 'react';
import { render } from 'ink';
import type { Intents } from '../src/engine/cockpit.js';
import type { CockpitStore } from '../src/store/state.js';
import type { ReleaseView } from '../src/derive/derive.js';
import { App } from './App.js';
import type { ReleaseAction } from './keymap.js';

/** What the views need of the engine: its store, its intents and a quit hook (Cockpit has all three). */
export interface CockpitHandle extends Intents {
  readonly store: CockpitStore;
  onQuit: () => void;
}

export interface RenderCockpitOptions {
  /** Hide and ignore mutating keys (--readonly); defaults to the connection's flag. */
  readonly?: boolean;
  /** Colour on or off; defaults to on unless NO_COLOR is set. */
  color?: boolean;
  stdout?: NodeJS.WriteStream;
  stdin?: NodeJS.ReadStream;
  stderr?: NodeJS.WriteStream;
  onAction?: (action: ReleaseAction, release: ReleaseView | undefined) => void;
}

export async function renderCockpit(cockpit: CockpitHandle, opts: RenderCockpitOptions = {}): Promise<void> {
  const previous = cockpit.onQuit;
  let quit!: () => void;
  const quitting = new Promise<void>((resolve) => (quit = resolve));
  cockpit.onQuit = () => {
    previous.call(cockpit);
    quit();
  };
  // Intents are methods of the Cockpit class: bind them so views can call them detached.
  const intents: Intents = {
    switchNamespace: (ns) => cockpit.switchNamespace(ns),
    switchContext: (ctx) => cockpit.switchContext(ctx),
    refresh: () => cockpit.refresh(),
    notify: (text, level) => cockpit.notify(text, level),
    quit: () => cockpit.quit(),
    ...(cockpit.act ? { act: (a, key) => cockpit.act!(a, key) } : {}),
    ...(cockpit.dialog ? { dialog: (input) => cockpit.dialog!(input) } : {}),
    ...(cockpit.cancelRollback ? { cancelRollback: () => cockpit.cancelRollback!() } : {}),
  };
  const instance = render(
    <App store={cockpit.store} intents={intents} readonly={opts.readonly} color={opts.color} onAction={opts.onAction} />,
    {
      stdout: opts.stdout ?? process.stdout,
      stdin: opts.stdin ?? process.stdin,
      stderr: opts.stderr ?? process.stderr,
      // A terminal means someone is looking, even where CI is set (ink would otherwise print only the last frame).
      interactive: Boolean((opts.stdout ?? process.stdout).isTTY),
      alternateScreen: true,
      incrementalRendering: true,
      maxFps: 30,
      patchConsole: false,
      exitOnCtrlC: false,
    },
  );
  try {
    await Promise.race([quitting, instance.waitUntilExit()]);
  } finally {
    cockpit.onQuit = previous;
    instance.unmount();
    await instance.waitUntilExit().catch(() => {});
  }
}
