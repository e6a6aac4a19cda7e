/**
 * Differential checks, simulator vs real control plane:
 * (e) EndpointSlice endpoint conditions (and legacy Endpoints) while a pod terminates,
 * (f) Job conditions on success and on failure with backoffLimit 0,
 * (g) PodDisruptionBudget status (minAvailable 75% of 4, maxUnavailable 1),
 * (h) what `kubectl get pods` shows of a Ready pod (READY 1/1, Running) and its container status,
 * (i) a streaming list (sendInitialEvents, as the cockpit's informers ask): the objects, the bookmark
 *     that ends them, the changes after it, and the refusal without resourceVersionMatch.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Watch } from '@kubernetes/client-node';
import { apply, deploymentManifest, getJson, kubectlOk, pushDistinct, rolledOut, serviceManifest, useSimAndControlPlane, waitFor, watchCollection, type NsTarget } from './diff.js';


async function terminatingEndpoint(t: NsTarget) {
  const ns = await t.namespace('ep');
  // preStop 2 s inside a 3 s grace period: the pod is Terminating for 2-3 s.
  await apply(t, deploymentManifest(ns, 'ep', { replicas: 2, readyAfter: 1, grace: 3, preStopSleep: 2 }), serviceManifest(ns, 'ep', { app: 'ep' }));
  await rolledOut(t, ns, 'ep');
  const pods = await getJson(t, ['pods', '-n', ns, '-l', 'app=ep']);
  const victim: string = pods.items[0].metadata.name;
  // both endpoints ready in the slice first
  await waitFor(async () => {
    const s = await getJson(t, ['endpointslices', '-n', ns, '-l', 'kubernetes.io/service-name=ep']);
    return s.items.flatMap((x: any) => x.endpoints ?? []).filter((e: any) => e.conditions?.ready).length === 2;
  }, 20_000, `${t.name}: 2 ready endpoints`);
  const slices = new Map<string, any>();
  const sliceSeq: string[] = [];
  const endpointsSeq: string[] = [];
  const recordSlice = () => {
    const e = [...slices.values()].flatMap((s) => s.endpoints ?? []).find((x: any) => x.targetRef?.name === victim);
    pushDistinct(sliceSeq, e ? JSON.stringify({ ready: e.conditions?.ready, serving: e.conditions?.serving, terminating: e.conditions?.terminating }) : 'absent');
  };
  const stopSlices = await watchCollection(t, `/apis/discovery.k8s.io/v1/namespaces/${ns}/endpointslices`, (type, o) => {
    if (o.metadata?.labels?.['kubernetes.io/service-name'] !== 'ep') return;
    if (type === 'DELETED') slices.delete(o.metadata.name);
    else slices.set(o.metadata.name, o);
    recordSlice();
  });
  const stopEndpoints = await watchCollection(t, `/api/v1/namespaces/${ns}/endpoints`, (_type, o) => {
    if (o.metadata?.name !== 'ep') return;
    const where = (o.subsets ?? []).flatMap((s: any) => [
      ...(s.addresses ?? []).filter((a: any) => a.targetRef?.name === victim).map(() => 'addresses'),
      ...(s.notReadyAddresses ?? []).filter((a: any) => a.targetRef?.name === victim).map(() => 'notReadyAddresses'),
    ]);
    pushDistinct(endpointsSeq, where[0] ?? 'absent');
  });
  try {
    await kubectlOk(t, ['delete', 'pod', victim, '-n', ns, '--wait=false']);
    await waitFor(async () => (await t.kubectl(['get', 'pod', victim, '-n', ns])).code !== 0, 20_000, `${t.name}: ${victim} gone`);
    await waitFor(() => sliceSeq.at(-1) === 'absent', 10_000, `${t.name}: endpoint gone (${sliceSeq.join(' ')})`);
  } finally {
    stopSlices();
    stopEndpoints();
  }
  return { sliceSeq, endpointsSeq };
}

function jobManifest(ns: string, name: string, exitCode: number) {
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name, namespace: ns },
    spec: {
      backoffLimit: 0,
      template: {
        metadata: { annotations: { 'sim.cutover.io/exit-after': '1', 'sim.cutover.io/exit-code': String(exitCode) } },
        spec: { restartPolicy: 'Never', terminationGracePeriodSeconds: 1, containers: [{ name: 'migrate', image: 'registry.local/migrate:v1', command: ['./migrate'] }] },
      },
    },
  };
}

async function jobConditions(t: NsTarget) {
  const ns = await t.namespace('job');
  const seq: Record<string, string[]> = { ok: [], bad: [] };
  const last: Record<string, any> = {};
  const stop = await watchCollection(t, `/apis/batch/v1/namespaces/${ns}/jobs`, (type, o) => {
    if (type === 'DELETED') return;
    const key = o.metadata.name === 'ok' ? 'ok' : 'bad';
    last[key] = o;
    pushDistinct(seq[key], (o.status?.conditions ?? []).map((c: any) => `${c.type}=${c.status}/${c.reason}: ${c.message}`).join(' | '));
  });
  try {
    await apply(t, jobManifest(ns, 'ok', 0), jobManifest(ns, 'bad', 1));
    const finished = (key: string) => (last[key]?.status?.conditions ?? []).some((c: any) => (c.type === 'Complete' || c.type === 'Failed') && c.status === 'True');
    await waitFor(() => finished('ok') && finished('bad'), 40_000, `${t.name}: both Jobs finished`);
    await new Promise((r) => setTimeout(r, 1000));
  } finally {
    stop();
  }
  const status = async (name: string) => {
    const j = await getJson(t, ['job', name, '-n', ns]);
    const { conditions, startTime, completionTime, ...rest } = j.status;
    return { ...rest, startTime: !!startTime, completionTime: !!completionTime, conditionOrder: conditions.map((c: any) => c.type) };
  };
  return { seq, ok: await status('ok'), bad: await status('bad') };
}

async function pdbStatus(t: NsTarget) {
  const ns = await t.namespace('pdb');
  // One Deployment per PDB: the real disruption controller re-syncs only one (arbitrary) PDB per
  // pod event when several select the same pods (see README "Simulator fidelity").
  await apply(
    t,
    deploymentManifest(ns, 'api-a', { replicas: 4, maxSurge: 1, readyAfter: 1, grace: 2 }),
    deploymentManifest(ns, 'api-b', { replicas: 4, maxSurge: 1, readyAfter: 1, grace: 2 }),
    { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'api-min', namespace: ns }, spec: { minAvailable: '75%', selector: { matchLabels: { app: 'api-a' } } } },
    { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'api-max', namespace: ns }, spec: { maxUnavailable: 1, selector: { matchLabels: { app: 'api-b' } } } },
  );
  await rolledOut(t, ns, 'api-a');
  await rolledOut(t, ns, 'api-b');
  const view = (p: any) => {
    const { conditions, disruptedPods, ...rest } = p.status ?? {};
    const fields = Object.fromEntries(Object.entries(rest).sort(([a], [b]) => a.localeCompare(b))); // key order is not meaningful
    return JSON.stringify({ ...fields, disruptedPods: disruptedPods ? Object.keys(disruptedPods).length : undefined, conditions: (conditions ?? []).map((c: any) => `${c.type}=${c.status}/${c.reason}:${c.message}`) });
  };
  const read = async () => Object.fromEntries((await getJson(t, ['pdb', '-n', ns])).items.map((p: any) => [p.metadata.name, view(p)]));
  let seen: Record<string, unknown> = {};
  await waitFor(async () => Object.values((seen = await read())).every((v) => JSON.parse(v as string).currentHealthy === 4), 20_000, `${t.name}: PDBs see 4 healthy`).catch((err) => {
    throw new Error(`${(err as Error).message}: ${JSON.stringify(seen)}`);
  });
  const steady = seen;
  const seq: Record<string, string[]> = { 'api-min': [], 'api-max': [] };
  const stop = await watchCollection(t, `/apis/policy/v1/namespaces/${ns}/poddisruptionbudgets`, (type, o) => {
    if (type !== 'DELETED') pushDistinct(seq[o.metadata.name], view(o));
  });
  try {
    for (const app of ['api-a', 'api-b']) {
      const pods = await getJson(t, ['pods', '-n', ns, '-l', `app=${app}`]);
      await kubectlOk(t, ['delete', 'pod', pods.items[0].metadata.name, '-n', ns, '--wait=false']);
    }
    await waitFor(() => Object.values(seq).every((s) => s.length >= 3 && JSON.parse(s.at(-1)!).currentHealthy === 4), 20_000, `${t.name}: back to 4 healthy (${JSON.stringify(seq)})`);
  } finally {
    stop();
  }
  return { steady, seq };
}

async function readyPodAsKubectlShowsIt(t: NsTarget) {
  const ns = await t.namespace('ready');
  await apply(t, deploymentManifest(ns, 'rp', { replicas: 1, readyAfter: 1, grace: 1 }));
  await rolledOut(t, ns, 'rp');
  const table = await kubectlOk(t, ['get', 'pods', '-n', ns, '-l', 'app=rp', '--no-headers']);
  const [, ready, status, restarts] = table.trim().split(/\s+/);
  const pod = (await getJson(t, ['pods', '-n', ns, '-l', 'app=rp'])).items[0];
  const cs = pod.status.containerStatuses[0];
  return { ready, status, restarts, container: { image: cs.image, ready: cs.ready, started: cs.started, restartCount: cs.restartCount, running: !!cs.state?.running?.startedAt } };
}

async function streamingList(t: NsTarget) {
  const ns = await t.namespace('wl');
  const names = ['alpha', 'beta', 'gamma'];
  for (const name of names) await kubectlOk(t, ['create', 'configmap', name, '-n', ns, `--from-literal=k=${name}`]);
  const path = `/api/v1/namespaces/${ns}/configmaps`;
  const initial: string[] = [];
  const after: string[] = [];
  let end: { annotated: boolean; resourceVersion: boolean } | undefined;
  const ours = (name: string) => name === 'delta' || names.includes(name);
  const req = await new Watch(t.kc).watch(path, { sendInitialEvents: true, resourceVersionMatch: 'NotOlderThan', allowWatchBookmarks: true }, (type, o: any) => {
    if (type === 'BOOKMARK') {
      if (!end) end = { annotated: o.metadata?.annotations?.['k8s.io/initial-events-end'] === 'true', resourceVersion: /^\d+$/.test(o.metadata?.resourceVersion ?? '') };
    } else if (ours(o.metadata?.name)) (end ? after : initial).push(`${type} ${o.metadata.name}`);
  }, () => {});
  try {
    await waitFor(() => end, 20_000, `${t.name}: the bookmark that ends the initial events`);
    await kubectlOk(t, ['create', 'configmap', 'delta', '-n', ns, '--from-literal=k=delta']);
    await waitFor(() => after.length > 0, 20_000, `${t.name}: the change after the bookmark`);
  } finally {
    req.abort();
  }
  // Without resourceVersionMatch=NotOlderThan the server refuses a streaming list.
  const refused = await new Promise<number | undefined>((resolve) => {
    void new Watch(t.kc).watch(path, { sendInitialEvents: true }, () => {}, (err) => resolve((err as { statusCode?: number } | null)?.statusCode)).catch((err) => resolve(err?.statusCode));
  });
  return { initial: initial.sort(), end, after, refused };
}

describe('differential: endpoints, Jobs, PDBs (sim vs real control plane)', { timeout: 600_000 }, () => {
  const both = useSimAndControlPlane();

  it('(e) a terminating pod: same EndpointSlice conditions and Endpoints membership', async () => {
    const { s, c } = await both(terminatingEndpoint);
    assert.deepEqual(s, c);
  });

  it('(f) Job conditions on success and on failure (backoffLimit 0)', async () => {
    const { s, c } = await both(jobConditions);
    assert.deepEqual(s, c);
  });

  it('(h) a Ready pod: kubectl shows READY 1/1 Running, and its container status says running', async () => {
    const { s, c } = await both(readyPodAsKubectlShowsIt);
    assert.equal(s.ready, '1/1');
    assert.deepEqual(c, s);
  });

  it('(i) a streaming list: the objects as ADDED, the bookmark that ends them, then changes; refused without NotOlderThan', async () => {
    const { s, c } = await both(streamingList);
    assert.deepEqual(s.initial, ['ADDED alpha', 'ADDED beta', 'ADDED gamma']);
    assert.deepEqual(s.end, { annotated: true, resourceVersion: true });
    assert.deepEqual(c, s);
  });

  it('(g) PDB status: minAvailable 75% of 4 and maxUnavailable 1, steady and with a pod terminating', async () => {
    const { s, c } = await both(pdbStatus);
    assert.deepEqual(s, c);
  });
});
