import { describe, expect, it } from "vitest";
import { mergeHunts } from "../../src/hunt/merge.js";
import { formatMergedHunt } from "../../src/hunt/merge-text.js";
import type { FindingRecord, ParsedResults, ResultLine } from "../../src/hunt/results.js";

/** mergeHunts over results as `tlbl hunt` writes them (the fast tier's view of `tlbl merge`). */
const corpus = "v1 kinds=anon ops=store,munmap threads=2..2 steps=1..3 pages=1..1";
const fix = { commit: "3ea277194daa", release: "4.13", title: "mm: batch TLB flush" };
const race = (shape: string, f: FindingRecord["fix"], release = "4.12"): FindingRecord => ({
  id: shape.slice(0, 12),
  shape,
  monitor: "stale_tlb",
  kind: "anon",
  release,
  fix: f,
});

function results(file: string, shard: string, lines: Partial<ResultLine>[]): ParsedResults {
  return {
    file,
    lines: lines.map((l, i) => ({
      index: 0,
      shard,
      corpus,
      releases: ["4.12"],
      outcome: "quiet",
      findings: [],
      ms: 10,
      ...l,
      line: i + 1,
    })),
  };
}

describe("mergeHunts", () => {
  const a = race("stale_tlb anon [munmap | store,store] 3ea277194daa", fix);
  const b = race("stale_tlb anon [store | store,store] no-fix", null);
  const s1 = results("s1.jsonl", "1/3", [
    { index: 0 },
    { index: 3, outcome: "finding", detail: b.id, findings: [b] },
    { index: 6, outcome: "finding", detail: a.id, findings: [a] },
  ]);
  const s2 = results("s2.jsonl", "2/3", [
    { index: 1, outcome: "finding", detail: a.id, findings: [a] },
    { index: 4, outcome: "open", detail: "timeout" },
  ]);

  it("counts each shard's candidates, finds one race per shape, by fix, and the missing shards", () => {
    const { merged, problems } = mergeHunts([s2, s1]);
    expect(problems).toEqual([]);
    expect(
      merged!.shards.map((s) => [s.shard, s.tried, s.outcomes.finding, s.outcomes.open]),
    ).toEqual([
      ["1/3", 3, 2, 0],
      ["2/3", 2, 1, 1],
    ]);
    expect(merged!.missing).toEqual(["3/3"]);
    expect(merged!.tried).toBe(5);
    // The fixed race first (found on both shards, first by candidate 1), the candidate last.
    expect(merged!.races.map((r) => [r.shape, r.candidates, r.shards])).toEqual([
      [a.shape, [1, 6], ["1/3", "2/3"]],
      [b.shape, [3], ["1/3"]],
    ]);
    const text = formatMergedHunt(merged!);
    expect(text).toContain("Partial: 1 of 3 shards missing (3/3)");
    expect(text).toMatch(
      /the race of 3ea277194daa \(4.13, "mm: batch TLB flush"\):\n {4}stale_tlb/,
    );
    expect(text).toMatch(/no modelled fix: candidates, to read against the C:\n {4}stale_tlb/);
  });

  it("reports every problem at once: another corpus, other releases, another split, a shard twice", () => {
    const other = results("o.jsonl", "3/3", [{ index: 2, corpus: "v1 kinds=file-shared" }]);
    const late = results("r.jsonl", "3/3", [{ index: 5, releases: ["4.13"] }]);
    const split = results("x.jsonl", "1/2", [{ index: 0 }]);
    const { merged, problems } = mergeHunts([s1, s2, s1, other, late, split]);
    expect(merged).toBeUndefined();
    expect(problems).toEqual([
      "s1.jsonl: error: shard 1/3 is given twice (also in s1.jsonl) [E001]",
      `o.jsonl: error: the results of another corpus than s1.jsonl:1's: "v1 kinds=file-shared", not "${corpus}" [E001]`,
      "r.jsonl: error: results hunted on 4.13, not on 4.12 as s1.jsonl:1 [E001]",
      "r.jsonl: error: shard 3/3 is given twice (also in o.jsonl) [E001]",
      "x.jsonl: error: shard 1/2 is of another split than 1/3 (s1.jsonl:1) [E001]",
    ]);
  });

  it("refuses a candidate recorded twice in one file", () => {
    const twice = results("t.jsonl", "1/1", [{ index: 4 }, { index: 4 }]);
    expect(mergeHunts([twice]).problems).toEqual([
      "t.jsonl:2: error: candidate 4 is recorded twice (also at t.jsonl:1) [E001]",
    ]);
  });
});
