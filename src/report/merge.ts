import type { MergedAnswer } from "../judge/shards.js";
import { fidelityJson, fidelityLines } from "./fidelity.js";
import { judgementJson } from "./json.js";
import { capitalized } from "./verdict.js";

/** A merged answer with the scenario and configuration it answers for. */
export interface MergedRun {
  readonly file: string;
  readonly test: string;
  readonly kernel: string;
  readonly fixes: readonly string[];
  readonly answer: MergedAnswer;
}

const shardName = (s: { index: number; count: number }): string => `${s.index + 1}/${s.count}`;

/** The JSON of one merged run (`tlbl merge --json`). */
export function mergedJson(r: MergedRun): Record<string, unknown> {
  const a = r.answer;
  return {
    file: r.file,
    test: r.test,
    kernel: r.kernel,
    fixes: r.fixes,
    shards: a.shards,
    missing: a.missing.map(shardName),
    ...judgementJson(a),
    ...fidelityJson(a),
    states: a.states,
    executions: a.finals,
    witnesses: { positive: a.positive, negative: a.negative },
    deadlocks: a.deadlocks,
    schedule: a.schedule ?? null,
  };
}

/** The summary of one merged run (`tlbl merge`). */
export function formatMergedText(r: MergedRun): string {
  const a = r.answer;
  const lines = [
    `Test ${r.test} kernel ${r.kernel}${r.fixes.length ? ` with ${r.fixes.join(", ")}` : ""}  (${r.file}, ${a.shards} shards)`,
    a.missing.length
      ? `Incomplete: shards ${a.missing.map(shardName).join(", ")} are missing`
      : `States ${a.states} (summed over shards)  Final states ${a.finals}`,
    `Positive: ${a.positive} Negative: ${a.negative}`,
    a.verdict === undefined
      ? "No verdict: no final state"
      : `Observation ${r.test} ${capitalized(a.verdict)} ${a.positive} ${a.negative}`,
  ];
  lines.push(...fidelityLines(a));
  if (a.expected !== undefined)
    lines.push(
      `Expected ${a.expected}: ${a.ok === true ? "holds" : a.ok === false ? "FAILS" : "undecided"}`,
    );
  return lines.join("\n");
}
