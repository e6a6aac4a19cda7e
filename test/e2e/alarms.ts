/**
 * What counts as an alarm on the cockpit's screen, in one place for the e2e tests. Taken from the
 * code that decides it, so the tests follow the model: the words of the release and traffic states
 * that alarm (src/model/releaseState.ts), the verdicts of a broken availability record
 * (src/model/availability.ts), the over-budget gauge word and the fail symbol (views/theme.tsx),
 * and any text drawn in red (the `bad` tone).
 */
import { stripVTControlCharacters } from 'node:util';
import { PHASE_RULES, TRAFFIC_RULES } from '../../src/model/releaseState.js';
import { VERDICT_TEXT } from '../../src/model/availability.js';
import { GAUGE_WORD, VERDICT_SYMBOL } from '../../views/theme.js';

export const ALARM_WORDS: readonly string[] = [
  GAUGE_WORD.over,
  VERDICT_SYMBOL.fail,
  ...Object.values(PHASE_RULES)
    .filter((r) => r.alarm !== 'none')
    .map((r) => r.word),
  ...Object.values(TRAFFIC_RULES)
    .filter((r) => r.alarm !== 'none')
    .map((r) => r.word),
  VERDICT_TEXT['budget-breached'],
  VERDICT_TEXT['traffic-outage'],
];

export interface Alarm {
  /** An alarm word, or `red: TEXT` for text drawn in red. */
  marker: string;
  /** The screen line it is on, without colours. */
  line: string;
}

/** Every alarm on a screen captured with colours (`tmux capture-pane -e`), line by line. */
export function alarmsOn(ansiScreen: string): Alarm[] {
  const out: Alarm[] = [];
  for (const ansiLine of ansiScreen.split('\n')) {
    const line = stripVTControlCharacters(ansiLine);
    for (const word of ALARM_WORDS) if (line.includes(word)) out.push({ marker: word, line });
    const red = redText(ansiLine).trim();
    if (red) out.push({ marker: `red: ${red}`, line });
  }
  return out;
}

export function describeAlarms(alarms: readonly Alarm[]): string {
  return alarms.map((a) => `${a.marker}   in: ${a.line.trimEnd()}`).join('\n');
}

const SGR = /\x1b\[([\d;]*)m/g;

/** The characters of one line drawn with a red foreground or background (SGR 31, 91, 41, 101). */
export function redText(ansiLine: string): string {
  let fg = false;
  let bg = false;
  let red = '';
  let at = 0;
  const take = (text: string) => {
    if (fg || bg) red += stripVTControlCharacters(text);
  };
  for (const m of ansiLine.matchAll(SGR)) {
    take(ansiLine.slice(at, m.index));
    at = m.index + m[0].length;
    const params = m[1] === '' ? [0] : m[1].split(';').map(Number);
    for (let i = 0; i < params.length; i++) {
      const p = params[i];
      if (p === 38 || p === 48) {
        // 256-colour or RGB: not one of the named colours the theme uses; skip its arguments.
        if (p === 38) fg = false;
        else bg = false;
        i += params[i + 1] === 5 ? 2 : 4;
      } else if (p === 0) fg = bg = false;
      else if ((p >= 30 && p <= 37) || (p >= 90 && p <= 97) || p === 39) fg = p === 31 || p === 91;
      else if ((p >= 40 && p <= 47) || (p >= 100 && p <= 107) || p === 49) bg = p === 41 || p === 101;
    }
  }
  take(ansiLine.slice(at));
  return red;
}
