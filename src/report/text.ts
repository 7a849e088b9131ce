import { styleText } from "node:util";
import type { RunResult } from "../judge/run.js";
import { anyMonitorText } from "../semantics/monitors.js";
import { drawColumns } from "./columns.js";
import { expressionText } from "./expression.js";
import { fidelityLines } from "./fidelity.js";
import { traceOf } from "./trace.js";
import { capitalized } from "./verdict.js";

export interface TextOptions {
  readonly color: boolean;
  readonly width: number;
  /** Only the summary, no outcomes and no witness. */
  readonly quiet: boolean;
  /** Every step of the witness, locks and bookkeeping included. */
  readonly fullTrace: boolean;
}

/** herd7-style summary of one run, then the witness in per-CPU columns and its schedule. */
export function formatText(r: RunResult, o: TextOptions): string {
  const paint = (style: Parameters<typeof styleText>[0], s: string): string =>
    o.color ? styleText(style, s) : s;
  const s = r.scenario;
  const lines: string[] = [];
  const fixes = r.fixOverrides.length ? ` with ${r.fixOverrides.join(", ")}` : "";
  lines.push(
    paint("bold", `Test ${s.name} kernel ${r.kernel}${fixes}`) + paint("dim", `  (${s.file})`),
  );
  if (r.mode === "schedule") lines.push(`Schedule run: one execution of ${r.transitions} steps`);
  else
    lines.push(
      `States ${r.states}  Transitions ${r.transitions}  Final states ${r.finals}${r.deadlocks ? `  Deadlocks ${r.deadlocks}` : ""}`,
    );
  if (!r.complete)
    lines.push(
      paint(
        ["bold", "yellow"],
        `Incomplete: the search stopped (${r.stopReason}) after ${r.states} states; the counts below are partial`,
      ),
    );
  if (!o.quiet && r.outcomes.length) {
    for (const x of r.outcomes) lines.push(`  ${x.holds ? "*" : " "}> ${x.text}`);
  }
  const conditionText = s.condition
    ? `${s.condition.quantifier} (${expressionText(s.condition.expr)})`
    : r.monitors
      ? `${anyMonitorText} [no condition written: the built-in monitors]`
      : undefined;
  if (r.scheduleError) lines.push(paint(["bold", "red"], `Schedule failed: ${r.scheduleError}`));
  if (conditionText !== undefined) {
    if (r.verdict === undefined) {
      const why =
        r.deadlocks > 0
          ? `every execution deadlocks (${r.deadlocks} deadlocked states)`
          : r.complete
            ? "no execution reaches the end"
            : "no final state found yet";
      lines.push(paint(["bold", "red"], `No verdict: ${why}`));
    } else {
      lines.push(r.conditionOk === undefined ? "Undecided" : r.conditionOk ? "Ok" : "No");
      lines.push("Witnesses", `Positive: ${r.positive} Negative: ${r.negative}`);
    }
    lines.push(`Condition ${conditionText}`);
    if (r.monitors)
      lines.push(
        `Monitors ${Object.entries(r.monitors)
          .map(([n, k]) => `${n} ${k}`)
          .join("  ")}  (final states where each fired)`,
      );
    if (r.verdict !== undefined)
      lines.push(`Observation ${s.name} ${capitalized(r.verdict)} ${r.positive} ${r.negative}`);
  }
  lines.push(...fidelityLines(r).map((l) => paint("yellow", l)));
  if (r.expected !== undefined) {
    const mark =
      r.ok === true
        ? paint("green", "holds")
        : r.ok === false
          ? paint(["bold", "red"], "FAILS")
          : paint("yellow", "undecided");
    lines.push(`Expected ${r.expected}: ${mark}`);
  }
  if (r.deadlocks > 0 && r.witness?.kind !== "deadlock")
    lines.push(
      paint(
        "yellow",
        `Warning: ${r.deadlocks} deadlocked states (run with --search dfs or see --json for a trace)`,
      ),
    );
  lines.push(`Time ${s.name} ${(r.timeMs / 1000).toFixed(2)}`);
  if (
    !o.quiet &&
    r.witness !== undefined &&
    (r.mode === "schedule" || r.witness.kind !== "negative" || r.quantifier === "forall")
  ) {
    const what =
      r.witness.kind === "deadlock"
        ? "A deadlock"
        : r.mode === "schedule"
          ? "The execution"
          : r.witness.kind === "positive"
            ? "Witness (shortest)"
            : "Counterexample (shortest)";
    lines.push("", paint("bold", `${what}:`));
    lines.push(
      drawColumns(r.machine, traceOf(r.machine, r.witness.path, o.fullTrace), o.width, o.fullTrace),
    );
    lines.push(`Schedule: ${r.schedule}`);
    lines.push(
      paint(
        "dim",
        `Replay:   tlbl run --kernel ${r.kernel}${r.fixOverrides.map((f) => ` --fix ${shellWord(f)}`).join("")} --schedule "${r.schedule}" ${s.file}`,
      ),
    );
  }
  return lines.join("\n");
}

/** A word as a shell reads it: a fix named by its `<Message-ID>` needs quotes. */
function shellWord(w: string): string {
  return /^[\w.=@\/-]+$/.test(w) ? w : `'${w}'`;
}
