/**
 * Bundles dist/bin/cutover.js (tsc's output) into one file in place, so the cockpit starts by
 * parsing one module instead of resolving and loading about 5,500 (client-node alone is ~5,000
 * files). Measured at 3.0-3.5 s -> 1.0-1.4 s for `cutover --version` on a loaded 2-core box.
 * The rest of dist/ stays as tsc wrote it.
 */
import { readFile, rm } from 'node:fs/promises';
import { build } from 'esbuild';

const entry = 'dist/bin/cutover.js';
const BANNER = "import { createRequire as __cutoverRequire } from 'node:module'; const require = __cutoverRequire(import.meta.url);";
if ((await readFile(entry, 'utf8')).includes(BANNER)) {
  console.error(`${entry} is already bundled (run tsc first)`);
  process.exit(0);
}

/** ink loads its devtools bridge only when DEV=true and react-devtools-core is installed. */
const noDevtools = {
  name: 'no-ink-devtools',
  setup(b) {
    b.onResolve({ filter: /^\.\/devtools\.js$/ }, (args) => (args.importer.includes('/ink/') ? { path: 'ink-devtools', namespace: 'empty' } : undefined));
    b.onLoad({ filter: /.*/, namespace: 'empty' }, () => ({ contents: '', loader: 'js' }));
  },
};

await build({
  entryPoints: [entry],
  outfile: entry,
  allowOverwrite: true,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node22',
  // Smaller to parse; identifiers kept, so stack traces still name functions.
  minifyWhitespace: true,
  minifySyntax: true,
  sourcemap: false,
  // React and its reconciler pick their production builds (the development ones check every
  // render and are twice the code).
  define: { 'process.env.NODE_ENV': '"production"' },
  external: ['react-devtools-core'],
  plugins: [noDevtools],
  // CommonJS dependencies call require(); ESM output has none of its own.
  banner: { js: BANNER },
  logLevel: 'warning',
});
// tsc's source map describes the file this replaced.
await rm(`${entry}.map`, { force: true });
