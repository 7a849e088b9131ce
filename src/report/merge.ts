import type { MergedAnswer } from "../judge/shards.js";
import type { Quantifier } from "../syntax/ast.js";
import { logLines } from "./herd-log.js";
import { judgementJson, outcomesJson } from "./json.js";
import { expectationLine } from "./text.js";
import { fidelityJson, fidelityLines } from "./fidelity.js";

/** A merged answer with the scenario and configuration it answers for, as the shards told. */
export interface MergedRun {
  readonly file: string;
  readonly test: string;
  readonly kernel: string;
  readonly fixes: readonly string[];
  readonly quantifier: Quantifier | undefined;
  readonly locations: readonly string[];
  readonly condition: { readonly tlbl: string; readonly herd: string | undefined } | undefined;
  readonly hash: string;
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
    outcomes: outcomesJson(r.locations, a.outcomes),
    schedule: a.schedule ?? null,
  };
}

/** One merged run as a block of herd7's log (`tlbl merge`). */
export function formatMergedText(r: MergedRun): string {
  const a = r.answer;
  const fixes = r.fixes.length ? ` with ${r.fixes.join(", ")}` : "";
  const missing =
    a.missing.length === 0
      ? ""
      : a.missing.length === 1
        ? `; shard ${shardName(a.missing[0]!)} is missing`
        : `; shards ${a.missing.map(shardName).join(", ")} are missing`;
  const lines = logLines({
    test: r.test,
    kernel: r.kernel,
    fixes: r.fixes,
    quantifier: r.quantifier,
    condition: r.condition,
    locations: r.locations,
    outcomes: a.outcomes,
    judgement: a,
    positive: a.positive,
    negative: a.negative,
    header: [
      `Kernel ${r.kernel}${fixes}  ${r.file}`,
      `Explored ${a.states} states summed over ${a.shards} shards, ${a.finals} final states${a.deadlocks ? `, ${a.deadlocks} deadlocks` : ""}${missing}`,
    ],
    undecidedWhy: a.complete
      ? "no execution reaches the end"
      : `a shard is missing or stopped early, and what the others found settles nothing${missing}`,
    timeMs: undefined,
    hash: r.hash,
    footer: [
      ...(a.verdict !== undefined && !a.complete
        ? [
            `Incomplete: a shard is missing or stopped early; the counts are partial, and ${
              a.alwaysNotExcluded
                ? "Sometimes rests on a witness a shard found (Always is not excluded)"
                : "what was found settles the verdict"
            }`,
          ]
        : []),
      ...fidelityLines(a),
    ],
  });
  lines.push(...expectationLine(a, (_, t) => t));
  return lines.join("\n");
}
