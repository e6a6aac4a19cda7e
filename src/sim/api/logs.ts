/** pods/{name}/log: text from ctx.podLogs, with tailLines, container and follow. */
import type { ServerResponse } from 'node:http';
import { ApiError, badRequest } from '../errors.js';
import { R } from '../resources.js';
import type { SimContext } from '../runtime.js';
import { isPodTerminal } from '../store.js';

const FOLLOW_POLL_MS = 100;

export function serveLogs(ctx: SimContext, res: ServerResponse, namespace: string, name: string, q: URLSearchParams): void {
  const pod = ctx.store.mustGet(R.pods, namespace, name);
  const containers: string[] = (pod.spec?.containers ?? []).map((c: any) => c.name);
  const inits: string[] = (pod.spec?.initContainers ?? []).map((c: any) => c.name);
  const container = q.get('container');
  if (container) {
    if (!containers.includes(container) && !inits.includes(container))
      throw badRequest(`container ${container} is not valid for pod ${name}`);
  } else if (containers.length > 1) {
    throw badRequest(`a container name must be specified for pod ${name}, choose one of: [${containers.join(' ')}]`);
  }
  const uid = pod.metadata.uid!;
  const lines = ctx.podLogs.get(uid);
  if (!lines && pod.status?.phase === 'Pending') {
    const c = container ?? containers[0];
    const waiting = (pod.status?.containerStatuses ?? []).find((s: any) => s.name === c)?.state?.waiting?.reason ?? 'ContainerCreating';
    throw new ApiError(400, 'BadRequest', `container "${c}" in pod "${name}" is waiting to start: ${waiting}`);
  }
  const all = lines ?? [];
  const tail = q.get('tailLines');
  let start = 0;
  if (tail !== null && tail !== '') {
    const n = Number(tail);
    if (Number.isInteger(n) && n >= 0) start = Math.max(0, all.length - n);
  }
  const text = (ls: string[]) => ls.map((l) => (l.endsWith('\n') ? l : `${l}\n`)).join('');
  const follow = q.get('follow') === 'true' || q.get('follow') === '1';
  if (!follow) {
    const body = text(all.slice(start));
    res.writeHead(200, { 'Content-Type': 'text/plain', 'Content-Length': Buffer.byteLength(body) });
    res.end(body);
    return;
  }
  res.writeHead(200, { 'Content-Type': 'text/plain', 'Transfer-Encoding': 'chunked' });
  res.socket?.setNoDelay(true);
  let sent = all.length;
  if (start < all.length) res.write(text(all.slice(start)));
  const timer = setInterval(() => {
    const current = ctx.store.get(R.pods, namespace, name);
    const ls = ctx.podLogs.get(uid) ?? [];
    if (ls.length > sent) {
      res.write(text(ls.slice(sent)));
      sent = ls.length;
    } else if (ls.length < sent) sent = ls.length;
    const terminal = !!current && isPodTerminal(current);
    if (!current || current.metadata.uid !== uid || terminal) {
      clearInterval(timer);
      res.end();
    }
  }, FOLLOW_POLL_MS);
  timer.unref?.();
  res.on('close', () => clearInterval(timer));
}
