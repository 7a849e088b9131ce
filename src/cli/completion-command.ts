import type { Command, Option } from "commander";
import { knownReleases } from "../semantics/kernel-versions.js";
import { exitCode } from "./io.js";

export type Shell = "bash" | "zsh" | "fish";

/**
 * `tlbl completion bash|zsh|fish`: a completion script generated from the program's own command
 * tree (commands, options, choices), so it cannot drift from what `tlbl` accepts. Files complete
 * as .tlb files and folders.
 */
export function completionCommand(shell: Shell, program: Command): number {
  const tree = treeOf(program);
  const script = shell === "bash" ? bash(tree) : shell === "zsh" ? zsh(tree) : fish(tree);
  process.stdout.write(script);
  return exitCode.ok;
}

interface Flag {
  readonly names: string[];
  readonly description: string;
  /** The option takes a value; these are the values to offer (none: any). */
  readonly values: readonly string[] | undefined;
}

interface Sub {
  readonly name: string;
  readonly description: string;
  readonly flags: Flag[];
  /** Choices of the first argument (`list kernels|fixes`), else files. */
  readonly words: readonly string[] | undefined;
}

function treeOf(program: Command): Sub[] {
  return program.commands.map((c) => ({
    name: c.name(),
    description: c.description(),
    flags: [
      ...c.options.map(flagOf),
      { names: ["--help", "-h"], description: "show help", values: undefined },
    ],
    words: c.registeredArguments[0]?.argChoices,
  }));
}

function flagOf(o: Option): Flag {
  const names = [o.long, o.short].filter((n): n is string => n !== undefined);
  const takesValue = o.required || o.optional;
  // --kernel takes any release tlbl knows (choices would refuse `v4.13`).
  const values = takesValue
    ? (o.argChoices ?? (o.long === "--kernel" ? knownReleases : []))
    : undefined;
  return { names, description: o.description, values };
}

function bash(tree: Sub[]): string {
  const cases = tree.map((s) => {
    const valued = s.flags.filter((f) => f.values !== undefined);
    const valueCases = valued.map(
      (f) =>
        `      ${f.names.join("|")}) COMPREPLY=($(compgen -W "${f.values!.join(" ")}" -- "$cur")); return ;;`,
    );
    return [
      `    ${s.name})`,
      `      opts="${s.flags.flatMap((f) => f.names).join(" ")}"`,
      `      words="${(s.words ?? []).join(" ")}"`,
      valued.length ? `      case "$prev" in\n${valueCases.join("\n")}\n      esac` : "",
      "      ;;",
    ]
      .filter((l) => l !== "")
      .join("\n");
  });
  return `# tlbl completion for bash: source <(tlbl completion bash), or save it in
# ~/.local/share/bash-completion/completions/tlbl
_tlbl() {
  local cur=\${COMP_WORDS[COMP_CWORD]} prev=\${COMP_WORDS[COMP_CWORD-1]} opts words
  if [ "$COMP_CWORD" -eq 1 ]; then
    COMPREPLY=($(compgen -W "${tree.map((s) => s.name).join(" ")} --help --version" -- "$cur"))
    return
  fi
  case "\${COMP_WORDS[1]}" in
${cases.join("\n")}
    *) return ;;
  esac
  if [[ $cur == -* ]]; then
    COMPREPLY=($(compgen -W "$opts" -- "$cur"))
  elif [ -n "$words" ]; then
    COMPREPLY=($(compgen -W "$words" -- "$cur"))
  else
    compopt -o filenames 2>/dev/null
    COMPREPLY=($(compgen -d -- "$cur") $(compgen -f -X '!*.tlb' -- "$cur"))
  fi
}
complete -F _tlbl tlbl
`;
}

/** Text inside zsh's single quotes, and outside _arguments' brackets and colons. */
const zq = (s: string): string => s.replace(/'/g, "'\\''").replace(/([[\]:])/g, "\\$1");

function zsh(tree: Sub[]): string {
  const commands = tree.map((s) => `    '${zq(s.name)}:${zq(s.description)}'`).join("\n");
  const cases = tree.map((s) => {
    const specs = s.flags.flatMap((f) =>
      f.names.map((n) => {
        const value =
          f.values === undefined
            ? ""
            : f.values.length
              ? `:value:(${f.values.join(" ")})`
              : ":value:";
        return `'${n}[${zq(f.description)}]${value}'`;
      }),
    );
    const rest = s.words
      ? `'1:what:(${s.words.join(" ")})'`
      : `'*:file:_files -g "*.tlb(-/)" -g "*(-/)"'`;
    return `    ${s.name}) _arguments ${[...specs, rest].join(" ")} ;;`;
  });
  return `#compdef tlbl
# tlbl completion for zsh: save as _tlbl in a folder of $fpath, or source <(tlbl completion zsh)
_tlbl() {
  local -a commands
  commands=(
${commands}
  )
  if (( CURRENT == 2 )); then
    _describe 'command' commands
    return
  fi
  words=("\${(@)words[2,-1]}")
  (( CURRENT-- ))
  case $words[1] in
${cases.join("\n")}
  esac
}
if [ "$funcstack[1]" = _tlbl ]; then _tlbl "$@"; else compdef _tlbl tlbl; fi
`;
}

/** Text inside fish's single quotes. */
const fq = (s: string): string => s.replace(/\\/g, "\\\\").replace(/'/g, "\\'");

function fish(tree: Sub[]): string {
  const lines = [
    "# tlbl completion for fish: tlbl completion fish > ~/.config/fish/completions/tlbl.fish",
    "complete -c tlbl -f",
    ...tree.map(
      (s) => `complete -c tlbl -n __fish_use_subcommand -a ${s.name} -d '${fq(s.description)}'`,
    ),
  ];
  for (const s of tree) {
    const when = `-n '__fish_seen_subcommand_from ${s.name}'`;
    for (const f of s.flags) {
      const names = f.names.map((n) =>
        n.startsWith("--") ? `-l ${n.slice(2)}` : `-s ${n.slice(1)}`,
      );
      const value =
        f.values === undefined ? "" : f.values.length ? ` -x -a '${f.values.join(" ")}'` : " -r";
      lines.push(`complete -c tlbl ${when} ${names.join(" ")}${value} -d '${fq(f.description)}'`);
    }
    lines.push(
      s.words
        ? `complete -c tlbl ${when} -a '${s.words.join(" ")}'`
        : `complete -c tlbl ${when} -a '(__fish_complete_suffix .tlb)'`,
    );
  }
  return `${lines.join("\n")}\n`;
}
