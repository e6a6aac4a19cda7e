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
await import('./run.js');
