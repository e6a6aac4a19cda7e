/**
 * A TCP proxy between a client and the sim that can fail the way networks do: refuse (nothing
 * listens on its port, open connections are cut), stall (connections are accepted and kept,
 * but no byte moves either way), and resume. TLS passes through untouched.
 */
import { createServer, connect, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

export type ProxyMode = 'forward' | 'refuse' | 'stall';

interface Pair {
  client: Socket;
  upstream: Socket;
  /** Bytes held while stalled, per direction. */
  toUpstream: Buffer[];
  toClient: Buffer[];
}

export class FaultyProxy {
  private server?: Server;
  private readonly pairs = new Set<Pair>();
  mode: ProxyMode = 'forward';
  port = 0;

  constructor(
    /** Where the sim listens; may change when it restarts. */
    public target: { host: string; port: number },
  ) {}

  /** Starts listening (on `port`, or a free one); resolves with the port. */
  async listen(port = this.port): Promise<number> {
    const server = createServer((client) => this.accept(client));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
    this.server = server;
    this.port = (server.address() as AddressInfo).port;
    return this.port;
  }

  /** Rewrites a kubeconfig's server URL to go through the proxy. */
  rewrite(kubeconfig: string): string {
    return kubeconfig.replace(/server: https:\/\/[^\s]+/g, `server: https://127.0.0.1:${this.port}`);
  }

  /** Connection refused from now on: the port closes and open connections are cut. */
  async refuse(): Promise<void> {
    this.mode = 'refuse';
    for (const p of this.pairs) this.cut(p);
    await this.closeServer();
  }

  /** Accept but move nothing: open and new connections hang until resume(). */
  stall(): void {
    this.mode = 'stall';
  }

  /** Forward again (reopening the port after refuse()); bytes held during a stall flow on. */
  async resume(): Promise<void> {
    const wasRefusing = this.mode === 'refuse';
    this.mode = 'forward';
    for (const p of this.pairs) this.flush(p);
    if (wasRefusing) await this.listen(this.port);
  }

  async close(): Promise<void> {
    for (const p of this.pairs) this.cut(p);
    await this.closeServer();
  }

  private accept(client: Socket): void {
    const upstream = connect(this.target.port, this.target.host);
    const pair: Pair = { client, upstream, toUpstream: [], toClient: [] };
    this.pairs.add(pair);
    client.on('data', (d) => (this.mode === 'stall' ? pair.toUpstream.push(d) : upstream.write(d)));
    upstream.on('data', (d) => (this.mode === 'stall' ? pair.toClient.push(d) : client.write(d)));
    const end = () => {
      // A peer that goes away while stalled stays unnoticed, as on a dead network path.
      if (this.mode === 'stall') return;
      this.cut(pair);
    };
    client.on('close', end);
    upstream.on('close', end);
    client.on('error', () => {});
    upstream.on('error', () => {});
  }

  private flush(p: Pair): void {
    for (const d of p.toUpstream.splice(0)) p.upstream.write(d);
    for (const d of p.toClient.splice(0)) p.client.write(d);
    if (p.client.destroyed || p.upstream.destroyed) this.cut(p);
  }

  private cut(p: Pair): void {
    p.client.destroy();
    p.upstream.destroy();
    this.pairs.delete(p);
  }

  private async closeServer(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
