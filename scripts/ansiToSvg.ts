/** Renders a terminal capture with ANSI colours (tmux capture-pane -e) as an SVG picture. */
const PALETTE: Record<number, string> = {
  30: '#2e3436', 31: '#cc0000', 32: '#4e9a06', 33: '#c4a000', 34: '#3465a4', 35: '#75507b', 36: '#06989a', 37: '#d3d7cf',
  90: '#555753', 91: '#ef2929', 92: '#8ae234', 93: '#fce94f', 94: '#729fcf', 95: '#ad7fa8', 96: '#34e2e2', 97: '#eeeeec',
};
const FG = '#d3d7cf';
const BG = '#1e1e1e';

interface Style {
  fg?: string;
  bg?: string;
  bold: boolean;
  dim: boolean;
  inverse: boolean;
}

interface Run {
  text: string;
  style: Style;
}

function applySgr(style: Style, params: number[]): Style {
  const s = { ...style };
  for (let i = 0; i < params.length; i++) {
    const p = params[i];
    if (p === 0) Object.assign(s, { fg: undefined, bg: undefined, bold: false, dim: false, inverse: false });
    else if (p === 1) s.bold = true;
    else if (p === 2) s.dim = true;
    else if (p === 7) s.inverse = true;
    else if (p === 22) s.bold = s.dim = false;
    else if (p === 27) s.inverse = false;
    else if (p === 39) s.fg = undefined;
    else if (p === 49) s.bg = undefined;
    else if ((p >= 30 && p <= 37) || (p >= 90 && p <= 97)) s.fg = PALETTE[p];
    else if ((p >= 40 && p <= 47) || (p >= 100 && p <= 107)) s.bg = PALETTE[p - 10];
    else if ((p === 38 || p === 48) && params[i + 1] === 5) {
      const n = params[i + 2];
      const colour = n < 8 ? PALETTE[30 + n] : n < 16 ? PALETTE[82 + n] : undefined;
      if (p === 38) s.fg = colour;
      else s.bg = colour;
      i += 2;
    }
  }
  return s;
}

export function parseAnsiLine(line: string, start: Style): { runs: Run[]; end: Style } {
  const runs: Run[] = [];
  let style = start;
  let text = '';
  const re = /\x1b\[([0-9;]*)m/g;
  let last = 0;
  for (let m = re.exec(line); m; m = re.exec(line)) {
    text = line.slice(last, m.index);
    if (text) runs.push({ text, style });
    style = applySgr(style, m[1] === '' ? [0] : m[1].split(';').map(Number));
    last = re.lastIndex;
  }
  text = line.slice(last);
  if (text) runs.push({ text, style });
  return { runs, end: style };
}

const escapeXml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export function ansiToSvg(capture: string, opts: { columns: number; title?: string }): string {
  const cell = { w: 8.4, h: 17 };
  const lines = capture.replace(/\n$/, '').split('\n');
  const width = Math.ceil(opts.columns * cell.w) + 20;
  const height = Math.ceil(lines.length * cell.h) + 20;
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="DejaVu Sans Mono, Menlo, Consolas, monospace" font-size="14">`,
    opts.title ? `<title>${escapeXml(opts.title)}</title>` : '',
    `<rect width="100%" height="100%" fill="${BG}" rx="6"/>`,
  ];
  let style: Style = { bold: false, dim: false, inverse: false };
  lines.forEach((line, row) => {
    const parsed = parseAnsiLine(line, style);
    style = parsed.end;
    let col = 0;
    const y = 10 + row * cell.h;
    const spans: string[] = [];
    for (const run of parsed.runs) {
      const chars = [...run.text];
      const fg = run.style.inverse ? (run.style.bg ?? BG) : (run.style.fg ?? FG);
      const bg = run.style.inverse ? (run.style.fg ?? FG) : run.style.bg;
      if (bg) out.push(`<rect x="${(10 + col * cell.w).toFixed(1)}" y="${y}" width="${(chars.length * cell.w).toFixed(1)}" height="${cell.h}" fill="${bg}"/>`);
      if (run.text.trim()) {
        const attrs = [`fill="${fg}"`, run.style.bold ? 'font-weight="bold"' : '', run.style.dim ? 'opacity="0.6"' : ''].filter(Boolean).join(' ');
        spans.push(`<tspan x="${(10 + col * cell.w).toFixed(1)}" ${attrs}>${escapeXml(run.text)}</tspan>`);
      }
      col += chars.length;
    }
    if (spans.length) out.push(`<text y="${y + 13}" xml:space="preserve">${spans.join('')}</text>`);
  });
  out.push('</svg>');
  return out.filter(Boolean).join('\n') + '\n';
}
