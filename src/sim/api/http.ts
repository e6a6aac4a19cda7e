/** Small HTTP helpers: JSON responses, Status errors, request bodies. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApiError } from '../errors.js';

export const MAX_BODY = 16 * 1024 * 1024;

export function sendJson(res: ServerResponse, code: number, body: unknown): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  if (res.headersSent) {
    res.end();
    return;
  }
  res.writeHead(code, {
    'Content-Type': 'application/json',
    'Cache-Control': 'no-cache, private',
    'Content-Length': Buffer.byteLength(text),
  });
  res.end(text);
}

export function sendText(res: ServerResponse, code: number, text: string, type = 'text/plain'): void {
  res.writeHead(code, { 'Content-Type': type, 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

export function sendError(res: ServerResponse, err: unknown): void {
  const e = err instanceof ApiError ? err : new ApiError(500, 'InternalError', `Internal error occurred: ${(err as Error)?.message ?? err}`);
  sendJson(res, e.code, e.toStatus());
}

export function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        reject(new ApiError(413, 'BadRequest', 'the request body is too large'));
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** Parses a JSON request body into an object, answering 400 as the apiserver does when it cannot. */
export function parseJsonObject(buf: Buffer, what = 'body'): any {
  let v: unknown;
  try {
    v = JSON.parse(buf.toString('utf8'));
  } catch (err) {
    throw new ApiError(400, 'BadRequest', `the ${what} could not be decoded: ${(err as Error).message}`);
  }
  return v;
}

export function mediaType(header: string | undefined): string {
  return (header ?? '').split(';')[0].trim().toLowerCase();
}

/** One media range of an Accept header with its parameters. */
export interface AcceptRange {
  type: string;
  params: Record<string, string>;
}

export function parseAccept(header: string | undefined): AcceptRange[] {
  if (!header) return [];
  return header.split(',').map((part) => {
    const [type, ...rest] = part.split(';').map((s) => s.trim());
    const params: Record<string, string> = {};
    for (const p of rest) {
      const i = p.indexOf('=');
      if (i > 0) params[p.slice(0, i).trim()] = p.slice(i + 1).trim();
    }
    return { type: type.toLowerCase(), params };
  });
}

/** True when the client asks for a meta.k8s.io Table (kubectl get). */
export function wantsTable(header: string | undefined): boolean {
  for (const r of parseAccept(header)) {
    if (r.params.as === 'Table' && r.params.g === 'meta.k8s.io' && (r.params.v === 'v1' || r.params.v === 'v1beta1')) return true;
    if (r.type === 'application/json' && !r.params.as) return false;
  }
  return false;
}

/** True when the client accepts PartialObjectMetadata(List). */
export function wantsPartialMetadata(header: string | undefined): boolean {
  for (const r of parseAccept(header)) {
    if ((r.params.as === 'PartialObjectMetadata' || r.params.as === 'PartialObjectMetadataList') && r.params.g === 'meta.k8s.io') return true;
    if (r.type === 'application/json' && !r.params.as) return false;
  }
  return false;
}
