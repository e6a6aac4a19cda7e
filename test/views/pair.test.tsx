/**
 * Steering as a pair on screen: the row and the detail say who drives since when and the pending
 * action's countdown; the detail lists the leader Lease with its holder's revision; the timeline
 * panel shows the pair's actions; the take-over and cancel-window dialogs.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import React from 'react';
import { render } from 'ink-testing-library';
import { Sim } from '../../src/sim/sim.js';
import { VirtualClock } from '../../src/sim/clock.js';
import { R } from '../../src/sim/resources.js';
import { installScenario } from '../../src/sim/scenarios.js';
import { DeriveMemo, deriveViewModel, emptyViewModel } from '../../src/derive/derive.js';
import { PENDING_ANNOTATION } from '../../src/kube/lease.js';
import { clockTime } from '../../src/model/verdict.js';
import { refuse } from '../../src/actions/types.js';
import { Releases } from '../../views/screens/Releases.js';
import { ReleaseDetail } from '../../views/screens/ReleaseDetail.js';
import { dialogLines } from '../../views/widgets/ActionDialog.js';
import { snapshotOfSim } from '../helpers/snapshot.js';

const text = (lines: ReturnType<typeof dialogLines>) => lines.map((l) => l.map((s) => s.text).join('')).join('\n');

test('row and detail: driven by, the pending countdown, the leader Lease, the pair timeline', async () => {
  const sim = new Sim({ clock: new VirtualClock() });
  installScenario(sim, 'leader');
  await sim.advance(20_000);
  const now = sim.clock.now();
  const micro = (ms: number) => new Date(ms).toISOString().replace('Z', '000Z');
  sim.store.create(R.leases, {
    apiVersion: 'coordination.k8s.io/v1',
    kind: 'Lease',
    metadata: {
      name: 'cutover-driver-sched',
      namespace: 'default',
      annotations: { [PENDING_ANNOTATION]: JSON.stringify({ action: 'restart', title: 'restart sched', by: 'alice@a', at: new Date(now).toISOString(), fireAt: new Date(now + 5000).toISOString() }) },
    },
    spec: { holderIdentity: 'alice@a', leaseDurationSeconds: 60, acquireTime: micro(now - 60_000), renewTime: micro(now) },
  });
  sim.store.create(R.events, {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { name: 'sched.cutover.1', namespace: 'default' },
    involvedObject: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'sched', namespace: 'default' },
    reason: 'CutoverScale',
    message: 'bob: scale sched: 3 -> 4',
    type: 'Normal',
    reportingComponent: 'cutover',
    lastTimestamp: new Date(now - 1000).toISOString(),
  });
  const view = deriveViewModel(snapshotOfSim(sim, 'default'), new DeriveMemo(), now);
  const sched = view.releases.find((r) => r.name === 'sched')!;
  const since = clockTime(now - 60_000).slice(0, 5);

  const row = render(<Releases rows={[sched]} cursor={0} width={200} height={4} allNamespaces={false} filtered={false} now={now} />).lastFrame()!;
  assert.match(row, new RegExp(`pending: restart sched fires in 5 s \\(alice@a\\) · driven by alice@a since ${since}`));
  // Once the lock has run out (no flush since), nobody drives any more.
  const later = render(<Releases rows={[sched]} cursor={0} width={200} height={4} allNamespaces={false} filtered={false} now={now + 61_000} />).lastFrame()!;
  assert.doesNotMatch(later, /driven by/);

  const detail = render(<ReleaseDetail release={sched} panel={1} cursor={0} width={160} height={40} now={now} />).lastFrame()!;
  assert.match(detail, new RegExp(`driven by alice@a since ${since}`));
  assert.match(detail, /⏳ pending: restart sched fires in 5 s/);
  assert.match(detail, /leader sched-leader: sched-\S+ rev 1 \(new ReplicaSet\)/);
  assert.match(detail, /pair timeline, newest first/);
  assert.match(detail, /bob {2}action {4}scale sched: 3 -> 4/);
  await sim.stop();
});

test('the take-over prompt and the cancel window countdown', () => {
  const plan = refuse({ action: 'restart', title: 'restart web', namespace: 'default', subject: 'web' }, 'x');
  const takeover = text(dialogLines({ kind: 'takeover', releaseKey: 'default/rolling/web', release: 'web', holder: 'alice@a', text: 'lunch' }, emptyViewModel(), 100, 0));
  assert.match(takeover, /\? take over: drive web instead of alice@a/);
  assert.match(takeover, /reason: lunch█/);
  const grace = text(dialogLines({ kind: 'grace', plan: { ...plan, refusal: undefined }, request: { key: 'restart', releaseKey: 'default/rolling/web' }, fireAt: 4200 }, emptyViewModel(), 100, 0));
  assert.match(grace, /⏳ restart web {2}fires in 5 s/);
  assert.match(grace, /Esc cancel/);
  const refused = text(dialogLines({ kind: 'refused', plan: { ...plan, refusal: 'driven by alice@a since 14:02: T takes over' }, request: { key: 'restart', releaseKey: 'default/rolling/web' }, overridable: false, drivenBy: 'alice@a' }, emptyViewModel(), 100, 0));
  assert.match(refused, /T take over from alice@a/);
});
