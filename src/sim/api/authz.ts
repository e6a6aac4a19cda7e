/** Authentication (bearer tokens) and the simulator's one authorization rule: read-only users may only read. */
import type { IncomingMessage } from 'node:http';
import { ApiError } from '../errors.js';

export interface User {
  username: string;
  groups: string[];
  readOnly: boolean;
  /** Resources this user may not touch at all (any verb), e.g. ['cronjobs'] or ['pods/proxy']. */
  denied?: string[];
}

export interface Auth {
  users: Map<string, User>; // bearer token -> user
}

export const READ_VERBS = new Set(['get', 'list', 'watch']);

export function authenticate(req: IncomingMessage, auth: Auth): User {
  const header = req.headers.authorization ?? '';
  const m = header.match(/^Bearer\s+(.+)$/i);
  const user = m ? auth.users.get(m[1].trim()) : undefined;
  if (!user) throw new ApiError(401, 'Unauthorized', 'Unauthorized');
  return user;
}

export interface Attributes {
  verb: string;
  resource: string;
  group: string;
  subresource?: string;
  namespace?: string;
  name?: string;
}

export function allowed(user: User, a: Attributes): boolean {
  if (user.denied?.includes(a.resource) || (a.subresource && user.denied?.includes(`${a.resource}/${a.subresource}`))) return false;
  return !user.readOnly || READ_VERBS.has(a.verb);
}

/** The apiserver's Forbidden message, e.g. `deployments.apps "web" is forbidden: User "x" cannot patch resource "deployments" in API group "apps" in the namespace "default"`. */
export function forbidden(user: User, a: Attributes): ApiError {
  const qualified = a.group ? `${a.resource}.${a.group}` : a.resource;
  const subject = a.name ? `${qualified} "${a.name}"` : qualified;
  const res = a.subresource ? `${a.resource}/${a.subresource}` : a.resource;
  const scope = a.namespace ? ` in the namespace "${a.namespace}"` : ' at the cluster scope';
  return new ApiError(403, 'Forbidden', `${subject} is forbidden: User "${user.username}" cannot ${a.verb} resource "${res}" in API group "${a.group}"${scope}`, {
    name: a.name,
    group: a.group || undefined,
    kind: a.resource,
  });
}

export function authorize(user: User, a: Attributes): void {
  if (!allowed(user, a)) throw forbidden(user, a);
}

/** Answers a SelfSubjectAccessReview. */
export function selfSubjectAccessReview(user: User, body: any): any {
  const ra = body?.spec?.resourceAttributes;
  const nra = body?.spec?.nonResourceAttributes;
  let ok: boolean;
  if (ra) ok = allowed(user, { verb: ra.verb ?? '', resource: ra.resource ?? '', group: ra.group ?? '', subresource: ra.subresource || undefined });
  else if (nra) ok = !user.readOnly || ['get', 'head', 'list', 'watch'].includes(nra.verb);
  else ok = false;
  return {
    kind: 'SelfSubjectAccessReview',
    apiVersion: 'authorization.k8s.io/v1',
    metadata: { creationTimestamp: null },
    spec: body?.spec ?? {},
    status: ok
      ? { allowed: true, reason: user.readOnly ? 'cutover-sim: read access granted' : 'cutover-sim: full access (system:masters)' }
      : { allowed: false, reason: `cutover-sim: user "${user.username}" is read-only` },
  };
}
