/**
 * The cockpit's status line against the sim over https: `:ns NAME` of a namespace that does not
 * exist warns (an empty list alone looks like a quiet namespace); notices expire by the clock.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Cockpit } from '../../src/engine/cockpit.js';
import { startSim, waitFor, type TestSim } from '../helpers/sim.js';

describe('cockpit notices', () => {
  let t: TestSim;
  let dir: string;
  const cockpits: Cockpit[] = [];
  before(async () => {
    t = await startSim({ speed: 20 });
    dir = mkdtempSync(join(tmpdir(), 'cutover-notices-'));
  });
  after(async () => {
    for (const c of cockpits) await c.stop();
    await t?.stop();
    rmSync(dir, { recursive: true, force: true });
  });
  const open = (namespace: string, now?: () => number) => {
    const c = new Cockpit({ kc: t.kc, namespace, stateDir: dir, flushIntervalMs: 50, skipAccessCheck: true, ...(now ? { now } : {}) });
    c.start();
    cockpits.push(c);
    return c;
  };

  it(':ns nope warns that the namespace does not exist; an existing one does not', async () => {
    const c = open('default');
    c.switchNamespace('nope');
    const notice = await waitFor(() => (c.store.getState().ui.notice?.level === 'warn' ? c.store.getState().ui.notice : undefined), 10_000, 'the warning');
    assert.match(notice.text, /^namespace nope does not exist in context \S+: nothing to show \(:ns NAME/);
    c.switchNamespace('kube-system');
    await waitFor(() => c.store.getState().health.synced, 10_000, 'synced');
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(c.store.getState().ui.notice?.text, 'namespace kube-system', 'an existing namespace: no warning');
  });

  it('a notice expires after its time (info 5 s, error 8 s) by the engine\'s clock', () => {
    let now = 1_000_000;
    const c = open('default', () => now);
    c.notify('cancelled: undo #2; nothing was changed');
    now += 4_000;
    c.expireNotice();
    assert.equal(c.store.getState().ui.notice?.text, 'cancelled: undo #2; nothing was changed');
    now += 1_000;
    c.expireNotice();
    assert.equal(c.store.getState().ui.notice, undefined);
    c.notify('unknown command :pods', 'error');
    now += 5_000;
    c.expireNotice();
    assert.equal(c.store.getState().ui.notice?.level, 'error');
    now += 3_000;
    c.expireNotice();
    assert.equal(c.store.getState().ui.notice, undefined);
  });
});
