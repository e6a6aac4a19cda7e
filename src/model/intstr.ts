import type { IntOrString } from '@kubernetes/client-node';

export type { IntOrString };

export type ScaledValue = { ok: true; value: number } | { ok: false; error: string };

/**
 * Port of apimachinery's GetScaledValueFromIntOrPercent: integers pass through, "N%" scales
 * against total (rounded up or down), any other string is an error.
 */
export function scaleIntOrPercent(value: IntOrString, total: number, roundUp: boolean): ScaledValue {
  if (typeof value === 'number') {
    if (!Number.isInteger(value)) return { ok: false, error: `invalid value for IntOrString: ${value} is not an integer` };
    return { ok: true, value };
  }
  if (!value.endsWith('%')) {
    return { ok: false, error: 'invalid value for IntOrString: invalid type: string is not a percentage' };
  }
  const digits = value.slice(0, -1);
  if (!/^[+-]?\d+$/.test(digits)) {
    return { ok: false, error: `invalid value for IntOrString: invalid value "${value}"` };
  }
  const percent = Number.parseInt(digits, 10);
  // Same float expression as Go: float64(p) * float64(total) / 100.
  const scaled = (percent * total) / 100;
  return { ok: true, value: roundUp ? Math.ceil(scaled) : Math.floor(scaled) };
}

/** How an IntOrString is written in a manifest: `25%`, `1`. */
export function formatIntOrPercent(value: IntOrString): string {
  return String(value);
}
