/**
 * The layers run one way (model <- kube <- derive, metrics <- actions <- store <- engine <- views, cli) and
 * no module imports itself back through a cycle. dependency-cruiser reads the real import graph.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cruise, type ICruiseResult, type IForbiddenRuleType } from 'dependency-cruiser';

/** Each src/ folder and the folders it may import. */
const MAY_IMPORT: Record<string, string[]> = {
  model: [],
  kube: ['model'],
  derive: ['model', 'kube'],
  metrics: ['model', 'kube'],
  actions: ['model', 'kube', 'derive', 'metrics'],
  store: ['model', 'kube', 'derive', 'metrics', 'actions'],
  engine: ['model', 'kube', 'derive', 'metrics', 'actions', 'store'],
  cli: ['model', 'kube', 'derive', 'metrics', 'actions', 'store', 'engine', 'sim'],
};

const SRC_FOLDERS = [...Object.keys(MAY_IMPORT), 'sim'];

const rules: IForbiddenRuleType[] = [
  { name: 'no-circular', severity: 'error', from: {}, to: { circular: true } },
  ...Object.entries(MAY_IMPORT).map(([folder, allowed]) => ({
    name: `${folder}-layer`,
    severity: 'error' as const,
    from: { path: `^src/${folder}/` },
    to: { path: `^(src/(${SRC_FOLDERS.filter((f) => f !== folder && !allowed.includes(f)).join('|')})/|views/|bin/)` },
  })),
  { name: 'src-has-no-react', severity: 'error', from: { path: '^src/' }, to: { path: '^node_modules/(react|ink)/' } },
  { name: 'sim-stands-alone', severity: 'error', from: { path: '^src/sim/' }, to: { path: '^(src/(?!sim/)|views/|bin/)' } },
  // Views may read the action registry (keys, labels, disabled reasons) but nothing that talks to a cluster.
  {
    name: 'views-call-no-api',
    severity: 'error',
    from: { path: '^views/' },
    to: { path: '^(node_modules/@kubernetes/|src/(kube|sim|metrics)/|src/actions/(client|service|execute|audit|waits)[.]ts)', dependencyTypesNot: ['type-only'] },
  },
];

let result: ICruiseResult | undefined;
async function graph(): Promise<ICruiseResult> {
  if (result) return result;
  const out = await cruise(['src', 'views', 'bin'], {
    validate: true,
    ruleSet: { forbidden: rules },
    tsPreCompilationDeps: true,
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^dist/' },
  }, undefined, { tsConfig: { fileName: 'tsconfig.json' } });
  result = out.output as ICruiseResult;
  return result;
}

function violations(r: ICruiseResult, rule: string): string[] {
  return r.summary.violations
    .filter((v) => v.rule.name === rule)
    .map((v) => (v.cycle?.length ? [v.from, ...v.cycle.map((c) => (typeof c === 'string' ? c : c.name))].join(' -> ') : `${v.from} -> ${v.to}`));
}

test('the import graph covers the code (a broken resolver would find nothing to judge)', async () => {
  const r = await graph();
  const modules = r.modules.map((m) => m.source);
  assert.ok(modules.includes('src/engine/cockpit.ts'), 'engine/cockpit.ts is in the graph');
  const cockpit = r.modules.find((m) => m.source === 'src/engine/cockpit.ts')!;
  assert.ok(cockpit.dependencies.some((d) => d.resolved === 'src/kube/watch.ts'), 'its imports are resolved');
});

test('no import cycle between modules', async () => {
  assert.deepEqual(violations(await graph(), 'no-circular'), []);
});

for (const folder of Object.keys(MAY_IMPORT)) {
  test(`src/${folder} imports only ${MAY_IMPORT[folder].join(', ') || 'libraries'}`, async () => {
    assert.deepEqual(violations(await graph(), `${folder}-layer`), []);
  });
}

test('src/ has no React or Ink; the sim stands alone; views/ make no API calls', async () => {
  const r = await graph();
  assert.deepEqual([...violations(r, 'src-has-no-react'), ...violations(r, 'sim-stands-alone'), ...violations(r, 'views-call-no-api')], []);
});
