/**
 * The release-action part of the store: which dialog is open (a prompt, the revision picker, the
 * confirm dialog with its plan, a refusal, the running action, its result) and what the user may do.
 * Pure data; the engine's ActionController moves it, views/ draws it.
 */
import type { LogTail } from '../actions/migrate.js';
import type { ActionRequest } from '../actions/registry.js';
import type { RevisionInfo } from '../actions/revisions.js';
import type { Plan } from '../actions/types.js';
import type { AccessMap } from '../kube/access.js';

export type { ActionKey, ActionRequest } from '../actions/registry.js';

export type PromptPurpose = 'image' | 'replicas' | 'override' | 'freeze-override';

export type Dialog =
  | { kind: 'prompt'; purpose: PromptPurpose; request: ActionRequest; title: string; label: string; text: string; hint: string; error?: string }
  | { kind: 'picker'; request: ActionRequest; deployment: string; revisions: RevisionInfo[]; cursor: number; error?: string }
  | {
      kind: 'confirm';
      request: ActionRequest;
      plan: Plan;
      dryRun: boolean;
      context: string;
      /** On a production context: the name to type (the first Deployment or Service the plan writes), and its kind. */
      confirmName?: string;
      confirmKind?: string;
      typed: string;
      error?: string;
    }
  | {
      kind: 'refused';
      request: ActionRequest;
      plan: Plan;
      overridable: boolean;
      /** A freeze refused it (`!` asks for the override's reason); else the migration gate. */
      frozen?: boolean;
      /** Someone else drives the release (`T` takes over). */
      drivenBy?: string;
    }
  /** Taking over the driver lock of a release: the reason is typed (audited); `then` re-plans the refused request. */
  | { kind: 'takeover'; releaseKey: string; release: string; holder?: string; text: string; then?: ActionRequest; busy?: boolean; error?: string }
  /** A confirmed action waiting out its cancel window (Esc cancels); published on the driver Lease for the partner. */
  | { kind: 'grace'; plan: Plan; request: ActionRequest; fireAt: number }
  | {
      kind: 'running';
      plan: Plan;
      dryRun: boolean;
      progress: string[];
      started: number;
      job?: string;
      log?: LogTail;
      stopping?: boolean;
      /** Quit was pressed: the dialog asks whether to leave the action unfinished (again: yes; Esc: keep waiting). */
      quitAsked?: boolean;
    }
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
      /** This run's journal entry (applying the rollback marks it undone). */
      entryId?: number;
      job?: string;
      log?: LogTail;
      auditError?: string;
      /** The undo of this run itself (what `u` undoes now), for the hint; absent when it has none. */
      undoHint?: string;
    };

export interface ActionsState {
  dialog: Dialog | null;
  /** Per permission, from SelfSubjectAccessReviews at connect; undefined until answered. */
  access?: AccessMap;
  dryRun: boolean;
  /** `user@host`: who this cockpit drives as. */
  identity?: string;
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
  | { type: 'takeOver' }
  | { type: 'rollback' }
  | { type: 'close' };
