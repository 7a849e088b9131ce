import type { Shard } from "../explore/run.js";
import type { Quantifier, Verdict } from "../syntax/ast.js";
import type { RangeWarning, Reliance } from "../semantics/fidelity.js";
import { withVerdict, type Fidelity } from "./fidelity.js";
import { judge, type Judgement } from "./judge.js";
import { compareTuples, type Outcome } from "./outcomes.js";

/** What one shard of a split search found (`tlbl run --shard i/n --json`), as merging needs it. */
/** More shards than any real split: a label past it is a typo (and would take long to judge). */
export const maxShards = 4096;

/** What a shard label must be, for messages. */
export const shardLabelForm = `i/n with 1 ≤ i ≤ n ≤ ${maxShards}`;

/**
 * A shard label `i/n` (`run --shard`, `mutate --shard`, `hunt --shard`, the label a shard's
 * answer carries): 1-based index and count with 1 ≤ i ≤ n ≤ {@link maxShards}, or undefined.
 */
export function shardLabel(label: unknown): { index: number; count: number } | undefined {
  const m = typeof label === "string" ? /^([1-9]\d{0,5})\/([1-9]\d{0,5})$/.exec(label) : null;
  if (m === null) return undefined;
  const [index, count] = [Number(m[1]), Number(m[2])];
  return index <= count && count <= maxShards ? { index, count } : undefined;
}

export interface ShardAnswer {
  readonly shard: Shard;
  readonly complete: boolean;
  readonly states: number;
  /**
   * Every final state the shard found (its key), with the condition's value there and the index
   * of its line in `outcomes`.
   */
  readonly finalStates: readonly (readonly [string, boolean, number])[];
  /** The shard's outcome lines (their counts are the shard's own). */
  readonly outcomes: readonly Outcome[];
  readonly deadlockStates: readonly string[];
  readonly schedule: string | undefined;
  /** Of the procs this shard's executions ran: the whole search's are the shards' union. */
  readonly outOfRange: readonly RangeWarning[];
  readonly deviations: readonly Reliance[];
}

/** The shards of one search put together, and judged. */
export interface MergedAnswer extends Judgement, Fidelity {
  /** How many shards the search was split into, and which of them are missing. */
  readonly shards: number;
  readonly missing: readonly Shard[];
  /** States summed over the shards (shards meet the same states: more than the whole search's). */
  readonly states: number;
  readonly finals: number;
  readonly positive: number;
  readonly negative: number;
  readonly deadlocks: number;
  /** The outcome lines of the union of the shards' final states. */
  readonly outcomes: readonly Outcome[];
  /** The shortest witness schedule any shard printed. */
  readonly schedule: string | undefined;
}

/**
 * Merges the shards of one search: every final state is reached by some shard, so the union of
 * their final states and deadlocks is exactly the whole search's. A missing or incomplete shard
 * leaves the answer incomplete, judged by the same rule as an incomplete search.
 */
export function mergeShards(
  quantifier: Quantifier | undefined,
  expected: Verdict | undefined,
  shards: readonly ShardAnswer[],
): MergedAnswer {
  const count = shards[0]!.shard.count;
  const have = new Set(shards.map((s) => s.shard.index));
  const missing = Array.from({ length: count }, (_, index) => ({ index, count })).filter(
    (s) => !have.has(s.index),
  );
  const finals = new Map<string, boolean>();
  const lineOf = new Map<string, Outcome>();
  const deadlocks = new Set<string>();
  for (const s of shards) {
    for (const [k, v, line] of s.finalStates) {
      finals.set(k, v);
      lineOf.set(k, s.outcomes[line]!);
    }
    for (const d of s.deadlockStates) deadlocks.add(d);
  }
  const lines = new Map<string, Outcome>();
  for (const o of lineOf.values()) {
    const key = o.raw.join(",");
    const seen = lines.get(key);
    lines.set(key, { ...o, count: (seen?.count ?? 0) + 1 });
  }
  const positive = [...finals.values()].filter(Boolean).length;
  const tally = {
    finals: finals.size,
    positive,
    negative: finals.size - positive,
    complete: missing.length === 0 && shards.every((s) => s.complete),
  };
  const judgement = judge(quantifier, expected, tally);
  return {
    ...tally,
    ...judgement,
    ...withVerdict(
      unionOf(shards.map((s) => s.outOfRange)),
      unionOf(shards.map((s) => s.deviations)),
      judgement.verdict,
    ),
    shards: count,
    missing,
    states: shards.reduce((a, s) => a + s.states, 0),
    deadlocks: deadlocks.size,
    outcomes: [...lines.values()].sort((a, b) => compareTuples(a.raw, b.raw)),
    schedule: shards
      .map((s) => s.schedule)
      .filter((x): x is string => x !== undefined)
      .sort((a, b) => a.length - b.length)[0],
  };
}

/** Every shard's warnings or deviations, each once, in the order of the procs' names. */
function unionOf<T extends { readonly proc: string }>(lists: readonly (readonly T[])[]): T[] {
  const byKey = new Map<string, T>();
  for (const r of lists.flat()) byKey.set(JSON.stringify(r), r);
  return [...byKey.values()].sort((a, b) => (a.proc === b.proc ? 0 : a.proc < b.proc ? -1 : 1));
}
