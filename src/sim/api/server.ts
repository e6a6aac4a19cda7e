/** Placeholder until the API server lands: answers 503 to everything. */
import { createServer, type Server } from 'node:http';
import type { SimContext } from '../runtime.js';

export interface User {
  username: string;
  groups: string[];
  readOnly: boolean;
}

export interface Auth {
  users: Map<string, User>; // bearer token -> user
}

export function createApiServer(ctx: SimContext, auth: Auth): Server {
  void ctx;
  void auth;
  return createServer((_req, res) => {
    res.writeHead(503).end();
  });
}
