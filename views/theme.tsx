/**
 * Colour policy. Colour carries meaning but never alone: every coloured state also has a word or
 * symbol. Only the 16 basic named colours are used. NO_COLOR turns colour off here, because
 * chalk 6 (under ink 8) only looks at FORCE_COLOR and the TTY, not at NO_COLOR.
 */
import React, { createContext, useContext } from 'react';
import type { GaugeLevel } from '../src/model/budget.js';
import type { CheckLevel } from '../src/model/checklist.js';
import type { PodTrafficState } from '../src/model/traffic.js';
import type { VerdictLevel } from '../src/derive/derive.js';

export type Tone = 'good' | 'busy' | 'warn' | 'bad' | 'muted' | 'accent' | 'plain';

const TONE_COLOUR: Record<Tone, string | undefined> = {
  good: 'green',
  busy: 'cyan',
  warn: 'yellow',
  bad: 'red',
  muted: 'gray',
  accent: 'blue',
  plain: undefined,
};

export interface Theme {
  color: boolean;
}

/** NO_COLOR is honoured when present and not empty (no-color.org). */
export function colorFromEnv(env: NodeJS.ProcessEnv = process.env): boolean {
  return !(env.NO_COLOR !== undefined && env.NO_COLOR !== '');
}

const ThemeContext = createContext<Theme>({ color: true });

export function ThemeProvider({ theme, children }: { theme: Theme; children: React.ReactNode }) {
  return <ThemeContext.Provider value={theme}>{children}</ThemeContext.Provider>;
}

/** The colour name for a tone, or undefined when colour is off. */
export function useTone(): (tone: Tone | undefined) => string | undefined {
  const { color } = useContext(ThemeContext);
  return color ? toneColour : noColour;
}

const toneColour = (tone: Tone | undefined) => (tone ? TONE_COLOUR[tone] : undefined);
const noColour = () => undefined;

// ---- the words and symbols that carry each state without colour ----

export const GAUGE_WORD: Record<GaugeLevel, string> = { ok: 'ok', at: 'AT', over: 'OVER!' };
/** Using the whole budget is what a rollout does, not a risk: only over the limit alarms. */
export const GAUGE_TONE: Record<GaugeLevel, Tone> = { ok: 'good', at: 'busy', over: 'bad' };

export const VERDICT_SYMBOL: Record<VerdictLevel, string> = { ok: '✓', progress: '→', warn: '!', fail: '✗', partial: '~' };
export const VERDICT_TONE: Record<VerdictLevel, Tone> = { ok: 'good', progress: 'busy', warn: 'warn', fail: 'bad', partial: 'muted' };

export const CHECK_WORD: Record<CheckLevel, string> = { pass: '✓ pass', warn: '! warn', fail: '✗ FAIL' };
export const CHECK_TONE: Record<CheckLevel, Tone> = { pass: 'good', warn: 'warn', fail: 'bad' };

export const ENDPOINT_WORD: Record<PodTrafficState, string> = {
  ready: 'ready',
  'serving-terminating': 'draining',
  'not-ready': 'not-ready',
  none: 'no endpoint',
};
/** A not-ready endpoint gets no traffic, so it risks none by itself (a pod starting up is one): the release's traffic state judges. */
export const ENDPOINT_TONE: Record<PodTrafficState, Tone> = {
  ready: 'good',
  'serving-terminating': 'warn',
  'not-ready': 'warn',
  none: 'muted',
};

export function podStatusTone(status: string, ready: boolean): Tone {
  if (status === 'Running') return ready ? 'good' : 'warn';
  if (status === 'Completed' || status === 'Succeeded') return 'muted';
  if (status === 'Terminating') return 'warn';
  if (status === 'Pending' || status === 'ContainerCreating' || status === 'PodInitializing') return 'busy';
  return 'bad';
}

export function jobTone(state: string): Tone {
  return state === 'Complete' ? 'good' : state === 'Failed' ? 'bad' : state === 'Running' ? 'busy' : 'warn';
}
