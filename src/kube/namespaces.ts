/** Whether a namespace exists, for the warning after `:ns NAME` or `-n NAME` (an empty list looks the same as a typo). */
import { CoreV1Api, type KubeConfig } from '@kubernetes/client-node';
import { statusCode } from './errors.js';

/** missing: the API server said 404; unknown: it could not be asked (no get on namespaces, unreachable). */
export type NamespaceCheck = 'exists' | 'missing' | 'unknown';

export async function checkNamespace(kc: KubeConfig, namespace: string): Promise<NamespaceCheck> {
  try {
    await kc.makeApiClient(CoreV1Api).readNamespace({ name: namespace });
    return 'exists';
  } catch (err) {
    return statusCode(err) === 404 ? 'missing' : 'unknown';
  }
}
