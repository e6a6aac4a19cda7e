/**
 * Every key the cockpit knows, in one table: the input handler matches keys against it and the
 * `?` help is generated from it, so the two cannot drift. Mutating keys carry `mutating: true`;
 * `--readonly` removes them from both.
 */
import type { Key } from 'ink';
import type { Screen } from '../src/store/state.js';
import type { UiAction } from '../src/store/ui.js';

/** Release actions (implemented in src/actions later; each opens a confirm dialog with its plan). */
export type ReleaseAction =
  | 'stepUp'
  | 'stepDown'
  | 'promote'
  | 'abort'
  | 'flip'
  | 'migrate'
  | 'pause'
  | 'resume'
  | 'restart'
  | 'setImage'
  | 'scale'
  | 'undo';

/** Editing the `:` command line or the `/` filter. */
export type InputAction = 'inputSubmit' | 'inputCancel' | 'inputDelete';

export type Action = UiAction | ReleaseAction | InputAction;

type NamedKey = 'upArrow' | 'downArrow' | 'pageUp' | 'pageDown' | 'home' | 'end' | 'return' | 'escape' | 'tab' | 'backspace' | 'delete';

export interface KeySpec {
  /** A printable character (`j`, `G`, `?`), or the letter with ctrl. */
  input?: string;
  key?: NamedKey;
  ctrl?: boolean;
  shift?: boolean;
}

export type Group = 'general' | 'navigation' | 'screens' | 'input' | 'release';

export interface Binding {
  action: Action;
  keys: KeySpec[];
  /** The keys as help shows them. */
  label: string;
  description: string;
  group: Group;
  /** normal: browsing; input: while typing a command or filter; any: both. */
  mode: 'normal' | 'input' | 'any';
  /** Changes the cluster: hidden and ignored with --readonly. */
  mutating?: boolean;
  /** Short word for the footer; bindings without one are only in help. */
  hint?: string;
  /** Screens where the key does something; absent: everywhere. */
  screens?: readonly Screen[];
}

const LISTS: readonly Screen[] = ['releases', 'services', 'jobs', 'events'];
const RELEASE: readonly Screen[] = ['releases', 'release'];

export const KEYMAP: readonly Binding[] = [
  // general
  { action: 'help', keys: [{ input: '?' }], label: '?', description: 'help: every key (scroll with the move keys, any other key closes it)', group: 'general', mode: 'normal', hint: 'help' },
  { action: 'quit', keys: [{ input: 'q' }], label: 'q', description: 'quit', group: 'general', mode: 'normal', hint: 'quit' },
  { action: 'quit', keys: [{ input: 'c', ctrl: true }], label: 'Ctrl-C', description: 'quit, from anywhere', group: 'general', mode: 'any' },
  { action: 'command', keys: [{ input: ':' }], label: ':', description: 'command line (:ns, :ctx, :deploy, :svc, :jobs, :events, :q)', group: 'general', mode: 'normal', hint: 'cmd' },
  { action: 'filter', keys: [{ input: '/' }], label: '/', description: 'filter the list as you type', group: 'general', mode: 'normal', hint: 'filter', screens: LISTS },
  { action: 'back', keys: [{ key: 'escape' }], label: 'Esc', description: 'back; clears the filter; closes help', group: 'general', mode: 'normal', hint: 'back' },
  // navigation
  { action: 'up', keys: [{ key: 'upArrow' }, { input: 'k' }], label: '↑ k', description: 'move up', group: 'navigation', mode: 'normal' },
  { action: 'down', keys: [{ key: 'downArrow' }, { input: 'j' }], label: '↓ j', description: 'move down', group: 'navigation', mode: 'normal' },
  { action: 'top', keys: [{ input: 'g' }, { key: 'home' }], label: 'g Home', description: 'top', group: 'navigation', mode: 'normal' },
  { action: 'bottom', keys: [{ input: 'G' }, { key: 'end' }], label: 'G End', description: 'bottom', group: 'navigation', mode: 'normal' },
  { action: 'pageUp', keys: [{ key: 'pageUp' }, { input: 'b', ctrl: true }], label: 'PgUp Ctrl-B', description: 'page up', group: 'navigation', mode: 'normal' },
  { action: 'pageDown', keys: [{ key: 'pageDown' }, { input: 'f', ctrl: true }], label: 'PgDn Ctrl-F', description: 'page down', group: 'navigation', mode: 'normal' },
  { action: 'enter', keys: [{ key: 'return' }], label: 'Enter', description: 'open the release under the cursor', group: 'navigation', mode: 'normal', hint: 'open', screens: ['releases'] },
  { action: 'prevPanel', keys: [{ key: 'tab', shift: true }], label: 'Shift-Tab', description: 'previous panel', group: 'navigation', mode: 'normal', screens: ['release'] },
  { action: 'nextPanel', keys: [{ key: 'tab' }], label: 'Tab', description: 'next panel', group: 'navigation', mode: 'normal', hint: 'panel', screens: ['release'] },
  // screens
  { action: 'screenReleases', keys: [{ input: '1' }], label: '1', description: 'releases', group: 'screens', mode: 'normal' },
  { action: 'screenServices', keys: [{ input: '2' }], label: '2', description: 'services', group: 'screens', mode: 'normal' },
  { action: 'screenJobs', keys: [{ input: '3' }], label: '3', description: 'jobs (migrations first)', group: 'screens', mode: 'normal' },
  { action: 'screenEvents', keys: [{ input: '4' }], label: '4', description: 'events, newest first', group: 'screens', mode: 'normal' },
  // typing a command or a filter
  { action: 'inputSubmit', keys: [{ key: 'return' }], label: 'Enter', description: 'run the command / keep the filter', group: 'input', mode: 'input' },
  { action: 'inputCancel', keys: [{ key: 'escape' }], label: 'Esc', description: 'cancel the command / clear the filter', group: 'input', mode: 'input' },
  { action: 'inputDelete', keys: [{ key: 'backspace' }, { key: 'delete' }], label: 'Backspace', description: 'delete a character', group: 'input', mode: 'input' },
  // release actions (mutating; each shows its plan and asks first)
  { action: 'stepUp', keys: [{ input: '+' }], label: '+', description: 'canary: next traffic step; rolling: scale up by one', group: 'release', mode: 'normal', mutating: true, screens: RELEASE },
  { action: 'stepDown', keys: [{ input: '-' }], label: '-', description: 'canary: previous traffic step; rolling: scale down by one', group: 'release', mode: 'normal', mutating: true, screens: RELEASE },
  { action: 'promote', keys: [{ input: 'P' }], label: 'P', description: 'promote the canary to stable', group: 'release', mode: 'normal', mutating: true, screens: RELEASE },
  { action: 'abort', keys: [{ input: 'A' }], label: 'A', description: 'abort the canary (scale it to zero)', group: 'release', mode: 'normal', mutating: true, screens: RELEASE },
  { action: 'flip', keys: [{ input: 'f' }], label: 'f', description: 'blue-green: flip the Service to the idle colour', group: 'release', mode: 'normal', mutating: true, screens: RELEASE },
  { action: 'migrate', keys: [{ input: 'm' }], label: 'm', description: 'run the migration Job first', group: 'release', mode: 'normal', mutating: true, screens: RELEASE },
  { action: 'pause', keys: [{ input: 'p' }], label: 'p', description: 'pause the rollout', group: 'release', mode: 'normal', mutating: true, screens: RELEASE },
  { action: 'resume', keys: [{ input: 'u' }], label: 'u', description: 'resume a paused rollout', group: 'release', mode: 'normal', mutating: true, screens: RELEASE },
  { action: 'restart', keys: [{ input: 'r' }], label: 'r', description: 'rollout restart', group: 'release', mode: 'normal', mutating: true, screens: RELEASE },
  { action: 'setImage', keys: [{ input: 'i' }], label: 'i', description: 'set image (start a rollout)', group: 'release', mode: 'normal', mutating: true, screens: RELEASE },
  { action: 'scale', keys: [{ input: 's' }], label: 's', description: 'scale to a number', group: 'release', mode: 'normal', mutating: true, screens: RELEASE },
  { action: 'undo', keys: [{ input: 'U' }], label: 'U', description: 'rollout undo to the previous revision', group: 'release', mode: 'normal', mutating: true, screens: RELEASE },
];

export const GROUP_TITLE: Record<Group, string> = {
  general: 'General',
  navigation: 'Move',
  screens: 'Screens',
  input: 'Command line and filter',
  release: 'Release actions (change the cluster; each shows its plan and asks first)',
};

/** The bindings in force: without mutating ones when read-only. */
export function activeBindings(readonly: boolean): Binding[] {
  return KEYMAP.filter((b) => !(readonly && b.mutating));
}

function specMatches(spec: KeySpec, input: string, key: Key): boolean {
  if (spec.key) {
    if (!key[spec.key]) return false;
    if (spec.shift !== undefined && Boolean(key.shift) !== spec.shift) return false;
    // Ink reports Shift-Tab as tab + shift; plain Tab must not match it.
    if (spec.key === 'tab' && spec.shift === undefined && key.shift) return false;
    return Boolean(spec.ctrl) === Boolean(key.ctrl);
  }
  if (spec.input === undefined) return false;
  if (Boolean(spec.ctrl) !== Boolean(key.ctrl) || key.meta) return false;
  return input === spec.input;
}

/**
 * The binding a key press triggers in a mode, or undefined. `screen` restricts to bindings that
 * apply there (a key that does nothing on this screen is not swallowed).
 */
export function findBinding(
  input: string,
  key: Key,
  opts: { mode: 'normal' | 'input'; readonly: boolean; screen: Screen },
): Binding | undefined {
  for (const b of KEYMAP) {
    if (b.mode !== 'any' && b.mode !== opts.mode) continue;
    if (opts.readonly && b.mutating) continue;
    if (b.screens && !b.screens.includes(opts.screen)) continue;
    if (b.keys.some((k) => specMatches(k, input, key))) return b;
  }
  return undefined;
}

/** Footer hints for a screen, in table order. */
export function hintsFor(screen: Screen, readonly: boolean): string[] {
  return activeBindings(readonly)
    .filter((b) => b.hint && b.mode !== 'input' && (!b.screens || b.screens.includes(screen)))
    .map((b) => `${b.label} ${b.hint}`);
}

/** A Key with nothing pressed, for building key events in tests and adapters. */
export const NO_KEY: Key = {
  upArrow: false,
  downArrow: false,
  leftArrow: false,
  rightArrow: false,
  pageDown: false,
  pageUp: false,
  home: false,
  end: false,
  return: false,
  escape: false,
  ctrl: false,
  shift: false,
  tab: false,
  backspace: false,
  delete: false,
  meta: false,
  super: false,
  hyper: false,
  capsLock: false,
  numLock: false,
};
