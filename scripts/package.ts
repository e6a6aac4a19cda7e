/**
 * `npm run package`: the standalone `kubectl-cutover`, a Node single executable application
 * (https://nodejs.org/api/single-executable-applications.html) that needs no Node on PATH.
 *
 *   1. esbuild bundles bin/run.ts (the real entry, after the version check) into one ES module.
 *      ESM because yoga-layout (ink's layout engine, wasm inlined as base64) uses top-level
 *      await, which no CommonJS bundle can hold. ink's optional devtools are cut out.
 *   2. The bundle becomes a SEA asset. The SEA main script must be CommonJS on Node 22, so it is a
 *      small loader that imports the asset through Node's own ESM loader (see LOADER).
 *   3. `node --experimental-sea-config` writes the blob; postject injects it into a copy of the
 *      pinned Node binary.
 *
 * Output in release/: kubectl-cutover, cutover (a symlink), the krew archive
 * kubectl-cutover-<os>-<arch>.tar.gz and cutover.yaml (plugins/cutover.yaml with this archive's
 * sha256 filled in, for `kubectl krew install --manifest=... --archive=...`).
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, copyFileSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { build, type Plugin } from 'esbuild';

const ROOT = resolve(import.meta.dirname, '..');
const OUT = join(ROOT, 'release');
const WORK = join(OUT, 'work');
const FUSE = 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2';
const OS = { linux: 'linux', darwin: 'darwin' }[process.platform as string];
const ARCH = { x64: 'amd64', arm64: 'arm64' }[process.arch as string];
if (!OS || !ARCH) {
  process.stderr.write(`package: no standalone build for ${process.platform}/${process.arch} (linux and darwin, x64 and arm64)\n`);
  process.exit(1);
}

/** ink imports react-devtools-core only when DEV=true and the package is installed: neither in the binary. */
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
 * The SEA main script (CommonJS). vm's USE_MAIN_CONTEXT_DEFAULT_LOADER gives it a real dynamic
 * import(), which runs the ES module bundle (top-level await included) from a data: URL. Its
 * experimental warning (emitted on first use) is the only warning dropped.
 */
const LOADER = `'use strict';
const vm = require('node:vm');
const { getAsset } = require('node:sea');
const emitWarning = process.emitWarning;
process.emitWarning = (w, ...rest) => (String(w).includes('USE_MAIN_CONTEXT_DEFAULT_LOADER') ? undefined : emitWarning.call(process, w, ...rest));
const load = new vm.Script('(url) => import(url)', { importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER }).runInThisContext();
const source = getAsset('cutover.mjs');
load('data:text/javascript;base64,' + Buffer.from(source).toString('base64')).catch((err) => {
  process.stderr.write('cutover: cannot start: ' + String(err && err.message).split('\\n')[0].slice(0, 300) + '\\n');
  process.exit(70);
});
`;

rmSync(OUT, { recursive: true, force: true });
mkdirSync(WORK, { recursive: true });

await build({
  entryPoints: [join(ROOT, 'bin/run.ts')],
  outfile: join(WORK, 'cutover.mjs'),
  bundle: true,
  minify: true,
  platform: 'node',
  format: 'esm',
  target: 'node22',
  legalComments: 'none',
  // CommonJS dependencies (undici, client-node's) call require() for Node built-ins.
  banner: { js: `import { createRequire as __cutoverRequire } from 'node:module'; const require = __cutoverRequire(process.execPath);` },
  plugins: [noDevtools],
  logLevel: 'warning',
});

writeFileSync(join(WORK, 'main.cjs'), LOADER);
writeFileSync(
  join(WORK, 'sea-config.json'),
  JSON.stringify({ main: 'main.cjs', output: 'sea.blob', disableExperimentalSEAWarning: true, useSnapshot: false, useCodeCache: false, assets: { 'cutover.mjs': 'cutover.mjs' } }),
);
execFileSync(process.execPath, ['--experimental-sea-config', 'sea-config.json'], { cwd: WORK, stdio: ['ignore', 'ignore', 'inherit'] });

const exe = join(OUT, 'kubectl-cutover');
copyFileSync(process.execPath, exe);
chmodSync(exe, 0o755);
if (OS === 'darwin') execFileSync('codesign', ['--remove-signature', exe]);
execFileSync(
  process.execPath,
  [join(ROOT, 'node_modules/postject/dist/cli.js'), exe, 'NODE_SEA_BLOB', join(WORK, 'sea.blob'), '--sentinel-fuse', FUSE, ...(OS === 'darwin' ? ['--macho-segment-name', 'NODE_SEA'] : [])],
  // postject's LIEF warns about ELF note sections it does not parse; harmless, shown only on failure.
  { stdio: ['ignore', 'ignore', 'pipe'] },
);
if (OS === 'darwin') execFileSync('codesign', ['--sign', '-', exe]);
symlinkSync('kubectl-cutover', join(OUT, 'cutover'));

const archive = `kubectl-cutover-${OS}-${ARCH}.tar.gz`;
execFileSync('tar', ['-czf', archive, 'kubectl-cutover'], { cwd: OUT });
const sha256 = createHash('sha256').update(readFileSync(join(OUT, archive))).digest('hex');
const manifest = readFileSync(join(ROOT, 'plugins/cutover.yaml'), 'utf8').replace(new RegExp(`(uri: \\S*${archive}\\s+sha256: )"\\w+"`), `$1"${sha256}"`);
writeFileSync(join(OUT, 'cutover.yaml'), manifest);
rmSync(WORK, { recursive: true, force: true });

const mb = (readFileSync(exe).length / 1e6).toFixed(0);
process.stdout.write(`package: release/kubectl-cutover (${mb} MB, Node ${process.versions.node}), release/cutover -> kubectl-cutover, release/${archive} (sha256 ${sha256}), release/cutover.yaml\n`);
