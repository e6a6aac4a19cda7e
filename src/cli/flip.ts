/** `cutover flip RELEASE` and `cutover scale-idle RELEASE REPLICAS`: blue-green moves (the registry's commands). */
import { actCommand, runAct, type ActIO } from './act.js';

export const FLIP = actCommand('flip');
export const SCALE_IDLE = actCommand('scale-idle');

export const runFlip = (argv: string[], io?: Partial<ActIO>) => runAct(FLIP, argv, io);
export const runScaleIdle = (argv: string[], io?: Partial<ActIO>) => runAct(SCALE_IDLE, argv, io);
