import { availableParallelism } from "node:os";
import { didYouMean } from "../diagnostics/suggest.js";
import type { Configuration, Shard } from "../explore/run.js";
import { scheduleOption } from "../explore/schedule-option.js";
import { undecided } from "../judge/judge.js";
import { runScenario, type BuildStop, type RunResult } from "../judge/run.js";
import { shardLabel } from "../judge/shards.js";
import { toJson } from "../report/json.js";
import { formatText, stopText } from "../report/text.js";
import { caseOfProblem, caseOfRun, junitXml, type JUnitCase } from "../report/junit.js";
import { defaultShow, parseShow, type Show } from "../report/show.js";
import { witnessSvg } from "../report/svg.js";
import type { Diagnostic } from "../diagnostics/diagnostic.js";
import { renderDiagnostic } from "../diagnostics/render.js";
import { LineMap } from "../diagnostics/span.js";
import { writeFileSync } from "node:fs";
import { isFixId, isKnownRelease, knownReleases } from "../semantics/kernel-versions.js";
import { knownOptions } from "../semantics/options.js";
import { unknownFix } from "../semantics/typecheck.js";
import { loadPrelude } from "../kernel/prelude.js";
import { onInterrupt } from "./interrupt.js";
import { exitCode, printDiagnostics, useColor } from "./io.js";
import { writeJson } from "./json-stream.js";
import { loadScenario } from "./load.js";
import { progressLine } from "./progress.js";

export interface RunOptions {
  readonly kernel?: string[];
  readonly schedule?: string;
  readonly fix?: string[];
  readonly option?: string[];
  readonly json?: boolean;
  readonly search: "bfs" | "dfs";
  readonly reduce: boolean;
  readonly jobs?: number;
  readonly shard?: string;
  readonly symmetry: boolean;
  readonly maxStates?: number;
  readonly timeout?: number;
  readonly maxMemory?: number;
  readonly quiet?: boolean;
  readonly fullTrace?: boolean;
  /** Write a JUnit XML report here (report/junit.ts). */
  readonly junit?: string;
  /** Draw witnesses this wide (else COLUMNS, the terminal's width, or 120). */
  readonly width?: number;
  /** Draw witnesses for a commit message (report/compact.ts). */
  readonly compact?: boolean;
  /** Which executions to draw (report/show.ts). */
  readonly show?: string;
  /** Write the drawn executions as an SVG picture here (report/svg.ts). */
  readonly svg?: string;
}

/** `tlbl run`: judge each scenario on each kernel; the exit status sums up the expectations. */
export async function runCommand(files: string[], opts: RunOptions): Promise<number> {
  const usage = checkOptions(opts);
  if (usage !== undefined) {
    process.stderr.write(`tlbl run: ${usage}\n`);
    return exitCode.badInput;
  }
  const results: RunResult[] = [];
  const stops: Record<string, unknown>[] = [];
  // Files that could not be judged, as JUnit error cases (bad input, a model limit).
  const problems: JUnitCase[] = [];
  const show = opts.show === undefined ? defaultShow : (parseShow(opts.show) as Show);
  const width = witnessWidth(opts.width);
  let badInput = false;
  let modelError = false;
  const color = useColor(process.stdout);
  const progress = process.stderr.isTTY && !opts.json ? progressLine(process.stderr) : undefined;
  const interrupt = onInterrupt();
  const jobs = jobsCapped(opts.jobs);
  for (const file of files) {
    if (interrupt.signal.aborted) break;
    const loaded = loadScenario(file);
    if (loaded.scenario === undefined) {
      printDiagnostics(loaded.diagnostics, loaded.text);
      problems.push(badInputCase(file, loaded.diagnostics, loaded.text));
      badInput = true;
      continue;
    }
    const s = loaded.scenario;
    const schedule = opts.schedule === undefined ? undefined : scheduleOption(s, opts.schedule);
    if (schedule !== undefined && "error" in schedule) {
      printDiagnostics(
        [{ ...schedule.error, severity: "error", file, span: { start: 0, end: 0 } }],
        undefined,
      );
      problems.push(
        caseOfProblem(file, "BadInput", schedule.error.message, schedule.error.message),
      );
      badInput = true;
      continue;
    }
    const out = await runScenario(
      s,
      {
        kernels: opts.kernel ?? [],
        options: opts.option ?? [],
        fixes: (opts.fix ?? []).map(splitFixToggle).map(([commit, state]) => ({
          commit,
          enabled: state === "on",
        })),
        schedule: schedule?.items,
        order: opts.search,
        reduce: opts.reduce,
        jobs,
        shard: parseShard(opts.shard),
        symmetry: opts.symmetry,
        maxStates: opts.maxStates,
        timeoutMs: opts.timeout === undefined ? undefined : opts.timeout * 1000,
        maxMemoryBytes: opts.maxMemory === undefined ? undefined : opts.maxMemory * 1024 * 1024,
        signal: interrupt.signal,
        keepPositive: show.positives,
      },
      progress && ((p, c) => progress.update(p, progressWhere(file, c))),
    );
    progress?.clear();
    if (out.diagnostics.length) {
      printDiagnostics(out.diagnostics, loaded.text);
      problems.push(badInputCase(file, out.diagnostics, loaded.text));
      badInput = true;
    }
    if (out.modelError) {
      const why = `the model is too small for this run: ${out.modelError}`;
      process.stderr.write(`tlbl: ${why}\n`);
      problems.push(caseOfProblem(file, "ModelLimit", why, why));
      modelError = true;
    }
    for (const stop of out.stopped ?? []) {
      const text = stopLines(s.file, s.name, stop);
      stops.push(stopJson(s.file, s.name, stop));
      problems.push(caseOfProblem(s.file, "Undecided", text.split("\n").at(-1)!, text));
      if (!opts.json) process.stdout.write(`${text}\n\n`);
    }
    for (const r of out.results) {
      results.push(r);
      if (!opts.json) {
        process.stdout.write(
          `${formatText(r, { color, width, quiet: opts.quiet ?? false, fullTrace: opts.fullTrace ?? false, compact: opts.compact ?? false, show })}\n\n`,
        );
      }
    }
  }
  if (opts.json) {
    writeJson([...results.map(toJson), ...stops], (chunk) => process.stdout.write(chunk));
    process.stdout.write("\n");
  }
  interrupt.dispose();
  if (
    opts.junit !== undefined &&
    !writeReport(opts.junit, junitXml([...results.map(caseOfRun), ...problems]))
  )
    return exitCode.badInput;
  if (
    opts.svg !== undefined &&
    !writeReport(opts.svg, witnessSvg(results, show, opts.fullTrace ?? false))
  )
    return exitCode.badInput;
  const signalled = interrupt.status();
  if (signalled !== undefined) return signalled;
  if (badInput) return exitCode.badInput;
  if (modelError) return exitCode.modelLimit;
  if (results.some((r) => r.ok === false)) return exitCode.expectationFailed;
  // A shard is undecided by design: its answer is for `tlbl merge`, unless a limit cut it short.
  if (opts.shard === undefined && results.some(undecided)) return exitCode.incomplete;
  if (opts.shard !== undefined && results.some((r) => r.stopReason !== undefined))
    return exitCode.incomplete;
  if (stops.length) return exitCode.incomplete;
  return exitCode.ok;
}

/** A configuration a limit stopped while its machine was built: undecided, nothing explored. */
function stopLines(file: string, test: string, b: BuildStop): string {
  const fixes = b.fixOverrides.length ? ` with ${b.fixOverrides.join(", ")}` : "";
  return [
    `Test ${test}+${b.kernel} Undecided`,
    `Kernel ${b.kernel}${fixes}  ${file}`,
    `Fatal: Undecided: building the model stopped in ${b.stage} ${stopText(b.reason)}, after ${(b.timeMs / 1000).toFixed(2)} s; no state was explored`,
  ].join("\n");
}

/** The same in `--json`: the keys of a run's JSON that apply, and the stage it stopped in. */
function stopJson(file: string, test: string, b: BuildStop): Record<string, unknown> {
  return {
    file,
    test,
    kernel: b.kernel,
    fixes: b.fixOverrides,
    mode: "search",
    verdict: null,
    ok: null,
    complete: false,
    stopReason: b.reason,
    stoppedIn: b.stage,
    states: 0,
    timeMs: Math.round(b.timeMs * 100) / 100,
  };
}

function checkOptions(o: RunOptions): string | undefined {
  for (const k of o.kernel ?? []) {
    if (!isKnownRelease(k)) return `unknown kernel version \`${k}\`${didYouMean(k, knownReleases)}`;
  }
  if (o.shard !== undefined && parseShard(o.shard) === undefined)
    return `--shard takes i/n with 1 ≤ i ≤ n, not \`${o.shard}\``;
  if (o.shard !== undefined && o.junit !== undefined)
    return "--junit and --shard do not combine: a shard settles nothing; write the report with `tlbl merge --junit`";
  if (o.show !== undefined && typeof parseShow(o.show) === "string")
    return parseShow(o.show) as string;
  if (o.shard !== undefined && (o.jobs ?? 1) > 1)
    return "--shard and --jobs do not combine: run one shard per job";
  for (const name of o.option ?? []) {
    if (!(name in knownOptions))
      return `unknown option \`${name}\`${didYouMean(name, Object.keys(knownOptions))}`;
  }
  for (const f of o.fix ?? []) {
    const [commit, state] = splitFixToggle(f);
    if (!isFixId(commit) || (state !== "on" && state !== "off"))
      return `--fix takes COMMIT=on or COMMIT=off, not \`${f}\``;
    // The same typo in a file is E108; a toggle of an unknown fix would change nothing.
    const known = loadPrelude().fixes;
    if (!known.has(commit)) return `--fix ${f}: ${unknownFix(commit, known)} [E108]`;
  }
  return undefined;
}

/**
 * How wide witnesses are drawn: --width, else COLUMNS when set (as GNU tools read it, also when
 * piped), else the terminal's width, else 120 (what the expected outputs use).
 */
function witnessWidth(width: number | undefined): number {
  if (width !== undefined) return width;
  const columns = Number(process.env["COLUMNS"]);
  if (Number.isInteger(columns) && columns > 0) return columns;
  return process.stdout.isTTY ? (process.stdout.columns ?? 120) : 120;
}

/** A bad input file as a JUnit error case, its diagnostics as `tlbl check` prints them. */
function badInputCase(
  file: string,
  ds: readonly Diagnostic[],
  text: string | undefined,
): JUnitCase {
  const lines = text === undefined ? undefined : new LineMap(text);
  const body = ds
    .map((d) => renderDiagnostic(d, d.file === file ? lines : undefined, { color: false }))
    .join("\n");
  return caseOfProblem(
    file,
    "BadInput",
    `${ds.length} error${ds.length === 1 ? "" : "s"}: ${ds[0]?.message ?? ""}`,
    body,
  );
}

/** Writes a report file; a path that cannot be written is a usage error, said once. */
function writeReport(path: string, text: string): boolean {
  try {
    writeFileSync(path, text);
    return true;
  } catch (e) {
    process.stderr.write(`tlbl run: cannot write ${path}: ${(e as Error).message}\n`);
    return false;
  }
}

/** More workers than cores only contend for them (100 workers took 44 s on a 0.3 s search). */
function jobsCapped(jobs: number | undefined): number | undefined {
  const cores = availableParallelism();
  if (jobs === undefined || jobs <= cores) return jobs;
  process.stderr.write(`tlbl run: --jobs ${jobs} capped at ${cores}, the cores this machine has\n`);
  return cores;
}

/** `COMMIT=on` → [COMMIT, "on"]; the last `=` splits, since a Message-ID may hold one. */
function splitFixToggle(f: string): [string, string] {
  const at = f.lastIndexOf("=");
  return at < 0 ? [f, ""] : [f.slice(0, at), f.slice(at + 1)];
}

/** The progress line's subject: `scenarios/x.tlb kernel 4.8`. */
export function progressWhere(file: string, c: Configuration): string {
  const fixes = c.fixOverrides.length ? ` with ${c.fixOverrides.join(", ")}` : "";
  return `${file} kernel ${c.kernel}${fixes}`;
}

/** `--shard i/n`, 1-based, as a 0-based index and a count. */
function parseShard(text: string | undefined): Shard | undefined {
  const label = shardLabel(text);
  return label && { index: label.index - 1, count: label.count };
}
