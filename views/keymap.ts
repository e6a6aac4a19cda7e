/**
 * Every key the cockpit knows, in one table: the input handler matches keys against it and the
 * `?` help is generated from it, so the two cannot drift. Mutating keys carry `mutating: true`;
 * `--readonly` removes them from both.
 */
import type { Key } from 'ink';
import type { Screen } from '../src/store/state.js';
import type { UiAction } from '../src/store/ui.js';
import { ACTION_KEYS, REGISTRY, type ActionKey } from '../src/actions/registry.js';
import type { Dialog } from '../src/store/actionState.js';

/** Release actions: planned, confirmed and run by the engine's ActionController (src/engine/controller.ts). */
export type ReleaseAction = ActionKey;

/** Keys inside an action dialog (confirm, picker, refusal, running, result). */
export type DialogAction = 'dialogConfirm' | 'dialogCancel' | 'dialogStop' | 'dialogPick' | 'dialogOverride' | 'dialogTakeOver' | 'dialogRollback' | 'dialogClose';

/** Taking over the driver lock of a release someone else drives (the engine's DriverService). */
export type PairAction = 'takeOver';

export type DialogKind = Dialog['kind'];

/** Editing the `:` command line or the `/` filter. */
export type InputAction = 'inputSubmit' | 'inputCancel' | 'inputDelete';

/** Cancels the countdown of an automatic rollback (metric guard). */
export type GuardAction = 'cancelRollback';

export type Action = UiAction | ReleaseAction | PairAction | InputAction | DialogAction | GuardAction;

type NamedKey = 'upArrow' | 'downArrow' | 'pageUp' | 'pageDown' | 'home' | 'end' | 'return' | 'escape' | 'tab' | 'backspace' | 'delete';

export interface KeySpec {
  /** A printable character (`j`, `G`, `?`), or the letter with ctrl. */
  input?: string;
  key?: NamedKey;
  ctrl?: boolean;
  shift?: boolean;
}

export type Group = 'general' | 'navigation' | 'screens' | 'input' | 'release' | 'pair' | 'guard' | 'dialog';

export interface Binding {
  action: Action;
  keys: KeySpec[];
  /** The keys as help shows them. */
  label: string;
  description: string;
  group: Group;
  /**
   * normal: browsing (the revision picker moves with these too); input: while typing a command, a
   * filter or into a prompt; dialog: an action dialog is open; any: all.
   */
  mode: 'normal' | 'input' | 'dialog' | 'any';
  /** mode dialog: the dialogs the key works in. */
  dialogs?: readonly DialogKind[];
  /** Changes the cluster: hidden and ignored with --readonly. */
  mutating?: boolean;
  /** Short word for the footer; bindings without one are only in help. */
  hint?: string;
  /** Screens where the key does something; absent: everywhere. */
  screens?: readonly Screen[];
}

const LISTS: readonly Screen[] = ['releases', 'services', 'jobs', 'events'];
const RELEASE: readonly Screen[] = ['releases', 'release'];

/** A release action's binding, from its registry entry; on the releases list it acts on the highlighted release. */
function releaseBinding(key: ActionKey): Binding {
  const spec = REGISTRY[key];
  return { action: key, keys: spec.keys.map((input) => ({ input })), label: spec.keys.join(' '), description: spec.help, group: 'release', mode: 'normal', mutating: true, screens: RELEASE };
}

export const KEYMAP: readonly Binding[] = [
  // general
  { action: 'help', keys: [{ input: '?' }], label: '?', description: 'help: every key (scroll with the move keys, any other key closes it)', group: 'general', mode: 'normal', hint: 'help' },
  { action: 'quit', keys: [{ input: 'q' }], label: 'q', description: 'quit (while an action runs: asks first; again quits and prints what it left and its undo)', group: 'general', mode: 'normal', hint: 'quit' },
  { action: 'quit', keys: [{ input: 'c', ctrl: true }], label: 'Ctrl-C', description: 'quit, from anywhere (asks first while an action runs)', group: 'general', mode: 'any' },
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
  // typing a command, a filter, or into a prompt of an action dialog
  { action: 'inputSubmit', keys: [{ key: 'return' }], label: 'Enter', description: 'run the command / keep the filter / take what the prompt says', group: 'input', mode: 'input' },
  { action: 'inputCancel', keys: [{ key: 'escape' }], label: 'Esc', description: 'cancel the command or the prompt / clear the filter', group: 'input', mode: 'input' },
  { action: 'inputDelete', keys: [{ key: 'backspace' }, { key: 'delete' }], label: 'Backspace', description: 'delete a character', group: 'input', mode: 'input' },
  // release actions: one binding per action registry entry (mutating; each shows its plan and asks first)
  ...ACTION_KEYS.map(releaseBinding),
  { action: 'takeOver', keys: [{ input: 'T' }], label: 'T', description: 'take over driving the release from its driver (type a reason; audited as an Event on the release)', group: 'pair', mode: 'normal', mutating: true, screens: RELEASE },
  // metric guards: works on every screen and over a dialog, while a rollback counts down
  { action: 'cancelRollback', keys: [{ input: 'c' }], label: 'c', description: 'cancel the automatic rollback counting down (the change stays; the guard keeps its figures)', group: 'guard', mode: 'normal', mutating: true },
  // inside an action dialog (the revision picker also moves with the move keys)
  { action: 'dialogConfirm', keys: [{ input: 'y' }, { key: 'return' }], label: 'y Enter', description: 'run the plan shown (prod context: type the Deployment or Service name, then Enter)', group: 'dialog', mode: 'dialog', dialogs: ['confirm', 'refused', 'result'], mutating: true },
  { action: 'dialogCancel', keys: [{ input: 'n' }, { key: 'escape' }], label: 'n Esc', description: 'cancel, nothing changes; closes a refusal or a result', group: 'dialog', mode: 'dialog', dialogs: ['confirm', 'picker', 'refused', 'result', 'grace'], mutating: true },
  { action: 'dialogStop', keys: [{ key: 'escape' }], label: 'Esc', description: 'while an action runs: stop waiting (writes made stay)', group: 'dialog', mode: 'dialog', dialogs: ['running'], mutating: true },
  { action: 'dialogPick', keys: [{ key: 'return' }], label: 'Enter', description: 'revision picker (U): plan the undo to the revision under the cursor', group: 'dialog', mode: 'dialog', dialogs: ['picker'], mutating: true },
  { action: 'dialogOverride', keys: [{ input: '!' }], label: '!', description: 'migration-gate, metric-guard or freeze refusal: override with a typed reason (audited)', group: 'dialog', mode: 'dialog', dialogs: ['refused'], mutating: true },
  { action: 'dialogTakeOver', keys: [{ input: 'T' }], label: 'T', description: 'refused because someone else drives: take over (type a reason; audited), then plan again', group: 'dialog', mode: 'dialog', dialogs: ['refused'], mutating: true },
  { action: 'dialogRollback', keys: [{ input: 'u' }], label: 'u', description: 'failed result: apply the offered rollback (confirm first)', group: 'dialog', mode: 'dialog', dialogs: ['result'], mutating: true },
  { action: 'dialogClose', keys: [{ input: ' ' }], label: 'Space', description: 'close a refusal or a result (any other key closes it and acts as usual)', group: 'dialog', mode: 'dialog', dialogs: ['refused', 'result'], mutating: true },
];

export const GROUP_TITLE: Record<Group, string> = {
  general: 'General',
  navigation: 'Move',
  screens: 'Screens',
  input: 'Command line and filter',
  release: 'Release actions (change the cluster; each shows its plan and asks first)',
  pair: 'Steering as a pair (one driver per release; see README)',
  guard: 'Metric guards',
  dialog: 'In an action dialog (other keys close a refusal or result)',
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
  opts: { mode: 'normal' | 'input' | 'dialog'; readonly: boolean; screen: Screen; dialog?: DialogKind },
): Binding | undefined {
  for (const b of KEYMAP) {
    if (b.mode !== 'any' && b.mode !== opts.mode) continue;
    if (b.dialogs && !(opts.dialog && b.dialogs.includes(opts.dialog))) continue;
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
