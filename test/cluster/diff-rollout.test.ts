/**
 * Differential checks, simulator vs real control plane, on rollouts:
 * (a) the (new RS, old RS) spec.replicas sequence of a rolling update and of a Recreate,
 * (b) the lines `kubectl rollout status` prints.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { apply, deploymentManifest, earlyInSecond, kubectlOk, pushDistinct, rolledOut, useSimAndControlPlane, watchCollection, waitFor, type NsTarget } from './diff.js';

const STARTING = [/^Waiting for deployment spec update to be observed/, / 0 out of \d+ new replicas have been updated/];

interface Run {
  pairs: string[];
  statusLines: string[];
}

/** Rolls `web` from v1 to v2 and records the RS pairs and the rollout status lines. */
async function rollImage(t: NsTarget, opts: Parameters<typeof deploymentManifest>[2]): Promise<Run> {
  const ns = await t.namespace('roll');
  await apply(t, deploymentManifest(ns, 'web', { ...opts, image: 'registry.local/web:v1' }));
  await rolledOut(t, ns, 'web');
  const rs = new Map<string, any>();
  const pairs: string[] = [];
  const record = () => {
    let n = 0;
    let o = 0;
    for (const r of rs.values()) {
      const image = r.spec.template.spec.containers[0].image;
      if (image === 'registry.local/web:v2') n += r.spec.replicas;
      else o += r.spec.replicas;
    }
    pushDistinct(pairs, `${n}/${o}`);
  };
  const stop = await watchCollection(t, `/apis/apps/v1/namespaces/${ns}/replicasets`, (type, obj) => {
    if (type === 'DELETED') rs.delete(obj.metadata.name);
    else rs.set(obj.metadata.name, obj);
    record();
  });
  try {
    await earlyInSecond();
    await kubectlOk(t, ['set', 'image', 'deploy/web', 'web=registry.local/web:v2', '-n', ns]);
    const status = await kubectlOk(t, ['rollout', 'status', 'deploy/web', '-n', ns, '--timeout=90s'], 95_000);
    await waitFor(() => pairs.at(-1) === `${opts.replicas}/0`, 20_000, `${t.name}: old RS at 0 (pairs ${pairs.join(' ')})`);
    const statusLines: string[] = [];
    // How many old replicas kubectl sees pending termination depends on how the real deployment and
    // ReplicaSet controllers interleave (they run concurrently; the sim runs them in rounds): the
    // line is kept, its count is not compared.
    for (const l of status.trim().split('\n')) pushDistinct(statusLines, l.replace(/: \d+ old replicas are pending termination/, ': N old replicas are pending termination'));
    // Whether kubectl's first reads still see the spec update unobserved or "0 out of N" (the new
    // ReplicaSet created, none of its pods counted yet) depends on how long kubectl takes to start
    // against how long the controllers take to observe and count: milliseconds in the sim, longer on
    // a loaded real one. Those leading lines are a race of the test, not a difference of the
    // controllers; the rest is compared.
    while (STARTING.some((re) => re.test(statusLines[0] ?? ''))) statusLines.shift();
    return { pairs, statusLines };
  } finally {
    stop();
  }
}

describe('differential: rollouts (sim vs real control plane)', { timeout: 600_000 }, () => {
  const run = useSimAndControlPlane();
  const both = (opts: Parameters<typeof deploymentManifest>[2]) =>
    run((t) => rollImage(t, opts), (r) => `pairs ${r.pairs.join(' ')}\nstatus:\n${r.statusLines.join('\n')}`);

  it('replicas 10, maxSurge 25%, maxUnavailable 0: same (new, old) sequence and rollout status lines', async () => {
    const { s, c } = await both({ replicas: 10, maxSurge: '25%', maxUnavailable: 0, readyAfter: 1, minReadySeconds: 1 });
    assert.deepEqual(s.pairs, c.pairs);
    assert.deepEqual(c.pairs, ['0/10', '3/10', '3/7', '6/7', '6/4', '9/4', '9/1', '10/1', '10/0']);
    assert.deepEqual(s.statusLines, c.statusLines);
  });

  it('replicas 4, maxSurge 1, maxUnavailable 0: same sequence and status lines', async () => {
    const { s, c } = await both({ replicas: 4, maxSurge: 1, maxUnavailable: 0, readyAfter: 1, minReadySeconds: 1 });
    assert.deepEqual(s.pairs, c.pairs);
    assert.deepEqual(c.pairs, ['0/4', '1/4', '1/3', '2/3', '2/2', '3/2', '3/1', '4/1', '4/0']);
    assert.deepEqual(s.statusLines, c.statusLines);
  });

  it('Recreate: old to 0, then new at full size; same status lines', async () => {
    const { s, c } = await both({ replicas: 3, recreate: true, readyAfter: 1, minReadySeconds: 1, grace: 3, shutdownAfter: 2 });
    assert.deepEqual(s.pairs, c.pairs);
    assert.deepEqual(c.pairs, ['0/3', '0/0', '3/0']);
    assert.deepEqual(s.statusLines, c.statusLines);
  });
});
