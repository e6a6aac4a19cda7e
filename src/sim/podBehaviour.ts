/**
 * How a simulated pod behaves, steered by pod annotations (copied from the template). The names
 * are shared with the kwok stages of the real-cluster tests; keep them fixed.
 */
import type { Obj } from './store.js';

export const ANN = {
  readyAfter: 'sim.cutover.io/ready-after',
  neverReady: 'sim.cutover.io/never-ready',
  crashAfter: 'sim.cutover.io/crash-after',
  startAfter: 'sim.cutover.io/start-after',
  shutdownAfter: 'sim.cutover.io/shutdown-after',
  exitAfter: 'sim.cutover.io/exit-after',
  exitCode: 'sim.cutover.io/exit-code',
} as const;

export interface PodBehaviour {
  /** Seconds Pending -> Running. */
  startAfter: number;
  /** Seconds from running until Ready; undefined = never ready. */
  readyAfter: number | undefined;
  /** Seconds from running until the container crashes (exit 1), if set. */
  crashAfter: number | undefined;
  /** Seconds from SIGTERM to exit. */
  shutdownAfter: number;
  /** Job pods: seconds from running to exit, and the exit code. */
  exitAfter: number;
  exitCode: number;
  /** Seconds the preStop hook takes (exec `sleep N` or lifecycle.preStop.sleep.seconds), 0 if none. */
  preStopSeconds: number;
  /** Whether this pod runs to completion (Job pods, restartPolicy Never/OnFailure). */
  runToCompletion: boolean;
  restartPolicy: 'Always' | 'OnFailure' | 'Never';
  /** Problems found, for a Warning event: annotation and message. */
  warnings: string[];
}

function seconds(ann: Record<string, string>, key: string, def: number | undefined, warnings: string[], integer = false): number | undefined {
  const raw = ann[key];
  if (raw === undefined) return def;
  const v = raw.trim().replace(/s$/, '');
  const n = Number(v);
  if (v === '' || !Number.isFinite(n) || n < 0 || (integer && !Number.isInteger(n))) {
    warnings.push(`invalid value ${JSON.stringify(raw)} for annotation ${key}: expected ${integer ? 'an integer' : 'a non-negative number of seconds'}; using ${def ?? 'the default'}`);
    return def;
  }
  return n;
}

/** Seconds of a preStop hook: lifecycle.preStop.sleep.seconds, or `sleep N` inside an exec command. */
export function preStopSeconds(container: any): number {
  const pre = container?.lifecycle?.preStop;
  if (!pre) return 0;
  if (typeof pre.sleep?.seconds === 'number') return Math.max(0, pre.sleep.seconds);
  const cmd: unknown = pre.exec?.command;
  if (Array.isArray(cmd)) {
    const text = cmd.map(String).join(' ');
    const m = /(?:^|[\s;&|"'(])sleep\s+(\d+(?:\.\d+)?)(s?)\b/.exec(text);
    if (m) return Number(m[1]);
  }
  return 0;
}

/** The readiness delay from the probes: readiness initialDelaySeconds, at least the startup probe's. */
function probeReadyDelay(container: any): number {
  const rp = container?.readinessProbe;
  const sp = container?.startupProbe;
  const r = rp ? (rp.initialDelaySeconds ?? 0) : 0;
  const s = sp ? (sp.initialDelaySeconds ?? 0) : 0;
  return Math.max(r, s);
}

export function podBehaviour(pod: Obj): PodBehaviour {
  const ann = pod.metadata.annotations ?? {};
  const warnings: string[] = [];
  const containers: any[] = pod.spec?.containers ?? [];
  const ownerKind = pod.metadata.ownerReferences?.find((r) => r.controller)?.kind;
  const rp = pod.spec?.restartPolicy;
  const restartPolicy: PodBehaviour['restartPolicy'] = rp === 'Never' || rp === 'OnFailure' ? rp : ownerKind === 'Job' ? 'Never' : 'Always';
  const runToCompletion = ownerKind === 'Job' || restartPolicy !== 'Always';
  const neverRaw = ann[ANN.neverReady];
  let neverReady = false;
  if (neverRaw !== undefined) {
    if (neverRaw === 'true') neverReady = true;
    else if (neverRaw !== 'false') warnings.push(`invalid value ${JSON.stringify(neverRaw)} for annotation ${ANN.neverReady}: expected "true" or "false"; using false`);
  }
  const probeDelay = Math.max(0, ...containers.map(probeReadyDelay));
  const readyAfter = seconds(ann, ANN.readyAfter, probeDelay, warnings);
  return {
    startAfter: seconds(ann, ANN.startAfter, 1, warnings)!,
    readyAfter: neverReady ? undefined : readyAfter,
    crashAfter: seconds(ann, ANN.crashAfter, undefined, warnings),
    shutdownAfter: seconds(ann, ANN.shutdownAfter, 1, warnings)!,
    exitAfter: seconds(ann, ANN.exitAfter, 3, warnings)!,
    exitCode: seconds(ann, ANN.exitCode, 0, warnings, true)!,
    preStopSeconds: Math.max(0, ...containers.map(preStopSeconds)),
    runToCompletion,
    restartPolicy,
    warnings,
  };
}
