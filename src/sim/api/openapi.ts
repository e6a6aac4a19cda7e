/** /openapi/v2 and /openapi/v3 (placeholder: 404 until kubectl needs more). */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApiError } from '../errors.js';

export function serveOpenApi(_req: IncomingMessage, _res: ServerResponse, _segments: string[]): void {
  throw new ApiError(404, 'NotFound', 'the server could not find the requested resource');
}
