import type { V1LabelSelector, V1LabelSelectorRequirement } from '@kubernetes/client-node';

export type Labels = Readonly<Record<string, string>> | undefined;

/**
 * Service-style selector: an equality map. A Service without a selector (or with an empty one)
 * has no managed endpoints, so it selects nothing.
 */
export function equalitySelectorMatches(selector: Labels, labels: Labels): boolean {
  if (!selector) return false;
  const entries = Object.entries(selector);
  if (entries.length === 0) return false;
  return entries.every(([key, value]) => labels?.[key] === value);
}

/**
 * Objects indexed by their labels, so an equality selector is matched against the objects that
 * carry its rarest pair instead of all of them (a namespace of 1,000 Deployments and 1,000
 * Services is a million tests otherwise, on every flush).
 */
export class LabelIndex<T> {
  private readonly byPair = new Map<string, T[]>();

  constructor(
    items: Iterable<T>,
    private readonly labelsOf: (item: T) => Labels,
  ) {
    for (const item of items) {
      for (const [k, v] of Object.entries(labelsOf(item) ?? {})) {
        const key = pairKey(k, v);
        const list = this.byPair.get(key);
        if (list) list.push(item);
        else this.byPair.set(key, [item]);
      }
    }
  }

  /** What the selector matches (as equalitySelectorMatches), in the order the items were given. */
  matching(selector: Labels): T[] {
    let rarest: T[] | undefined;
    for (const [k, v] of Object.entries(selector ?? {})) {
      const list = this.byPair.get(pairKey(k, v)) ?? [];
      if (!rarest || list.length < rarest.length) rarest = list;
    }
    return rarest ? rarest.filter((item) => equalitySelectorMatches(selector, this.labelsOf(item))) : [];
  }
}

const pairKey = (k: string, v: string) => `${k}\u0000${v}`;

function requirementMatches(req: V1LabelSelectorRequirement, labels: Labels): boolean {
  const has = labels !== undefined && Object.hasOwn(labels, req.key);
  const value = has ? labels![req.key] : undefined;
  const values = req.values ?? [];
  switch (req.operator) {
    case 'In':
      return has && values.includes(value!);
    case 'NotIn':
      return !has || !values.includes(value!);
    case 'Exists':
      return has;
    case 'DoesNotExist':
      return !has;
    default:
      // The API server rejects unknown operators; never match on one.
      return false;
  }
}

/**
 * metav1.LabelSelector semantics: a missing selector matches nothing, an empty one matches
 * everything, otherwise every matchLabels entry and every matchExpressions requirement must hold.
 */
export function labelSelectorMatches(selector: V1LabelSelector | undefined, labels: Labels): boolean {
  if (!selector) return false;
  const exact = Object.entries(selector.matchLabels ?? {});
  if (!exact.every(([key, value]) => labels?.[key] === value)) return false;
  return (selector.matchExpressions ?? []).every((req) => requirementMatches(req, labels));
}

/** The selector in kubectl's `-l` syntax, e.g. `app=web,track in (canary,stable),!legacy`. */
export function formatLabelSelector(selector: V1LabelSelector | undefined): string {
  if (!selector) return '';
  const parts = Object.entries(selector.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`);
  for (const req of selector.matchExpressions ?? []) {
    const values = [...(req.values ?? [])].sort().join(',');
    switch (req.operator) {
      case 'In':
        parts.push(`${req.key} in (${values})`);
        break;
      case 'NotIn':
        parts.push(`${req.key} notin (${values})`);
        break;
      case 'Exists':
        parts.push(req.key);
        break;
      case 'DoesNotExist':
        parts.push(`!${req.key}`);
        break;
      default:
        parts.push(`${req.key} ${req.operator} (${values})`);
    }
  }
  return parts.join(',');
}

export function formatEqualitySelector(selector: Labels): string {
  return Object.entries(selector ?? {})
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
}
