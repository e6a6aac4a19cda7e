#!/usr/bin/env node
/**
 * The npm-installed entry. It has no static import, so an unsupported Node prints one line here
 * instead of a stack trace from a dependency (undici needs Node 22) before anything is loaded.
 */
const MIN = [22, 19] as const;
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < MIN[0] || (major === MIN[0] && minor < MIN[1])) {
  process.stderr.write(`cutover needs Node >= ${MIN.join('.')}; this is ${process.versions.node}: use the standalone kubectl-cutover or a newer Node\n`);
  process.exit(1);
}
// `npm run build` bundles run.ts into run.bundle.js (scripts/bundle.ts): one module to load, its
// bytecode cached between runs. Without the bundle (tsx, a plain tsc build) run.js is the same code.
const { existsSync } = await import('node:fs');
if (existsSync(new URL('./run.bundle.js', import.meta.url))) {
  (await import('node:module')).enableCompileCache?.();
  await import(new URL('./run.bundle.js', import.meta.url).href);
} else {
  await import('./run.js');
}
