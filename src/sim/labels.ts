/** Label selectors: the string form of `?labelSelector=` and the LabelSelector object form. */
export type Labels = Record<string, string> | undefined;

export interface Requirement {
  key: string;
  op: 'in' | 'notin' | 'exists' | '!exists';
  values: string[];
}

export interface LabelSelectorObject {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key: string; operator: string; values?: string[] }[];
}

/** Parses `a=b,c!=d,e in (f,g),h notin (i),j,!k`. Throws on malformed input. */
export function parseLabelSelector(text: string): Requirement[] {
  const reqs: Requirement[] = [];
  const parts = splitTopLevel(text.trim());
  for (const raw of parts) {
    const part = raw.trim();
    if (!part) continue;
    let m: RegExpMatchArray | null;
    if ((m = part.match(/^([\w./-]+)\s+(in|notin)\s+\(([^)]*)\)$/))) {
      reqs.push({ key: m[1], op: m[2] as 'in' | 'notin', values: m[3].split(',').map((v) => v.trim()).filter(Boolean) });
    } else if ((m = part.match(/^([\w./-]+)\s*(==|=|!=)\s*([\w.-]*)$/))) {
      reqs.push({ key: m[1], op: m[2] === '!=' ? 'notin' : 'in', values: [m[3]] });
    } else if ((m = part.match(/^!\s*([\w./-]+)$/))) {
      reqs.push({ key: m[1], op: '!exists', values: [] });
    } else if ((m = part.match(/^([\w./-]+)$/))) {
      reqs.push({ key: m[1], op: 'exists', values: [] });
    } else {
      throw new Error(`unable to parse requirement: ${part}`);
    }
  }
  return reqs;
}

function splitTopLevel(text: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of text) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out;
}

export function matchesRequirements(reqs: Requirement[], labels: Labels): boolean {
  const l = labels ?? {};
  return reqs.every((r) => {
    const has = Object.prototype.hasOwnProperty.call(l, r.key);
    switch (r.op) {
      case 'in':
        return has && r.values.includes(l[r.key]);
      case 'notin':
        return !has || !r.values.includes(l[r.key]);
      case 'exists':
        return has;
      case '!exists':
        return !has;
    }
  });
}

/** A LabelSelector object; an empty selector matches everything, a missing one nothing. */
export function matchesSelector(selector: LabelSelectorObject | undefined | null, labels: Labels): boolean {
  if (!selector) return false;
  return matchesRequirements(selectorRequirements(selector), labels);
}

export function selectorRequirements(selector: LabelSelectorObject): Requirement[] {
  const reqs: Requirement[] = Object.entries(selector.matchLabels ?? {}).map(([key, v]) => ({ key, op: 'in', values: [v] }));
  for (const e of selector.matchExpressions ?? []) {
    const op = ({ In: 'in', NotIn: 'notin', Exists: 'exists', DoesNotExist: '!exists' } as const)[e.operator as 'In'];
    if (!op) throw new Error(`unknown selector operator ${e.operator}`);
    reqs.push({ key: e.key, op, values: e.values ?? [] });
  }
  return reqs;
}

/** A Service selector: every key/value must be on the pod; empty or missing selects nothing. */
export function matchesEquality(selector: Labels, labels: Labels): boolean {
  if (!selector || Object.keys(selector).length === 0) return false;
  const l = labels ?? {};
  return Object.entries(selector).every(([k, v]) => l[k] === v);
}

/** `a=b,c=d` for a selector object, as the apiserver writes status.selector. */
export function selectorString(selector: LabelSelectorObject): string {
  return selectorRequirements(selector)
    .map((r) =>
      r.op === 'exists' ? r.key : r.op === '!exists' ? `!${r.key}` : r.values.length === 1 && r.op === 'in' ? `${r.key}=${r.values[0]}` : `${r.key} ${r.op} (${r.values.join(',')})`,
    )
    .join(',');
}
