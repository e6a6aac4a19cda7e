/**
 * kubectl's -o for headless reads: `-o json|yaml|wide|name`, and `--json` as an alias of `-o json`.
 * A command spreads OUTPUT_OPTIONS into its parseArgs options and prints through writeOutput.
 */
import { stringify } from 'yaml';
import { UsageError } from './errors.js';

export const OUTPUT_OPTIONS = {
  output: { type: 'string', short: 'o' },
  json: { type: 'boolean' },
} as const;

export const OUTPUT_FORMATS = ['json', 'yaml', 'wide', 'name'] as const;
export type OutputFormat = 'table' | (typeof OUTPUT_FORMATS)[number];

export function outputFormat(values: { output?: string; json?: boolean }): OutputFormat {
  if (values.json && values.output !== undefined && values.output !== 'json') throw new UsageError(`--json and -o ${values.output} disagree; pass one`);
  if (values.json) return 'json';
  if (values.output === undefined) return 'table';
  if (!(OUTPUT_FORMATS as readonly string[]).includes(values.output)) throw new UsageError(`-o/--output must be one of ${OUTPUT_FORMATS.join(', ')}, got "${values.output}"`);
  return values.output as OutputFormat;
}

export interface Printable {
  /** The document of -o json and -o yaml. */
  doc: unknown;
  /** The human table (default and, without `wide`, -o wide). */
  table(): string;
  /** The table with more columns. */
  wide?(): string;
  /** `kind.group/name` lines for -o name. */
  names(): string[];
}

/** The text for one format, ending in a newline. */
export function renderOutput(format: OutputFormat, p: Printable): string {
  switch (format) {
    case 'json':
      return JSON.stringify(p.doc, null, 2) + '\n';
    case 'yaml':
      return stringify(p.doc);
    case 'name':
      return p.names().map((n) => n + '\n').join('');
    case 'wide':
      return (p.wide ?? p.table)();
    case 'table':
      return p.table();
  }
}

export function writeOutput(out: NodeJS.WritableStream, format: OutputFormat, p: Printable): void {
  out.write(renderOutput(format, p));
}
