import type { V1Deployment, V1Service } from '@kubernetes/client-node';
import { compareText } from './compare.js';
import { equalitySelectorMatches, LabelIndex, type Labels } from './selectors.js';

export type ReleaseKind = 'rolling' | 'canary' | 'bluegreen';

interface ReleaseBase {
  /** Unique within a namespace: `${kind}/${name}`. */
  id: string;
  kind: ReleaseKind;
  /** The Service's name for pairs, the Deployment's for a plain rolling release. */
  name: string;
  service?: string;
  /** Deployment names in this release, sorted. */
  deployments: string[];
}

export interface RollingRelease extends ReleaseBase {
  kind: 'rolling';
  deployment: string;
}

export interface CanaryRelease extends ReleaseBase {
  kind: 'canary';
  service: string;
  stable: string;
  canary: string;
}

export interface BlueGreenRelease extends ReleaseBase {
  kind: 'bluegreen';
  service: string;
  live: string;
  idle: string;
  /** The template label the Service selector switches on, e.g. `version`. */
  switchKey: string;
  liveValue: string;
  idleValue: string;
}

export type Release = RollingRelease | CanaryRelease | BlueGreenRelease;

export const TRACK_LABEL = 'track';
export const CANARY_SUFFIX = '-canary';
/** Keys that name the app itself; a Service switching on one of these is not a colour flip. */
const IDENTITY_KEYS = new Set(['app', 'app.kubernetes.io/name', 'k8s-app', 'name']);

const nameOf = (obj: { metadata?: { name?: string } }): string => obj.metadata?.name ?? '';
const byName = <T extends { metadata?: { name?: string } }>(a: T, b: T): number => compareText(nameOf(a), nameOf(b));
const templateLabels = (d: V1Deployment): Labels => d.spec?.template?.metadata?.labels;

function sameNamespace(a: { metadata?: { namespace?: string } }, b: { metadata?: { namespace?: string } }): boolean {
  const x = a.metadata?.namespace;
  const y = b.metadata?.namespace;
  return x === undefined || y === undefined || x === y;
}

function isCanaryDeployment(d: V1Deployment): boolean {
  return templateLabels(d)?.[TRACK_LABEL] === 'canary' || nameOf(d).endsWith(CANARY_SUFFIX);
}

/** From Deployments a Service selects, the stable partner for a canary Deployment, if any. */
function stablePartner(canary: V1Deployment, candidates: readonly V1Deployment[]): V1Deployment | undefined {
  const others = candidates.filter((d) => d !== canary && !isCanaryDeployment(d));
  const base = nameOf(canary).endsWith(CANARY_SUFFIX) ? nameOf(canary).slice(0, -CANARY_SUFFIX.length) : undefined;
  return (
    others.find((d) => templateLabels(d)?.[TRACK_LABEL] === 'stable') ??
    others.find((d) => base !== undefined && (nameOf(d) === base || nameOf(d) === `${base}-stable`)) ??
    (others.length === 1 ? others[0] : undefined)
  );
}

/**
 * The one key whose value differs between two label sets with the same keys, or undefined when
 * they differ in more than one way (or not at all).
 */
export function singleDifferingKey(a: Labels, b: Labels): string | undefined {
  const ka = Object.keys(a ?? {});
  const kb = Object.keys(b ?? {});
  if (ka.length !== kb.length || !ka.every((k) => Object.hasOwn(b ?? {}, k))) return undefined;
  const differing = ka.filter((k) => a![k] !== b![k]);
  return differing.length === 1 ? differing[0] : undefined;
}

function withoutKey(selector: Record<string, string>, key: string): Record<string, string> {
  const rest = { ...selector };
  delete rest[key];
  return rest;
}

function sortedPair(a: string, b: string): string[] {
  return [a, b].sort(compareText);
}

/**
 * Groups a namespace's Deployments into releases. Each Deployment lands in exactly one release:
 * canary pairs are found first, then blue-green pairs, and every Deployment left is a plain
 * rolling release (with the first Service, by name, that selects it).
 */
export function detectReleases(deployments: Iterable<V1Deployment>, services: Iterable<V1Service>): Release[] {
  const allDeployments = [...deployments].sort(byName);
  const allServices = [...services].sort(byName);
  const byLabels = new LabelIndex(allDeployments, templateLabels);
  const position = new Map(allDeployments.map((d, i) => [d, i]));
  const claimed = new Set<V1Deployment>();
  const releases: Release[] = [];
  const selectedBy = (svc: V1Service, selector: Labels = svc.spec?.selector) => byLabels.matching(selector).filter((d) => sameNamespace(svc, d));
  const unclaimedSelectedBy = (svc: V1Service) => selectedBy(svc).filter((d) => !claimed.has(d));

  for (const svc of allServices) {
    const selected = unclaimedSelectedBy(svc);
    if (selected.length < 2) continue;
    for (const canary of selected.filter(isCanaryDeployment)) {
      if (claimed.has(canary)) continue;
      const stable = stablePartner(
        canary,
        selected.filter((d) => !claimed.has(d)),
      );
      if (!stable) continue;
      claimed.add(canary).add(stable);
      const name = nameOf(svc);
      releases.push({
        id: `canary/${name}`,
        kind: 'canary',
        name,
        service: name,
        deployments: sortedPair(nameOf(stable), nameOf(canary)),
        stable: nameOf(stable),
        canary: nameOf(canary),
      });
      break;
    }
  }

  for (const svc of allServices) {
    const selector = svc.spec?.selector ?? {};
    const selected = unclaimedSelectedBy(svc);
    if (selected.length !== 1) continue;
    const live = selected[0];
    // The idle side matches the selector but for its colour key: what stays of the selector
    // without that key must still name both sides.
    const candidates = new Set(Object.keys(selector).flatMap((key) => selectedBy(svc, withoutKey(selector, key))));
    const idle = [...candidates]
      .sort((a, b) => position.get(a)! - position.get(b)!)
      .find((d) => {
        if (d === live || claimed.has(d)) return false;
        const key = singleDifferingKey(templateLabels(live), templateLabels(d));
        return key !== undefined && Object.hasOwn(selector, key) && !IDENTITY_KEYS.has(key) && equalitySelectorMatches(withoutKey(selector, key), templateLabels(d));
      });
    if (!idle) continue;
    const switchKey = singleDifferingKey(templateLabels(live), templateLabels(idle))!;
    claimed.add(live).add(idle);
    const name = nameOf(svc);
    releases.push({
      id: `bluegreen/${name}`,
      kind: 'bluegreen',
      name,
      service: name,
      deployments: sortedPair(nameOf(live), nameOf(idle)),
      live: nameOf(live),
      idle: nameOf(idle),
      switchKey,
      liveValue: templateLabels(live)![switchKey],
      idleValue: templateLabels(idle)![switchKey],
    });
  }

  // A plain Deployment's Service: the first, by name, that selects it.
  const firstService = new Map<V1Deployment, V1Service>();
  for (const svc of allServices) for (const d of selectedBy(svc)) if (!firstService.has(d)) firstService.set(d, svc);
  for (const d of allDeployments) {
    if (claimed.has(d)) continue;
    const svc = firstService.get(d);
    releases.push({
      id: `rolling/${nameOf(d)}`,
      kind: 'rolling',
      name: nameOf(d),
      ...(svc ? { service: nameOf(svc) } : {}),
      deployments: [nameOf(d)],
      deployment: nameOf(d),
    });
  }

  const kindOrder: Record<ReleaseKind, number> = { rolling: 0, canary: 1, bluegreen: 2 };
  return releases.sort((a, b) => compareText(a.name, b.name) || kindOrder[a.kind] - kindOrder[b.kind]);
}

/** The release a Deployment belongs to, by Deployment name. */
export function releaseByDeployment(releases: readonly Release[]): Map<string, Release> {
  const map = new Map<string, Release>();
  for (const r of releases) for (const d of r.deployments) map.set(d, r);
  return map;
}
