/** Turns client errors into one line that says what failed and what to try. */
export type FailureKind = 'unreachable' | 'certificate' | 'unauthorized' | 'forbidden' | 'notfound' | 'other';

export interface Failure {
  kind: FailureKind;
  message: string;
  hint: string;
  /** The cause in a few words, for the header ("connection refused", "certificate not trusted"). */
  reason: string;
}

export function describeFailure(err: unknown, where: { server?: string; what?: string; user?: string } = {}): Failure {
  const e = err as { name?: string; code?: number | string; statusCode?: number; body?: unknown; message?: string; cause?: { name?: string; code?: string; message?: string } };
  const status = typeof e?.code === 'number' ? e.code : e?.statusCode;
  const body = parseBody(e?.body);
  const what = where.what ?? 'the cluster';
  const server = where.server ?? 'the API server';
  if (status === 401) {
    return { kind: 'unauthorized', reason: 'credentials rejected (401)', message: `credentials rejected (401) while reading ${what}`, hint: 'your token or certificate has expired or is wrong: log in again or pick another --context' };
  }
  if (status === 403) {
    return { kind: 'forbidden', reason: 'forbidden (403)', message: body?.message ?? `forbidden (403) while reading ${what}`, hint: 'ask for read access to this namespace, or switch with :ns NAME' };
  }
  if (status === 404) {
    return { kind: 'notfound', reason: 'not found (404)', message: body?.message ?? `not found (404) while reading ${what}`, hint: 'check the namespace exists (:ns NAME) and the cluster serves this API' };
  }
  if (e?.name === 'TimeoutError' || e?.cause?.name === 'TimeoutError') {
    return { kind: 'unreachable', reason: 'no answer in time', message: `${server} does not answer (no answer in time)`, hint: 'the connection stalled or the server is overloaded (headless: raise --request-timeout); cutover keeps retrying' };
  }
  const net = e?.cause?.code ?? (typeof e?.code === 'string' ? e.code : undefined);
  const cert = CERTIFICATE_WORDS[net ?? ''];
  if (cert) {
    return { kind: 'certificate', reason: cert, message: `cannot trust ${server} (${cert})`, hint: "the server's certificate does not match the kubeconfig's certificate-authority: check the context, or refresh the kubeconfig" };
  }
  if (net || /fetch failed|ECONNREFUSED|ENOTFOUND|socket|network|EHOSTUNREACH|ETIMEDOUT/i.test(String(e?.message))) {
    const reason = NETWORK_WORDS[net ?? ''] ?? net ?? e?.cause?.message ?? e?.message ?? 'network error';
    return { kind: 'unreachable', reason, message: `cannot reach ${server} (${reason})`, hint: 'check the cluster is up and your network or VPN; cutover keeps retrying' };
  }
  const msg = body?.message ?? (status ? `HTTP ${status}` : (e?.message ?? String(err)));
  return { kind: 'other', reason: status ? `HTTP ${status}` : firstLine(msg).slice(0, 60), message: `${what}: ${firstLine(msg)}`, hint: 'cutover keeps retrying' };
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

/** TLS verification failures (node's error codes): the server is there but not the one the kubeconfig trusts. */
const CERTIFICATE_WORDS: Record<string, string> = {
  DEPTH_ZERO_SELF_SIGNED_CERT: 'certificate not trusted',
  SELF_SIGNED_CERT_IN_CHAIN: 'certificate not trusted',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'certificate not trusted',
  UNABLE_TO_GET_ISSUER_CERT: 'certificate not trusted',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'certificate not trusted',
  CERT_SIGNATURE_FAILURE: 'certificate not trusted',
  CERT_HAS_EXPIRED: 'certificate expired',
  CERT_NOT_YET_VALID: 'certificate not yet valid',
  ERR_TLS_CERT_ALTNAME_INVALID: 'certificate is for another host',
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
