/**
 * The two sides a guard compares, from a release as the view model describes it (typed here by
 * shape only: this layer sits below derive): the canary against the stable Deployment, the live
 * colour against the idle one, the new ReplicaSet's pods against the old ones'.
 */
import type { V1Deployment } from '@kubernetes/client-node';
import type { DeploymentReplicaSets, Release } from '../model/index.js';

export interface ScrapeOptions {
  /** Overrides `prometheus.io/port` (default: the pod's first container port). */
  port?: string;
  /** Overrides `prometheus.io/path` (default /metrics). */
  path?: string;
}

export interface PodTarget {
  name: string;
  /** `NAME[:PORT]` or `https:NAME:PORT`, as the API server's pod proxy takes it. */
  proxyId: string;
  path: string;
}

export interface SideTarget {
  /** `canary`, `stable`, `live blue`, `new ReplicaSet web-5d8f`... */
  label: string;
  deployment: string;
  /** The Deployment's annotations (`cutover.io/metric.<name>` overrides). */
  annotations: Record<string, string>;
  pods: PodTarget[];
}

export interface ReleaseSides {
  namespace: string;
  release: string;
  candidate: SideTarget;
  baseline?: SideTarget;
}

/** The parts of derive's ReleaseView this needs. */
export interface ReleaseShape {
  name: string;
  namespace: string;
  release: Release;
  deployments: {
    name: string;
    deployment: V1Deployment;
    replicaSets: DeploymentReplicaSets;
    pods: { name: string; replicaSet?: string; status: string; terminating: boolean }[];
  }[];
}

type DeploymentShape = ReleaseShape['deployments'][number];

function podTarget(name: string, templateAnnotations: Record<string, string>, o: ScrapeOptions): PodTarget {
  const port = o.port ?? templateAnnotations['prometheus.io/port'];
  const scheme = templateAnnotations['prometheus.io/scheme'];
  const proxyId = scheme === 'https' && port ? `https:${name}:${port}` : port ? `${name}:${port}` : name;
  return { name, proxyId, path: o.path ?? templateAnnotations['prometheus.io/path'] ?? '/metrics' };
}

function side(d: DeploymentShape, label: string, o: ScrapeOptions, rsFilter?: (rs: string | undefined) => boolean): SideTarget {
  const templates = new Map(d.replicaSets.owned.map((rs) => [rs.metadata?.name, rs.spec?.template?.metadata?.annotations ?? {}]));
  const pods = d.pods
    .filter((p) => p.status === 'Running' && !p.terminating && (!rsFilter || rsFilter(p.replicaSet)))
    .map((p) => podTarget(p.name, templates.get(p.replicaSet) ?? d.deployment.spec?.template?.metadata?.annotations ?? {}, o));
  return { label, deployment: d.name, annotations: d.deployment.metadata?.annotations ?? {}, pods };
}

export function releaseSides(r: ReleaseShape, o: ScrapeOptions = {}): ReleaseSides {
  const byName = (n: string) => r.deployments.find((d) => d.name === n)!;
  const base = { namespace: r.namespace, release: r.name };
  const rel = r.release;
  if (rel.kind === 'canary') return { ...base, candidate: side(byName(rel.canary), 'canary', o), baseline: side(byName(rel.stable), 'stable', o) };
  if (rel.kind === 'bluegreen') return { ...base, candidate: side(byName(rel.live), `live ${rel.liveValue}`, o), baseline: side(byName(rel.idle), `idle ${rel.idleValue}`, o) };
  const d = byName(rel.deployment);
  const fresh = d.replicaSets.newRS?.metadata?.name;
  const candidate = side(d, `new ReplicaSet ${fresh ?? '(none yet)'}`, o, (rs) => rs === fresh);
  const old = side(d, 'old ReplicaSets', o, (rs) => rs !== fresh);
  return { ...base, candidate, ...(old.pods.length ? { baseline: old } : {}) };
}

/** `a|b|c` for PromQL's `pod=~"{{pods}}"`, regex-escaped. */
export const podsRegex = (s: SideTarget): string => s.pods.map((p) => p.name.replace(/[.*+?^${}()|[\]\\]/g, '\\\\$&')).join('|');
