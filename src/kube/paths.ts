/** Where cutover keeps its files: XDG state directory, else ~/.local/state/cutover. */
import { homedir } from 'node:os';
import { join } from 'node:path';

export function stateDir(env = process.env): string {
  const base = env.XDG_STATE_HOME || join(homedir(), '.local', 'state');
  return join(base, 'cutover');
}
