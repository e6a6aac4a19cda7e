/** The real entry (after the Node version check of bin/cutover.ts; the standalone binary starts here): headless commands run from src/cli; the interactive cockpit renders from views/. */
import './heap.js';
import { main, reportError, type CockpitLaunch } from '../src/cli/main.js';
import { Cockpit } from '../src/engine/cockpit.js';
import { ConfigError } from '../src/kube/config.js';
import { UsageError } from '../src/cli/errors.js';

async function openCockpit({ target, readonly, dryRun, steps, pair }: CockpitLaunch): Promise<number> {
  if (!process.stdout.isTTY || !process.stdin.isTTY) {
    await target.sim?.stop();
    throw new UsageError('the cockpit needs a terminal; for scripts and CI use cutover status (see cutover help)');
  }
  let cockpit: Cockpit;
  try {
    cockpit = new Cockpit({
      kc: target.kc,
      context: target.context,
      namespace: target.namespace,
      allNamespaces: target.allNamespaces,
      demo: !!target.sim,
      readonly,
      dryRun,
      ...(steps ? { canarySteps: steps } : {}),
      ...(pair ? { pair } : {}),
    });
  } catch (err) {
    if (err instanceof ConfigError) throw new UsageError(err.message, 1);
    throw err;
  }
  const { renderCockpit } = await import('../views/run.js');
  // Killed from outside: no time to ask; a running action stops and is reported below.
  const forceQuit = () => cockpit.forceQuit();
  process.once('SIGTERM', forceQuit);
  process.once('SIGHUP', forceQuit);
  cockpit.start();
  try {
    await renderCockpit(cockpit, { readonly });
  } finally {
    await cockpit.stop();
    await target.sim?.stop();
    process.off('SIGTERM', forceQuit);
    process.off('SIGHUP', forceQuit);
  }
  // Printed on the normal terminal, after the alternate screen is gone.
  const left = cockpit.exitReport();
  if (left.length) process.stdout.write(left.join('\n') + '\n');
  return 0;
}

async function run(): Promise<number> {
  const result = await main(process.argv.slice(2));
  return typeof result === 'number' ? result : openCockpit(result);
}

// Whatever escapes (a rejected promise nobody awaited, an emitter's error) is still one line.
const fatal = (err: unknown) => process.exit(reportError(err));
process.on('uncaughtException', fatal);
process.on('unhandledRejection', fatal);

run().then(
  (code) => process.exit(code),
  (err) => process.exit(reportError(err)),
);
