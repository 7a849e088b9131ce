import { describe, expect, it } from "vitest";
import { judge, undecided, type Tally } from "../../src/judge/judge.js";
import type { Outcome } from "../../src/judge/outcomes.js";
import { mergeShards, type ShardAnswer } from "../../src/judge/shards.js";
import type { Quantifier, Verdict } from "../../src/syntax/ast.js";

const quantifiers: readonly Quantifier[] = ["exists", "~exists", "forall"];
const verdicts: readonly Verdict[] = ["sometimes", "never", "always"];
const tally = (positive: number, negative: number, complete: boolean): Tally => ({
  finals: positive + negative,
  positive,
  negative,
  complete,
});

describe("the judge on a complete exploration", () => {
  it("gives herd7's verdict and Ok/No, and compares the verdict with the expectation", () => {
    const cases: [number, number, Verdict | undefined, Record<Quantifier, boolean | undefined>][] =
      [
        [0, 0, undefined, { exists: undefined, "~exists": undefined, forall: undefined }],
        [0, 3, "never", { exists: false, "~exists": true, forall: false }],
        [2, 0, "always", { exists: true, "~exists": false, forall: true }],
        [1, 4, "sometimes", { exists: true, "~exists": false, forall: false }],
      ];
    for (const [p, n, verdict, condition] of cases)
      for (const q of quantifiers)
        for (const expected of verdicts) {
          const j = judge(q, expected, tally(p, n, true));
          expect([j.verdict, j.conditionOk, j.ok, j.complete], `${q} ${p}/${n}`).toEqual([
            verdict,
            condition[q],
            verdict === expected,
            true,
          ]);
        }
  });

  it("without a quantifier (no condition, no monitors) has no verdict", () => {
    expect(judge(undefined, "never", tally(0, 2, true))).toMatchObject({
      verdict: undefined,
      conditionOk: undefined,
      ok: false,
    });
  });

  it("without an expectation leaves ok open", () => {
    expect(judge("exists", undefined, tally(1, 1, true)).ok).toBeUndefined();
  });
});

describe("the judge on an incomplete exploration", () => {
  const counts = [0, 1, 2];

  it("claims only what every completion of it would answer (ok and Ok/No)", () => {
    for (const q of quantifiers)
      for (const expected of verdicts)
        for (const p of counts)
          for (const n of counts) {
            const partial = judge(q, expected, tally(p, n, false));
            // Completions: any number of further final states of either kind.
            for (const more of counts)
              for (const moreN of counts) {
                const whole = judge(q, expected, tally(p + more, n + moreN, true));
                // The witness rule's Sometimes may complete to Always.
                if (partial.ok !== undefined && !partial.alwaysNotExcluded)
                  expect(partial.ok).toBe(whole.ok);
                if (partial.conditionOk !== undefined)
                  expect(partial.conditionOk).toBe(whole.conditionOk);
              }
          }
  });

  it("settles exactly what a witness or a counterexample in hand proves", () => {
    for (const p of counts)
      for (const n of counts) {
        const at = (q: Quantifier, e: Verdict) => judge(q, e, tally(p, n, false));
        expect(at("exists", "never").conditionOk).toBe(p > 0 ? true : undefined);
        expect(at("~exists", "never").conditionOk).toBe(p > 0 ? false : undefined);
        expect(at("forall", "never").conditionOk).toBe(n > 0 ? false : undefined);
        expect(at("exists", "never").ok).toBe(p > 0 ? false : undefined);
        expect(at("exists", "always").ok).toBe(n > 0 ? false : undefined);
        expect(at("exists", "sometimes").ok).toBe(p > 0 ? true : undefined);
        expect(at("forall", "sometimes").ok).toBe(p > 0 && n > 0 ? true : undefined);
      }
  });

  it("reports no verdict that a partial count has not earned (issue 12: it said never)", () => {
    const j = judge("exists", "never", tally(0, 5, false));
    expect([j.verdict, j.ok, j.complete, undecided(j)]).toEqual([
      undefined,
      undefined,
      false,
      true,
    ]);
    const refuted = judge("exists", "never", tally(1, 5, false));
    expect([refuted.verdict, refuted.ok, undecided(refuted)]).toEqual(["sometimes", false, false]);
    for (const q of quantifiers) {
      expect(judge(q, undefined, tally(2, 0, false)).verdict === "always", q).toBe(false);
      expect(judge(q, undefined, tally(0, 2, false)).verdict, q).toBeUndefined();
    }
  });

  it("an exists (or ~exists) with a positive final state is Sometimes, and says when Always is open", () => {
    for (const q of ["exists", "~exists"] as const) {
      const j = judge(q, "sometimes", tally(1, 0, false));
      expect([j.verdict, j.alwaysNotExcluded, j.ok, undecided(j)], q).toEqual([
        "sometimes",
        true,
        true,
        false,
      ]);
      expect(judge(q, "sometimes", tally(1, 3, false)).alwaysNotExcluded, q).toBe(false);
    }
    // forall asks about every final state: a positive one alone settles nothing.
    expect(judge("forall", "sometimes", tally(1, 0, false)).verdict).toBeUndefined();
    expect(judge("forall", "sometimes", tally(1, 1, false)).verdict).toBe("sometimes");
  });

  it("every verdict it gives is the verdict of every completion, or the witness rule's Sometimes", () => {
    for (const q of quantifiers)
      for (const p of counts)
        for (const n of counts) {
          const partial = judge(q, undefined, tally(p, n, false));
          if (partial.verdict === undefined) continue;
          for (const more of counts)
            for (const moreN of counts) {
              const whole = judge(q, undefined, tally(p + more, n + moreN, true)).verdict;
              if (partial.alwaysNotExcluded) expect(["sometimes", "always"]).toContain(whole);
              else expect(whole, `${q} ${p}/${n}`).toBe(partial.verdict);
            }
        }
  });
});

describe("merging shards", () => {
  // A final state's outcome line is its name's code: "a" shows 1, "b" 2, …
  const line = (k: string): Outcome => ({
    values: [k],
    raw: [k.charCodeAt(0) - 96],
    count: 1,
    holds: k === "a",
  });
  const shard = (
    index: number,
    finals: [string, boolean][],
    deadlocks: string[] = [],
    schedule?: string,
  ): ShardAnswer => ({
    shard: { index, count: 3 },
    complete: true,
    states: 10,
    finalStates: finals.map(([k, v], i) => [k, v, i]),
    outcomes: finals.map(([k]) => line(k)),
    deadlockStates: deadlocks,
    schedule,
    outOfRange: [],
    deviations: [{ proc: "p", reason: "no lock" }],
  });

  it("lists the deviations a merged Never relies on, and none for a merged Sometimes", () => {
    // Each shard alone found no positive final state but one: only the union says Sometimes.
    const sometimes = mergeShards("exists", undefined, [
      shard(0, [["a", true]]),
      shard(1, [["b", false]]),
      shard(2, [["b", false]]),
    ]);
    const never = mergeShards("exists", undefined, [
      shard(0, [["b", false]]),
      shard(1, [["c", false]]),
      shard(2, []),
    ]);
    expect([sometimes.verdict, sometimes.reliesOn]).toEqual(["sometimes", []]);
    expect([never.verdict, never.reliesOn]).toEqual(["never", [{ proc: "p", reason: "no lock" }]]);
  });

  it("takes the union of the shards' final states and deadlocks, and judges it", () => {
    const m = mergeShards("exists", "sometimes", [
      shard(
        0,
        [
          ["a", true],
          ["b", false],
        ],
        ["d"],
        "T1 step 3; T2 step 1",
      ),
      shard(
        1,
        [
          ["b", false],
          ["c", false],
        ],
        ["d"],
        "T1 step 1",
      ),
      shard(2, [["a", true]]),
    ]);
    expect(m).toMatchObject({
      finals: 3,
      positive: 1,
      negative: 2,
      deadlocks: 1,
      states: 30,
      shards: 3,
      missing: [],
      complete: true,
      verdict: "sometimes",
      conditionOk: true,
      ok: true,
      schedule: "T1 step 1",
    });
    // One line per distinct final state of the union, counted once however many shards met it.
    expect(m.outcomes.map((o) => [o.values[0], o.count, o.holds])).toEqual([
      ["a", 1, true],
      ["b", 1, false],
      ["c", 1, false],
    ]);
  });

  it("judges a set with a shard missing as an incomplete search", () => {
    const parts = [shard(1, [["a", true]]), shard(2, [["b", true]])];
    const m = mergeShards("~exists", "never", parts);
    expect(m.missing).toEqual([{ index: 0, count: 3 }]);
    // Two positive final states and a shard missing: Sometimes (a witness), Always not excluded.
    expect(m).toMatchObject({
      complete: false,
      verdict: "sometimes",
      alwaysNotExcluded: true,
      conditionOk: false,
      ok: false,
    });
    expect(mergeShards("exists", "always", parts)).toMatchObject({
      conditionOk: true,
      ok: undefined,
    });
  });
});
