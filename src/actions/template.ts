/** Pod templates compared the way kubectl and the Deployment controller do, and diffed line by line as YAML. */
import type { V1PodTemplateSpec } from '@kubernetes/client-node';
import { stringify } from 'yaml';
import { POD_TEMPLATE_HASH_LABEL, templatesEqualIgnoringHash } from '../model/index.js';
import { plain } from './paths.js';

/** The pod template without the pod-template-hash label (nor a null creationTimestamp), as plain JSON. */
export function templateWithoutHash(t: V1PodTemplateSpec | undefined): V1PodTemplateSpec {
  const out = plain(t ?? {}) as V1PodTemplateSpec;
  if (out.metadata?.labels) {
    delete out.metadata.labels[POD_TEMPLATE_HASH_LABEL];
  }
  const meta = out.metadata as { creationTimestamp?: unknown } | undefined;
  if (meta && meta.creationTimestamp == null) delete meta.creationTimestamp;
  return out;
}

/**
 * EqualIgnoreHash, also blind to `creationTimestamp: null` in the template metadata (Go's zero
 * time, which kubectl's undo patch carries and a server may echo back).
 */
export function sameTemplate(a: V1PodTemplateSpec | undefined, b: V1PodTemplateSpec | undefined): boolean {
  return templatesEqualIgnoringHash(templateWithoutHash(a), templateWithoutHash(b));
}

const yamlOf = (t: V1PodTemplateSpec | undefined): string[] => stringify(templateWithoutHash(t), { sortMapEntries: true, lineWidth: 0 }).trimEnd().split('\n');

/** A unified-style line diff (`-` only in a, `+` only in b), with `context` lines around changes. */
export function lineDiff(a: string[], b: string[], context = 2): string[] {
  const n = a.length;
  const m = b.length;
  const lcs: number[][] = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0));
  for (let i = n - 1; i >= 0; i--) for (let j = m - 1; j >= 0; j--) lcs[i][j] = a[i] === b[j] ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
  const ops: { tag: ' ' | '-' | '+'; line: string }[] = [];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[i] === b[j]) {
      ops.push({ tag: ' ', line: a[i] });
      i++;
      j++;
    } else if (i < n && (j === m || lcs[i + 1][j] >= lcs[i][j + 1])) ops.push({ tag: '-', line: a[i++] });
    else ops.push({ tag: '+', line: b[j++] });
  }
  const keep = ops.map((o, k) => o.tag !== ' ' || ops.slice(Math.max(0, k - context), k + context + 1).some((x) => x.tag !== ' '));
  const out: string[] = [];
  let skipped = false;
  ops.forEach((o, k) => {
    if (!keep[k]) {
      skipped = true;
      return;
    }
    if (skipped && out.length) out.push('  ...');
    skipped = false;
    out.push(`${o.tag} ${o.line}`);
  });
  return out;
}

/** How a revision's template differs from the current one: `-` current, `+` the revision. */
export function templateDiff(current: V1PodTemplateSpec | undefined, revision: V1PodTemplateSpec | undefined): string[] {
  return lineDiff(yamlOf(current), yamlOf(revision));
}
