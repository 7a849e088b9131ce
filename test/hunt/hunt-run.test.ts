import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { hunt } from "../../src/hunt/session.js";
import { defaultVocabulary, ops } from "../../src/hunt/vocabulary.js";
import { runScenario } from "../../src/judge/run.js";
import { checkText } from "../../src/kernel/load.js";
import { searchAll } from "../../src/explore/run.js";

// The seed race's words (scenarios/mremap-vs-page-mkclean.tlb), not its scenario.
const vocabulary = {
  ...defaultVocabulary,
  kinds: ["file-shared" as const],
  ops: ops.filter((o) => ["store", "fadvise", "mremap"].includes(o.name)),
  threads: [2, 2] as const,
};

describe("tlbl hunt", () => {
  it("finds 5d1904204c99's race from scratch, classified by that fix, as a scenario that runs", async () => {
    const out = mkdtempSync(join(tmpdir(), "tlbl-hunt-"));
    const results = join(out, "results.jsonl");
    const req = {
      releases: ["4.8"],
      vocabulary,
      budget: { candidates: 60 },
      out,
      results,
      timeoutMs: 120_000,
    };
    const first = await hunt(req);
    const found = first.newFindings.find((f) => f.fix?.commit === "5d1904204c99");
    expect(found).toBeDefined();
    expect(found!.monitor).toBe("lost_write");
    // Minimised: two threads, the mremap alone in one.
    expect(found!.candidate.threads.map((t) => t.length).sort()).toEqual([1, 3]);
    const file = join(out, `${found!.id}.tlb`);
    const loaded = checkText(readFileSync(file, "utf8"), file);
    expect(loaded.diagnostics).toEqual([]);
    const run = await runScenario(loaded.scenario!, {
      ...searchAll,
    });
    expect(run.results.map((r) => [r.kernel, r.fixOverrides, r.ok])).toEqual([
      ["4.8", [], true],
      ["4.8", ["5d1904204c99=on"], true],
      // eb66ae030829 (4.19: the flush before the PTLs are dropped) closes it alone too.
      ["4.8", ["eb66ae030829=on"], true],
    ]);
    const witness = loaded.scenario!.schedules.find((s) => s.name.name === "witness");
    expect(witness).toBeDefined();

    // A rerun skips what the results file holds and writes no finding twice.
    const files = readdirSync(out).length;
    const again = await hunt({ ...req, budget: { candidates: 2 } });
    expect(again).toMatchObject({ skipped: 60, tried: 2 });
    expect(readFileSync(results, "utf8").trim().split("\n")).toHaveLength(62);
    expect(readdirSync(out).length).toBeGreaterThanOrEqual(files);
    expect(again.newFindings.map((f) => f.id)).not.toContain(found!.id);
  });

  it("finds 6ce64428d620's race from the uffd-wp words, classified by that fix", async () => {
    // Before the un-protect registered the range itself, the race it finds here was the
    // prelude's missing -ENOENT check alone: classified by no fix.
    const out = mkdtempSync(join(tmpdir(), "tlbl-hunt-"));
    const { newFindings } = await hunt({
      releases: ["5.11"],
      vocabulary: {
        ...defaultVocabulary,
        kinds: ["anon" as const],
        ops: ops.filter((o) => ["store", "load", "gup", "uffd_unprotect"].includes(o.name)),
        threads: [3, 3] as const,
      },
      budget: { candidates: 20 },
      out,
      results: join(out, "results.jsonl"),
      timeoutMs: 120_000,
    });
    const found = newFindings.find((f) => f.fix?.commit === "6ce64428d620");
    expect(found?.monitor).toBe("lost_write");
    expect(newFindings.filter((f) => f.fix === undefined)).toEqual([]);
  });

  it("a shard takes every n-th candidate only", async () => {
    const out = mkdtempSync(join(tmpdir(), "tlbl-hunt-"));
    const results = join(out, "results.jsonl");
    await hunt({
      releases: ["4.8"],
      vocabulary: { ...vocabulary, ops: ops.filter((o) => o.name === "store") },
      budget: { candidates: 3 },
      shard: { index: 2, count: 3 },
      out,
      results,
    });
    const indexes = readFileSync(results, "utf8")
      .trim()
      .split("\n")
      .map((l) => (JSON.parse(l) as { index: number }).index);
    expect(indexes).toEqual([1, 4, 7]);
  });
});
