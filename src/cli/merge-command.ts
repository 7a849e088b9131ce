import { closeSync, openSync, readFileSync, readSync, writeFileSync } from "node:fs";
import { mergeHunts } from "../hunt/merge.js";
import { formatMergedHunt } from "../hunt/merge-text.js";
import { isResultsText, parseResults } from "../hunt/results.js";
import { caseOfMerged, junitXml } from "../report/junit.js";
import { undecided } from "../judge/judge.js";
import type { Outcome } from "../judge/outcomes.js";
import { mergeShards, shardLabelForm, shardLabel, type ShardAnswer } from "../judge/shards.js";
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
 * `tlbl merge`: the shards of a search (`tlbl run --shard i/n --json`), or of a hunt (the results
 * files of `tlbl hunt --shard i/n`), told apart by their content.
 */
export function mergeCommand(files: string[], opts: { json?: boolean; junit?: string }): number {
  const heads = new Map(files.map((f) => [f, head(f)]));
  // An empty file is a hunt's shard killed before its first candidate ended, beside others.
  const hunts = files.some((f) => isResultsText(heads.get(f) ?? ""))
    ? files.filter((f) => isResultsText(heads.get(f) ?? "") || heads.get(f)?.trim() === "")
    : [];
  return hunts.length === 0
    ? mergeRunShards(files, opts)
    : mergeHuntResults(files, hunts, heads, opts);
}

/** Hunt results: one summary of the shards (src/hunt/merge.ts); every problem at once, exit 2. */
function mergeHuntResults(
  files: readonly string[],
  hunts: readonly string[],
  heads: ReadonlyMap<string, string | undefined>,
  opts: { json?: boolean; junit?: string },
): number {
  const problems = files
    .filter((f) => !hunts.includes(f))
    .map((f) =>
      heads.get(f) === undefined
        ? `${f}: error: cannot read [E001]`
        : `${f}: error: not the results of \`tlbl hunt\`, as the other files are [E001]`,
    );
  if (opts.junit !== undefined)
    problems.push("tlbl merge: --junit reports run shards; hunt results have no test cases");
  const parsed = hunts.map((f) => parseResults(f, readFileSync(f, "utf8")));
  problems.push(...parsed.flatMap((p) => p.problems));
  const { merged, problems: mismatched } = mergeHunts(parsed.map((p) => p.results));
  problems.push(...mismatched);
  if (problems.length > 0 || merged === undefined) {
    process.stderr.write(`${problems.join("\n")}\n`);
    return exitCode.badInput;
  }
  process.stdout.write(
    opts.json ? `${JSON.stringify(merged, null, 2)}\n` : formatMergedHunt(merged),
  );
  // Shards missing: the corpus is not all tried, as a search with shards missing is incomplete.
  return merged.missing.length > 0 ? exitCode.incomplete : exitCode.ok;
}

/** The start of a file (its first line, for a hunt's results), or undefined when unreadable. */
function head(file: string): string | undefined {
  try {
    const fd = openSync(file, "r");
    try {
      const buf = Buffer.alloc(1 << 16);
      return buf.subarray(0, readSync(fd, buf, 0, buf.length, 0)).toString("utf8");
    } finally {
      closeSync(fd);
    }
  } catch {
    return undefined;
  }
}

/**
 * Run shards: the union of every shard's final states and deadlocks is the whole search's, so
 * the merged verdict is exact. A set of shards with one missing is judged as an incomplete search.
 */
function mergeRunShards(files: string[], opts: { json?: boolean; junit?: string }): number {
  const groups = new Map<string, { file: string; entry: ShardEntry }[]>();
  const errors: string[] = [];
  for (const file of files) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(file, "utf8"));
    } catch (e) {
      errors.push(`${file}: error: cannot read shard results: ${(e as Error).message} [E001]`);
      continue;
    }
    const entries = Array.isArray(parsed) ? parsed : [parsed];
    entries.forEach((e: unknown, i) => {
      const problem = shardEntryProblem(e);
      if (problem !== undefined) {
        errors.push(
          `${file}: error: result ${i + 1} is not the output of \`tlbl run --shard i/n --json\`: ${problem} [E001]`,
        );
        return;
      }
      const entry = e as ShardEntry;
      const key = `${entry.file}\u0000${entry.kernel}\u0000${entry.fixes.join(",")}`;
      groups.set(key, [...(groups.get(key) ?? []), { file, entry }]);
    });
  }
  for (const shards of groups.values()) errors.push(...groupProblems(shards));
  if (errors.length > 0) {
    process.stderr.write(`${errors.join("\n")}\n`);
    return exitCode.badInput;
  }
  const merged = [...groups.values()].map((group): MergedRun => {
    const shards = group.map((g) => g.entry);
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
  if (opts.junit !== undefined) {
    try {
      writeFileSync(opts.junit, junitXml(merged.map(caseOfMerged)));
    } catch (e) {
      process.stderr.write(`tlbl merge: cannot write ${opts.junit}: ${(e as Error).message}\n`);
      return exitCode.badInput;
    }
  }
  if (merged.some((m) => m.answer.ok === false)) return exitCode.expectationFailed;
  if (merged.some((m) => undecided(m.answer))) return exitCode.incomplete;
  return exitCode.ok;
}

/** What is wrong with one entry of a shard file, or undefined. */
function shardEntryProblem(e: unknown): string | undefined {
  if (e === null || typeof e !== "object" || Array.isArray(e)) return "not an object";
  const o = e as Record<string, unknown>;
  for (const k of ["file", "test", "kernel", "hash"] as const)
    if (typeof o[k] !== "string") return `\`${k}\` is not a string`;
  if (o["shard"] === undefined) return "no `shard` (was it run with --shard i/n?)";
  if (shardLabel(o["shard"]) === undefined)
    return `shard \`${String(o["shard"])}\` is not ${shardLabelForm}`;
  if (typeof o["complete"] !== "boolean") return "`complete` is not true or false";
  if (typeof o["states"] !== "number") return "`states` is not a number";
  const strings = (x: unknown): boolean =>
    Array.isArray(x) && x.every((y) => typeof y === "string");
  if (!strings(o["fixes"])) return "`fixes` is not a list of strings";
  if (!strings(o["deadlockStates"])) return "`deadlockStates` is not a list of strings";
  if (!strings(o["locations"])) return "`locations` is not a list of strings";
  if (!Array.isArray(o["outcomeLines"])) return "`outcomeLines` is not a list";
  const lines = (o["outcomeLines"] as unknown[]).length;
  const final = (x: unknown): boolean =>
    Array.isArray(x) &&
    typeof x[0] === "string" &&
    typeof x[1] === "boolean" &&
    Number.isInteger(x[2]) &&
    (x[2] as number) >= 0 &&
    (x[2] as number) < lines;
  if (!Array.isArray(o["finalStates"]) || !o["finalStates"].every(final))
    return "`finalStates` is not a list of [key, holds, outcome line]";
  return undefined;
}

/** One search's shards: one split, one version of the file, each shard once. */
function groupProblems(group: readonly { file: string; entry: ShardEntry }[]): string[] {
  const first = group[0]!.entry;
  const what = `${first.file} kernel ${first.kernel}`;
  const count = shardLabel(first.shard)!.count;
  const problems: string[] = [];
  const seen = new Map<number, string>();
  for (const { file, entry } of group) {
    const label = shardLabel(entry.shard)!;
    if (label.count !== count)
      problems.push(
        `${file}: error: ${what}: shard ${entry.shard} is of another split than ${first.shard} [E001]`,
      );
    if (entry.hash !== first.hash)
      problems.push(
        `${file}: error: ${what}: the shards come from two versions of the scenario (hash ${entry.hash} and ${first.hash}) [E001]`,
      );
    const before = seen.get(label.index);
    if (before !== undefined)
      problems.push(
        `${file}: error: ${what}: shard ${entry.shard} is given twice (also in ${before}) [E001]`,
      );
    seen.set(label.index, file);
  }
  return problems;
}

/** A shard's entry as the judge reads it; its `i/n` was checked by shardLabel(). */
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
