#!/usr/bin/env node
/** Entry point: headless commands run from src/cli; the interactive cockpit renders from views/. */
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
  cockpit.start();
  try {
    await renderCockpit(cockpit, { readonly });
  } finally {
    await cockpit.stop();
    await target.sim?.stop();
  }
  return 0;
}

async function run(): Promise<number> {
  const result = await main(process.argv.slice(2));
  return typeof result === 'number' ? result : openCockpit(result);
}

run().then(
  (code) => process.exit(code),
  (err) => process.exit(reportError(err)),
);
