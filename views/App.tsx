/**
 * The cockpit's root: header (where we are, watch health), the current screen, the footer (key
 * hints, the command line, the filter or the last notice), the `?` help and the error panel.
 * Reads the store with selectors; every key goes through the keymap table and src/store/ui.ts.
 */
import React, { useEffect, useMemo, useRef, useState } from 'react';
import { Box, Text, useInput, useWindowSize } from 'ink';
import { useStore } from 'zustand';
import type { Intents } from '../src/engine/cockpit.js';
import type { ReleaseView } from '../src/derive/derive.js';
import type { CockpitState, CockpitStore, ConnectionInfo, Health, UiState } from '../src/store/state.js';
import { COMMANDS } from '../src/store/ui.js';
import { activeBindings, GROUP_TITLE, hintsFor, type Group, type ReleaseAction } from './keymap.js';
import { handleInput, type KeyDeps } from './input.js';
import { actionSubject, eventRows, findRelease, jobRows, releaseRows, serviceRows } from './lists.js';
import { colorFromEnv, ThemeProvider, useTone } from './theme.js';
import { clip, fit, joinFitting, stringWidth } from './text.js';
import { healthLine } from './health.js';
import { LineView, Lines, seg, type Line } from './widgets/Lines.js';
import { Releases } from './screens/Releases.js';
import { ReleaseDetail } from './screens/ReleaseDetail.js';
import { Services } from './screens/Services.js';
import { Jobs } from './screens/Jobs.js';
import { Events } from './screens/Events.js';
import { ActionDialog, dialogHeight, dialogLines } from './widgets/ActionDialog.js';
import { ACTION_KEYS, disabledReason, REGISTRY } from '../src/actions/registry.js';
import { actionTarget, targetLabel } from '../src/actions/target.js';
import type { ActionsState } from '../src/store/actionState.js';
import { activeCountdowns, type GuardsState } from '../src/store/guardState.js';

export interface AppProps {
  store: CockpitStore;
  intents: Intents;
  /** Hides and ignores mutating keys; defaults to the connection's readonly flag. */
  readonly?: boolean;
  /** Colour on or off; defaults to on unless NO_COLOR is set. */
  color?: boolean;
  /** Wall clock for "lost 4 s ago" (tests pass a fixed one). */
  clock?: () => number;
  /** Release actions, wired by src/actions later. */
  onAction?: (action: ReleaseAction, release: ReleaseView | undefined) => void;
}

/** Header and footer take two lines each. */
export const CHROME_ROWS = 4;

const SCREEN_TITLE: Record<UiState['screen'], string> = {
  releases: 'Releases',
  release: 'Release',
  services: 'Services',
  jobs: 'Jobs',
  events: 'Events',
};

export function App({ store, intents, readonly, color, clock = Date.now, onAction }: AppProps) {
  const theme = useMemo(() => ({ color: color ?? colorFromEnv() }), [color]);
  return (
    <ThemeProvider theme={theme}>
      <Cockpit store={store} intents={intents} readonly={readonly} clock={clock} onAction={onAction} />
    </ThemeProvider>
  );
}

function Cockpit({ store, intents, readonly: readonlyProp, clock, onAction }: Omit<AppProps, 'color'> & { clock: () => number }) {
  const { columns, rows } = useWindowSize();
  const ui = useStore(store, (s) => s.ui);
  const connection = useStore(store, (s) => s.connection);
  const health = useStore(store, (s) => s.health);
  const view = useStore(store, (s) => s.view);
  const now = useStore(store, (s) => s.now);
  const actions = useStore(store, (s) => s.actions);
  const guards = useStore(store, (s) => s.guards);
  const readonly = readonlyProp ?? connection.readonly;
  const width = Math.max(1, columns);
  const height = Math.max(1, rows);
  const bodyHeight = Math.max(0, height - CHROME_ROWS);
  const dialog = readonly ? null : actions?.dialog ?? null;
  const pending = view.releases.some((r) => r.driver?.pending);
  const wallNow = useTicker(clock, health.lostSince !== undefined || (!health.synced && health.failure !== undefined) || dialog?.kind === 'running' || dialog?.kind === 'grace' || pending);

  const help = useMemo(() => (ui.help ? helpLayout(helpLines(readonly, actions), width, bodyHeight) : undefined), [ui.help, readonly, actions, width, bodyHeight]);

  const deps = useRef<KeyDeps>({ store, intents, readonly, pageRows: 1, onAction });
  deps.current = {
    store,
    intents,
    readonly,
    onAction,
    pageRows: Math.max(1, bodyHeight - 2),
    ...(help ? { help: { count: help.maxTop + 1, page: help.inner } } : {}),
  };
  useInput((input, key) => {
    handleInput(input, key, deps.current);
  });

  const dLines = useMemo(() => (dialog ? dialogLines(dialog, view, width, wallNow) : []), [dialog, view, width, wallNow]);
  const dHeight = dialog ? dialogHeight(dLines.length, Math.max(0, bodyHeight - 5)) : 0;
  const banner = countdownBanner(guards, view.releases);
  const screenHeight = bodyHeight - dHeight - (banner ? 1 : 0);

  let body: React.ReactNode;
  if (ui.help) {
    body = <Help readonly={readonly} width={width} height={bodyHeight} top={ui.helpTop} layout={help!} />;
  } else if (!health.synced && health.failure && view.releases.length === 0) {
    body = <ErrorPanel health={health} connection={connection} width={width} height={bodyHeight} now={wallNow} />;
  } else {
    body = (
      <>
        {banner ? <LineView line={banner} width={width} /> : null}
        <Screen state={{ ui, view, now: pending ? wallNow : now, connection, health, guards }} width={width} height={screenHeight} />
        {dialog ? <ActionDialog lines={dLines} width={width} height={dHeight} /> : null}
      </>
    );
  }

  return (
    <Box flexDirection="column" width={width} height={height} overflow="hidden">
      <Header connection={connection} health={health} ui={ui} width={width} now={wallNow} readonly={readonly} />
      <Box flexDirection="column" width={width} height={bodyHeight} overflow="hidden">
        {body}
      </Box>
      <Footer ui={ui} width={width} readonly={readonly} target={readonly ? undefined : targetHint({ ui, view })} />
    </Box>
  );
}

/** Re-renders once a second while `active` (the "lost 4 s ago" counter). */
function useTicker(clock: () => number, active: boolean): number {
  const [t, setT] = useState(clock);
  useEffect(() => {
    if (!active) return;
    setT(clock());
    const timer = setInterval(() => setT(clock()), 1000);
    timer.unref?.();
    return () => clearInterval(timer);
  }, [active, clock]);
  return active ? t : clock();
}

type ScreenState = Pick<CockpitState, 'ui' | 'view' | 'now' | 'connection' | 'health' | 'guards'>;

/** While an automatic rollback counts down, one line above every screen says what and how to stop it. */
export function countdownBanner(guards: GuardsState | undefined, releases: readonly ReleaseView[]): Line | undefined {
  const first = guards ? activeCountdowns(guards)[0] : undefined;
  if (!first) return undefined;
  const name = releases.find((r) => r.key === first.releaseKey)?.name ?? first.releaseKey;
  const c = first.countdown;
  // The countdown and the key first: the figures can be long and the line is cut at the width.
  return [
    seg(`✗ ${name}: rolling back in ${c.secondsLeft} s (${c.plan})  `, 'bad', true),
    seg('c', 'accent', true),
    seg(' cancels  ', 'bad'),
    seg(`guard breached: ${c.why}`, 'bad'),
  ];
}

function Screen({ state, width, height }: { state: ScreenState; width: number; height: number }) {
  const { ui, view, now, connection, guards } = state;
  const all = connection.namespace === undefined;
  const filtered = ui.filter !== '';
  const cursor = ui.cursor[ui.screen] ?? 0;
  switch (ui.screen) {
    case 'releases':
      return <Releases rows={releaseRows(view, ui.filter)} cursor={cursor} width={width} height={height} allNamespaces={all} filtered={filtered} syncing={view.syncing} now={now} guards={guards?.byRelease} />;
    case 'services':
      return <Services rows={serviceRows(view, ui.filter)} cursor={cursor} width={width} height={height} allNamespaces={all} filtered={filtered} />;
    case 'jobs':
      return <Jobs rows={jobRows(view, ui.filter)} cursor={cursor} width={width} height={height} now={now} allNamespaces={all} filtered={filtered} />;
    case 'events':
      return <Events rows={eventRows(view, ui.filter)} cursor={cursor} width={width} height={height} now={now} allNamespaces={all} filtered={filtered} />;
    case 'release': {
      const release = findRelease(view, ui.releaseKey);
      if (!release) {
        return <LineView line={[seg(`release ${ui.releaseKey ?? ''} is gone (deleted, or no longer a pair); Esc goes back`, 'warn')]} width={width} />;
      }
      return <ReleaseDetail release={release} panel={ui.panel} cursor={cursor} width={width} height={height} now={now} guard={guards?.byRelease[release.key]} />;
    }
  }
}

function Header({ connection, health, ui, width, now, readonly }: { connection: ConnectionInfo; health: Health; ui: UiState; width: number; now: number; readonly: boolean }) {
  const tone = useTone();
  const where = joinFitting(
    [
      `ctx ${connection.context}`,
      `ns ${connection.namespace ?? 'all namespaces'}`,
      ...(readonly ? ['READ-ONLY'] : []),
      ...(connection.demo ? [] : [`server ${connection.server}`]),
      ...(connection.user ? [`user ${connection.user}`] : []),
    ],
    Math.max(0, width - (connection.demo ? 36 : 9)),
  );
  const screens: Line = [1, 2, 3, 4].flatMap((n, i) => {
    const s = (['releases', 'services', 'jobs', 'events'] as const)[i];
    const current = ui.screen === s || (s === 'releases' && ui.screen === 'release');
    return [seg(current ? `<${n} ${SCREEN_TITLE[s]}>` : ` ${n} ${SCREEN_TITLE[s]} `, current ? undefined : 'muted', current), seg(' ')];
  });
  const status: Line = [...healthLine(health, now), seg('   '), ...screens];
  return (
    <Box flexDirection="column" width={width}>
      <Text wrap="truncate-end">
        {connection.demo ? (
          <Text inverse bold color={tone('warn')}>
            SIMULATED CLUSTER (cutover --demo)
          </Text>
        ) : (
          <Text bold>cutover</Text>
        )}
        {'  '}
        {where}
      </Text>
      <LineView line={status} width={width} />
    </Box>
  );
}

/** `p r i s U → pay-green (idle)`: what the Deployment keys act on now (the registry's one target rule). */
export function targetHint(state: Pick<CockpitState, 'ui' | 'view'>): string | undefined {
  const { release, side } = actionSubject(state);
  if (!release) return undefined;
  const keys = ACTION_KEYS.filter((k) => REGISTRY[k].scope === 'deployment').flatMap((k) => REGISTRY[k].keys);
  return `${keys.join(' ')} → ${targetLabel(actionTarget(release, side))}`;
}

function Footer({ ui, width, readonly, target }: { ui: UiState; width: number; readonly: boolean; target?: string }) {
  const tone = useTone();
  const room = target ? Math.max(0, width - stringWidth(target) - 2) : width;
  const hints = joinFitting(hintsFor(ui.screen, readonly), room, '  ');
  const first = target && room > 0 ? (hints ? `${hints}  ${target}` : target) : hints;
  let second: React.ReactNode;
  if (ui.command !== null) {
    second = <Text wrap="truncate-end">{clip(`:${ui.command}█`, width)}</Text>;
  } else if (ui.filtering) {
    second = <Text wrap="truncate-end">{clip(`/${ui.filter}█  (Enter keeps, Esc clears)`, width)}</Text>;
  } else if (ui.notice) {
    const level = ui.notice.level;
    second = (
      <Text wrap="truncate-end" color={tone(level === 'error' ? 'bad' : level === 'warn' ? 'warn' : undefined)}>
        {clip(`${level === 'error' ? '✗ error: ' : level === 'warn' ? '! ' : ''}${ui.notice.text}`, width)}
      </Text>
    );
  } else if (ui.filter !== '') {
    second = <Text wrap="truncate-end">{clip(`filter: ${ui.filter}  (Esc clears)`, width)}</Text>;
  } else {
    second = <Text> </Text>;
  }
  return (
    <Box flexDirection="column" width={width}>
      <Text wrap="truncate-end" color={tone('muted')}>
        {fit(first, width)}
      </Text>
      {second}
    </Box>
  );
}

function ErrorPanel({ health, connection, width, height, now }: { health: Health; connection: ConnectionInfo; width: number; height: number; now: number }) {
  const failure = health.failure!;
  const retry = health.retryAt !== undefined && health.retryAt > now ? `retrying in ${Math.ceil((health.retryAt - now) / 1000)} s` : 'retrying';
  const lines: Line[] = [
    [seg('✗ Cannot load the cluster', 'bad', true)],
    [],
    [seg('What failed: ', undefined, true), seg(failure.message)],
    [seg('What to try: ', undefined, true), seg(failure.hint)],
    [],
    [seg(`context ${connection.context}, server ${connection.server}; ${retry}.`, 'muted')],
    [seg(':ctx NAME switches context, :ns NAME switches namespace, q quits.', 'muted')],
  ];
  return <Lines lines={lines} width={width} height={height} />;
}

/** Why each release key is disabled (RBAC), by keymap action: the registry's one rule. */
function disabledReasons(actions: ActionsState | undefined): Map<string, string> {
  const out = new Map<string, string>();
  for (const key of ACTION_KEYS) {
    const why = disabledReason(key, { access: actions?.access });
    if (why) out.set(key, why);
  }
  return out;
}

/** The `?` overlay: every binding of the keymap table, grouped, flowing into columns. */
export function helpLines(readonly: boolean, actions?: ActionsState): Line[] {
  const lines: Line[] = [];
  const bindings = activeBindings(readonly);
  const groups = [...new Set(bindings.map((b) => b.group))] as Group[];
  const disabled = disabledReasons(actions);
  for (const g of groups) {
    if (lines.length) lines.push([]);
    lines.push([seg(GROUP_TITLE[g], undefined, true)]);
    for (const b of bindings.filter((x) => x.group === g)) {
      const why = disabled.get(b.action);
      lines.push([seg(b.label.padEnd(12), why ? 'muted' : 'accent'), seg(b.description, why ? 'muted' : undefined), ...(why ? [seg(` (DISABLED: ${why})`, 'warn')] : [])]);
    }
  }
  if (!readonly) lines.push([], [seg('Gate override', undefined, true)], [seg('A migration-gate or metric-guard refusal offers ! : type a reason, Enter re-plans')], [seg('with the gate overridden; the reason goes into the audit log and the Event.')]);
  if (!readonly)
    lines.push(
      [],
      [seg('Metric guards', undefined, true)],
      [seg('+ P f are refused while the guard is breached. After + P f i r the release is')],
      [seg('watched; a breach counts down, then rolls the change back (c cancels).')],
    );
  if (!readonly) {
    const keys = ACTION_KEYS.filter((k) => REGISTRY[k].scope === 'deployment').flatMap((k) => REGISTRY[k].keys).join(' ');
    lines.push(
      [],
      [seg('Targets', undefined, true)],
      [seg(`${keys} act on one Deployment, named in the footer and the plan: a canary`)],
      [seg('pair\'s canary, a blue-green pair\'s idle colour. In a pair\'s detail view, move')],
      [seg('the cursor onto a pod to act on its Deployment (the live colour only so).')],
    );
  }
  lines.push([], [seg('Commands', undefined, true)]);
  for (const c of COMMANDS) lines.push([seg(c.usage.padEnd(20), 'accent'), seg(c.description)]);
  return lines;
}

/** How the help overlay lays its lines out: columns of `perCol` lines, `inner` rows on screen, scrollable up to `maxTop`. */
export function helpLayout(lines: Line[], width: number, height: number) {
  const inner = Math.max(0, height - 1);
  const colWidth = 44;
  const cols = Math.max(1, Math.min(Math.floor(width / colWidth), Math.ceil(lines.length / Math.max(1, inner))));
  const perCol = Math.ceil(lines.length / cols);
  return { lines, inner, cols, perCol, maxTop: Math.max(0, perCol - inner) };
}

function Help({ readonly, width, height, top, layout }: { readonly: boolean; width: number; height: number; top: number; layout: ReturnType<typeof helpLayout> }) {
  const { lines, inner, cols, perCol, maxTop } = layout;
  const scrollable = maxTop > 0;
  const start = Math.min(top, maxTop);
  const w = Math.floor(width / cols);
  const title = `Help: every key${readonly ? ' (read-only: release actions hidden)' : ''}${scrollable ? `  (j/k scroll, ${start + 1}-${start + inner} of ${perCol})` : ''}  Esc closes`;
  return (
    <Box flexDirection="column" width={width} height={height}>
      <Text bold wrap="truncate-end">
        {clip(title, width)}
      </Text>
      <Box flexDirection="row" width={width}>
        {Array.from({ length: cols }, (_, c) => (
          <Box key={c} width={w} flexDirection="column">
            <Lines lines={lines.slice(c * perCol, (c + 1) * perCol)} width={w - 1} height={inner} cursor={start} />
          </Box>
        ))}
      </Box>
    </Box>
  );
}
