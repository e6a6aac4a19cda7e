/** `cutover flip RELEASE` and `cutover scale-idle RELEASE REPLICAS`: blue-green moves. */
import { planFlip, planScaleIdle } from '../actions/flip.js';
import { requireRelease } from '../actions/state.js';
import { runAct, type ActCommand, type ActIO } from './act.js';
import { UsageError } from './errors.js';

const wholeNumber = (flag: string, v: string): number => {
  if (!/^\d+$/.test(v)) throw new UsageError(`${flag} needs a whole number, got "${v}"`);
  return Number(v);
};

export const FLIP: ActCommand = {
  name: 'flip',
  usage: 'cutover flip RELEASE [--scale-old N] [options]',
  summary: `Switches the Service of the blue-green RELEASE (the Service's name or either colour's
Deployment) to the idle colour, after checking that colour is fully rolled out with at least as
many ready pods as the live one, then waits until the Service's ready endpoints are all on the new
colour. Run it again to flip back. The old colour keeps its replicas as the instant way back.

Options:
  --scale-old N          after the endpoints moved, also scale the old colour to N replicas`,
  args: ['RELEASE'],
  options: { 'scale-old': { type: 'string' } },
  validate(_args, values) {
    if (values['scale-old'] !== undefined) wholeNumber('--scale-old', String(values['scale-old']));
  },
  plan: ({ input, args, values, wait, override, timeoutMs }) =>
    planFlip(input, args[0], {
      ...(values['scale-old'] !== undefined ? { scaleOldTo: Number(values['scale-old']) } : {}),
      wait,
      ...(override ? { override } : {}),
      ...(timeoutMs !== undefined ? { timeoutMs } : {}),
    }),
  /** On a prod context: the Deployment that will take the traffic. */
  confirmName: (plan, { input, args }) => requireRelease(input, args[0]).deployments[1]?.name ?? plan.subject,
};

export const SCALE_IDLE: ActCommand = {
  name: 'scale-idle',
  usage: 'cutover scale-idle RELEASE REPLICAS [options]',
  summary: `Scales the idle colour of the blue-green RELEASE to REPLICAS (down to free capacity after a
flip, or back up before flipping back). Scaling down first checks that the Service sends no traffic
to the idle colour. Naming the live colour's Deployment is refused.`,
  args: ['RELEASE', 'REPLICAS'],
  validate(args) {
    wholeNumber('REPLICAS', args[1]);
  },
  plan: ({ input, args, wait, timeoutMs }) => planScaleIdle(input, args[0], Number(args[1]), { wait, ...(timeoutMs !== undefined ? { timeoutMs } : {}) }),
};

export const runFlip = (argv: string[], io?: Partial<ActIO>) => runAct(FLIP, argv, io);
export const runScaleIdle = (argv: string[], io?: Partial<ActIO>) => runAct(SCALE_IDLE, argv, io);
