/**
 * Plain GETs against the API server with client-node's authentication (token, client
 * certificate, exec plugin, CA): raw JSON, no typed deserialization. One keep-alive connection
 * pool serves every list page and probe of a watch (client-node opens a new TLS connection per
 * request; an API server under load answers fewer handshakes than requests).
 */
import { HttpMethod, RequestContext, type KubeConfig } from '@kubernetes/client-node';
import { fetch, type Dispatcher } from 'undici';

/** An HTTP answer other than 2xx, shaped as describeFailure reads client-node's errors. */
export class HttpStatusError extends Error {
  constructor(
    readonly statusCode: number,
    readonly body: unknown,
  ) {
    super(`HTTP ${statusCode}`);
  }
}

export class ApiGetter {
  private dispatcher?: Promise<Dispatcher | undefined>;
  private readonly server: string;

  constructor(private readonly kc: KubeConfig) {
    const server = kc.getCurrentCluster()?.server;
    if (!server) throw new Error('the kubeconfig has no current cluster');
    this.server = server;
  }

  /** GET `path` (with its query), resolving with the parsed JSON body; throws HttpStatusError on a non-2xx answer. */
  async json<T>(path: string, signal?: AbortSignal): Promise<T> {
    const res = await this.request(path, signal);
    const text = await res.text();
    if (res.status < 200 || res.status >= 300) throw new HttpStatusError(res.status, text);
    return JSON.parse(text) as T;
  }

  /** The status of GET `path` (the body is discarded); throws on network failure only. */
  async status(path: string, signal?: AbortSignal): Promise<number> {
    const res = await this.request(path, signal);
    await res.body?.cancel().catch(() => {});
    return res.status;
  }

  close(): void {
    void this.dispatcher?.then((d) => d?.destroy()).catch(() => {});
    this.dispatcher = undefined;
  }

  private async request(path: string, signal?: AbortSignal) {
    // Headers each time (an exec plugin's token expires); the TLS options once, for the pool.
    const ctx = new RequestContext(this.server + path, HttpMethod.GET);
    await this.kc.applySecurityAuthentication(ctx);
    this.dispatcher ??= Promise.resolve(ctx.getDispatcher());
    const dispatcher = await this.dispatcher;
    return fetch(this.server + path, { method: 'GET', headers: { ...ctx.getHeaders(), Accept: 'application/json' }, dispatcher, signal });
  }
}
