#!/usr/bin/env node
/** Entry point for `cutover` and `kubectl cutover`. */
import { UsageError } from './errors.js';
import { runSim } from './sim.js';

const HELP = `cutover: a terminal cockpit for zero-downtime Kubernetes releases

Usage:
  cutover [--demo] [--kubeconfig FILE] [--context NAME] [-n NS | -A]   open the cockpit
  cutover sim [--port N] [--scenario NAME] [--speed X] [--pods N]      run the embedded cluster
  cutover --help | --version
`;

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === 'sim') return runSim(rest);
  if (command === '--help' || command === '-h' || command === 'help') {
    process.stdout.write(HELP);
    return 0;
  }
  if (command === '--version') {
    process.stdout.write('cutover 0.1.0\n');
    return 0;
  }
  throw new UsageError(`unknown command "${command ?? ''}"; run cutover --help`);
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err) => {
    if (err instanceof UsageError || (err as { code?: string }).code?.startsWith?.('ERR_PARSE_ARGS')) {
      process.stderr.write(`cutover: ${(err as Error).message}\n`);
      process.exit((err as UsageError).exitCode ?? 2);
    }
    process.stderr.write(`cutover: unexpected error: ${(err as Error).stack ?? err}\n`);
    process.exit(1);
  },
);
