/** Maps a request path onto a served resource: which kind, namespace, name and subresource. */
import { RESOURCES, type ResourceType } from '../resources.js';

export interface ResourceRoute {
  rt: ResourceType;
  namespace?: string; // set for namespaced paths (and for namespace objects' own name via `name`)
  name?: string;
  subresource?: string;
  /** Legacy `/api/v1/watch/...` form. */
  legacyWatch?: boolean;
}

export type Route =
  | { type: 'resource'; route: ResourceRoute }
  | { type: 'groupversion'; group: string; version: string }
  | { type: 'group'; group: string }
  | { type: 'notfound' };

function groupHasVersion(group: string, version: string): boolean {
  return RESOURCES.some((t) => t.group === group && t.version === version);
}

/** `segments` are the decoded path parts. */
export function route(segments: string[]): Route {
  let group: string;
  let version: string;
  let rest: string[];
  if (segments[0] === 'api') {
    if (segments.length < 2) return { type: 'notfound' };
    group = '';
    version = segments[1];
    rest = segments.slice(2);
  } else if (segments[0] === 'apis') {
    if (segments.length === 2) return RESOURCES.some((t) => t.group === segments[1]) ? { type: 'group', group: segments[1] } : { type: 'notfound' };
    if (segments.length < 3) return { type: 'notfound' };
    group = segments[1];
    version = segments[2];
    rest = segments.slice(3);
  } else return { type: 'notfound' };
  if (!groupHasVersion(group, version)) return { type: 'notfound' };
  if (rest.length === 0) return { type: 'groupversion', group, version };

  let legacyWatch = false;
  if (rest[0] === 'watch') {
    legacyWatch = true;
    rest = rest.slice(1);
  }
  const find = (resource: string) => RESOURCES.find((t) => t.group === group && t.version === version && t.resource === resource);

  // namespaces/{ns}/{resource}/... for namespaced kinds; namespaces/{name}[/status|finalize] for the namespace itself
  if (rest[0] === 'namespaces' && rest.length >= 3) {
    const inner = find(rest[2]);
    if (inner && inner.namespaced) {
      if (rest.length > 5) return { type: 'notfound' };
      return { type: 'resource', route: { rt: inner, namespace: rest[1], name: rest[3], subresource: rest[4], legacyWatch } };
    }
  }
  const rt = find(rest[0]);
  if (!rt || rest.length > 3) return { type: 'notfound' };
  return { type: 'resource', route: { rt, name: rest[1], subresource: rest[2], legacyWatch } };
}
