/** Two clients: an action run through ActionService reaches another client's events informer within 1 s. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CoreV1Api, KubeConfig, makeInformer, type CoreV1Event } from '@kubernetes/client-node';
import { planCanary } from '../../src/actions/canary.js';
import { planFlip } from '../../src/actions/flip.js';
import { startActionSim, type ActionSim } from './actions-canary-flip-helpers.js';
import { withRelease } from '../helpers/releases.js';

describe('a partner cockpit sees the action as an Event', () => {
  let a: ActionSim;
  let informer: ReturnType<typeof makeInformer<CoreV1Event>>;
  const seen: { event: CoreV1Event; at: number }[] = [];
  before(async () => {
    a = await startActionSim('demo', ['shop-stable', 'shop-canary', 'pay-blue', 'pay-green']);
    // the second client: its own KubeConfig (the read-only viewer user), its own informer on events
    const kc = new KubeConfig();
    kc.loadFromFile(a.kubeconfigPath);
    kc.setCurrentContext('cutover-sim-viewer');
    const core = kc.makeApiClient(CoreV1Api);
    informer = makeInformer<CoreV1Event>(kc, '/api/v1/namespaces/default/events', () => core.listNamespacedEvent({ namespace: 'default' }));
    informer.on('add', (event) => seen.push({ event, at: Date.now() }));
    informer.on('error', () => {}); // the informer retries by itself; the sim stopping ends it
    await informer.start();
  });
  after(async () => {
    await informer?.stop();
    await a?.close();
  });

  const arrival = async (reason: string, since: number) => {
    const deadline = Date.now() + 1000;
    for (;;) {
      const hit = seen.find((s) => s.event.reason === reason && s.event.reportingComponent === 'cutover' && s.at >= since);
      if (hit) return hit;
      if (Date.now() > deadline) throw new Error(`no ${reason} event reached the informer within 1 s (saw ${seen.map((s) => s.event.reason).join(', ')})`);
      await new Promise((r) => setTimeout(r, 10));
    }
  };

  it('CutoverCanaryStep arrives within 1 s of the action finishing', async () => {
    const report = await a.service.run(planCanary(...withRelease(await a.state(), 'shop'), 'step', { timeoutMs: 20_000 }));
    assert.equal(report.result.ok, true, report.lines.join('\n'));
    const done = Date.now();
    const hit = await arrival('CutoverCanaryStep', done - 5000);
    assert.ok(hit.at - done < 1000);
    assert.equal(hit.event.involvedObject?.name, 'shop-canary');
    assert.match(hit.event.message ?? '', /^cutover-admin: canary shop: 10% -> 30%/);
  });

  it('CutoverFlip arrives within 1 s too', async () => {
    const report = await a.service.run(planFlip(...withRelease(await a.state(), 'pay'), { timeoutMs: 20_000 }));
    assert.equal(report.result.ok, true, report.lines.join('\n'));
    const hit = await arrival('CutoverFlip', Date.now() - 5000);
    assert.equal(hit.event.involvedObject?.kind, 'Service');
  });
});
