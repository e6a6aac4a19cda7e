/** The cockpit's single store: cluster view model, connection health and UI state. Views subscribe with selectors. */
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { WatchHealth } from '../kube/watch.js';
import { emptyViewModel, type ViewModel } from '../derive/derive.js';
import { emptySnapshot, type Snapshot } from '../derive/snapshot.js';
import { initialActions, type ActionsState } from './actionState.js';
import { initialGuards, type GuardsState } from './guardState.js';

export type Screen = 'releases' | 'release' | 'services' | 'jobs' | 'events';

export interface ConnectionInfo {
  context: string;
  server: string;
  user: string;
  /** undefined: all namespaces */
  namespace: string | undefined;
  demo: boolean;
  readonly: boolean;
  contexts: string[];
}

/** Connection health as the watch reports it (src/kube/watch.ts decides live, stale and why). */
export type Health = WatchHealth;

export interface Notice {
  text: string;
  level: 'info' | 'warn' | 'error';
  at: number;
}

export interface UiState {
  screen: Screen;
  /** Screens to return to with Esc. */
  back: Screen[];
  /** Cursor row per screen. */
  cursor: Record<Screen, number>;
  /** The release the detail screen shows (its key). */
  releaseKey?: string;
  filter: string;
  filtering: boolean;
  /** The `:` command line while typing, else null. */
  command: string | null;
  help: boolean;
  /** First line of the help overlay on screen (its scroll position). */
  helpTop: number;
  /** The user moved the cursor in the detail view: the pod under it picks the side a Deployment key acts on. */
  podPicked?: boolean;
  /** Detail panel focused with Tab. */
  panel: number;
  notice?: Notice;
}

export interface CockpitState {
  connection: ConnectionInfo;
  health: Health;
  snapshot: Snapshot;
  view: ViewModel;
  /** When the last flush happened (ms since epoch). */
  now: number;
  /** Flush counter; views can key on it. */
  flushes: number;
  ui: UiState;
  /** Release actions: the open dialog (plan, progress, result) and the user's permissions. */
  actions: ActionsState;
  /** Metric guards per release: state, figures' history, watch windows and rollback countdowns. */
  guards: GuardsState;
}

export type CockpitStore = StoreApi<CockpitState>;

export const initialUi = (): UiState => ({
  screen: 'releases',
  back: [],
  cursor: { releases: 0, release: 0, services: 0, jobs: 0, events: 0 },
  filter: '',
  filtering: false,
  command: null,
  help: false,
  helpTop: 0,
  panel: 0,
});

export function createCockpitStore(connection: ConnectionInfo, now = Date.now()): CockpitStore {
  return createStore<CockpitState>()(() => ({
    connection,
    health: { synced: false },
    snapshot: emptySnapshot(),
    view: emptyViewModel(),
    now,
    flushes: 0,
    ui: initialUi(),
    actions: initialActions(),
    guards: initialGuards(),
  }));
}
