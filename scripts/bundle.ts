/**
 * The one esbuild configuration of the entry bin/run.ts (everything after the Node version check),
 * used by `npm run build` (dist/bin/run.bundle.js, which dist/bin/cutover.js loads with V8's
 * compile cache on) and by `npm run package` (the standalone binary's asset).
 *
 * One module to load instead of about 5,500 (client-node alone is ~5,000 files): `cutover
 * --version` on a loaded 2-core box went from 2.3-3.5 s to 0.55-1.2 s, the first frame at 20 pods
 * from 3.4-4.5 s to 1.2-1.9 s. ESM, because yoga-layout (ink's layout engine, wasm inlined) uses
 * top-level await, which no CommonJS bundle can hold.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build, type BuildOptions, type Plugin } from 'esbuild';

export const ROOT = resolve(import.meta.dirname, '..');

/** ink loads react-devtools-core only when DEV=true and the package is installed: never in a bundle. */
const noDevtools: Plugin = {
  name: 'no-devtools',
  setup(b) {
    b.onResolve({ filter: /^react-devtools-core$/ }, () => ({ path: 'react-devtools-core', namespace: 'empty' }));
    b.onLoad({ filter: /.*/, namespace: 'empty' }, () => ({ contents: 'export default {};', loader: 'js' }));
    b.onLoad({ filter: /[\\/]ink[\\/]build[\\/](reconciler|ink)\.js$/ }, (args) => ({
      contents: readFileSync(args.path, 'utf8').replaceAll(`process.env['DEV'] === 'true'`, 'false'),
      loader: 'js',
    }));
  },
};

/**
 * `requireFrom`: the expression whose path the bundle's require() resolves Node built-ins from
 * (CommonJS dependencies such as undici call require()); `import.meta.url` for a file, and
 * `process.execPath` inside the standalone binary, where the bundle runs from a data: URL.
 */
export function entryBundle(outfile: string, requireFrom: 'import.meta.url' | 'process.execPath'): BuildOptions {
  return {
    entryPoints: [resolve(ROOT, 'bin/run.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node22',
    // Smaller to parse; identifiers kept, so an internal error still names its function.
    minifyWhitespace: true,
    minifySyntax: true,
    legalComments: 'none',
    // React and its reconciler pick their production builds (the development ones check every render).
    define: { 'process.env.NODE_ENV': '"production"' },
    banner: { js: `import { createRequire as __cutoverRequire } from 'node:module'; const require = __cutoverRequire(${requireFrom});` },
    plugins: [noDevtools],
    logLevel: 'warning',
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  await build(entryBundle(resolve(ROOT, 'dist/bin/run.bundle.js'), 'import.meta.url'));
}
