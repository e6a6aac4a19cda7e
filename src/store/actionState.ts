/**
 * The release-action part of the store: which dialog is open (a prompt, the revision picker, the
 * confirm dialog with its plan, a refusal, the running action, its result) and what the user may do.
 * Pure data; src/store/actions.ts moves it, views/ draws it.
 */
import type { LogTail } from '../actions/migrate.js';
import type { RevisionInfo } from '../actions/undo.js';
import type { Plan } from '../actions/types.js';
import type { AccessMap, Permission } from '../kube/access.js';

/** Every release action a key can ask for. */
export type ActionKey =
  | 'stepUp'
  | 'stepDown'
  | 'promote'
  | 'abort'
  | 'flip'
  | 'scaleIdle'
  | 'migrate'
  | 'pauseResume'
  | 'restart'
  | 'setImage'
  | 'scale'
  | 'undoRevision'
  | 'undoLast';

export const ACTION_KEYS: readonly ActionKey[] = ['stepUp', 'stepDown', 'promote', 'abort', 'flip', 'scaleIdle', 'migrate', 'pauseResume', 'restart', 'setImage', 'scale', 'undoRevision', 'undoLast'];

/** The permission each key needs (undoLast: whatever the undone action needed; checked by its write). */
export const NEEDS: Record<ActionKey, Permission | undefined> = {
  stepUp: 'patchDeployments',
  stepDown: 'patchDeployments',
  promote: 'patchDeployments',
  abort: 'patchDeployments',
  flip: 'patchServices',
  scaleIdle: 'patchDeployments',
  migrate: 'createJobs',
  pauseResume: 'patchDeployments',
  restart: 'patchDeployments',
  setImage: 'patchDeployments',
  scale: 'patchDeployments',
  undoRevision: 'patchDeployments',
  undoLast: undefined,
};

/** What to plan: the key, the release it acts on, and what a prompt or the picker added. */
export interface ActionRequest {
  key: ActionKey;
  /** ReleaseView.key; undefined for undoLast. */
  releaseKey?: string;
  /** Typed into a prompt: `[CONTAINER=]IMAGE` or a replica count. */
  value?: string;
  /** Picked in the revision picker. */
  revision?: number;
  /** Reason a closed gate is overridden with (audited). */
  override?: string;
  /** undoLast: the journal entry being undone. */
  entryId?: number;
}

export type PromptPurpose = 'image' | 'replicas' | 'override';

export type Dialog =
  | { kind: 'prompt'; purpose: PromptPurpose; request: ActionRequest; title: string; label: string; text: string; hint: string; error?: string }
  | { kind: 'picker'; request: ActionRequest; deployment: string; revisions: RevisionInfo[]; cursor: number; error?: string }
  | { kind: 'confirm'; request: ActionRequest; plan: Plan; dryRun: boolean; context: string; confirmName?: string; typed: string; error?: string }
  | { kind: 'refused'; request: ActionRequest; plan: Plan; overridable: boolean }
  | { kind: 'running'; plan: Plan; dryRun: boolean; progress: string[]; started: number; job?: string; log?: LogTail; stopping?: boolean }
  | {
      kind: 'result';
      plan: Plan;
      ok: boolean;
      dryRun: boolean;
      lines: string[];
      /** What the run changed, one line per write. */
      changed: string[];
      /** After a failure with writes: the plan that puts them back (`u`). */
      rollback?: Plan;
      job?: string;
      log?: LogTail;
      auditError?: string;
      /** What `u` (undo last) would undo next, for the hint. */
      undoHint?: string;
    };

export interface ActionsState {
  dialog: Dialog | null;
  /** Per permission, from SelfSubjectAccessReviews at connect; undefined until answered. */
  access?: AccessMap;
  dryRun: boolean;
}

export const initialActions = (dryRun = false): ActionsState => ({ dialog: null, dryRun });

/** What a key inside a dialog means (views/input.ts maps keys to these). */
export type DialogInput =
  | { type: 'confirm' }
  | { type: 'cancel' }
  | { type: 'text'; text: string }
  | { type: 'backspace' }
  | { type: 'move'; to: number | 'top' | 'bottom' }
  | { type: 'override' }
  | { type: 'rollback' }
  | { type: 'close' };
