/**
 * Plain GETs against the API server with client-node's authentication (token, client
 * certificate, exec plugin, CA): raw JSON, no typed deserialization. A session reuses one
 * connection for several requests (the pages of a list) and closes it when done.
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

export interface GetSession {
  /** GET `path` (with its query), resolving with the parsed JSON body; throws HttpStatusError on a non-2xx answer. */
  json<T>(path: string, signal?: AbortSignal): Promise<T>;
  /** The status of GET `path` (the body is discarded); throws on network failure only. */
  status(path: string, signal?: AbortSignal): Promise<number>;
  close(): void;
}

export async function openSession(kc: KubeConfig): Promise<GetSession> {
  const server = kc.getCurrentCluster()?.server;
  if (!server) throw new Error('the kubeconfig has no current cluster');
  // applySecurityAuthentication builds a fresh dispatcher (TLS options) each call: take one for the session.
  const auth = new RequestContext(server, HttpMethod.GET);
  await kc.applySecurityAuthentication(auth);
  const dispatcher: Dispatcher | undefined = auth.getDispatcher();
  const request = async (path: string, signal?: AbortSignal) => {
    const ctx = new RequestContext(server + path, HttpMethod.GET);
    await kc.applySecurityAuthentication(ctx);
    // The per-call dispatcher is never used, so it never opens a connection.
    return fetch(server + path, { method: 'GET', headers: { ...ctx.getHeaders(), Accept: 'application/json' }, dispatcher, signal });
  };
  return {
    async json<T>(path: string, signal?: AbortSignal): Promise<T> {
      const res = await request(path, signal);
      const text = await res.text();
      if (res.status < 200 || res.status >= 300) throw new HttpStatusError(res.status, text);
      return JSON.parse(text) as T;
    },
    async status(path: string, signal?: AbortSignal): Promise<number> {
      const res = await request(path, signal);
      await res.body?.cancel().catch(() => {});
      return res.status;
    },
    close() {
      void dispatcher?.destroy().catch(() => {});
    },
  };
}
