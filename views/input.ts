/**
 * Turns a key press into a UI transition or an intent, using the keymap table. No React: the App
 * calls it from `useInput`, tests call it directly.
 */
import type { Key } from 'ink';
import type { Intents } from '../src/engine/cockpit.js';
import type { ReleaseView } from '../src/derive/derive.js';
import type { CockpitStore } from '../src/store/state.js';
import type { Dialog } from '../src/store/actionState.js';
import {
  applyAction,
  applyFilter,
  backspaceCommand,
  backspaceFilter,
  cancelCommand,
  cancelFilter,
  dismissNotice,
  isMove,
  moveTarget,
  submitCommand,
  typeCommand,
  typeFilter,
  type UiAction,
  type UiIntent,
  type UiResult,
} from '../src/store/ui.js';
import { findBinding, KEYMAP, NO_KEY, type Binding, type ReleaseAction } from './keymap.js';
import { actionSubject, uiContext } from './lists.js';
import { activeCountdowns } from '../src/store/guardState.js';

const countingDown = (state: ReturnType<KeyDeps['store']['getState']>) => state.guards !== undefined && activeCountdowns(state.guards).length > 0;

export interface KeyDeps {
  store: CockpitStore;
  intents: Intents;
  readonly: boolean;
  /** Rows a page holds on the current screen. */
  pageRows: number;
  /** Release actions; without it, the key says it is not available yet. */
  onAction?: (action: ReleaseAction, release: ReleaseView | undefined) => void;
  /** The help overlay as laid out now: how many first lines it can show, and its page. */
  help?: { count: number; page: number };
  /** The clock a key press reads to clear a notice that has been read (default Date.now). */
  now?: () => number;
}

const RELEASE_ACTIONS = new Set<string>(KEYMAP.filter((b) => b.group === 'release').map((b) => b.action));
const isReleaseAction = (b: Binding): b is Binding & { action: ReleaseAction } => RELEASE_ACTIONS.has(b.action);

export function dispatchIntent(intents: Intents, intent: UiIntent | undefined): void {
  if (!intent) return;
  switch (intent.type) {
    case 'quit':
      intents.quit();
      return;
    case 'switchNamespace':
      intents.switchNamespace(intent.namespace);
      return;
    case 'switchContext':
      intents.switchContext(intent.context);
      return;
    case 'notify':
      intents.notify(intent.text, intent.level);
      return;
  }
}

/** Handles one key press; returns the binding it triggered (or 'text' for typed text), for tests. */
export function handleKey(input: string, key: Key, deps: KeyDeps): Binding | 'text' | undefined {
  const { store, intents, readonly } = deps;
  // The next key clears a notice that has been read; one this key causes is set after this.
  const read = dismissNotice(store.getState().ui, (deps.now ?? Date.now)());
  if (read !== store.getState().ui) store.setState({ ui: read });
  const state = store.getState();
  const ui = state.ui;
  const typing = ui.command !== null || ui.filtering;
  const dialog = state.actions?.dialog;
  // A rollback counting down is cancelled from anywhere but a text field.
  if (!typing && !readonly && dialog?.kind !== 'prompt' && !(dialog?.kind === 'confirm' && dialog.confirmName !== undefined) && countingDown(state)) {
    const b = findBinding(input, key, { mode: 'normal', readonly, screen: ui.screen });
    if (b?.action === 'cancelRollback') {
      intents.cancelRollback?.();
      return b;
    }
  }
  if (dialog && intents.dialog && !readonly) {
    const handled = handleDialogKey(input, key, dialog, deps);
    if (handled !== 'pass') return handled;
  }
  const binding = findBinding(input, key, { mode: typing ? 'input' : 'normal', readonly, screen: ui.screen });

  let result: UiResult | undefined;
  if (binding?.action === 'quit' && (typing || key.ctrl)) {
    result = { ui, intent: { type: 'quit' } };
  } else if (ui.help && !typing) {
    // Help is open: the move keys scroll it, any other key closes it.
    if (binding && isMove(binding.action)) result = applyAction(ui, binding.action, deps.help ?? { count: 1, page: 1 });
    else result = { ui: { ...ui, help: false } };
  } else if (ui.command !== null) {
    if (binding?.action === 'inputSubmit') result = submitCommand(ui, state.connection.contexts);
    else if (binding?.action === 'inputCancel') result = { ui: cancelCommand(ui) };
    else if (binding?.action === 'inputDelete') result = { ui: backspaceCommand(ui) };
    else if (!key.ctrl && !key.meta && input) result = { ui: typeCommand(ui, input) };
  } else if (ui.filtering) {
    if (binding?.action === 'inputSubmit') result = { ui: applyFilter(ui) };
    else if (binding?.action === 'inputCancel') result = { ui: cancelFilter(ui) };
    else if (binding?.action === 'inputDelete') result = { ui: backspaceFilter(ui) };
    else if (!key.ctrl && !key.meta && input) result = { ui: typeFilter(ui, input) };
  } else if (binding?.action === 'takeOver') {
    intents.takeOver?.(actionSubject(state).release?.key);
    return binding;
  } else if (binding?.action === 'cancelRollback') {
    if (intents.cancelRollback) intents.cancelRollback();
    else intents.notify('no automatic rollback is counting down');
    return binding;
  } else if (binding && isReleaseAction(binding)) {
    const { release, side } = actionSubject(state);
    if (deps.onAction) deps.onAction(binding.action, release);
    else if (intents.act) intents.act(binding.action, release?.key, side);
    else intents.notify(`${binding.label} (${binding.description}): not available yet`, 'warn');
    return binding;
  } else if (binding) {
    result = applyAction(ui, binding.action as UiAction, uiContext(state, deps.pageRows));
  }

  if (!result) return binding;
  const next = result.ui;
  if (next !== ui) store.setState({ ui: next });
  dispatchIntent(intents, result.intent);
  // A new screen wants fresh data at once rather than at the next scheduled flush.
  if (next.screen !== ui.screen || next.releaseKey !== ui.releaseKey) intents.refresh();
  return binding ?? (typing ? 'text' : undefined);
}

/** Printable text (not a named key): what a prompt takes as typed characters. */
const isText = (input: string, key: Key) => !key.ctrl && !key.meta && input !== '' && !key.return && !key.escape && !key.tab && !key.backspace && !key.delete;

/**
 * A key while an action dialog is open, by the keymap's bindings for that dialog. Prompts and the
 * production name check take text (the input bindings edit it); the picker moves with the move
 * keys; a refusal or a result closes on any other key, which then acts as usual ('pass'), so
 * `+` `y` `+` `y` steps a canary twice.
 */
export function handleDialogKey(input: string, key: Key, dialog: Dialog, deps: KeyDeps): Binding | 'text' | 'pass' | undefined {
  const send = deps.intents.dialog!;
  const textual = dialog.kind === 'prompt' || dialog.kind === 'takeover' || (dialog.kind === 'confirm' && dialog.confirmName !== undefined);
  const b = findBinding(input, key, { mode: textual ? 'input' : 'dialog', dialog: dialog.kind, readonly: false, screen: 'releases' });
  if (b?.action === 'quit') {
    deps.intents.quit();
    return b;
  }
  // While an action runs, q asks to quit too (the engine asks first, then leaves it unfinished).
  const quitKey = dialog.kind === 'running' ? findBinding(input, key, { mode: 'normal', readonly: false, screen: 'releases' }) : undefined;
  if (quitKey?.action === 'quit') {
    deps.intents.quit();
    return quitKey;
  }
  if (textual) {
    if (b?.action === 'inputSubmit') send({ type: 'confirm' });
    else if (b?.action === 'inputCancel') send({ type: 'cancel' });
    else if (b?.action === 'inputDelete') send({ type: 'backspace' });
    else if (isText(input, key)) send({ type: 'text', text: input });
    return b ?? 'text';
  }
  const act = b?.action;
  switch (dialog.kind) {
    case 'picker': {
      if (act === 'dialogPick') send({ type: 'confirm' });
      else if (act === 'dialogCancel') send({ type: 'cancel' });
      else {
        const nav = findBinding(input, key, { mode: 'normal', readonly: false, screen: 'releases' });
        if (nav && isMove(nav.action)) {
          send({ type: 'move', to: moveTarget(nav.action, deps.pageRows) });
          return nav;
        }
      }
      return b;
    }
    case 'confirm':
      if (act === 'dialogConfirm') send({ type: 'confirm' });
      else if (act === 'dialogCancel') send({ type: 'cancel' });
      return b;
    case 'running':
      if (act === 'dialogStop') send({ type: 'cancel' });
      return b;
    case 'grace':
      if (act === 'dialogCancel') send({ type: 'cancel' });
      return b;
    case 'refused':
    case 'result':
      if (act === 'dialogOverride' && dialog.kind === 'refused' && dialog.overridable) send({ type: 'override' });
      else if (act === 'dialogTakeOver' && dialog.kind === 'refused' && dialog.drivenBy) send({ type: 'takeOver' });
      else if (act === 'dialogRollback' && dialog.kind === 'result' && dialog.rollback) send({ type: 'rollback' });
      else {
        send({ type: 'close' });
        return act === 'dialogConfirm' || act === 'dialogCancel' || act === 'dialogClose' ? b : 'pass';
      }
      return b;
  }
}

/**
 * A terminal sends keys typed quickly (or a held key) as one chunk, which ink hands over as one
 * input string ("jj", ":ns web\r"). Splits it back into single key presses.
 */
export function splitKeys(input: string, key: Key): [string, Key][] {
  const named = key.ctrl || key.meta || key.return || key.escape || key.tab || key.backspace || key.delete || key.upArrow || key.downArrow || key.pageUp || key.pageDown || key.home || key.end;
  if (input.length <= 1 || named) return [[input, key]];
  const out: [string, Key][] = [];
  for (const ch of input) {
    if (ch === '\r' || ch === '\n') out.push(['', { ...NO_KEY, return: true }]);
    else if (ch === '\t') out.push(['', { ...NO_KEY, tab: true }]);
    else if (ch === '\u007f' || ch === '\b') out.push(['', { ...NO_KEY, backspace: true }]);
    else out.push([ch, { ...NO_KEY, shift: /[A-Z]/.test(ch) }]);
  }
  return out;
}

/** Every key press in one input event, in order. */
export function handleInput(input: string, key: Key, deps: KeyDeps): void {
  for (const [i, k] of splitKeys(input, key)) handleKey(i, k, deps);
}
