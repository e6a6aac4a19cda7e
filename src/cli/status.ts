/** `cutover status`: the cockpit's model for scripts and CI. */
import { parseArgs } from 'node:util';
import { Cockpit } from '../engine/cockpit.js';
import type { CockpitState } from '../store/state.js';
import { CONNECT_OPTIONS, resolveTarget } from './connectFlags.js';
import { UsageError } from './errors.js';
import { formatReport, releaseFailed, reportJson, selectReleases, statusExitCode } from './statusReport.js';

export const STATUS_HELP = `Usage: cutover status [DEPLOYMENT|RELEASE] [-n NS | -A] [--json] [--watch] [--timeout SECONDS]

Prints every release of the namespace: budgets, rollout status, traffic, verdict, and the
zero-downtime checklist. With a name, exits 1 when that release's verdict is a failure
(progress deadline exceeded, no ready endpoints, a traffic outage). With --watch, prints on
every change until the rollout finishes (exit 0) or its verdict fails (exit 1). --timeout
bounds the wait for the cluster to answer (default 15 s).
`;

export async function runStatus(argv: string[], out = process.stdout): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { ...CONNECT_OPTIONS, json: { type: 'boolean' }, watch: { type: 'boolean', short: 'w' }, timeout: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
  });
  if (values.help) {
    out.write(STATUS_HELP);
    return 0;
  }
  if (positionals.length > 1) throw new UsageError('cutover status takes at most one DEPLOYMENT or RELEASE name');
  const only = positionals[0];
  const target = await resolveTarget(values);
  const cockpit = new Cockpit({ kc: target.kc, context: target.context, namespace: target.namespace, allNamespaces: target.allNamespaces, flushIntervalMs: 200 });
  cockpit.start();
  try {
    const timeout = values.timeout === undefined ? 15 : Number(values.timeout.replace(/s$/, ''));
    if (!(timeout > 0)) throw new UsageError(`--timeout needs a number of seconds, got "${values.timeout}"`);
    let state = await waitForSync(cockpit, timeout * 1000);
    const print = (s: CockpitState) =>
      out.write(values.json ? JSON.stringify(reportJson(s.view, only)) + '\n' : formatReport(s.view, { namespaces: s.connection.namespace === undefined, only }));
    if (!values.watch) {
      print(state);
      return statusExitCode(state.view, only);
    }
    let last = '';
    for (;;) {
      const text = values.json ? JSON.stringify(reportJson(state.view, only)) : formatReport(state.view, { namespaces: state.connection.namespace === undefined, only });
      if (text !== last) {
        print(state);
        last = text;
      }
      const releases = selectReleases(state.view, only);
      if (only && releases.length === 0) return 1;
      const deployments = releases.flatMap((r) => r.deployments);
      if (releases.some(releaseFailed)) return 1;
      if (deployments.every((d) => d.status.done)) return 0;
      state = await nextFlush(cockpit);
    }
  } finally {
    await cockpit.stop();
    await target.sim?.stop();
  }
}

function waitForSync(cockpit: Cockpit, timeoutMs: number): Promise<CockpitState> {
  return new Promise((resolve, reject) => {
    const check = (s: CockpitState) => {
      if (s.health.synced && s.flushes > 0) {
        done();
        resolve(s);
      }
    };
    const timer = setTimeout(() => {
      done();
      const f = cockpit.store.getState().health.failure;
      reject(new UsageError(f ? `${f.message}; ${f.hint}` : 'timed out waiting for the cluster to answer', 1));
    }, timeoutMs);
    const unsubscribe = cockpit.store.subscribe(check);
    const done = () => {
      clearTimeout(timer);
      unsubscribe();
    };
    check(cockpit.store.getState());
  });
}

function nextFlush(cockpit: Cockpit): Promise<CockpitState> {
  return new Promise((resolve) => {
    const unsubscribe = cockpit.store.subscribe((s, prev) => {
      if (s.flushes !== prev.flushes) {
        unsubscribe();
        resolve(s);
      }
    });
  });
}
