import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, request as httpsRequest } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { KubeConfig } from '@kubernetes/client-node';
import { connect } from '../../src/kube/config.js';
import { ClusterWatch } from '../../src/kube/watch.js';
import { Sim, type SimOptions } from '../../src/sim/sim.js';
import { installScenario } from '../../src/sim/scenarios.js';
import { R } from '../../src/sim/resources.js';
import { endAllWatches } from '../../src/sim/api/watch.js';
import { waitFor } from '../helpers/sim.js';

const names = (w: ClusterWatch) => [...w.objects.deployments.values()].map((d) => d.metadata?.name).sort();

interface FrontHooks {
  /** Runs before a request goes on (it may wait). */
  before?: (url: URL) => Promise<void>;
  /** Takes over passing a response on (true), or leaves it to be piped as is. */
  pass?: (url: URL, up: IncomingMessage, res: ServerResponse) => boolean;
}

/**
 * A sim (speed 20, scenario pdb) behind a TLS front with its certificate that records each request
 * as `PATH list|watch|stream`, and may hold a request or rewrite a response.
 */
async function simBehindFront(options: SimOptions = {}, hooks: FrontHooks = {}) {
  const sim = new Sim({ speed: 20, ...options });
  const upstream = new URL(await sim.listen(0));
  installScenario(sim, 'pdb');
  const requests: string[] = [];
  const server = createServer({ key: sim.tls.key, cert: sim.tls.cert }, async (req, res) => {
    const url = new URL(req.url ?? '/', 'https://front');
    const how = url.searchParams.get('sendInitialEvents') === 'true' ? 'stream' : url.searchParams.get('watch') === 'true' ? 'watch' : 'list';
    requests.push(`${url.pathname} ${how}`);
    await hooks.before?.(url);
    const out = httpsRequest({ host: upstream.hostname, port: upstream.port, path: req.url, method: req.method, headers: req.headers, ca: sim.tls.ca }, (up) => {
      res.writeHead(up.statusCode ?? 502, up.headers);
      if (!hooks.pass?.(url, up, res)) up.pipe(res);
    });
    // The sim stopping under an open request: the client sees its connection end.
    out.on('error', () => res.destroy());
    res.on('close', () => out.destroy());
    req.pipe(out);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const kc = new KubeConfig();
  kc.loadFromString(sim.kubeconfig().replace(upstream.origin, `https://127.0.0.1:${(server.address() as AddressInfo).port}`));
  const close = async () => {
    server.closeAllConnections();
    server.close();
    await sim.stop();
  };
  return { sim, kc, requests, close };
}

/** A promise to hold something on, and the function that lets it go. */
function gate(): { released: Promise<void>; release: () => void } {
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  return { released, release };
}

test('the watch marks data stale when the cluster goes away, says why, and recovers when it is back', async () => {
  const first = new Sim({ speed: 20 });
  const url = await first.listen(0);
  const port = Number(new URL(url).port);
  installScenario(first, 'pdb');
  const kc = new KubeConfig();
  kc.loadFromString(first.kubeconfig());
  let changes = 0;
  const watch = new ClusterWatch(connect(kc, {}), () => changes++);
  watch.start();
  const restarted: Sim[] = [];
  const restart = async (opts: ConstructorParameters<typeof Sim>[0]) => {
    await restarted.at(-1)?.stop();
    const sim = new Sim({ speed: 20, ...opts });
    installScenario(sim, 'canary');
    restarted.push(sim);
    await sim.listen(port);
  };
  const reason = () => watch.health.failure?.reason;
  try {
    await waitFor(() => watch.synced, 10_000, 'first sync');
    assert.deepEqual(names(watch), ['api']);
    assert.equal(watch.lostSince, undefined);

    await first.stop();
    await waitFor(() => reason() === 'connection refused', 10_000, 'the refusal named');
    const down = watch.health;
    assert.ok(down.lostSince !== undefined);
    assert.equal(down.failure!.kind, 'unreachable');
    assert.match(down.failure!.message, /^cannot reach https:\/\/127\.0\.0\.1:\d+ \(connection refused\)$/);
    assert.deepEqual(names(watch), ['api'], 'the last known data stays on screen');

    // Another server on the address, with a certificate the kubeconfig's CA did not sign.
    await restart({ tokens: first.tokens });
    await waitFor(() => reason() === 'certificate not trusted', 10_000, 'the untrusted certificate named');
    assert.equal(watch.health.failure!.kind, 'certificate');
    // The right certificate, but the token is not known there.
    await restart({ tls: first.tls });
    await waitFor(() => reason() === 'credentials rejected (401)', 10_000, 'the rejected credentials named');
    assert.equal(watch.health.failure!.kind, 'unauthorized');
    assert.deepEqual(names(watch), ['api'], 'still the last known data');

    // Same port, tokens and CA: the kubeconfig is valid again; the objects are new ones.
    await restart({ tokens: first.tokens, tls: first.tls });
    await waitFor(() => watch.lostSince === undefined && names(watch).join() === 'shop-canary,shop-stable', 20_000, 'recovery with the new objects');
    assert.equal(watch.health.failure, undefined);
    assert.ok(changes > 0);
  } finally {
    await watch.stop();
    await restarted.at(-1)?.stop();
  }
});

test('kinds the user may not read are settled and named, not a lost watch', async () => {
  const token = 'limited-user-token';
  const sim = new Sim({ speed: 20, users: new Map([[token, { username: 'limited', groups: ['system:authenticated'], readOnly: true, denied: ['cronjobs', 'events'] }]]) });
  await sim.listen(0);
  installScenario(sim, 'pdb');
  const kc = new KubeConfig();
  kc.loadFromString(sim.kubeconfig().replace(sim.tokens.admin, token));
  const watch = new ClusterWatch(connect(kc, {}), () => {});
  watch.start();
  try {
    await waitFor(() => watch.synced, 10_000, 'sync despite the denied kinds');
    assert.deepEqual(watch.denied, ['cronjobs', 'events']);
    assert.equal(watch.lostSince, undefined, 'a denied kind is not a lost watch');
    assert.equal(watch.statuses.events.failure?.kind, 'forbidden');
    assert.match(watch.statuses.events.failure!.message, /User "limited" cannot list resource "events"/);
    await waitFor(() => names(watch).join() === 'api', 10_000, 'the readable kinds arrive');
  } finally {
    await watch.stop();
    await sim.stop();
  }
});

test('paginated lists: a kind counts as synced once its watch is open, not when its list arrives', async () => {
  // Every pods watch held until released.
  const { released, release } = gate();
  let heldWatches = 0;
  const f = await simBehindFront({}, {
    before: async (url) => {
      if (url.pathname.endsWith('/pods') && url.searchParams.get('watch') === 'true') {
        heldWatches++;
        await released;
      }
    },
  });
  const watch = new ClusterWatch(connect(f.kc, {}), () => {}, { streamingList: false });
  watch.start();
  try {
    await waitFor(() => heldWatches > 0 && watch.objects.pods.size > 0 && Object.entries(watch.statuses).filter(([, s]) => !s.synced).map(([k]) => k).join() === 'pods', 10_000, 'every kind watched but pods, whose list is in');
    assert.equal(watch.synced, false, 'pods listed, its watch not open: changes since the list would not show');
    release();
    await waitFor(() => watch.synced, 10_000, 'synced once the pods watch opens');
  } finally {
    release();
    await watch.stop();
    await f.close();
  }
});

test('a streaming list: the objects come as events, and the kind is synced at the bookmark that ends them', async () => {
  const { released, release } = gate();
  // The pods stream passes line by line up to the bookmark that ends its initial events; that line and the rest wait.
  const f = await simBehindFront({}, {
    pass: (url, up, res) => {
      if (!url.pathname.endsWith('/pods') || url.searchParams.get('sendInitialEvents') !== 'true') return false;
      let partial = '';
      let held: string | undefined;
      let open = false;
      up.on('data', (chunk: Buffer) => {
        if (open) return void res.write(chunk);
        if (held !== undefined) return void (held += chunk);
        const lines = (partial + chunk).split('\n');
        partial = lines.pop()!;
        const end = lines.findIndex((l) => l.includes('k8s.io/initial-events-end'));
        const passed = (end < 0 ? lines : lines.slice(0, end)).map((l) => l + '\n').join('');
        res.write(passed);
        if (end < 0) return;
        held = lines.slice(end).map((l) => l + '\n').join('') + partial;
        void released.then(() => {
          res.write(held);
          open = true;
        });
      });
      up.on('end', () => res.end());
      return true;
    },
  });
  const watch = new ClusterWatch(connect(f.kc, {}), () => {});
  watch.start();
  try {
    const unsynced = () => Object.entries(watch.statuses).filter(([, s]) => !s.synced).map(([k]) => k).join();
    await waitFor(() => watch.objects.pods.size > 0 && unsynced() === 'pods', 10_000, 'every kind synced but pods, whose objects are in');
    assert.equal(watch.synced, false, 'the pods are in, the end of their initial events is not: the picture may still be partial');
    release();
    await waitFor(() => watch.synced, 10_000, 'synced at the bookmark');
    assert.deepEqual(f.requests.filter((r) => r.endsWith(' list')), [], 'no kind was listed page by page');
    assert.ok(f.requests.includes('/api/v1/namespaces/default/pods stream'), f.requests.join('\n'));
  } finally {
    release();
    await watch.stop();
    await f.close();
  }
});

test('a server that refuses streaming lists (422: the WatchList feature off, as on Kubernetes 1.33) gets pages and a watch', async () => {
  const f = await simBehindFront({ watchList: false });
  const sim = f.sim;
  const watch = new ClusterWatch(connect(f.kc, {}), () => {});
  watch.start();
  try {
    await waitFor(() => watch.synced, 10_000, 'synced from lists and watches');
    assert.equal(watch.health.failure, undefined);
    assert.deepEqual(names(watch), sim.ctx.store.list(R.deployments).map((d) => d.metadata.name).sort());
    const pods = f.requests.filter((r) => r.startsWith('/api/v1/namespaces/default/pods '));
    assert.deepEqual(pods.slice(0, 3), ['/api/v1/namespaces/default/pods stream', '/api/v1/namespaces/default/pods list', '/api/v1/namespaces/default/pods watch'], 'one refused stream, then a list and a watch');
  } finally {
    await watch.stop();
    await f.close();
  }
});

test('a server before 1.27 takes a streaming list for a plain watch: its first bookmark ends the initial state, and a relist is paginated', async () => {
  const f = await simBehindFront({ watchList: 'ignored' });
  const sim = f.sim;
  const watch = new ClusterWatch(connect(f.kc, {}), () => {});
  watch.start();
  try {
    await waitFor(() => watch.synced, 15_000, 'synced at the first bookmark of each stream');
    assert.deepEqual(names(watch), sim.ctx.store.list(R.deployments).map((d) => d.metadata.name).sort());
    assert.ok(watch.objects.pods.size > 0);
    const pods = () => f.requests.filter((r) => r.startsWith('/api/v1/namespaces/default/pods '));
    assert.deepEqual(pods(), ['/api/v1/namespaces/default/pods stream']);
    // The server forgets its history and ends its watches: the resumed watch gets 410 and the kind relists, in pages.
    sim.ctx.store.create(R.configmaps, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'bump', namespace: 'default' } });
    sim.ctx.store.compact();
    endAllWatches();
    await waitFor(() => pods().length >= 4, 10_000, 'the pods watch resumed, expired and relisted');
    assert.deepEqual(pods().slice(1, 4), ['/api/v1/namespaces/default/pods watch', '/api/v1/namespaces/default/pods list', '/api/v1/namespaces/default/pods watch']);
    await waitFor(() => watch.synced, 10_000, 'synced again');
  } finally {
    await watch.stop();
    await f.close();
  }
});
