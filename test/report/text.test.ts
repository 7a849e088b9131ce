import { describe, expect, it } from "vitest";
import { runScenario } from "../../src/judge/run.js";
import { toJson } from "../../src/report/json.js";
import { formatText } from "../../src/report/text.js";
import { readRepoFile } from "../helpers.js";
import { scenarioOf } from "../model/helpers.js";

const text = { color: false, width: 120, quiet: true, fullTrace: false };

describe("reports of an incomplete search", () => {
  it("print what the judge settled: no Ok/No and no expectation the search did not earn", async () => {
    const file = "scenarios/numa-tlb-flush-pending.tlb";
    // Depth first, a few thousand states reach some final states, none of them positive.
    const out = await runScenario(scenarioOf(readRepoFile(file), file), {
      kernels: ["4.12"],
      fixes: [],
      schedule: undefined,
      order: "dfs",
      maxStates: 1,
    });
    const [r] = out.results;
    expect([r!.complete, r!.finals > 0, r!.positive]).toEqual([false, true, 0]);
    const lines = formatText(r!, text).split("\n");
    expect(lines).toContain("Undecided");
    expect(lines).not.toContain("No");
    expect(lines).toContain("Expected sometimes: undecided");
    expect(toJson(r!)).toMatchObject({
      complete: false,
      verdict: "never",
      condition: null,
      ok: null,
    });
  });
});
