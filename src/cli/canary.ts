/** `cutover canary step|back|promote|abort RELEASE [--steps 10,30,50,100]`: one canary move (the registry's canary commands). */
import type { CanaryMove } from '../actions/canary.js';
import { cliCommand } from '../actions/registry.js';
import { actCommand, actHelp, runAct, type ActCommand, type ActIO } from './act.js';

export const CANARY_MOVES: readonly CanaryMove[] = ['step', 'back', 'promote', 'abort'];

export const canaryCommand = (move: CanaryMove): ActCommand => actCommand(`canary ${move}`);

export const CANARY_HELP = `Usage: cutover canary step|back|promote|abort RELEASE [--steps 10,30,50,100] [options]\n\n${cliCommand('canary step')!.cli.summary}\n\nRun "cutover canary step --help" for the common options.\n`;

export async function runCanary(argv: string[], io?: Partial<ActIO>): Promise<number> {
  const [move, ...rest] = argv;
  if (move === undefined || move === '--help' || move === '-h' || move === 'help') {
    (io?.stdout ?? process.stdout).write(move === undefined ? CANARY_HELP : actHelp(canaryCommand('step')));
    return move === undefined ? 2 : 0;
  }
  if (!CANARY_MOVES.includes(move as CanaryMove)) {
    (io?.stderr ?? process.stderr).write(`cutover canary: unknown move "${move}"; use step, back, promote or abort\n`);
    return 2;
  }
  return runAct(canaryCommand(move as CanaryMove), rest, io);
}
