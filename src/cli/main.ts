import { Command, CommanderError, Option } from "commander";
import { checkCommand } from "./check-command.js";
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
  tlbl run --kernel 4.8 scenarios/mremap.tlb    one release
  tlbl run --schedule from_commit_message scenarios/mremap.tlb
  tlbl run --json scenarios/*.tlb > results.json
  tlbl run --jobs 2 big.tlb                     one search over two worker threads
  tlbl run --shard 1/4 --json big.tlb > s1.json (… 4/4), then: tlbl merge s*.json
  tlbl test scenarios                           compare with the expected outputs (NAME.tlb.expected)
  tlbl test --promote scenarios/x.tlb           rewrite its expected output after review
  tlbl check scenarios/*.tlb                    parse and check only
  tlbl fmt --write scenarios/*.tlb              format in place

Exit status: 0 every expectation holds, 1 one does not, 2 bad input or usage,
3 a limit ended a search before it could answer, 4 internal error (a bug in tlbl),
5 the scenario needs more than the model has (out of page frames, say),
130/143 interrupted by SIGINT/SIGTERM (the answer so far is printed, marked partial).`;

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
    .action((files: string[]) => {
      process.exitCode = checkCommand(expandDirectories(files));
    });

  program
    .command("fmt")
    .description("format .tlb files (through prettier with the tlb plugin)")
    .argument("<files...>", ".tlb files, or folders of them")
    .option("--check", "list the files that are not formatted; exit 1 if any")
    .option("--write", "rewrite the files in place")
    .action(async (files: string[], opts: { check?: boolean; write?: boolean }) => {
      process.exitCode = await fmtCommand(expandDirectories(files), opts);
    });

  program
    .command("run")
    .description("explore every interleaving (or one schedule) and judge each scenario's condition")
    .argument("<files...>", ".tlb files, or folders of them")
    .option(
      "-k, --kernel <version>",
      "a kernel release to run; repeat for several (default: the file's expect lines, else the newest)",
      collect,
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
    .action(async (files: string[], opts: { promote?: boolean }) => {
      process.exitCode = await testCommand(expandDirectories(files), opts);
    });

  program
    .command("merge")
    .description(
      "combine the --json output of `tlbl run --shard i/n` over every shard into one answer",
    )
    .argument("<files...>", "JSON files, one per shard")
    .option("--json", "print one JSON array")
    .action((files: string[], opts: { json?: boolean }) => {
      process.exitCode = mergeCommand(files, opts);
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
    .option("--kinds <list>", "region kinds: anon,file-shared,file-private")
    .option("--ops <list>", "steps the threads may take (default: all; see docs/hunt.md)")
    .option("--threads <lo..hi>", "threads per scenario (default 2..4)")
    .option("--steps <lo..hi>", "steps per thread (default 1..3)")
    .option("--pages <lo..hi>", "pages of the region (default 1..2)")
    .option("--timeout <seconds>", "limit of each run (default 60)", parseFloatArg)
    .option("--json", "print the summary as JSON")
    .action(async (opts: HuntOptions) => {
      process.exitCode = await huntCommand(opts);
    });

  return program;
}

/** Repeatable options gather their values (variadic ones would swallow the file names). */
function collect(v: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), v];
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
