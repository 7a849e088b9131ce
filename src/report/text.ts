import { styleText } from "node:util";
import type { Judgement } from "../judge/judge.js";
import type { RunResult } from "../judge/run.js";
import { drawColumns } from "./columns.js";
import { conditionText, herdCondition, logLines, scenarioHash, type LogBlock } from "./herd-log.js";
import { fidelityLines } from "./fidelity.js";
import { traceOf } from "./trace.js";
import { commitWidth, drawCompact } from "./compact.js";
import { defaultShow, shownExecutions, type Show } from "./show.js";

export interface TextOptions {
  readonly color: boolean;
  readonly width: number;
  /** Only the log block, no witness. */
  readonly quiet: boolean;
  /** Every step of the witness, locks and bookkeeping included. */
  readonly fullTrace: boolean;
  /** The drawing for a commit message (report/compact.ts) instead of the wide one. */
  readonly compact?: boolean;
  /** Which executions to draw; the witness by default. */
  readonly show?: Show;
}

/** Why a search stopped, in the words of the option that stopped it. */
export function stopText(reason: string | undefined): string {
  switch (reason) {
    case "max-states":
      return "at its state limit (--max-states)";
    case "timeout":
      return "at its time limit (--timeout)";
    case "max-memory":
      return "at its memory limit (--max-memory, or V8's heap limit: --max-old-space-size)";
    case "interrupted":
      return "when interrupted (SIGINT or SIGTERM)";
    default:
      return reason === undefined ? "early" : `(${reason})`;
  }
}

/** The judge's answer as a block of herd7's log (report/herd-log.ts), with tlbl's lines. */
export function logBlockOf(r: RunResult): LogBlock {
  const s = r.scenario;
  const fixes = r.fixOverrides.length ? ` with ${r.fixOverrides.join(", ")}` : "";
  const header = [`Kernel ${r.kernel}${fixes}  ${s.file}`];
  header.push(
    r.mode === "schedule"
      ? `Explored one execution (a schedule) of ${r.transitions} steps`
      : `Explored ${r.states} states, ${r.transitions} transitions, ${r.finals} final states${r.deadlocks ? `, ${r.deadlocks} deadlocks` : ""}${r.complete ? "" : ` before the search stopped ${stopText(r.stopReason)}`}`,
  );
  if (r.monitors)
    header.push(
      `Monitors ${Object.entries(r.monitors)
        .map(([n, k]) => `${n} ${k}`)
        .join(", ")} (final states where each fired)`,
    );
  if (r.scheduleError) header.push(`Schedule failed: ${r.scheduleError}`);
  if (r.shard)
    header.push(
      `Partial: shard ${r.shard.index + 1} of ${r.shard.count} (merge every shard's --json with tlbl merge)`,
    );
  const footer: string[] = [];
  if (r.verdict !== undefined && r.shard)
    footer.push(
      `Partial (shard ${r.shard.index + 1} of ${r.shard.count}): ${
        r.alwaysNotExcluded
          ? "Sometimes rests on the witness below (Always is not excluded)"
          : "what this shard found settles the verdict"
      }`,
    );
  else if (r.verdict !== undefined && r.mode === "search" && !r.complete)
    footer.push(
      `Incomplete: the search stopped ${stopText(r.stopReason)}; the counts are partial, and ${
        r.alwaysNotExcluded
          ? "Sometimes rests on the witness below (Always is not excluded)"
          : "what was found settles the verdict"
      }`,
    );
  if (r.verdict !== undefined && r.mode === "schedule")
    footer.push(
      "One execution: Sometimes rests on it (Always is not excluded); it settles no expectation",
    );
  if (r.deadlocks > 0 && r.witness?.kind !== "deadlock")
    footer.push(
      `Warning: ${r.deadlocks} deadlocked states (run with --search dfs or see --json for a trace)`,
    );
  // What the verdict rests on: after Hash, where herd's log reader skips lines.
  footer.push(...fidelityLines(r));
  return {
    test: s.name,
    kernel: r.kernel,
    fixes: r.fixOverrides,
    quantifier: r.quantifier,
    condition:
      r.quantifier === undefined
        ? undefined
        : { tlbl: conditionText(s), herd: herdCondition(s, r.machine.program.observed) },
    locations: r.locations,
    outcomes: r.outcomes,
    judgement: r,
    positive: r.positive,
    negative: r.negative,
    header,
    undecidedWhy: undecidedWhy(r),
    timeMs: r.timeMs,
    hash: scenarioHash(s),
    footer,
  };
}

function undecidedWhy(r: RunResult): string {
  if (r.scheduleError) return `the schedule failed: ${r.scheduleError}`;
  if (r.mode === "schedule")
    return "one execution (a schedule) that does not satisfy the proposition settles nothing";
  if (r.shard)
    return `shard ${r.shard.index + 1} of ${r.shard.count} alone settles nothing: merge every shard (tlbl merge)`;
  if (!r.complete)
    return `the search stopped ${stopText(r.stopReason)} before it settled the condition; the counts below are partial`;
  if (r.finals === 0)
    return r.deadlocks > 0
      ? `every execution deadlocks (${r.deadlocks} deadlocked states)`
      : "no execution reaches the end";
  return "nothing to judge: no condition and no monitors";
}

/** The expectation line: `Expected sometimes: holds`. */
export function expectationLine(
  j: Judgement,
  paint: (s: Parameters<typeof styleText>[0], t: string) => string,
): string[] {
  if (j.expected === undefined) return [];
  const mark =
    j.ok === true
      ? paint("green", "holds")
      : j.ok === false
        ? paint(["bold", "red"], "FAILS")
        : paint("yellow", "undecided");
  return [`Expected ${j.expected}: ${mark}`];
}

/** One run as herd7's log block, then the witness in per-CPU columns and its schedule. */
export function formatText(r: RunResult, o: TextOptions): string {
  const paint = (style: Parameters<typeof styleText>[0], s: string): string =>
    o.color ? styleText(style, s) : s;
  const lines = logLines(logBlockOf(r));
  lines.push(...expectationLine(r, paint));
  if (o.quiet) return lines.join("\n");
  const { shown, missing } = shownExecutions(r, o.show ?? defaultShow);
  for (const x of shown) {
    const trace = traceOf(r.machine, x.path, o.fullTrace);
    lines.push("", paint("bold", `${x.title}:`));
    lines.push(
      o.compact
        ? drawCompact(r.machine, trace, Math.min(o.width, commitWidth))
        : drawColumns(r.machine, trace, o.width, o.fullTrace),
    );
    lines.push(`Schedule: ${x.schedule}`);
    lines.push(paint("dim", `Replay:   ${replayCommand(r, x.schedule)}`));
  }
  if (missing.length) lines.push("", ...missing);
  return lines.join("\n");
}

/** The command that runs one execution again. */
export function replayCommand(r: RunResult, schedule: string): string {
  return `tlbl run --kernel ${r.kernel}${r.fixOverrides.map((f) => ` --fix ${shellWord(f)}`).join("")} --schedule "${schedule}" ${r.scenario.file}`;
}

/** A word as a shell reads it: a fix named by its `<Message-ID>` needs quotes. */
function shellWord(w: string): string {
  return /^[\w.=@\/-]+$/.test(w) ? w : `'${w}'`;
}
