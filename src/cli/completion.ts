/**
 * `cutover completion bash|zsh|fish`: shell completion of commands, their verbs and flags, as
 * kubectl's. Deployment and release names come from kubectl when it is on PATH.
 */
import { SCENARIOS } from '../sim/scenarios.js';
import { UsageError } from './errors.js';
import { OUTPUT_FORMATS } from './output.js';

export interface CompletionSpec {
  /** Every command word. */
  commands: readonly string[];
  /** Flags every command takes (the global ones). */
  globalFlags: readonly string[];
  /** Flags that take a value (the word after them is not the command). */
  valueFlags: readonly string[];
}

const VERBS: Record<string, readonly string[]> = {
  canary: ['step', 'back', 'promote', 'abort'],
  completion: ['bash', 'zsh', 'fish'],
};
/** Flags whose value has a fixed set of words. */
const VALUES: Record<string, readonly string[]> = {
  '-o': OUTPUT_FORMATS,
  '--output': OUTPUT_FORMATS,
  '--scenario': SCENARIOS,
};
/** Commands whose positional is a Deployment or release of the namespace. */
const NAMED = ['status', 'canary', 'flip', 'scale-idle', 'pause', 'resume', 'restart', 'set-image', 'scale', 'undo', 'history', 'migrate'];

export const SHELLS = ['bash', 'zsh', 'fish'] as const;

export function completionScript(shell: string, spec: CompletionSpec): string {
  if (shell === 'bash') return bash(spec);
  if (shell === 'zsh') return `#compdef cutover kubectl-cutover\nautoload -U +X bashcompinit && bashcompinit\n${bash(spec)}`;
  if (shell === 'fish') return fish(spec);
  throw new UsageError(`completion needs a shell: ${SHELLS.join(', ')}${shell ? `, got "${shell}"` : ''}`);
}

const words = (list: readonly string[]) => list.join(' ');

function bash({ commands, globalFlags, valueFlags }: CompletionSpec): string {
  const verbs = Object.entries(VERBS).map(([c, v]) => `    ${c}) verbs="${words(v)}" ;;`).join('\n');
  const values = Object.entries(VALUES).map(([f, v]) => `    ${f}) COMPREPLY=($(compgen -W "${words(v)}" -- "$cur")); return ;;`).join('\n');
  return `# cutover completion for bash: source <(cutover completion bash)
_cutover_names() {
  local ns=() i
  for ((i = 1; i < COMP_CWORD; i++)); do
    case "\${COMP_WORDS[i]}" in -n|--namespace) ns=(-n "\${COMP_WORDS[i+1]}") ;; esac
  done
  command -v kubectl >/dev/null && kubectl get deployments "\${ns[@]}" -o custom-columns=:metadata.name --no-headers 2>/dev/null
}
_cutover() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" prev="\${COMP_WORDS[COMP_CWORD-1]}" cmd="" verbs="" i
  case "$prev" in
${values}
    -n|--namespace) command -v kubectl >/dev/null && COMPREPLY=($(compgen -W "$(kubectl get namespaces -o custom-columns=:metadata.name --no-headers 2>/dev/null)" -- "$cur")); return ;;
    --context) command -v kubectl >/dev/null && COMPREPLY=($(compgen -W "$(kubectl config get-contexts -o name 2>/dev/null)" -- "$cur")); return ;;
    --kubeconfig|--migration|--kubeconfig-out) COMPREPLY=($(compgen -f -- "$cur")); return ;;
  esac
  for ((i = 1; i < COMP_CWORD; i++)); do
    case "\${COMP_WORDS[i]}" in ${valueFlags.join('|')}) ((i++)) ;; -*) ;; *) cmd="\${COMP_WORDS[i]}"; break ;; esac
  done
  if [[ "$cur" == -* ]]; then COMPREPLY=($(compgen -W "${words(globalFlags)} --help" -- "$cur")); return; fi
  if [[ -z "$cmd" ]]; then COMPREPLY=($(compgen -W "${words(commands)}" -- "$cur")); return; fi
  case "$cmd" in
${verbs}
  esac
  case " ${words(NAMED)} " in *" $cmd "*) verbs="$verbs $(_cutover_names)" ;; esac
  COMPREPLY=($(compgen -W "$verbs" -- "$cur"))
}
complete -F _cutover cutover kubectl-cutover
`;
}

function fish({ commands, globalFlags }: CompletionSpec): string {
  const lines = [
    '# cutover completion for fish: cutover completion fish | source',
    'for c in cutover kubectl-cutover',
    `  complete -c $c -f -n __fish_use_subcommand -a '${words(commands)}'`,
    ...globalFlags.filter((f) => f.startsWith('--')).map((f) => `  complete -c $c -l ${f.slice(2)}`),
    `  complete -c $c -s n -l namespace -x -a '(kubectl get namespaces -o custom-columns=:metadata.name --no-headers 2>/dev/null)'`,
    `  complete -c $c -s o -l output -x -a '${words(OUTPUT_FORMATS)}'`,
    `  complete -c $c -l scenario -x -a '${words(SCENARIOS)}'`,
    ...Object.entries(VERBS).map(([c, v]) => `  complete -c $c -f -n '__fish_seen_subcommand_from ${c}' -a '${words(v)}'`),
    `  complete -c $c -f -n '__fish_seen_subcommand_from ${words(NAMED)}' -a '(kubectl get deployments -o custom-columns=:metadata.name --no-headers 2>/dev/null)'`,
    'end',
  ];
  return lines.join('\n') + '\n';
}
