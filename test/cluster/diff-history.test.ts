/**
 * Differential checks, simulator vs real control plane:
 * (c) `kubectl rollout history` and `kubectl rollout undo` output and result,
 * (d) Deployment conditions and status fields at completion and at a progress-deadline failure.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Target } from './controlPlane.js';
import { apply, deploymentManifest, getJson, kubectlOk, rolledOut, useSimAndControlPlane, waitFor, type NsTarget } from './diff.js';


/** RS and pod names lose their hash; times, uids and IPs go. */
function norm(text: string): string {
  return text
    .replace(/\b(web|stuck)-[bcdfghjklmnpqrstvwxz2456789]{6,10}(-[bcdfghjklmnpqrstvwxz2456789]{5})?\b/g, '$1-HASH$2')
    .replace(/pod-template-hash=[a-z0-9]+/g, 'pod-template-hash=HASH')
    .replace(/\b\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z\b/g, 'TIME')
    .replace(/-n [a-z]+-\d+\b/g, '-n NS');
}

const k = async (t: Target, ns: string, args: string[]) => norm(await kubectlOk(t, [...args, '-n', ns]));
const kAny = async (t: Target, ns: string, args: string[]) => {
  const r = await t.kubectl([...args, '-n', ns]);
  return { code: r.code, out: norm(r.stdout), err: norm(r.stderr) };
};

/** The Deployment status with condition times dropped and names normalised. */
async function deploymentStatus(t: Target, ns: string, name: string) {
  const d = await getJson(t, ['deploy', name, '-n', ns]);
  const st = d.status ?? {};
  const conditions = (st.conditions ?? []).map((c: any) => ({ type: c.type, status: c.status, reason: c.reason, message: norm(c.message ?? '') }));
  const { conditions: _c, ...fields } = st;
  return { generation: d.metadata.generation, fields, conditions };
}

async function history(t: NsTarget) {
  const ns = await t.namespace('hist');
  const out: Record<string, unknown> = {};
  for (const v of ['v1', 'v2', 'v3']) {
    await apply(t, deploymentManifest(ns, 'web', { replicas: 2, image: `registry.local/web:${v}`, changeCause: `release ${v}`, readyAfter: 1, grace: 1 }));
    await rolledOut(t, ns, 'web');
  }
  out.history = await k(t, ns, ['rollout', 'history', 'deploy/web']);
  out.history2 = await k(t, ns, ['rollout', 'history', 'deploy/web', '--revision=2']);
  out.missing = await kAny(t, ns, ['rollout', 'undo', 'deploy/web', '--to-revision=9']);
  out.undo1 = await k(t, ns, ['rollout', 'undo', 'deploy/web', '--to-revision=1']);
  await rolledOut(t, ns, 'web');
  out.afterUndo1 = await k(t, ns, ['rollout', 'history', 'deploy/web']);
  out.undoPrev = await k(t, ns, ['rollout', 'undo', 'deploy/web']);
  await rolledOut(t, ns, 'web');
  out.afterUndoPrev = await k(t, ns, ['rollout', 'history', 'deploy/web']);
  out.skipped = await kAny(t, ns, ['rollout', 'undo', 'deploy/web', '--to-revision=5']);
  const d = await getJson(t, ['deploy', 'web', '-n', ns]);
  out.result = {
    image: d.spec.template.spec.containers[0].image,
    annotations: Object.fromEntries(Object.entries(d.metadata.annotations as Record<string, string>).filter(([key]) => key !== 'kubectl.kubernetes.io/last-applied-configuration')),
    templateLabels: d.spec.template.metadata.labels,
  };
  const rs = await getJson(t, ['rs', '-n', ns]);
  out.replicaSets = rs.items
    .map((r: any) => `${r.spec.template.spec.containers[0].image} rev=${r.metadata.annotations['deployment.kubernetes.io/revision']} history=${r.metadata.annotations['deployment.kubernetes.io/revision-history'] ?? ''} replicas=${r.spec.replicas}`)
    .sort();
  out.paused = await (async () => {
    await kubectlOk(t, ['rollout', 'pause', 'deploy/web', '-n', ns]);
    return kAny(t, ns, ['rollout', 'undo', 'deploy/web']);
  })();
  return out;
}

async function completion(t: NsTarget) {
  const ns = await t.namespace('done');
  await apply(t, deploymentManifest(ns, 'web', { replicas: 3, maxSurge: 1, image: 'registry.local/web:v1', readyAfter: 1, grace: 1 }));
  await rolledOut(t, ns, 'web');
  const first = await deploymentStatus(t, ns, 'web');
  await kubectlOk(t, ['set', 'image', 'deploy/web', 'web=registry.local/web:v2', '-n', ns]);
  await rolledOut(t, ns, 'web');
  await waitFor(async () => {
    const pods = await getJson(t, ['pods', '-n', ns]);
    return pods.items.length === 3;
  }, 20_000, `${t.name}: old pods gone`);
  await new Promise((r) => setTimeout(r, 1500));
  const second = await deploymentStatus(t, ns, 'web');
  return { first, second };
}

async function deadline(t: NsTarget) {
  const ns = await t.namespace('stuck');
  await apply(t, deploymentManifest(ns, 'stuck', { replicas: 2, maxSurge: 1, image: 'registry.local/stuck:v1', readyAfter: 1, grace: 1, progressDeadlineSeconds: 8 }));
  await rolledOut(t, ns, 'stuck');
  await kubectlOk(t, ['patch', 'deploy/stuck', '-n', ns, '--type=merge', '-p', JSON.stringify({ spec: { template: { metadata: { annotations: { 'sim.cutover.io/never-ready': 'true' } }, spec: { containers: [{ name: 'stuck', image: 'registry.local/stuck:v2' }] } } } })]);
  const status = await kAny(t, ns, ['rollout', 'status', 'deploy/stuck', '--timeout=40s']);
  const st = await deploymentStatus(t, ns, 'stuck');
  return { status: { code: status.code, err: status.err.trim(), lastLine: status.out.trim().split('\n').at(-1) }, st };
}

describe('differential: history, undo, Deployment status (sim vs real control plane)', { timeout: 600_000 }, () => {
  const both = useSimAndControlPlane();

  it('(c) rollout history and undo: same output and result', async () => {
    const { s, c } = await both(history);
    assert.deepEqual(s, c);
  });

  it('(d) status and conditions at completion', async () => {
    const { s, c } = await both(completion);
    assert.deepEqual(s, c);
  });

  it('(d) status and conditions at a progress-deadline failure; rollout status fails the same way', async () => {
    const { s, c } = await both(deadline);
    assert.deepEqual(s, c);
    assert.equal(c.status.code, 1);
  });
});
