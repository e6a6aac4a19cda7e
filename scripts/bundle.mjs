/**
 * Bundles dist/bin/cutover.js (tsc's output) into dist/bin/cutover.bundle.js and makes the entry a
 * launcher that turns on V8's compile cache first, so the cockpit starts by loading one module
 * (from cached bytecode) instead of resolving and compiling about 5,500 (client-node alone is
 * ~5,000 files). `cutover --version` on a loaded 2-core box: 2.3-3.5 s -> 0.55-1.2 s; the first
 * frame at 20 pods: 3.4-4.5 s -> 1.2-1.9 s. The rest of dist/ stays as tsc wrote it.
 */
import { readFile, rm, writeFile } from 'node:fs/promises';
import { build } from 'esbuild';

const entry = 'dist/bin/cutover.js';
const bundle = 'dist/bin/cutover.bundle.js';
const BANNER = "import { createRequire as __cutoverRequire } from 'node:module'; const require = __cutoverRequire(import.meta.url);";
const BANNER_MARK = 'bundled';
if ((await readFile(entry, 'utf8')).includes(`// ${BANNER_MARK}:`)) {
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
  outfile: bundle,
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
// The entry becomes a launcher: V8's compile cache (Node >= 22.1) must be on before the bundle is
// compiled, and then keeps its bytecode between runs (in the OS temp dir).
await writeFile(
  entry,
  `#!/usr/bin/env node
// ${BANNER_MARK}: scripts/bundle.mjs wrote this launcher; the code is in cutover.bundle.js.
import module from 'node:module';
module.enableCompileCache?.();
await import('./cutover.bundle.js');
`,
);
// tsc's source map describes the file this replaced.
await rm(`${entry}.map`, { force: true });
