/** Turns client errors into one line that says what failed and what to try. */
export type FailureKind = 'unreachable' | 'unauthorized' | 'forbidden' | 'notfound' | 'other';

export interface Failure {
  kind: FailureKind;
  message: string;
  hint: string;
}

export function describeFailure(err: unknown, where: { server?: string; what?: string; user?: string } = {}): Failure {
  const e = err as { code?: number | string; statusCode?: number; body?: unknown; message?: string; cause?: { code?: string; message?: string } };
  const status = typeof e?.code === 'number' ? e.code : e?.statusCode;
  const body = parseBody(e?.body);
  const what = where.what ?? 'the cluster';
  if ((err as Error)?.name === 'TimeoutError') {
    return { kind: 'unreachable', message: `cannot reach ${where.server ?? 'the API server'} (no answer within the request timeout)`, hint: 'check the cluster is up and your network or VPN, or raise --request-timeout' };
  }
  if (status === 401) {
    return { kind: 'unauthorized', message: `credentials rejected (401) while reading ${what}`, hint: 'your token or certificate has expired or is wrong: log in again or pick another --context' };
  }
  if (status === 403) {
    return { kind: 'forbidden', message: body?.message ?? `forbidden (403) while reading ${what}`, hint: 'ask for read access to this namespace, or switch with :ns NAME' };
  }
  if (status === 404) {
    return { kind: 'notfound', message: body?.message ?? `not found (404) while reading ${what}`, hint: 'check the namespace exists (:ns NAME) and the cluster serves this API' };
  }
  const net = e?.cause?.code ?? (typeof e?.code === 'string' ? e.code : undefined);
  if (net || /fetch failed|ECONNREFUSED|ENOTFOUND|socket|network|EHOSTUNREACH|ETIMEDOUT/i.test(String(e?.message))) {
    const reason = NETWORK_WORDS[net ?? ''] ?? net ?? e?.cause?.message ?? e?.message ?? 'network error';
    return { kind: 'unreachable', message: `cannot reach ${where.server ?? 'the API server'} (${reason})`, hint: 'check the cluster is up and your network or VPN; cutover keeps retrying' };
  }
  const msg = body?.message ?? (status ? `HTTP ${status}` : (e?.message ?? String(err)));
  return { kind: 'other', message: `${what}: ${firstLine(msg)}`, hint: 'cutover keeps retrying' };
}

const NETWORK_WORDS: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  ENOTFOUND: 'host not found',
  EHOSTUNREACH: 'host unreachable',
  ETIMEDOUT: 'timed out',
  UND_ERR_SOCKET: 'connection closed by the server',
  UND_ERR_CONNECT_TIMEOUT: 'timed out connecting',
  UND_ERR_HEADERS_TIMEOUT: 'no answer in time',
};

function parseBody(body: unknown): { message?: string } | undefined {
  if (!body) return undefined;
  if (typeof body === 'object') return body as { message?: string };
  try {
    return JSON.parse(String(body));
  } catch {
    return undefined;
  }
}

const firstLine = (s: string) => s.split('\n')[0].slice(0, 300);

export function statusCode(err: unknown): number | undefined {
  const e = err as { code?: unknown; statusCode?: unknown };
  return typeof e?.code === 'number' ? e.code : typeof e?.statusCode === 'number' ? e.statusCode : undefined;
}

/** The Status message of an API error, else the error's own message; one line. */
export function apiMessage(err: unknown): string {
  const e = err as { body?: unknown; message?: string; code?: number };
  let body = e?.body;
  if (typeof body === 'string') {
    try {
      body = JSON.parse(body);
    } catch {
      /* not JSON */
    }
  }
  const msg = (body as { message?: string })?.message ?? e?.message ?? String(err);
  const code = statusCode(err);
  return `${msg.split('\n')[0]}${code ? ` (${code})` : ''}`;
}
