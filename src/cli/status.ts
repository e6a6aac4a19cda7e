/** `cutover status`: the cockpit's model for scripts and CI. */
import { parseArgs } from 'node:util';
import { Cockpit } from '../engine/cockpit.js';
import type { CockpitState } from '../store/state.js';
import { CONNECT_OPTIONS, resolveTarget } from './connectFlags.js';
import { UsageError, parsePositiveNumber } from './errors.js';
import { OUTPUT_OPTIONS, outputFormat, renderOutput, type OutputFormat } from './output.js';
import { formatReport, releaseFailed, reportJson, reportNames, selectReleases, statusExitCode } from './statusReport.js';

export const STATUS_HELP = `Usage: cutover status [DEPLOYMENT|RELEASE] [-n NS | -A] [-o json|yaml|wide|name] [--watch] [--timeout SECONDS]

Prints every release of the namespace: budgets, rollout status, traffic, verdict, and the
zero-downtime checklist. With a name, exits 1 when that release's verdict is a failure
(progress deadline exceeded, no ready endpoints, a traffic outage), as kubectl rollout status
does. With --watch, prints on every change until the rollout finishes (exit 0) or its verdict
fails (exit 1). --timeout bounds the wait for the cluster to answer (default 15 s).

Options:
  -o, --output FORMAT    json, yaml, wide (adds SERVICE and IMAGES) or name (deployment.apps/NAME)
  --json                 the same as -o json (with --watch: one compact JSON document per line)
  -w, --watch            print on every change until the rollout finishes or fails
  --timeout SECONDS      how long to wait for the cluster to answer (default 15)
  -n, --namespace NS, -A, --context NAME, --kubeconfig FILE, --as USER, --as-group GROUP,
  --request-timeout DURATION, --demo: which cluster, as kubectl (see cutover help)

Exit codes: 0 printed (with --watch: rolled out), 1 no such release, a failed verdict, rollout
failed or cluster error, 2 bad usage.
`;

export async function runStatus(argv: string[], out: Pick<NodeJS.WriteStream, 'write'> = process.stdout): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { ...CONNECT_OPTIONS, ...OUTPUT_OPTIONS, watch: { type: 'boolean', short: 'w' }, timeout: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
  });
  if (values.help) {
    out.write(STATUS_HELP);
    return 0;
  }
  if (positionals.length > 1) throw new UsageError('cutover status takes at most one DEPLOYMENT or RELEASE name');
  const only = positionals[0];
  const format = outputFormat(values);
  const timeout = parsePositiveNumber('--timeout', values.timeout?.replace(/s$/, ''), 15);
  const target = await resolveTarget(values);
  let cockpit: Cockpit;
  try {
    cockpit = new Cockpit({ kc: target.kc, context: target.context, namespace: target.namespace, allNamespaces: target.allNamespaces, flushIntervalMs: 200 });
  } catch (err) {
    await target.sim?.stop();
    throw err;
  }
  cockpit.start();
  try {
    let state = await waitForSync(cockpit, timeout * 1000);
    const render = (s: CockpitState) => statusText(s, format, only, values.watch === true);
    if (only && selectReleases(state.view, only).length === 0) {
      const ns = state.connection.namespace;
      throw new UsageError(`no release or Deployment named "${only}" in ${ns === undefined ? 'any namespace' : `namespace ${ns}`}`, 1);
    }
    if (!values.watch) {
      out.write(render(state));
      return statusExitCode(state.view, only);
    }
    let last = '';
    for (;;) {
      const text = render(state);
      if (text !== last) {
        out.write(text);
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

function statusText(s: CockpitState, format: OutputFormat, only: string | undefined, watch: boolean): string {
  const namespaces = s.connection.namespace === undefined;
  const doc = reportJson(s.view, only);
  // Watching, JSON is one compact document per line and YAML documents are separated by ---.
  if (watch && format === 'json') return JSON.stringify(doc) + '\n';
  return (
    (watch && format === 'yaml' ? '---\n' : '') +
    renderOutput(format, {
      doc,
      table: () => formatReport(s.view, { namespaces, only }),
      wide: () => formatReport(s.view, { namespaces, only, wide: true }),
      names: () => reportNames(s.view, only),
    })
  );
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
