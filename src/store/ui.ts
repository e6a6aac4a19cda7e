/**
 * Pure UI state transitions: cursor, screens, release detail, filter, `:` command line, help
 * (open or closed, and its scroll position).
 * No React, no I/O: each transition returns the next UiState and, when the engine must act,
 * an intent for the caller (the views) to dispatch through `Intents`.
 */
import type { Notice, Screen, UiState } from './state.js';

/** What a transition asks the engine to do. */
export type UiIntent =
  | { type: 'quit' }
  | { type: 'switchNamespace'; namespace: string | undefined }
  | { type: 'switchContext'; context: string }
  | { type: 'notify'; text: string; level: Notice['level'] };

export interface UiResult {
  ui: UiState;
  intent?: UiIntent;
}

/** Navigation actions the keymap binds keys to. */
export type UiAction =
  | 'help'
  | 'quit'
  | 'up'
  | 'down'
  | 'top'
  | 'bottom'
  | 'pageUp'
  | 'pageDown'
  | 'enter'
  | 'back'
  | 'filter'
  | 'command'
  | 'nextPanel'
  | 'prevPanel'
  | 'screenReleases'
  | 'screenServices'
  | 'screenJobs'
  | 'screenEvents';

/** What a transition needs to know about the screen on display. */
export interface UiContext {
  /** Rows (after the filter) of the list the cursor moves in. */
  count: number;
  /** Rows one page holds (PgUp/PgDn). */
  page: number;
  /** Panels of the detail screen (Tab cycles them). */
  panels?: number;
  /** The key of the row at an index (Enter on the releases list opens it). */
  keyAt?: (index: number) => string | undefined;
}

/** The keys that move: the cursor of a list, the revision picker, or the help overlay while it is open. */
export const MOVES = ['up', 'down', 'top', 'bottom', 'pageUp', 'pageDown'] as const;
export type Move = (typeof MOVES)[number];
export const isMove = (action: string): action is Move => (MOVES as readonly string[]).includes(action);

/** Where a move goes: a delta or an end, with a page of `page` rows. */
export function moveTarget(move: Move, page: number): number | 'top' | 'bottom' {
  const p = Math.max(1, page);
  return { up: -1, down: 1, top: 'top' as const, bottom: 'bottom' as const, pageUp: -p, pageDown: p }[move];
}

const BACK_LIMIT = 16;

/** Screens a row of the top-level list drills into. Only releases have a detail screen for now. */
const DRILL: Partial<Record<Screen, Screen>> = { releases: 'release' };

export const TOP_SCREENS: readonly Screen[] = ['releases', 'services', 'jobs', 'events'];

const clamp = (n: number, count: number) => (count <= 0 ? 0 : Math.max(0, Math.min(count - 1, n)));

export function cursorOf(ui: UiState): number {
  return ui.cursor[ui.screen] ?? 0;
}

function withCursor(ui: UiState, value: number): UiState {
  if (ui.cursor[ui.screen] === value) return ui;
  return { ...ui, cursor: { ...ui.cursor, [ui.screen]: value } };
}

/**
 * Moves the cursor of the current screen: by a delta, or to the top or bottom; always kept within
 * `count` rows.
 */
export function moveCursor(ui: UiState, to: number | 'top' | 'bottom', count: number): UiState {
  const current = cursorOf(ui);
  const next = to === 'top' ? 0 : to === 'bottom' ? count - 1 : current + to;
  return withCursor(ui, clamp(next, count));
}

/** Keeps the cursor inside the list after the list shrank (a flush removed rows, a filter narrowed them). */
export function clampCursor(ui: UiState, count: number): UiState {
  return withCursor(ui, clamp(cursorOf(ui), count));
}

/** Goes to a screen, remembering where we came from for Esc. Same screen: nothing changes. */
export function showScreen(ui: UiState, screen: Screen): UiState {
  if (ui.screen === screen) return ui;
  const back = [...ui.back, ui.screen].slice(-BACK_LIMIT);
  return { ...ui, screen, back, filter: '', filtering: false, help: false };
}

/**
 * Opens a release's detail screen at its first panel. The list's filter and cursor are kept, so
 * Esc returns to the same row of the same filtered list.
 */
export function openRelease(ui: UiState, key: string): UiState {
  const back = ui.screen === 'release' ? ui.back : [...ui.back, ui.screen].slice(-BACK_LIMIT);
  return { ...ui, screen: 'release', back, releaseKey: key, panel: 0, podPicked: false, filtering: false, help: false, cursor: { ...ui.cursor, release: 0 } };
}

/** Whether the screen shows a list the `/` filter narrows (the detail screen has none). */
export const isFilterable = (screen: Screen): boolean => screen !== 'release';

/**
 * Esc: closes help, else cancels the filter being typed or clears an applied one, else returns to
 * the previous screen. On the releases list with nothing to undo it does nothing.
 */
export function goBack(ui: UiState): UiState {
  if (ui.help) return { ...ui, help: false };
  if (ui.command !== null) return { ...ui, command: null };
  if (ui.filtering || (ui.filter !== '' && isFilterable(ui.screen))) return { ...ui, filter: '', filtering: false };
  if (ui.back.length > 0) {
    const back = ui.back.slice(0, -1);
    const screen = ui.back.at(-1)!;
    return { ...ui, screen, back };
  }
  if (ui.screen !== 'releases') return { ...ui, screen: 'releases' };
  return ui;
}

// ---- filter (`/`) ----

export function startFilter(ui: UiState): UiState {
  if (!isFilterable(ui.screen)) return ui;
  return { ...ui, filtering: true, command: null, help: false };
}

/** Live filter: every keystroke narrows the list at once and puts the cursor on the first match. */
export function typeFilter(ui: UiState, text: string): UiState {
  const clean = printable(text);
  if (!clean) return ui;
  return withCursor({ ...ui, filter: ui.filter + clean }, 0);
}

export function backspaceFilter(ui: UiState): UiState {
  if (ui.filter === '') return { ...ui, filtering: false };
  return withCursor({ ...ui, filter: [...ui.filter].slice(0, -1).join('') }, 0);
}

/** Enter: stop typing, keep the filter applied. */
export function applyFilter(ui: UiState): UiState {
  return { ...ui, filtering: false };
}

/** Esc: drop the filter. */
export function cancelFilter(ui: UiState): UiState {
  return { ...ui, filter: '', filtering: false };
}

/** Case-insensitive substring match on any of the given fields; an empty filter matches all. */
export function matchesFilter(filter: string, ...fields: (string | undefined)[]): boolean {
  if (filter === '') return true;
  const needle = filter.toLowerCase();
  return fields.some((f) => f !== undefined && f.toLowerCase().includes(needle));
}

// ---- command line (`:`) ----

export function startCommand(ui: UiState): UiState {
  return { ...ui, command: '', filtering: false, help: false };
}

export function typeCommand(ui: UiState, text: string): UiState {
  if (ui.command === null) return ui;
  const clean = printable(text);
  return clean ? { ...ui, command: ui.command + clean } : ui;
}

/** Backspace on an empty command line closes it, as in vim and k9s. */
export function backspaceCommand(ui: UiState): UiState {
  if (ui.command === null) return ui;
  if (ui.command === '') return { ...ui, command: null };
  return { ...ui, command: [...ui.command].slice(0, -1).join('') };
}

export function cancelCommand(ui: UiState): UiState {
  return { ...ui, command: null };
}

export type Command =
  | { type: 'namespace'; namespace: string | undefined }
  | { type: 'context'; context: string }
  | { type: 'screen'; screen: Screen }
  | { type: 'help' }
  | { type: 'quit' }
  | { type: 'none' }
  | { type: 'error'; message: string };

const SCREEN_ALIASES: Record<string, Screen> = {
  deploy: 'releases',
  deploys: 'releases',
  deployment: 'releases',
  deployments: 'releases',
  dp: 'releases',
  release: 'releases',
  releases: 'releases',
  rel: 'releases',
  svc: 'services',
  service: 'services',
  services: 'services',
  job: 'jobs',
  jobs: 'jobs',
  event: 'events',
  events: 'events',
  ev: 'events',
};

export const COMMANDS: readonly { usage: string; description: string }[] = [
  { usage: ':ns NAME', description: 'watch namespace NAME' },
  { usage: ':ns, :ns all', description: 'watch all namespaces' },
  { usage: ':ctx NAME', description: 'switch kubeconfig context' },
  { usage: ':deploy, :releases', description: 'releases screen' },
  { usage: ':svc', description: 'services screen' },
  { usage: ':jobs', description: 'jobs screen' },
  { usage: ':events', description: 'events screen' },
  { usage: ':help', description: 'this help' },
  { usage: ':q', description: 'quit' },
];

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** Parses a `:` command line (with or without the leading colon). */
export function parseCommand(line: string, contexts: readonly string[] = []): Command {
  const words = line.trim().replace(/^:/, '').trim().split(/\s+/).filter(Boolean);
  if (words.length === 0) return { type: 'none' };
  const [verb, ...args] = words;
  const name = verb.toLowerCase();
  if (name === 'ns' || name === 'namespace' || name === 'namespaces') {
    if (args.length > 1) return { type: 'error', message: `:${verb} takes one namespace, got ${args.length}` };
    const ns = args[0];
    if (ns === undefined || ns === 'all' || ns === '-A' || ns === '*') return { type: 'namespace', namespace: undefined };
    if (ns.length > 63 || !DNS_LABEL.test(ns)) return { type: 'error', message: `"${ns}" is not a valid namespace name` };
    return { type: 'namespace', namespace: ns };
  }
  if (name === 'ctx' || name === 'context' || name === 'contexts') {
    if (args.length !== 1) return { type: 'error', message: `usage: :ctx NAME${contexts.length ? ` (one of: ${contexts.join(', ')})` : ''}` };
    const ctx = args[0];
    if (contexts.length > 0 && !contexts.includes(ctx)) {
      return { type: 'error', message: `no context "${ctx}" in kubeconfig (have: ${contexts.join(', ')})` };
    }
    return { type: 'context', context: ctx };
  }
  if (name === 'q' || name === 'q!' || name === 'quit' || name === 'exit') return { type: 'quit' };
  if (name === 'help' || name === '?') return { type: 'help' };
  const screen = SCREEN_ALIASES[name];
  if (screen) {
    if (args.length > 0) return { type: 'error', message: `:${verb} takes no arguments` };
    return { type: 'screen', screen };
  }
  return { type: 'error', message: `unknown command :${verb} (try :ns, :ctx, :deploy, :svc, :jobs, :events, :q)` };
}

/** Enter on the command line: parse it, close it, and say what the engine must do. */
export function submitCommand(ui: UiState, contexts: readonly string[] = []): UiResult {
  if (ui.command === null) return { ui };
  const closed: UiState = { ...ui, command: null };
  const cmd = parseCommand(ui.command, contexts);
  switch (cmd.type) {
    case 'none':
      return { ui: closed };
    case 'error':
      return { ui: closed, intent: { type: 'notify', text: cmd.message, level: 'error' } };
    case 'quit':
      return { ui: closed, intent: { type: 'quit' } };
    case 'help':
      return { ui: { ...closed, help: true, helpTop: 0 } };
    case 'screen':
      return { ui: showScreen(closed, cmd.screen) };
    case 'namespace':
      return { ui: closed, intent: { type: 'switchNamespace', namespace: cmd.namespace } };
    case 'context':
      return { ui: closed, intent: { type: 'switchContext', context: cmd.context } };
  }
}

// ---- notices (the footer's status line) ----

/**
 * How long a notice stays on the status line: an info 5 s, a warning or an error 8 s. The next key
 * pressed once it has been up NOTICE_READ_MS also clears it; a key typed in the same burst as the
 * one that caused it does not.
 */
export const NOTICE_TTL_MS: Record<Notice['level'], number> = { info: 5000, warn: 8000, error: 8000 };
export const NOTICE_READ_MS = 1000;

/** Drops the notice once its time is up. */
export function expireNotice(ui: UiState, now: number): UiState {
  const n = ui.notice;
  if (!n || now - n.at < NOTICE_TTL_MS[n.level]) return ui;
  const { notice: _, ...rest } = ui;
  return rest;
}

/** A key was pressed: drops a notice that has been up long enough to be read (or whose time is up). */
export function dismissNotice(ui: UiState, now: number): UiState {
  const n = ui.notice;
  if (!n || now - n.at < NOTICE_READ_MS) return ui;
  const { notice: _, ...rest } = ui;
  return rest;
}

// ---- panels, help ----

export function nextPanel(ui: UiState, panels: number, step = 1): UiState {
  if (panels <= 1) return ui;
  const panel = (((ui.panel + step) % panels) + panels) % panels;
  return { ...ui, panel, podPicked: false, cursor: { ...ui.cursor, release: 0 } };
}

export function toggleHelp(ui: UiState): UiState {
  return { ...ui, help: !ui.help, helpTop: 0, command: null, filtering: false };
}

/** Scrolls the open help overlay; `ctx.count` is the number of first lines it can show. */
export function scrollHelp(ui: UiState, move: Move, ctx: Pick<UiContext, 'count' | 'page'>): UiState {
  const to = moveTarget(move, ctx.page);
  const next = clamp(to === 'top' ? 0 : to === 'bottom' ? ctx.count - 1 : ui.helpTop + to, ctx.count);
  return next === ui.helpTop ? ui : { ...ui, helpTop: next };
}

/**
 * One navigation action against the current state. Text editing (filter, command line) is done by
 * the type/backspace/submit functions above; this covers the keys of the normal mode.
 */
export function applyAction(ui: UiState, action: UiAction, ctx: UiContext): UiResult {
  if (ui.help && isMove(action)) return { ui: scrollHelp(ui, action, ctx) };
  if (isMove(action)) {
    const moved = moveCursor(ui, moveTarget(action, ctx.page), ctx.count);
    return { ui: ui.screen === 'release' && !moved.podPicked ? { ...moved, podPicked: true } : moved };
  }
  switch (action) {
    case 'help':
      return { ui: toggleHelp(ui) };
    case 'quit':
      return { ui, intent: { type: 'quit' } };
    case 'enter': {
      if (ui.help) return { ui: { ...ui, help: false } };
      const target = DRILL[ui.screen];
      const key = ctx.keyAt?.(cursorOf(ui));
      if (target !== 'release' || key === undefined) return { ui };
      return { ui: openRelease(ui, key) };
    }
    case 'back':
      return { ui: goBack(ui) };
    case 'filter':
      return { ui: startFilter(ui) };
    case 'command':
      return { ui: startCommand(ui) };
    case 'nextPanel':
      return { ui: ui.screen === 'release' ? nextPanel(ui, ctx.panels ?? 1) : ui };
    case 'prevPanel':
      return { ui: ui.screen === 'release' ? nextPanel(ui, ctx.panels ?? 1, -1) : ui };
    case 'screenReleases':
      return { ui: showScreen(ui, 'releases') };
    case 'screenServices':
      return { ui: showScreen(ui, 'services') };
    case 'screenJobs':
      return { ui: showScreen(ui, 'jobs') };
    case 'screenEvents':
      return { ui: showScreen(ui, 'events') };
  }
}

/** Drops control characters (pasted newlines, escape sequences) from typed text. */
function printable(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f]/g, '');
}
