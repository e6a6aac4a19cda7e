/**
 * Two clients: an action run through ActionService reaches another client's events informer.
 * How fast an Event reaches a watcher is a figure of `npm run bench` (bench/sim.ts), not asserted here.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CoreV1Api, KubeConfig, makeInformer, type CoreV1Event } from '@kubernetes/client-node';
import { planCanary } from '../../src/actions/canary.js';
import { planFlip } from '../../src/actions/flip.js';
import { waitFor } from '../helpers/sim.js';
import { startActionSim, type ActionSim } from './actions-canary-flip-helpers.js';
import { withRelease } from '../helpers/releases.js';

describe('a partner cockpit sees the action as an Event', () => {
  let a: ActionSim;
  let informer: ReturnType<typeof makeInformer<CoreV1Event>>;
  const seen: CoreV1Event[] = [];
  before(async () => {
    a = await startActionSim('demo', ['shop-stable', 'shop-canary', 'pay-blue', 'pay-green']);
    // the second client: its own KubeConfig (the read-only viewer user), its own informer on events
    const kc = new KubeConfig();
    kc.loadFromFile(a.kubeconfigPath);
    kc.setCurrentContext('cutover-sim-viewer');
    const core = kc.makeApiClient(CoreV1Api);
    informer = makeInformer<CoreV1Event>(kc, '/api/v1/namespaces/default/events', () => core.listNamespacedEvent({ namespace: 'default' }));
    informer.on('add', (event) => seen.push(event));
    informer.on('error', () => {}); // the informer retries by itself; the sim stopping ends it
    await informer.start();
  });
  after(async () => {
    await informer?.stop();
    await a?.close();
  });

  const arrival = (reason: string) =>
    waitFor(() => seen.find((e) => e.reason === reason && e.reportingComponent === 'cutover'), 10_000, `a ${reason} event in the informer`);

  it('CutoverCanaryStep reaches the other client', async () => {
    const report = await a.service.run(planCanary(...withRelease(await a.state(), 'shop'), 'step', { timeoutMs: 20_000 }));
    assert.equal(report.result.ok, true, report.lines.join('\n'));
    const hit = await arrival('CutoverCanaryStep');
    assert.equal(hit.involvedObject?.name, 'shop-canary');
    assert.match(hit.message ?? '', /^cutover-admin: canary shop: 10% -> 30%/);
  });

  it('CutoverFlip reaches it too', async () => {
    const report = await a.service.run(planFlip(...withRelease(await a.state(), 'pay'), { timeoutMs: 20_000 }));
    assert.equal(report.result.ok, true, report.lines.join('\n'));
    const hit = await arrival('CutoverFlip');
    assert.equal(hit.involvedObject?.kind, 'Service');
  });
});
