/** More users of the sim (alice, bob, carol denied Leases) and their KubeConfigs, for the pair flows. */
import { KubeConfig } from '@kubernetes/client-node';
import type { User } from '../../src/sim/api/authz.js';
import type { TestSim } from './sim.js';

export const PAIR_USERS: Record<'alice' | 'bob' | 'carol', { token: string; user: User }> = {
  alice: { token: 'alice-token', user: { username: 'alice', groups: ['system:authenticated'], readOnly: false } },
  bob: { token: 'bob-token', user: { username: 'bob', groups: ['system:authenticated'], readOnly: false } },
  carol: { token: 'carol-token', user: { username: 'carol', groups: ['system:authenticated'], readOnly: false, denied: ['leases'] } },
};

/** The `users` option of startSim for PAIR_USERS. */
export const pairUsers = (): Map<string, User> => new Map(Object.values(PAIR_USERS).map((u) => [u.token, u.user]));

/** A KubeConfig of the sim as one of PAIR_USERS (same cluster and CA, the user's bearer token). */
export function kubeConfigAs(t: TestSim, name: keyof typeof PAIR_USERS, namespace = 'default'): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: t.kc.clusters,
    users: [{ name, token: PAIR_USERS[name].token }],
    contexts: [{ name, cluster: t.kc.clusters[0].name, user: name, namespace }],
    currentContext: name,
  });
  return kc;
}
