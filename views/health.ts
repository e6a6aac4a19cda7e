/** The header's word on the connection: live, syncing, or stale since when and why. */
import type { Health } from '../src/store/state.js';
import { ago } from './text.js';
import { seg, type Line } from './widgets/Lines.js';

export function healthLine(health: Health, now: number): Line {
  if (health.lostSince !== undefined) {
    // No failure left: the server answers again and the kinds are relisting.
    const why = health.failure ? ` (${health.failure.reason})` : '';
    const doing = health.failure ? 'reconnecting' : 'catching up';
    return [seg(`! watch lost ${ago(health.lostSince, now)}${why}; data is stale, ${doing}`, 'warn', true)];
  }
  if (!health.synced && health.failure) return [seg(`✗ ${health.failure.message}`, 'bad', true)];
  if (!health.synced) return [seg('… syncing', 'busy')];
  const denied = health.denied?.length ? [seg(`  (no access: ${health.denied.join(', ')})`, 'warn')] : [];
  return [seg('✓ live', 'good'), ...denied];
}
