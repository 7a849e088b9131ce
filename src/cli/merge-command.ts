import { readFileSync } from "node:fs";
import { conditionHolds, capitalized, verdictOf } from "../report/verdict.js";
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
  readonly finalStates: readonly [string, boolean][];
  readonly deadlockStates: readonly string[];
  readonly schedule: string | null;
}

/**
 * `tlbl merge`: the union of every shard's final states and deadlocks is the whole search's, so
 * the merged verdict is exact. Refuses a set of shards with one missing.
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
      if (e.shard === undefined || e.finalStates === undefined) {
        process.stderr.write(
          `${file}: error: ${e.file} kernel ${e.kernel} is not the output of \`tlbl run --shard i/n --json\` [E001]\n`,
        );
        return exitCode.badInput;
      }
      const key = `${e.file}\u0000${e.kernel}\u0000${e.fixes.join(",")}`;
      groups.set(key, [...(groups.get(key) ?? []), e]);
    }
  }
  const merged = [...groups.values()].map((shards) => {
    const count = Number(shards[0]!.shard.split("/")[1]);
    const have = new Set(shards.map((s) => s.shard));
    const missing = Array.from({ length: count }, (_, i) => `${i + 1}/${count}`).filter(
      (s) => !have.has(s),
    );
    const finals = new Map<string, boolean>();
    const deadlocks = new Set<string>();
    for (const s of shards) {
      for (const [k, v] of s.finalStates) finals.set(k, v);
      for (const d of s.deadlockStates) deadlocks.add(d);
    }
    const positive = [...finals.values()].filter(Boolean).length;
    const negative = finals.size - positive;
    const first = shards[0]!;
    const complete = missing.length === 0 && shards.every((s) => s.complete);
    const verdict = finals.size > 0 ? verdictOf(positive, negative) : null;
    const ok =
      first.expected === null || verdict === null || !complete ? null : verdict === first.expected;
    return {
      file: first.file,
      test: first.test,
      kernel: first.kernel,
      fixes: first.fixes,
      shards: count,
      missing,
      verdict,
      condition:
        verdict === null || first.quantifier === null
          ? null
          : conditionHolds(first.quantifier, positive, negative),
      expected: first.expected,
      ok,
      complete,
      states: shards.reduce((a, s) => a + s.states, 0),
      executions: finals.size,
      witnesses: { positive, negative },
      deadlocks: deadlocks.size,
      schedule:
        shards
          .map((s) => s.schedule)
          .filter((x): x is string => x !== null)
          .sort((a, b) => a.length - b.length)[0] ?? null,
    };
  });
  if (opts.json) process.stdout.write(`${JSON.stringify(merged, null, 2)}\n`);
  else {
    for (const m of merged) {
      const lines = [
        `Test ${m.test} kernel ${m.kernel}${m.fixes.length ? ` with ${m.fixes.join(", ")}` : ""}  (${m.file}, ${m.shards} shards)`,
        m.missing.length
          ? `Incomplete: shards ${m.missing.join(", ")} are missing`
          : `States ${m.states} (summed over shards)  Final states ${m.executions}`,
        `Positive: ${m.witnesses.positive} Negative: ${m.witnesses.negative}`,
        m.verdict === null
          ? "No verdict: no final state"
          : `Observation ${m.test} ${capitalized(m.verdict)} ${m.witnesses.positive} ${m.witnesses.negative}`,
      ];
      if (m.expected !== null)
        lines.push(
          `Expected ${m.expected}: ${m.ok === true ? "holds" : m.ok === false ? "FAILS" : "undecided"}`,
        );
      process.stdout.write(`${lines.join("\n")}\n\n`);
    }
  }
  if (merged.some((m) => m.ok === false)) return exitCode.expectationFailed;
  if (merged.some((m) => !m.complete)) return exitCode.incomplete;
  return exitCode.ok;
}
