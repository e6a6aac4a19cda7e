/**
 * Regenerates docs/cockpit-*.svg from a real capture: the built cutover in tmux on the embedded
 * cluster, mid-rollout of `web`. Run: npm run screenshot
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Sim } from '../src/sim/sim.js';
import { R } from '../src/sim/resources.js';
import { installScenario } from '../src/sim/scenarios.js';
import { Tmux } from '../test/e2e/tmux.js';
import { ansiToSvg } from './ansiToSvg.js';

const COLUMNS = 120;
const ROWS = 34;

const dir = mkdtempSync(join(tmpdir(), 'cutover-shot-'));
const sim = new Sim({ speed: 4 });
await sim.listen(0);
installScenario(sim, 'demo');
const kubeconfig = join(dir, 'kubeconfig');
writeFileSync(kubeconfig, sim.kubeconfig());
const tmux = new Tmux(COLUMNS, ROWS);
try {
  tmux.start(`${process.execPath} dist/bin/cutover.js --kubeconfig ${kubeconfig}`, { TERM: 'xterm-256color', COLORTERM: 'truecolor' });
  await tmux.waitFor(/web .*zero downtime kept/, 60_000);
  sim.store.mutate(R.deployments, 'default', 'web', (d) => {
    d.metadata.annotations = { ...d.metadata.annotations, 'kubernetes.io/change-cause': 'release v2.1' };
    d.spec.template.spec.containers[0].image = 'registry.local/web:v2.1';
  });
  await tmux.waitFor(/web .*1 -> 2.*rolling/, 30_000);
  await tmux.waitFor((s) => /web .*1 -> 2 .*\d+\/3 /.test(s), 30_000);
  const shots: [string, string][] = [['releases', capture()]];
  // Releases are sorted by name; web is the last one.
  tmux.send('G');
  await new Promise((r) => setTimeout(r, 300));
  tmux.send('Enter');
  await tmux.waitFor(/^web /m, 10_000);
  // Best shot: an old pod still serving while it terminates ("draining", its preStop sleep); else a not-ready pod.
  await tmux.waitFor(/draining/, 30_000).catch(() => tmux.waitFor(/not-ready/, 10_000));
  shots.push(['detail', capture()]);
  for (const [name, text] of shots) {
    writeFileSync(join('docs', `cockpit-${name}.svg`), ansiToSvg(text, { columns: COLUMNS, title: `cutover: ${name}, mid-rollout of web` }));
    console.log(`wrote docs/cockpit-${name}.svg`);
  }
} finally {
  tmux.kill();
  await sim.stop();
  rmSync(dir, { recursive: true, force: true });
}

function capture(): string {
  return execFileSync('tmux', ['-L', tmux.socket, 'capture-pane', '-p', '-e', '-t', 'e2e'], { encoding: 'utf8' });
}
process.exit(0);
