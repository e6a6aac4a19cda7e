/**
 * The TTL-after-finished controller (`pkg/controller/ttlafterfinished`): a finished Job with
 * spec.ttlSecondsAfterFinished is deleted ttl seconds after its Complete/Failed condition's
 * lastTransitionTime, with Foreground propagation and a uid precondition, as upstream does
 * (the garbage collector then removes its pods before the Job goes).
 */
import type { Controller, SimContext } from '../runtime.js';
import { splitKey } from '../runtime.js';
import { R } from '../resources.js';
import type { Obj, StoreEvent } from '../store.js';
import { isNotFound, sameKind } from './ctrlutil.js';

/** When a finished Job finished (its Complete or Failed condition), or undefined. */
export function jobFinishTime(job: Obj): number | undefined {
  const c = job.status?.conditions?.find((x: any) => (x.type === 'Complete' || x.type === 'Failed') && x.status === 'True');
  return c?.lastTransitionTime ? Date.parse(c.lastTransitionTime) : undefined;
}

export class TTLAfterFinishedController implements Controller {
  readonly name = 'ttl-after-finished-controller';

  constructor(private readonly ctx: SimContext) {}

  onEvent(ev: StoreEvent, queue: (key: string) => void): void {
    if (!sameKind(ev.rt, R.jobs) || ev.type === 'DELETED') return;
    const j = ev.object;
    if (j.spec?.ttlSecondsAfterFinished != null && !j.metadata.deletionTimestamp && jobFinishTime(j) !== undefined) queue(`${j.metadata.namespace}/${j.metadata.name}`);
  }

  sync(key: string): void {
    const [ns, name] = splitKey(key);
    const { store, clock } = this.ctx;
    const job = store.get(R.jobs, ns, name);
    if (!job || job.metadata.deletionTimestamp) return;
    const ttl = job.spec?.ttlSecondsAfterFinished;
    const finished = jobFinishTime(job);
    if (ttl == null || finished === undefined) return;
    const left = finished + ttl * 1000 - clock.now();
    if (left > 0) {
      this.ctx.controllers.enqueueAfter(this, key, left);
      return;
    }
    try {
      store.delete(R.jobs, ns, name, { propagationPolicy: 'Foreground', preconditions: { uid: job.metadata.uid } });
    } catch (err) {
      if (!isNotFound(err) && (err as { code?: number }).code !== 409) throw err;
    }
  }
}
