// Loaded into every test file's process (`--import` in package.json's test scripts).
// With --test-force-exit, node's test runner ends a file's process while the end of
// its report may still wait in the stdout pipe, and the run then passes with those
// tests missing from it (nodejs/node#64833). A blocking stdout writes the report
// before the exit.
if (process.env.NODE_TEST_CONTEXT?.startsWith('child')) {
  const handle = (process.stdout as { _handle?: { setBlocking?: (on: boolean) => void } })._handle;
  handle?.setBlocking?.(true);
}
