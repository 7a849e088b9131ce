import { readFileSync } from "node:fs";
import { undecided } from "../judge/judge.js";
import type { Outcome } from "../judge/outcomes.js";
import { mergeShards, type ShardAnswer } from "../judge/shards.js";
import { formatMergedText, mergedJson, type MergedRun } from "../report/merge.js";
import type { Quantifier, Verdict } from "../syntax/ast.js";
import { exitCode } from "./io.js";

/** The part of `tlbl run --shard i/n --json` output that merging reads. */
interface ShardEntry {
  readonly file: string;
  readonly test: string;
  readonly kernel: string;
  readonly fixes: readonly string[];
  readonly expected: Verdict | null;
  readonly complete: boolean;
  readonly states: number;
  readonly shard: string;
  readonly quantifier: Quantifier | null;
  readonly finalStates: readonly [string, boolean, number][];
  readonly locations: readonly string[];
  readonly outcomeLines: readonly Outcome[];
  readonly conditionText: string | null;
  readonly herdCondition: string | null;
  readonly hash: string;
  readonly deadlockStates: readonly string[];
  readonly schedule: string | null;
  readonly outOfRange: readonly { proc: string; follows: string; kernel: string; file: string }[];
  readonly deviations: readonly { proc: string; reason: string }[];
}

/**
 * `tlbl merge`: the union of every shard's final states and deadlocks is the whole search's, so
 * the merged verdict is exact. A set of shards with one missing is judged as an incomplete search.
 */
export function mergeCommand(files: string[], opts: { json?: boolean }): number {
  const groups = new Map<string, ShardEntry[]>();
  for (const file of files) {
    let entries: ShardEntry[];
    try {
      entries = JSON.parse(readFileSync(file, "utf8")) as ShardEntry[];
    } catch (e) {
      process.stderr.write(
        `${file}: error: cannot read shard results: ${(e as Error).message} [E001]\n`,
      );
      return exitCode.badInput;
    }
    for (const e of entries) {
      if (e.shard === undefined || e.finalStates === undefined || e.outcomeLines === undefined) {
        process.stderr.write(
          `${file}: error: ${e.file} kernel ${e.kernel} is not the output of \`tlbl run --shard i/n --json\` [E001]\n`,
        );
        return exitCode.badInput;
      }
      const key = `${e.file}\u0000${e.kernel}\u0000${e.fixes.join(",")}`;
      groups.set(key, [...(groups.get(key) ?? []), e]);
    }
  }
  const merged = [...groups.values()].map((shards): MergedRun => {
    const first = shards[0]!;
    return {
      file: first.file,
      test: first.test,
      kernel: first.kernel,
      fixes: first.fixes,
      quantifier: first.quantifier ?? undefined,
      locations: first.locations,
      condition:
        first.conditionText === null
          ? undefined
          : { tlbl: first.conditionText, herd: first.herdCondition ?? undefined },
      hash: first.hash,
      answer: mergeShards(
        first.quantifier ?? undefined,
        first.expected ?? undefined,
        shards.map(answerOf),
      ),
    };
  });
  if (opts.json) process.stdout.write(`${JSON.stringify(merged.map(mergedJson), null, 2)}\n`);
  else for (const m of merged) process.stdout.write(`${formatMergedText(m)}\n\n`);
  if (merged.some((m) => m.answer.ok === false)) return exitCode.expectationFailed;
  if (merged.some((m) => undecided(m.answer))) return exitCode.incomplete;
  return exitCode.ok;
}

/** A shard's entry as the judge reads it; its `i/n` was written by `tlbl run --shard`. */
function answerOf(e: ShardEntry): ShardAnswer {
  const [i, n] = e.shard.split("/").map(Number);
  return {
    shard: { index: i! - 1, count: n! },
    complete: e.complete,
    states: e.states,
    finalStates: e.finalStates,
    outcomes: e.outcomeLines,
    deadlockStates: e.deadlockStates,
    schedule: e.schedule ?? undefined,
    outOfRange: (e.outOfRange ?? []).map((w) => ({
      proc: w.proc,
      follows: w.follows,
      release: w.kernel,
      file: w.file,
    })),
    deviations: e.deviations ?? [],
  };
}
