/** Defaulting and validation per kind (placeholder until the API layer lands). */
import type { Store } from '../store.js';

export function registerKindHooks(store: Store): void {
  void store;
}
