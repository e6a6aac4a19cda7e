/** `cutover canary step|back|promote|abort RELEASE [--steps 10,30,50,100]`: one canary move. */
import { parseCanarySteps, planCanary, type CanaryMove } from '../actions/canary.js';
import { actHelp, runAct, type ActCommand, type ActIO } from './act.js';
import { UsageError } from './errors.js';

export const CANARY_MOVES: readonly CanaryMove[] = ['step', 'back', 'promote', 'abort'];

const SUMMARY = `Moves replicas between the stable and the canary Deployment of RELEASE (the Service's name
or either Deployment's), keeping the total constant. The side that grows is scaled first and
must be available before the other side shrinks.
  step      next step of the ladder (default 10,30,50,100 percent of the total)
  back      previous step of the ladder
  promote   canary 100%, stable 0 (the stable Deployment keeps its template)
  abort     canary 0%, stable takes all replicas

Options:
  --steps LIST           the ladder in percent, e.g. 5,25,50,100 (default: the canary
                         Deployment's cutover.io/canary-steps annotation, else 10,30,50,100)`;

export function canaryCommand(move: CanaryMove): ActCommand {
  return {
    name: `canary ${move}`,
    usage: `cutover canary ${move} RELEASE [--steps 10,30,50,100] [options]`,
    summary: SUMMARY,
    args: ['RELEASE'],
    options: { steps: { type: 'string' } },
    validate(_args, values) {
      if (values.steps !== undefined && typeof parseCanarySteps(String(values.steps)) === 'string') {
        throw new UsageError(`--steps: ${parseCanarySteps(String(values.steps))}`);
      }
    },
    plan: ({ input, args, values, wait, override, timeoutMs }) =>
      planCanary(input, args[0], move, {
        ...(values.steps !== undefined ? { steps: parseCanarySteps(String(values.steps)) as number[] } : {}),
        wait,
        ...(override ? { override } : {}),
        ...(timeoutMs !== undefined ? { timeoutMs } : {}),
      }),
  };
}

export const CANARY_HELP = `Usage: cutover canary step|back|promote|abort RELEASE [--steps 10,30,50,100] [options]\n\n${SUMMARY}\n\nRun "cutover canary step --help" for the common options.\n`;

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
