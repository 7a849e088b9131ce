import { Argument, Command, CommanderError, Option } from "commander";
import { releaseName } from "../semantics/kernel-versions.js";
import { checkCommand } from "./check-command.js";
import { compareCommand, type CompareOptions } from "./compare-command.js";
import { completionCommand, type Shell } from "./completion-command.js";
import { explainCommand } from "./explain-command.js";
import { initCommand } from "./init-command.js";
import { listCommand, type ListTopic } from "./list-command.js";
import { fmtCommand } from "./fmt-command.js";
import { mergeCommand } from "./merge-command.js";
import { mutateCommand, type MutateOptions } from "./mutate-command.js";
import { huntCommand, type HuntOptions } from "./hunt-command.js";
import { exitCode, expandDirectories } from "./io.js";
import { runCommand, type RunOptions } from "./run-command.js";
import { testCommand } from "./test-command.js";
import { version } from "./version.js";

const examples = `
Examples:
  tlbl run scenarios/*.tlb                      every interleaving, every expected kernel
  tlbl run scenarios                            every .tlb file under a folder
  tlbl list kernels                             the releases and fixes tlbl models
  tlbl init my-race                             start a scenario from a commented template
  tlbl explain E203                             what a diagnostic code means and what to do

Exit status: 0 every expectation holds, 1 one does not, 2 bad input or usage,
3 a limit ended a search before it could answer, 4 internal error (a bug in tlbl),
5 the scenario needs more than the model has (out of page frames, say),
130/143 interrupted by SIGINT/SIGTERM (the answer so far is printed, marked partial).

Run \`tlbl help COMMAND\` for a command's options and examples.`;

/** A command's examples, after its options in `tlbl help COMMAND`. */
const examplesOf = (lines: string[]): string =>
  `\nExamples:\n${lines.map((l) => `  ${l}`).join("\n")}`;

/** The seed the README walks through: it ships in the package. */
const seed = "scenarios/mremap-vs-page-mkclean.tlb";

export function buildProgram(): Command {
  const program = new Command("tlbl")
    .description("A litmus-style language and model checker for Linux kernel TLB/MMU races.")
    .version(version, "-V, --version")
    .addHelpText("after", examples)
    .showHelpAfterError("(run `tlbl --help` for usage)")
    .exitOverride();

  program
    .command("check")
    .description("parse and check .tlb files; print OK or every error of each file")
    .argument("<files...>", ".tlb files, or folders of them")
    .option("--json", "print every error and warning as one JSON array (docs/output.md)")
    .addHelpText("after", examplesOf([`tlbl check ${seed}`, "tlbl check --json scenarios"]))
    .action((files: string[], opts: { json?: boolean }) => {
      process.exitCode = checkCommand(expandDirectories(files), opts);
    });

  program
    .command("fmt")
    .description("format .tlb files (through prettier with the tlb plugin)")
    .argument("<files...>", ".tlb files, or folders of them")
    .option("--check", "list the files that are not formatted; exit 1 if any")
    .option("--write", "rewrite the files in place")
    .addHelpText(
      "after",
      examplesOf([
        `tlbl fmt ${seed}             print it formatted`,
        "tlbl fmt --check scenarios    list what is not formatted (exit 1)",
        "tlbl fmt --write race.tlb     options from the .prettierrc that applies (printWidth)",
      ]),
    )
    .action(async (files: string[], opts: { check?: boolean; write?: boolean }) => {
      process.exitCode = await fmtCommand(expandDirectories(files), opts);
    });

  program
    .command("run")
    .description("explore every interleaving (or one schedule) and judge each scenario's condition")
    .argument("<files...>", ".tlb files, or folders of them")
    .option(
      "-k, --kernel <version>",
      "a kernel release to run (4.13 or v4.13; `tlbl list kernels`); repeat for several (default: the file's expect lines, else the newest)",
      collectRelease,
    )
    .option(
      "-s, --schedule <name-or-steps>",
      'run one execution: a schedule block\'s name, or a schedule such as "T1 step 2; T2 end"',
    )
    .option(
      "--fix <commit=on|off>",
      'apply or revert one modelled fix (a commit id, or a patch\'s "<Message-ID>"), whatever the release; repeatable',
      collect,
    )
    .option(
      "--option <name>",
      "turn on a hardware option for every file: tlb_evict (repeatable)",
      collect,
    )
    .option("--json", "print one JSON array (schema in the README)")
    .option(
      "--no-reduce",
      "turn partial-order reduction off (the same final states, more of the others)",
    )
    .option(
      "--no-symmetry",
      "turn symmetry reduction off (interchangeable threads are then told apart)",
    )
    .addOption(
      new Option("--search <order>", "search order").choices(["bfs", "dfs"]).default("bfs"),
    )
    .option("-j, --jobs <n>", "share the search among n worker threads", parseCount)
    .option(
      "--shard <i/n>",
      "explore only shard i of n (1-based) of a deterministic split; combine with `tlbl merge`",
    )
    .option("--max-states <n>", "stop after this many distinct states (partial answer)", parseCount)
    .option("--timeout <seconds>", "stop after this long (partial answer)", parseFloatArg)
    .option(
      "--max-memory <MB>",
      "stop when the process (workers included) uses more than this (partial answer)",
      parseCount,
    )
    .option("--quiet", "print only the summary of each run")
    .option("--full-trace", "draw every step of a witness, locks and bookkeeping included")
    .option("--junit <file>", "also write a JUnit XML report: a test case per scenario and kernel")
    .option(
      "--width <n>",
      "draw witnesses n columns wide (default: COLUMNS, the terminal, or 120)",
      parseCount,
    )
    .option("--compact", "draw witnesses for a commit message: 72 columns, the steps that matter")
    .option(
      "--show <what>",
      "executions to draw: witness, positive, positive:N, negative, none (comma-separated)",
    )
    .option("--svg <file>", "also write the drawn executions as an SVG picture, one lane per CPU")
    .addHelpText(
      "after",
      examplesOf([
        `tlbl run ${seed}                    every interleaving, every expected kernel`,
        `tlbl run --kernel v4.8 ${seed}      one release`,
        `tlbl run --schedule from_commit_message ${seed}`,
        `tlbl run --fix 5d1904204c99=off --kernel 4.9 ${seed}`,
        "tlbl run --json scenarios > results.json",
        "tlbl run --junit report.xml scenarios           a JUnit report for CI (docs/ci.md)",
        `tlbl run --compact --kernel 4.8 ${seed}   a drawing for a commit message`,
        `tlbl run --svg race.svg --kernel 4.8 ${seed}`,
        "tlbl run --jobs 2 big.tlb                     one search over two worker threads",
        "tlbl run --shard 1/4 --json big.tlb > s1.json  (… 4/4), then: tlbl merge s*.json",
      ]),
    )
    .action(async (files: string[], opts: RunOptions) => {
      process.exitCode = await runCommand(expandDirectories(files), opts);
    });

  program
    .command("test")
    .description(
      "run each scenario and compare its output with NAME.tlb.expected beside it (a diff on mismatch)",
    )
    .argument("<files...>", ".tlb files, or folders of them")
    .option("--promote", "write NAME.tlb.expected from this run instead (after review)")
    .addHelpText(
      "after",
      examplesOf([
        "tlbl test scenarios                  compare with NAME.tlb.expected beside each",
        `tlbl test --promote ${seed}  rewrite its expected output after review`,
      ]),
    )
    .action(async (files: string[], opts: { promote?: boolean }) => {
      process.exitCode = await testCommand(expandDirectories(files), opts);
    });

  program
    .command("merge")
    .description(
      "combine the shards of a search (`tlbl run --shard i/n --json`) or of a hunt (`tlbl hunt --shard i/n` results) into one answer",
    )
    .argument("<files...>", "one file per shard: run's JSON, or hunt's results (JSON lines)")
    .option("--json", "print JSON: an array of runs; for a hunt, one object")
    .option("--junit <file>", "also write a JUnit XML report: a test case per scenario and kernel")
    .addHelpText(
      "after",
      examplesOf([
        "tlbl run --shard 1/2 --json big.tlb > s1.json; tlbl run --shard 2/2 --json big.tlb > s2.json",
        "tlbl merge s1.json s2.json",
        "tlbl merge --junit report.xml s1.json s2.json",
        "tlbl merge results-*.jsonl          a sharded hunt's findings, as one",
      ]),
    )
    .action((files: string[], opts: { json?: boolean; junit?: string }) => {
      process.exitCode = mergeCommand(files, opts);
    });

  program
    .command("list")
    .description("list the kernel releases (with the fixes each brings) or the fixes tlbl models")
    .addArgument(new Argument("<what>", "kernels or fixes").choices(["kernels", "fixes"]))
    .option("--json", "print one JSON array")
    .addHelpText("after", examplesOf(["tlbl list kernels", "tlbl list fixes --json"]))
    .action((what: ListTopic, opts: { json?: boolean }) => {
      process.exitCode = listCommand(what, opts);
    });

  program
    .command("explain")
    .description(
      "print what a diagnostic code means, an example and what to do (docs/diagnostics.md)",
    )
    .argument("[code]", "a code such as E203; without one, every code")
    .addHelpText("after", examplesOf(["tlbl explain E203", "tlbl explain"]))
    .action((code: string | undefined) => {
      process.exitCode = explainCommand(code);
    });

  program
    .command("init")
    .description("write NAME.tlb, a commented scenario to start from (it checks and runs)")
    .argument("<name>", "the file to write (.tlb is added)")
    .addHelpText("after", examplesOf(["tlbl init my-race && tlbl run my-race.tlb"]))
    .action((name: string) => {
      process.exitCode = initCommand(name);
    });

  program
    .command("completion")
    .description("print a shell completion script for tlbl's commands and options")
    .addArgument(new Argument("<shell>", "bash, zsh or fish").choices(["bash", "zsh", "fish"]))
    .addHelpText(
      "after",
      examplesOf([
        "source <(tlbl completion bash)                  in ~/.bashrc",
        "tlbl completion zsh > ~/.zfunc/_tlbl            with ~/.zfunc in $fpath",
        "tlbl completion fish > ~/.config/fish/completions/tlbl.fish",
      ]),
    )
    .action((shell: Shell) => {
      process.exitCode = completionCommand(shell, program);
    });

  program
    .command("compare")
    .description(
      "run scenarios on two kernels, or with one fix reverted and applied, and list the verdicts that differ",
    )
    .argument("<files...>", ".tlb files, or folders of them")
    .option(
      "-k, --kernel <version>",
      "a release to compare (twice), or the one to run with --fix",
      collectRelease,
    )
    .option("--fix <id>", "compare the fix reverted (left) and applied (right)")
    .option("--all", "list every verdict, not only those that differ")
    .option("--json", "print one JSON array")
    .addHelpText(
      "after",
      examplesOf([
        "tlbl compare -k 4.8 -k 4.9 scenarios            which verdicts 4.9 changed",
        "tlbl compare --fix 3ea277194daa scenarios/reclaim  what one fix decides",
      ]),
    )
    .action(async (files: string[], opts: CompareOptions) => {
      process.exitCode = await compareCommand(expandDirectories(files), opts);
    });

  program
    .command("lsp")
    .description("the language server, over stdin and stdout (docs/editor.md)")
    .option("--stdio", "talk over stdin and stdout (the only transport; editors may pass it)")
    .addHelpText(
      "after",
      examplesOf(["tlbl lsp --stdio          as an editor starts it (docs/editor.md)"]),
    )
    .action(async () => {
      const { startServer } = await import("../lsp/server.js");
      startServer(process.stdin, process.stdout);
      await new Promise<never>(() => {}); // the client ends the server (exit notification)
    });

  program
    .command("mutate")
    .description("drop each protective site of the prelude in turn; say which scenarios catch it")
    .argument("[files...]", "the scenarios that judge (.tlb files, or folders of them)")
    .option("--site <FILE:PROC:LINE>", "only this site (repeatable; see --list)", collect)
    .option("--kind <kind>", "only sites of this kind: flush, lock, pending, recheck", collect)
    .option("--list", "list the sites; run nothing")
    .option("--json", "print the report as JSON")
    .option("--timeout <seconds>", "limit of each run on a mutant (default 60)", parseFloatArg)
    .option("--max-states <n>", "limit of each run on a mutant", parseCount)
    .option("-j, --jobs <n>", "mutate n sites at once, in worker threads", parseCount)
    .option("--shard <i/n>", "only every n-th site, from the i-th (for a CI matrix)")
    .addHelpText(
      "after",
      examplesOf([
        "tlbl mutate --list                               the sites, no run",
        "tlbl mutate --kind flush scenarios               which flushes the library needs",
        "tlbl mutate --site src/kernel/mremap.tlb:move_ptes:103 scenarios/mremap",
        "tlbl mutate --json --jobs 2 scenarios > mutants.json",
      ]),
    )
    .action(async (files: string[], opts: MutateOptions) => {
      process.exitCode = await mutateCommand(expandDirectories(files), opts);
    });

  program
    .command("hunt")
    .description("generate scenarios, let the monitors judge them, write each new race found")
    .option("-k, --kernel <version>", "a release to hunt on; repeatable (default: newest)", collect)
    .option("--budget <n|time>", "candidates (500) or time (90s, 10m, 1h); default 100")
    .option("--out <dir>", "where findings are written (default hunt-findings)")
    .option("--results <file>", "results log, appended; a rerun skips what it holds")
    .option("--shard <i/n>", "only candidates i, i+n, i+2n… (1-based; a CI matrix, an Indexed Job)")
    .option("-j, --jobs <n>", "run n candidates at once, in worker threads", parseCount)
    .option("--kinds <list>", "region kinds: anon,file-shared,file-private")
    .option("--ops <list>", "steps the threads may take (default: all; see docs/hunt.md)")
    .option("--threads <lo..hi>", "threads per scenario (default 2..4)")
    .option("--steps <lo..hi>", "steps per thread (default 1..3)")
    .option("--pages <lo..hi>", "pages of the region (default 1..2)")
    .option("--timeout <seconds>", "limit of each run (default 60)", parseFloatArg)
    .option("--json", "print the summary as JSON")
    .addHelpText(
      "after",
      examplesOf([
        "tlbl hunt -k 4.8 --budget 10m                    ten minutes on 4.8",
        "tlbl hunt -k 4.8 --budget 500 --jobs 2           two candidates at once",
        "tlbl hunt --budget 200 --results hunt.jsonl      resumable: a rerun skips what is done",
        "tlbl hunt --shard 3/8 --budget 1h --results s3.jsonl   one job of a CI matrix;",
        "tlbl merge s*.jsonl                              then all the shards' findings",
      ]),
    )
    .action(async (opts: HuntOptions) => {
      process.exitCode = await huntCommand(opts);
    });

  return program;
}

/** Repeatable options gather their values (variadic ones would swallow the file names). */
function collect(v: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), v];
}

/** `--kernel v4.13` as git tags it is `--kernel 4.13`. */
function collectRelease(v: string, previous: string[] | undefined): string[] {
  return collect(releaseName(v), previous);
}

function parseCount(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n <= 0)
    throw new CommanderError(2, "tlbl.invalidArgument", `not a positive integer: ${v}`);
  return n;
}

function parseFloatArg(v: string): number {
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0)
    throw new CommanderError(2, "tlbl.invalidArgument", `not a positive number: ${v}`);
  return n;
}

export async function main(argv: string[]): Promise<number> {
  // `tlbl run … | head`: the reader went away; stop quietly, as a C tool dies of SIGPIPE.
  process.stdout.on("error", (e: NodeJS.ErrnoException) => {
    if (e.code !== "EPIPE") throw e;
    process.exit(typeof process.exitCode === "number" ? process.exitCode : exitCode.ok);
  });
  const program = buildProgram();
  // Bare `tlbl` is a usage mistake: the help, on stderr, and status 2.
  if (argv.length <= 2) {
    program.outputHelp({ error: true });
    return exitCode.badInput;
  }
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === "number" ? process.exitCode : exitCode.ok;
  } catch (e) {
    if (e instanceof CommanderError) {
      const ok =
        e.code === "commander.helpDisplayed" ||
        e.code === "commander.version" ||
        e.code === "commander.help";
      if (!ok && e.code === "tlbl.invalidArgument") process.stderr.write(`error: ${e.message}\n`);
      return ok ? exitCode.ok : exitCode.badInput;
    }
    const err = e as Error;
    process.stderr.write(
      `tlbl: internal error: ${err.message}\n(this is a bug in tlbl, not in your input; set TLBL_DEBUG=1 for the stack)\n`,
    );
    if (process.env["TLBL_DEBUG"]) process.stderr.write(`${err.stack ?? ""}\n`);
    return exitCode.internalError;
  }
}
