/** Width-aware text helpers: every line the views draw is cut to fit, never wrapped. */
import cliTruncate from 'cli-truncate';
import measureWidth from 'string-width';

const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;
const widths = new Map<string, number>();
const WIDTHS_HELD = 10_000;

/**
 * Columns a string takes. Every flush measures every cell of a table again, and the same texts
 * come back (`✓ zero downtime kept`): those with a wide or symbol character are measured once
 * (string-width segments them by grapheme), the printable ASCII ones are their length.
 */
export function stringWidth(text: string): number {
  if (PRINTABLE_ASCII.test(text)) return text.length;
  let w = widths.get(text);
  if (w === undefined) {
    if (widths.size >= WIDTHS_HELD) widths.clear();
    w = measureWidth(text);
    widths.set(text, w);
  }
  return w;
}

/** Cuts to `width` columns (with an ellipsis) and pads with spaces to exactly `width`. */
export function fit(text: string, width: number, align: 'left' | 'right' = 'left'): string {
  if (width <= 0) return '';
  let s = text;
  let w = stringWidth(s);
  if (w > width) {
    s = cliTruncate(s, width, { position: 'end' });
    w = stringWidth(s);
  }
  const pad = ' '.repeat(Math.max(0, width - w));
  return align === 'right' ? pad + s : s + pad;
}

/** Cuts to at most `width` columns, without padding. */
export function clip(text: string, width: number): string {
  if (width <= 0) return '';
  return stringWidth(text) > width ? cliTruncate(text, width, { position: 'end' }) : text;
}

/** `5s`, `3m`, `2h`, `4d` as kubectl prints ages. */
export function age(from: number | undefined, now: number): string {
  if (from === undefined) return '-';
  const s = Math.max(0, Math.floor((now - from) / 1000));
  if (s < 120) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 120) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h}h`;
  return `${Math.floor(h / 24)}d`;
}

/** `4 s ago` style for the health line. */
export function ago(from: number, now: number): string {
  const s = Math.max(0, Math.round((now - from) / 1000));
  if (s < 120) return `${s} s ago`;
  return `${Math.round(s / 60)} min ago`;
}

/** Joins the parts that fit in `width`, dropping from the end. */
export function joinFitting(parts: string[], width: number, sep = '  '): string {
  let out = '';
  for (const p of parts) {
    const next = out ? out + sep + p : p;
    if (stringWidth(next) > width) break;
    out = next;
  }
  return out;
}
