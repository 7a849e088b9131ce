import { describe, expect, it } from "vitest";
import { scheduleOption } from "../../src/explore/schedule-option.js";
import { judge as judgeTally } from "../../src/judge/judge.js";
import { runScenario, type RunResult } from "../../src/judge/run.js";
import type { MergedAnswer } from "../../src/judge/shards.js";
import { toJson } from "../../src/report/json.js";
import { formatMergedText, mergedJson } from "../../src/report/merge.js";
import { formatText } from "../../src/report/text.js";
import { readRepoFile } from "../helpers.js";
import { scenarioOf } from "../model/helpers.js";

const quiet = { color: false, width: 120, quiet: true, fullTrace: false };
const seed = "scenarios/mremap-vs-page-mkclean.tlb";

async function runSchedule(kernel: string): Promise<RunResult> {
  const s = scenarioOf(readRepoFile(seed), seed);
  const schedule = scheduleOption(s, "from_commit_message");
  if ("error" in schedule!) throw new Error(schedule.error.message);
  const out = await runScenario(s, {
    kernels: [kernel],
    fixes: [],
    schedule: schedule!.items,
    order: "bfs",
  });
  return out.results[0]!;
}

describe("reports of an incomplete search", () => {
  it("print Undecided and no verdict the search did not earn (issue 12: Observation Never, No)", async () => {
    const file = "scenarios/numa-tlb-flush-pending.tlb";
    // Depth first, a few thousand states reach some final states, none of them positive.
    const out = await runScenario(scenarioOf(readRepoFile(file), file), {
      kernels: ["4.12"],
      fixes: [],
      schedule: undefined,
      order: "dfs",
      maxStates: 4000,
    });
    const [r] = out.results;
    expect([r!.complete, r!.finals > 0, r!.positive]).toEqual([false, true, 0]);
    const lines = formatText(r!, quiet).split("\n");
    expect(lines).toContain("Undecided");
    expect(lines).not.toContain("No");
    expect(lines.some((l) => l.startsWith("Observation"))).toBe(false);
    expect(lines).toContain(
      "Fatal: Undecided: the search stopped at its state limit (--max-states) before it settled the condition; the counts below are partial",
    );
    expect(lines).toContain(`States ${r!.outcomes.length}`);
    expect(lines).toContain("Expected sometimes: undecided");
    expect(toJson(r!)).toMatchObject({
      complete: false,
      stopReason: "max-states",
      verdict: null,
      condition: null,
      ok: null,
    });
  });

  it("a merge with a shard missing says Sometimes on a witness, and that Always is open", () => {
    const tally = { finals: 2, positive: 2, negative: 0, complete: false };
    const answer: MergedAnswer = {
      ...tally,
      ...judgeTally("exists", "sometimes", tally),
      shards: 3,
      missing: [{ index: 2, count: 3 }],
      states: 100,
      deadlocks: 0,
      outcomes: [{ values: ["ok"], raw: [-1], count: 2, holds: true }],
      schedule: "T1 step 2",
      outOfRange: [],
      deviations: [],
      reliesOn: [],
    };
    const run = {
      file: "x.tlb",
      test: "x",
      kernel: "4.8",
      fixes: [],
      quantifier: "exists" as const,
      locations: ["T1:w"],
      condition: { tlbl: "exists (T1:w == ok)", herd: "exists (T1.w=ok)" },
      hash: "0".repeat(32),
      answer,
    };
    const lines = formatMergedText(run).split("\n");
    expect(lines).toContain("Observation x+4.8 Sometimes 2 0");
    expect(lines).toContain("2       *>T1.w=ok;");
    expect(lines.some((l) => l.includes("Always is not excluded"))).toBe(true);
    expect(lines).toContain("Expected sometimes: holds");
    expect(mergedJson(run)).toMatchObject({
      verdict: "sometimes",
      alwaysNotExcluded: true,
      complete: false,
      missing: ["3/3"],
      outcomes: [{ values: { "T1:w": "ok" }, count: 2, holds: true }],
    });
  });
});

describe("reports of one execution (a schedule)", () => {
  it("a positive execution is Sometimes, and says it rests on one execution", async () => {
    const r = await runSchedule("4.8");
    const text = formatText(r, quiet);
    expect(text).toContain("Observation mremap_vs_page_mkclean+4.8 Sometimes 1 0");
    expect(text).toContain("One execution: Sometimes rests on it (Always is not excluded)");
    expect(toJson(r)).toMatchObject({ mode: "schedule", verdict: "sometimes", ok: null });
  });

  it("a negative execution settles nothing (issue 12: one execution said Never)", async () => {
    const r = await runSchedule("4.9");
    expect(r.positive).toBe(0);
    const lines = formatText(r, quiet).split("\n");
    expect(lines).toContain("Undecided");
    expect(lines.some((l) => l.startsWith("Observation"))).toBe(false);
    expect(toJson(r)).toMatchObject({ mode: "schedule", verdict: null, condition: null });
  });
});
