/** Tests start from a release's name; planners take the ReleaseView, resolved once here. */
import type { ReleaseView } from '../../src/derive/derive.js';
import { requireRelease, type PlanInput } from '../../src/actions/state.js';

/** `[input, release]`, to spread into a planner call: `planFlip(...withRelease(input, 'pay'))`. */
export function withRelease(input: PlanInput, name: string): [PlanInput, ReleaseView] {
  return [input, requireRelease(input, name)];
}
