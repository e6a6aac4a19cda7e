/**
 * RBAC checks at connect: one SelfSubjectAccessReview per verb/resource the cockpit's release
 * actions need. The cockpit disables the keys a user cannot use and says why, instead of letting
 * the write fail with a 403 after the confirm dialog.
 */
import { AuthorizationV1Api, type KubeConfig } from '@kubernetes/client-node';
import { apiMessage } from './errors.js';

/** What the release actions write. */
export type Permission = 'patchDeployments' | 'patchServices' | 'createJobs';

export interface PermissionCheck {
  verb: string;
  group: string;
  resource: string;
}

export const PERMISSIONS: Record<Permission, PermissionCheck> = {
  patchDeployments: { verb: 'patch', group: 'apps', resource: 'deployments' },
  patchServices: { verb: 'patch', group: '', resource: 'services' },
  createJobs: { verb: 'create', group: 'batch', resource: 'jobs' },
};

export interface AccessResult {
  allowed: boolean;
  /** Why not (the API server's reason, or the check's own failure). */
  reason?: string;
}

export type AccessMap = Record<Permission, AccessResult>;

/** `patch deployments.apps` */
export const describePermission = (p: Permission): string => {
  const c = PERMISSIONS[p];
  return `${c.verb} ${c.resource}${c.group ? `.${c.group}` : ''}`;
};

/**
 * Asks the API server, once per permission, whether the current user may do it in `namespace`
 * (undefined: all namespaces). A review that cannot be made counts as allowed: the write itself
 * still meets the real authorizer, and a cluster without the review API must not lose its keys.
 */
export async function checkAccess(kc: KubeConfig, namespace: string | undefined): Promise<AccessMap> {
  const api = kc.makeApiClient(AuthorizationV1Api);
  const entries = await Promise.all(
    (Object.keys(PERMISSIONS) as Permission[]).map(async (p): Promise<[Permission, AccessResult]> => {
      const c = PERMISSIONS[p];
      try {
        const review = await api.createSelfSubjectAccessReview({
          body: {
            apiVersion: 'authorization.k8s.io/v1',
            kind: 'SelfSubjectAccessReview',
            spec: { resourceAttributes: { verb: c.verb, group: c.group, resource: c.resource, ...(namespace ? { namespace } : {}) } },
          },
        });
        const allowed = review.status?.allowed === true && review.status?.denied !== true;
        const why = review.status?.reason || review.status?.evaluationError;
        return [p, allowed ? { allowed } : { allowed, reason: `${describePermission(p)} is not allowed${namespace ? ` in ${namespace}` : ''}${why ? ` (${why})` : ''}` }];
      } catch (err) {
        return [p, { allowed: true, reason: `could not check ${describePermission(p)}: ${apiMessage(err)}` }];
      }
    }),
  );
  return Object.fromEntries(entries) as AccessMap;
}
