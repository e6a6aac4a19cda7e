/**
 * The action dialog under the screen: a prompt, the revision picker, the confirm dialog with the
 * plan (each object, field, before -> after; notes; the refusal in its own style), the running
 * action's progress (live counts from the store, a migration's Job state and log tail), the result.
 */
import React from 'react';
import { Box } from 'ink';
import type { Dialog } from '../../src/store/actionState.js';
import type { ViewModel } from '../../src/derive/derive.js';
import type { Plan, Step } from '../../src/actions/types.js';
import { Lines, seg, type Line } from './Lines.js';
import { stringWidth } from '../text.js';

const refText = (kind: string, name: string) => `${kind.toLowerCase()} ${name}`;

/** Splits text into lines of at most `width` columns at spaces. */
export function wrap(text: string, width: number): string[] {
  const w = Math.max(10, width);
  const out: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    const next = line ? `${line} ${word}` : word;
    if (stringWidth(next) > w && line) {
      out.push(line);
      line = word;
    } else line = next;
  }
  if (line) out.push(line);
  return out;
}

function stepLines(s: Step, i: number): Line[] {
  const n = seg(`  ${i + 1}. `, 'muted');
  if (s.kind === 'wait') return [[n, seg('wait  ', 'busy'), seg(`${s.description} (up to ${Math.round(s.timeoutMs / 1000)} s)`)]];
  const head: Line = [n, seg(s.kind === 'create' ? 'create ' : '', 'good', true), seg(refText(s.target.kind, s.target.name), 'accent', true)];
  if (s.changes.length === 1) {
    const c = s.changes[0];
    return [[...head, seg(`  ${c.field}  `), seg(c.before, 'muted'), seg(' -> '), seg(c.after, 'good', true)]];
  }
  return [head, ...s.changes.map((c): Line => [seg('       '), seg(`${c.field}  `), seg(c.before, 'muted'), seg(' -> '), seg(c.after, 'good', true)])];
}

/** The plan as the confirm dialog shows it. */
export function planLines(plan: Plan, width: number): Line[] {
  const lines: Line[] = plan.steps.flatMap(stepLines);
  if (plan.notes.length) {
    lines.push([seg('  notes:', 'muted')]);
    for (const note of plan.notes) wrap(note, width - 6).forEach((l, i) => lines.push([seg(i === 0 ? '   - ' : '     ', 'muted'), seg(l, 'muted')]));
  }
  if (plan.undo && !plan.refusal) lines.push([seg('  undo later with u: ', 'muted'), seg(plan.undo.description, 'muted')]);
  return lines;
}

const keyHint = (...parts: [string, string][]): Line => parts.flatMap(([k, what], i) => [seg(i ? '   ' : ''), seg(k, 'accent', true), seg(` ${what}`)]);

/** Live numbers for what a running plan touches: Deployments' availability, the Service's endpoints, the Job. */
function liveLines(plan: Plan, view: ViewModel, job: string | undefined): Line[] {
  const lines: Line[] = [];
  const deployments = new Set<string>();
  const services = new Set<string>();
  for (const s of plan.steps) {
    if (s.kind === 'wait') {
      if (s.until.type === 'deployment-available') deployments.add(s.until.name);
      if (s.until.type === 'endpoints-switched') services.add(s.until.service);
    } else if (s.target.kind === 'Deployment') deployments.add(s.target.name);
    else if (s.target.kind === 'Service') services.add(s.target.name);
  }
  const ns = plan.namespace;
  for (const r of view.releases) {
    if (r.namespace !== ns) continue;
    for (const d of r.deployments) {
      if (!deployments.has(d.name)) continue;
      lines.push([seg('  live ', 'muted'), seg(d.name, 'accent'), seg(`: ${d.available}/${d.desired} available, ${d.ready} ready, ${d.updated} updated  `), seg(d.status.text, d.status.failed ? 'bad' : d.status.done ? 'good' : 'busy')]);
    }
  }
  for (const sv of view.services) {
    if (sv.namespace !== ns || !services.has(sv.name)) continue;
    const groups = sv.traffic.byDeployment.filter((g) => g.ready > 0).map((g) => `${g.deployment} ${g.ready} ready`);
    lines.push([seg('  live ', 'muted'), seg(`service ${sv.name}`, 'accent'), seg(`: selector ${sv.selector}; endpoints ${groups.join(', ') || 'none ready'}`)]);
  }
  if (job) {
    const j = view.jobs.find((x) => x.namespace === ns && x.name === job);
    lines.push([seg('  job ', 'muted'), seg(job, 'accent'), seg(j ? `: ${j.state}  ${j.active} active, ${j.succeeded} succeeded, ${j.failed} failed` : ': not seen yet', j?.state === 'Failed' ? 'bad' : j?.state === 'Complete' ? 'good' : 'busy', true)]);
  }
  return lines;
}

function logLines(log: { pod?: string; lines: string[]; note?: string } | undefined): Line[] {
  if (!log) return [];
  if (log.lines.length === 0) return log.note ? [[seg(`  log: ${log.note}`, 'muted')]] : [];
  return [[seg(`  log of ${log.pod ?? 'pod'} (last ${log.lines.length} lines):`, 'muted')], ...log.lines.map((l): Line => [seg('  | ', 'muted'), seg(l)])];
}

export function dialogLines(dialog: Dialog, view: ViewModel, width: number, now: number): Line[] {
  const dry = (d: boolean) => (d ? [seg('  [DRY RUN: nothing is changed]', 'warn', true)] : []);
  switch (dialog.kind) {
    case 'prompt':
      return [
        [seg('? ', 'accent', true), seg(dialog.title, undefined, true)],
        [seg(`  ${dialog.label}: `), seg(`${dialog.text}█`, 'accent', true)],
        ...(dialog.error ? [[seg(`  ✗ ${dialog.error}`, 'bad', true)]] : []),
        [seg(`  ${dialog.hint}`, 'muted')],
      ];
    case 'picker': {
      const lines: Line[] = [[seg('? ', 'accent', true), seg(`rollout undo ${dialog.deployment}: pick the revision to go back to`, undefined, true)]];
      dialog.revisions.forEach((r, i) => {
        const at = i === dialog.cursor;
        lines.push([
          seg(at ? '> ' : '  ', 'accent', true),
          seg(`rev ${String(r.revision).padEnd(4)}`, at ? 'accent' : undefined, at),
          seg(r.current ? ' (running now) ' : '               ', 'good'),
          seg(r.images.join(', ')),
          seg(r.changeCause ? `  "${r.changeCause}"` : '  (no change-cause)', 'muted'),
          seg(`  ${r.replicas.current}/${r.replicas.desired} pods`, 'muted'),
        ]);
      });
      const picked = dialog.revisions[dialog.cursor];
      if (dialog.error) lines.push([seg(`  ✗ ${dialog.error}`, 'bad', true)]);
      if (picked && !picked.current) {
        lines.push([seg(`  template diff of revision ${picked.revision} (- now, + after the undo):`, 'muted')]);
        for (const l of picked.diff) lines.push([seg(`    ${l}`, l.startsWith('+') ? 'good' : l.startsWith('-') ? 'bad' : 'muted')]);
      }
      lines.push(keyHint(['↑↓', 'pick'], ['Enter', 'plan the undo'], ['Esc', 'cancel']));
      return lines;
    }
    case 'confirm': {
      const lines: Line[] = [[seg('? confirm: ', 'accent', true), seg(dialog.plan.title, undefined, true), ...dry(dialog.dryRun)], ...planLines(dialog.plan, width)];
      if (dialog.request.override) lines.push([seg(`  gate override: ${dialog.request.override} (recorded in the audit log and the Event)`, 'warn', true)]);
      if (dialog.request.freezeOverride) lines.push([seg(`  freeze override: ${dialog.request.freezeOverride} (recorded in the audit log and the Event)`, 'warn', true)]);
      if (dialog.confirmName !== undefined) {
        lines.push([seg(`  context ${dialog.context} is production: type the ${dialog.confirmKind ?? 'Deployment'} name `, 'warn', true), seg(dialog.confirmName, 'accent', true), seg(' and Enter: ', 'warn', true), seg(`${dialog.typed}█`, 'accent', true)]);
        if (dialog.error) lines.push([seg(`  ✗ ${dialog.error}`, 'bad', true)]);
        lines.push(keyHint(['Enter', 'run it once the name matches'], ['Esc', 'cancel']));
      } else lines.push(keyHint(['y/Enter', 'run it'], ['n/Esc', 'cancel']));
      return lines;
    }
    case 'refused': {
      const lines: Line[] = [[seg('✗ refused: ', 'bad', true), seg(dialog.plan.title, undefined, true)]];
      for (const l of wrap(dialog.plan.refusal ?? '', width - 4)) lines.push([seg(`  ${l}`, 'bad')]);
      lines.push([seg('  nothing was changed', 'muted')]);
      if (dialog.drivenBy) lines.push(keyHint(['T', `take over from ${dialog.drivenBy} (type a reason; audited)`], ['Esc', 'close']));
      else if (dialog.overridable) lines.push(keyHint(['!', `override the ${dialog.frozen ? 'freeze' : 'gate'} (type a reason; audited)`], ['Esc', 'close']));
      else lines.push(keyHint(['Esc', 'close (any key)']));
      return lines;
    }
    case 'takeover':
      return [
        [seg('? take over: ', 'warn', true), seg(`drive ${dialog.release}${dialog.holder ? ` instead of ${dialog.holder}` : ''}`, undefined, true)],
        [seg('  reason: '), seg(`${dialog.text}█`, 'accent', true)],
        ...(dialog.error ? [[seg(`  ✗ ${dialog.error}`, 'bad', true)]] : []),
        dialog.busy ? [seg('  taking over…', 'busy')] : [seg('  recorded as an Event on the release and in the audit log; Enter takes over, Esc cancels', 'muted')],
      ];
    case 'grace': {
      const left = Math.max(0, Math.ceil((dialog.fireAt - now) / 1000));
      return [
        [seg('⏳ ', 'warn', true), seg(dialog.plan.title, undefined, true), seg(left > 0 ? `  fires in ${left} s` : '  firing', 'warn', true)],
        ...planLines(dialog.plan, width),
        keyHint(['Esc', 'cancel (nothing changes; your partner sees the countdown too)']),
      ];
    }
    case 'running': {
      const secs = Math.max(0, Math.round((now - dialog.started) / 1000));
      const lines: Line[] = [[seg('… running: ', 'busy', true), seg(dialog.plan.title, undefined, true), seg(`  ${secs} s`, 'muted'), ...dry(dialog.dryRun)]];
      for (const p of dialog.progress) lines.push([seg('  ', 'muted'), seg(p)]);
      lines.push(...liveLines(dialog.plan, view, dialog.job), ...logLines(dialog.log));
      if (dialog.quitAsked) {
        lines.push([seg('  quit now? this action is not finished: ', 'warn', true), seg('what it wrote stays, the rest is not done.', 'warn')]);
        lines.push([seg('  cutover then prints what changed and the exact undo (u in the next cockpit undoes it too).', 'warn')]);
        lines.push(keyHint(['q/Ctrl-C', 'quit anyway'], ['Esc', 'keep waiting']));
      } else lines.push(dialog.stopping ? [seg('  stopping the wait…', 'warn')] : keyHint(['Esc', 'stop waiting (writes already made stay)'], ['q', 'quit (asks first)']));
      return lines;
    }
    case 'result': {
      const [first, ...rest] = dialog.lines;
      const lines: Line[] = [[seg(dialog.ok ? '✓ ' : '✗ ', dialog.ok ? 'good' : 'bad', true), seg(first ?? '', dialog.ok ? 'good' : 'bad', true)]];
      if (dialog.ok && dialog.changed.length) {
        lines.push([seg('  changed:', 'muted')]);
        for (const c of dialog.changed) lines.push([seg(`    ${c}`)]);
      }
      for (const l of rest) lines.push([seg(`  ${l}`, dialog.ok ? undefined : l.startsWith('to restore') ? 'warn' : undefined)]);
      lines.push(...(dialog.job ? liveLines(dialog.plan, view, dialog.job) : []), ...logLines(dialog.log));
      if (dialog.auditError) lines.push([seg(`  ! ${dialog.auditError}`, 'warn')]);
      if (dialog.rollback) lines.push(keyHint(['u', 'apply the rollback (confirm first)'], ['Esc', 'close']));
      else lines.push(keyHint(...(dialog.ok && dialog.undoHint ? ([['u', `undo: ${dialog.undoHint}`]] as [string, string][]) : []), ['Esc', 'close (any key closes)']));
      return lines;
    }
  }
}

/** Height the dialog takes: its lines plus the rule, at most `max`. */
export const dialogHeight = (lines: number, max: number) => Math.max(0, Math.min(lines + 1, max));

export function ActionDialog({ lines, width, height }: { lines: Line[]; width: number; height: number }) {
  if (height <= 0) return null;
  const room = height - 1;
  // Too long: keep the head and the last line (the keys), say what was left out.
  const shown = lines.length > room ? [...lines.slice(0, Math.max(0, room - 2)), [seg(`  … ${lines.length - room + 2} more lines`, 'muted')], lines[lines.length - 1]].slice(0, room) : lines;
  return (
    <Box flexDirection="column" width={width} height={height}>
      <Lines lines={[[seg('─'.repeat(Math.max(0, width)), 'muted')]]} width={width} height={1} />
      <Lines lines={shown} width={width} height={height - 1} />
    </Box>
  );
}
