/** `cutover pause|resume|restart DEPLOYMENT`, `cutover set-image DEPLOYMENT [CONTAINER=]IMAGE`, `cutover scale DEPLOYMENT N` (the registry's commands). */
import { actCommand, runAct, type ActCommand, type ActIO } from './act.js';
import { UsageError } from './errors.js';

export const ROLLOUT_COMMANDS: Record<string, ActCommand> = Object.fromEntries(['pause', 'resume', 'restart', 'set-image', 'scale'].map((c) => [c, actCommand(c)]));

export function runRollout(command: keyof typeof ROLLOUT_COMMANDS | string, argv: string[], io?: Partial<ActIO>): Promise<number> {
  const cmd = ROLLOUT_COMMANDS[command];
  if (!cmd) throw new UsageError(`unknown command "${command}"`);
  return runAct(cmd, argv, io);
}
