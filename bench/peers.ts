/**
 * cutover, k9s and `kubectl get -w` side by side on a real API server (the cluster test tier's
 * control plane: kube-apiserver, controller-manager, scheduler, kwok), PODS pods as Deployments of
 * 50 in one namespace. Each client runs in its own tmux pane; the bench reads the panes.
 *
 * Run: npm run build && npm run bench:peers [PODS]      (default 5000)
 * Needs go, tmux, kubectl; builds k9s (pinned) from the Go module proxy into the cache once.
 * CUTOVER_PEERS_CLUSTER=DIR reuses a control plane that cluster/start.sh DIR started (not stopped).
 * BENCH_NAMESPACES=N spreads the Deployments over `load`, `load-1`, ... `load-<N-1>` (for a later
 * -A run of bench/cockpit.ts); the side-by-side figures are taken in `load` either way.
 *
 * Figures per client:
 * - first frame with data: from starting the client to its pane showing a load-* row, once the
 *   control plane has settled after its fill (see settle).
 * - change to screen: from `kubectl scale` returning to the pane showing the new count (30 scales,
 *   alternately 49 and 50 replicas of load-000). cutover: load-000's desired count; kubectl get
 *   deploy -w: a load-000 line with the new count; k9s (pods view filtered to load-000): its
 *   title's pod count, which waits for the replicaset controller and kwok; kubectl get pods -w
 *   (the first line about a load-000 pod) is the reference for that.
 * - RSS and CPU (of one core) of the client's process while the scales are sampled.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir, loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { percentile } from './stats.js';
import { procStat, settle } from './controlPlane.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const PODS = Number(process.argv[2] ?? 5000);
const PER_DEPLOYMENT = 50;
const SCALES = Number(process.env.BENCH_SCALES ?? 30);
const NAMESPACES = Array.from({ length: Number(process.env.BENCH_NAMESPACES ?? 1) }, (_, i) => (i === 0 ? 'load' : `load-${i}`));
const K9S_VERSION = 'v0.50.16';
const CACHE = process.env.CUTOVER_PEERS_CACHE ?? join(homedir(), '.cache', 'cutover-peers');
const SESSION = `cutover-peers-${process.pid}`;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const load = () => loadavg().map((x) => x.toFixed(1)).join(' ');
const log = (s: string) => process.stderr.write(`peers: ${s} (load ${load()})\n`);

function sh(cmd: string, args: string[], opts: { input?: string; env?: NodeJS.ProcessEnv } = {}): string {
  return execFileSync(cmd, args, { encoding: 'utf8', input: opts.input, env: opts.env ?? process.env, maxBuffer: 256 * 1024 * 1024, stdio: ['pipe', 'pipe', 'pipe'] });
}

/** k9s, pinned, built once from the Go module proxy. */
function k9s(): string {
  const bin = join(CACHE, 'bin', 'k9s');
  const stamp = join(CACHE, 'bin', '.k9s.stamp');
  if (existsSync(bin) && existsSync(stamp) && readFileSync(stamp, 'utf8') === K9S_VERSION) return bin;
  log(`building k9s ${K9S_VERSION} from the Go module proxy (once; minutes)`);
  mkdirSync(dirname(bin), { recursive: true });
  const r = spawnSync('go', ['install', `github.com/derailed/k9s@${K9S_VERSION}`], {
    env: { ...process.env, GOBIN: dirname(bin), GOFLAGS: '-mod=mod', CGO_ENABLED: '0' },
    stdio: ['ignore', 'inherit', 'inherit'],
    cwd: tmpdir(),
  });
  if (r.status !== 0) throw new Error(`go install k9s ${K9S_VERSION} failed`);
  writeFileSync(stamp, K9S_VERSION);
  return bin;
}

/** n Deployments dealt over NAMESPACES in turn, so `load` holds load-000. */
function deployments(n: number): string {
  const docs = NAMESPACES.map((ns) => `apiVersion: v1\nkind: Namespace\nmetadata: {name: ${ns}}`);
  for (let i = 0; i < n; i++) {
    const name = `load-${String(i).padStart(3, '0')}`;
    docs.push(`apiVersion: apps/v1
kind: Deployment
metadata: {name: ${name}, namespace: ${NAMESPACES[i % NAMESPACES.length]}}
spec:
  replicas: ${PER_DEPLOYMENT}
  selector: {matchLabels: {app: ${name}}}
  template:
    metadata: {labels: {app: ${name}}, annotations: {cluster.cutover.io/fast-start: "true"}}
    spec:
      terminationGracePeriodSeconds: 0
      containers: [{name: app, image: "registry.example/app:1"}]`);
  }
  return docs.join('\n---\n');
}

/** Ready pods over all load-* Deployments. */
function readyPods(kubectl: (args: string[]) => string): number {
  let ready = 0;
  for (const ns of NAMESPACES) {
    const out = kubectl(['get', 'deploy', '-n', ns, '-o', 'jsonpath={range .items[*]}{.status.readyReplicas}{"\\n"}{end}']);
    ready += out.split('\n').reduce((n, l) => n + (Number(l) || 0), 0);
  }
  return ready;
}

// ---- tmux panes ----
const tmux = (...args: string[]) => sh('tmux', args).trim();
const capture = (pane: string) => tmux('capture-pane', '-p', '-t', pane);
const panePid = (pane: string) => Number(tmux('display-message', '-p', '-t', pane, '#{pane_pid}'));

async function waitPane(pane: string, test: (text: string) => boolean, timeoutMs: number, what: string): Promise<number> {
  const end = performance.now() + timeoutMs;
  for (;;) {
    if (test(capture(pane))) return performance.now();
    if (performance.now() > end) throw new Error(`timed out waiting for ${what}; pane:\n${capture(pane)}`);
    await sleep(25);
  }
}

interface Client {
  name: string;
  pane: string;
  pid: number;
  firstFrameMs?: number;
  /** Does the pane show load-000 at `replicas`? */
  shows(text: string, replicas: number, before: string): boolean;
  lat: number[];
}

/** cutover's releases row for load-000: NAME  REV  D/U/R/A ... */
const cutoverDesired = (text: string) => {
  const row = text.split('\n').find((l) => /\bload-000\b/.test(l));
  const m = row && /\b(\d+)\/\d+\/\d+\/\d+\b/.exec(row);
  return m ? Number(m[1]) : undefined;
};
/** k9s's title: " Pods(load)[50] </load-000> ". */
const k9sCount = (text: string) => {
  const m = /ods\(load\)\[(\d+)\]/.exec(text);
  return m ? Number(m[1]) : undefined;
};
const lastLine = (text: string) => text.trimEnd().split('\n').at(-1) ?? '';

async function main(): Promise<void> {
  if (!existsSync(join(ROOT, 'dist', 'bin', 'cutover.js'))) throw new Error('dist/ is missing: run npm run build first');
  // CUTOVER_PEERS_CLUSTER=DIR: use a control plane already started there (kept running; filled once).
  const reuse = process.env.CUTOVER_PEERS_CLUSTER;
  const dir = reuse ?? mkdtempSync(join(tmpdir(), 'cutover-peers-'));
  if (!reuse) {
    log(`starting the control plane in ${dir}`);
    const start = spawnSync(join(ROOT, 'cluster', 'start.sh'), [dir], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
    if (start.status !== 0) throw new Error('cluster/start.sh failed');
  }
  const kubeconfig = join(dir, 'kubeconfig');
  const home = join(dir, 'home');
  mkdirSync(home, { recursive: true });
  const env = {
    ...process.env,
    KUBECONFIG: kubeconfig,
    HOME: home,
    XDG_CONFIG_HOME: join(home, '.config'),
    XDG_STATE_HOME: join(home, '.state'),
    XDG_DATA_HOME: join(home, '.data'),
    XDG_CACHE_HOME: join(home, '.cache'),
    TERM: 'xterm-256color',
  };
  const kubectl = (args: string[], input?: string) => sh('kubectl', ['--kubeconfig', kubeconfig, ...args], { input, env });
  const figures: string[] = [];
  try {
    const t0 = performance.now();
    kubectl(['apply', '--server-side', '--force-conflicts', '-f', '-'], deployments(Math.ceil(PODS / PER_DEPLOYMENT)));
    for (let last = -1; ; ) {
      const ready = readyPods(kubectl);
      if (ready >= PODS) break;
      if (ready !== last) log(`${ready}/${PODS} pods ready after ${((performance.now() - t0) / 1000).toFixed(0)} s`);
      last = ready;
      await sleep(5000);
    }
    const fillS = (performance.now() - t0) / 1000;
    log(`filled ${PODS} pods in ${fillS.toFixed(0)} s`);
    figures.push(`fill: ${PODS} pods Ready in ${fillS.toFixed(0)} s (load ${load()})`);
    if (process.env.BENCH_FILL_ONLY) {
      console.log(figures.join('\n'));
      return;
    }
    // BENCH_NO_K9S=1: cutover and kubectl only (while k9s builds, or where Go is missing).
    const k9sBin = process.env.BENCH_NO_K9S ? undefined : k9s();
    const settled = await settle(dir);
    log(settled);
    figures.push(`${settled} (load ${load()})`);

    // One window, four panes side by side; each client started alone so first frames do not compete.
    const cmd = (s: string) => `exec env ${Object.entries({ KUBECONFIG: kubeconfig, HOME: home, XDG_CONFIG_HOME: env.XDG_CONFIG_HOME, XDG_STATE_HOME: env.XDG_STATE_HOME, XDG_DATA_HOME: env.XDG_DATA_HOME, XDG_CACHE_HOME: env.XDG_CACHE_HOME }).map(([k, v]) => `${k}=${v}`).join(' ')} ${s}`;
    tmux('new-session', '-d', '-s', SESSION, '-x', '600', '-y', '70', cmd('kubectl get deploy -n load -w'));
    // Pane ids (%N) stay put; indexes shift as panes are split.
    const kubectlDeploy = tmux('display-message', '-p', '-t', SESSION, '#{pane_id}');
    const clients: Client[] = [
      {
        name: 'kubectl get deploy -w',
        pane: kubectlDeploy,
        pid: panePid(kubectlDeploy),
        shows: (text, n, before) => text !== before && new RegExp(`^load-000\\s+\\d+/${n}\\s`).test(lastLine(text)),
        lat: [],
      },
    ];
    const addPane = (name: string, command: string, shows: Client['shows']) => {
      const pane = tmux('split-window', '-h', '-d', '-P', '-F', '#{pane_id}', '-t', SESSION, cmd(command));
      tmux('select-layout', '-t', SESSION, 'even-horizontal');
      const c: Client = { name, pane, pid: panePid(pane), shows, lat: [] };
      clients.push(c);
      return c;
    };
    addPane('kubectl get pods -w', 'kubectl get pods -n load -l app=load-000 -w', (text, _n, before) => text !== before);

    let s = performance.now();
    const cutover = addPane('cutover', `${process.execPath} ${join(ROOT, 'dist', 'bin', 'cutover.js')} -n load`, (text, n) => cutoverDesired(text) === n);
    cutover.firstFrameMs = (await waitPane(cutover.pane, (t) => /\bload-0\d\d\b/.test(t), 300_000, 'cutover to show a release')) - s;
    log(`cutover first frame ${(cutover.firstFrameMs / 1000).toFixed(2)} s`);
    // The whole list, then the filter, before sampling.
    await waitPane(cutover.pane, (t) => cutoverDesired(t) === PER_DEPLOYMENT, 300_000, 'cutover to show load-000');

    let k9sClient: Client | undefined;
    if (k9sBin) {
      s = performance.now();
      const k = addPane('k9s (pods view)', `${k9sBin} -n load -c pods --logoless`, (text, n) => k9sCount(text) === n);
      k.firstFrameMs = (await waitPane(k.pane, (t) => /\bload-0\d\d-/.test(t), 300_000, 'k9s to show a pod')) - s;
      log(`k9s first frame ${(k.firstFrameMs / 1000).toFixed(2)} s`);
      tmux('send-keys', '-t', k.pane, '/load-000-', 'Enter');
      await waitPane(k.pane, (t) => k9sCount(t) === PER_DEPLOYMENT, 120_000, 'k9s to filter load-000');
      k9sClient = k;
    }
    await sleep(3000);

    // Change to screen.
    const stat0 = new Map(clients.map((c) => [c, procStat(c.pid)]));
    const w0 = performance.now();
    const rss = new Map<Client, number>();
    for (let i = 0; i < SCALES; i++) {
      const n = i % 2 === 0 ? PER_DEPLOYMENT - 1 : PER_DEPLOYMENT;
      const before = new Map(clients.map((c) => [c, capture(c.pane)]));
      kubectl(['scale', 'deploy/load-000', '-n', 'load', `--replicas=${n}`]);
      const t = performance.now();
      const pending = new Set(clients);
      const end = t + 30_000;
      while (pending.size && performance.now() < end) {
        for (const c of [...pending]) {
          if (c.shows(capture(c.pane), n, before.get(c)!)) {
            c.lat.push(performance.now() - t);
            pending.delete(c);
          }
        }
        await sleep(10);
      }
      for (const c of pending) log(`${c.name} did not show replicas=${n} within 30 s`);
      for (const c of clients) rss.set(c, Math.max(rss.get(c) ?? 0, procStat(c.pid).rssKiB));
      await sleep(1500);
    }
    const wallS = (performance.now() - w0) / 1000;
    const hz = Number(sh('getconf', ['CLK_TCK']).trim());
    const row = (c: Client) => ({
      first: c.firstFrameMs === undefined ? '-' : `${(c.firstFrameMs / 1000).toFixed(2)} s`,
      change: c.lat.length ? `${(percentile(c.lat, 50) / 1000).toFixed(2)} / ${(percentile(c.lat, 95) / 1000).toFixed(2)} s` : '-',
      rss: `${((rss.get(c) ?? 0) / 1024).toFixed(0)} MiB`,
      cpu: `${(((procStat(c.pid).cpuTicks - stat0.get(c)!.cpuTicks) / hz / wallS) * 100).toFixed(0)}%`,
    });
    const rows = clients.map((c) => [c.name, row(c)] as const);
    figures.push(`load average after sampling: ${load()}`);
    const out = [
      `| figure | ${rows.map(([n]) => n).join(' | ')} |`,
      `|---|${rows.map(() => '---').join('|')}|`,
      `| first frame with data | ${rows.map(([, r]) => r.first).join(' | ')} |`,
      `| change to screen p50 / p95 | ${rows.map(([, r]) => r.change).join(' | ')} |`,
      `| RSS (max while sampling) | ${rows.map(([, r]) => r.rss).join(' | ')} |`,
      `| CPU while sampling (one core) | ${rows.map(([, r]) => r.cpu).join(' | ')} |`,
    ];
    const ratio = (a: number, b: number) => (b ? (a / b).toFixed(2) : '-');
    const p50 = (c: Client) => percentile(c.lat, 50);
    out.push('', `cutover - kubectl get deploy -w, change p50: ${((p50(cutover) - p50(clients[0])) / 1000).toFixed(2)} s`);
    const k = k9sClient;
    if (k) {
      out.push(
        `cutover / k9s: first frame ${ratio(cutover.firstFrameMs!, k.firstFrameMs!)}, change p50 ${ratio(p50(cutover), p50(k))}, RSS ${ratio(rss.get(cutover)!, rss.get(k)!)}`,
        `k9s - kubectl get pods -w, change p50: ${((p50(k) - p50(clients[1])) / 1000).toFixed(2)} s`,
      );
    }
    console.log(`\n${PODS} pods (${Math.ceil(PODS / PER_DEPLOYMENT)} Deployments x ${PER_DEPLOYMENT}, ${NAMESPACES.length === 1 ? 'one namespace' : `${NAMESPACES.length} namespaces`}), ${SCALES} scales`);
    for (const f of figures) console.log(f);
    console.log(out.join('\n'));
  } finally {
    spawnSync('tmux', ['kill-session', '-t', SESSION], { stdio: 'ignore' });
    if (!reuse) spawnSync(join(ROOT, 'cluster', 'stop.sh'), [dir, '--clean'], { stdio: 'ignore' });
  }
}

await main();
process.exit(0);
