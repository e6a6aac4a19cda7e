/** Every controller the simulator runs, in the order they see events. */
import type { Controller, SimContext } from '../runtime.js';

export function createControllers(ctx: SimContext): Controller[] {
  void ctx;
  return [];
}
