/** k8s.io/apimachinery/pkg/util/intstr, as the Deployment and disruption controllers use it. */

export type IntOrString = number | string;

/** intstr.GetScaledValueFromIntOrPercent. Throws on a string that is not a percentage. */
export function scaledValue(v: IntOrString | undefined | null, total: number, roundUp: boolean): number {
  if (v === undefined || v === null) return 0;
  if (typeof v === 'number') return v;
  const m = /^(-?\d+)%$/.exec(v);
  if (!m) {
    if (/^-?\d+$/.test(v)) throw new Error(`invalid value for IntOrString: invalid type: string is not a percentage`);
    throw new Error(`invalid value for IntOrString: invalid value "${v}"`);
  }
  const x = (Number(m[1]) * total) / 100;
  return roundUp ? Math.ceil(x) : Math.floor(x);
}
