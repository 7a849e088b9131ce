import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { RunRequest } from "../../src/explore/run.js";
import { runScenario, type RunResult } from "../../src/judge/run.js";
import { jsonMarker } from "../../src/report/golden.js";
import { logLocations, logTestName } from "../../src/report/herd-log.js";
import { formatText } from "../../src/report/text.js";
import { readRepoFile, root, scenarioFiles } from "../helpers.js";
import { scenarioOf } from "../model/helpers.js";
import { holds, parseCondition, readHerdLog, type HerdTest } from "./herd-log-reader.js";

const seed = "scenarios/mremap-vs-page-mkclean.tlb";
const seedText = readRepoFile(seed);
const condition = "exists (T1:w == ok && T1:r == 1)";
const plain = { color: false, width: 120, quiet: true, fullTrace: false };

async function run(text: string, req: Partial<RunRequest> = {}): Promise<RunResult[]> {
  const out = await runScenario(scenarioOf(text, seed), {
    kernels: ["4.8"],
    fixes: [],
    schedule: undefined,
    order: "bfs",
    reduce: true,
    symmetry: true,
    ...req,
  });
  return out.results;
}

const logOf = (rs: readonly RunResult[]): string =>
  rs.map((r) => `${formatText(r, plain)}\n\n`).join("");

/**
 * What herd's tools would conclude from a block must be what tlbl concluded: the outcome lines
 * are the States count, `*>` marks exactly the lines where the condition holds, Ok/No is the
 * condition over the lines (logState.ml's revalidate), and the witnesses are the lines' counts
 * on either side (witness_again: swapped for ~exists).
 */
function checkBlock(t: HerdTest): void {
  expect(t.states.length, t.name).toBe(t.statesLine);
  expect(["Allowed", "Forbidden", "Required"]).toContain(t.kind);
  expect(t.hash, t.name).toMatch(/^[0-9a-f]{32}$/);
  if (t.condition === undefined) return;
  const c = parseCondition(t.condition);
  expect({ exists: "Allowed", "~exists": "Forbidden", forall: "Required" }[c.quantifier]).toBe(
    t.kind,
  );
  let pos = 0;
  let neg = 0;
  for (const s of t.states) {
    const p = holds(c.prop, s);
    expect(s.star, `${t.name} ${[...s.bindings].join(" ")}`).toBe(p);
    if (p) pos += s.count;
    else neg += s.count;
  }
  const valid =
    c.quantifier === "exists"
      ? t.states.some((s) => holds(c.prop, s))
      : c.quantifier === "~exists"
        ? !t.states.some((s) => holds(c.prop, s))
        : t.states.every((s) => holds(c.prop, s));
  expect(t.validation, t.name).toBe(valid ? "Ok" : "No");
  expect(t.witnesses, t.name).toEqual(c.quantifier === "~exists" ? [neg, pos] : [pos, neg]);
}

describe("the text report is herd7's log, read by herd's own reader's rules", () => {
  it("every library scenario's expected output reads as herd7 log blocks, one per kernel", () => {
    for (const file of scenarioFiles()) {
      const text = readFileSync(`${root}/${file}.expected`, "utf8").split(`\n${jsonMarker}\n`)[0]!;
      const log = readHerdLog(text);
      expect(log.dropped, file).toEqual([]);
      const blocks = text.split("\n").filter((l) => l.startsWith("Test ")).length;
      expect(log.tests.length, file).toBe(blocks);
      expect(new Set(log.tests.map((t) => t.name)).size, file).toBe(blocks);
      log.tests.forEach(checkBlock);
    }
  });

  it("a condition on memory marks its lines (issue 12: protnone printed Sometimes and no *>)", async () => {
    const text = readRepoFile("scenarios/migration/protnone-vs-migration.tlb");
    const [r] = (
      await runScenario(scenarioOf(text), {
        kernels: ["3.12"],
        fixes: [],
        schedule: undefined,
        order: "bfs",
        reduce: true,
        symmetry: true,
      })
    ).results;
    const [t] = readHerdLog(`${formatText(r!, plain)}\n`).tests;
    expect(t!.states.some((s) => s.star === true && s.bindings.get("X") === "1")).toBe(true);
    checkBlock(t!);
  });

  it("~exists, forall, and a scenario without a condition (the monitors) keep herd's rules", async () => {
    for (const [q, kind] of [
      ["~exists", "Forbidden"],
      ["forall", "Required"],
    ] as const) {
      const log = readHerdLog(
        logOf(await run(seedText.replace(condition, `${q} (T1:w == ok && T1:r == 1)`))),
      );
      expect(log.tests.map((t) => t.kind)).toEqual([kind]);
      log.tests.forEach(checkBlock);
    }
    const none = readHerdLog(logOf(await run(seedText.replace(/^exists .*$/m, ""))));
    expect(none.tests[0]!.condition).toBe(
      "exists (fired.lost_write=1 \\/ fired.stale_tlb=1 \\/ fired.freed_frame=1)",
    );
    none.tests.forEach(checkBlock);
  });

  it("a condition herd's syntax cannot say is kept out of herd's Condition line", async () => {
    const rs = await run(seedText.replace(condition, "exists (T1:r + 1 > 2)"));
    const text = logOf(rs);
    const [t] = readHerdLog(text).tests;
    expect(t!.condition).toBeUndefined();
    expect(text).toContain("Condition exists (T1:r + 1 > 2)");
    expect(t!.states.every((s) => s.bindings.has("T1.r"))).toBe(true);
  });

  it("an undecided search is dropped by herd's reader (issue 12: it read as No and Never)", async () => {
    // Depth first, a few thousand states reach some final states, none of them positive.
    const file = "scenarios/numa-tlb-flush-pending.tlb";
    const rs = (
      await runScenario(scenarioOf(readRepoFile(file), file), {
        kernels: ["4.12"],
        fixes: [],
        schedule: undefined,
        order: "dfs",
        maxStates: 4000,
      })
    ).results;
    expect([rs[0]!.complete, rs[0]!.finals > 0, rs[0]!.positive]).toEqual([false, true, 0]);
    const text = logOf(rs);
    expect(readHerdLog(text)).toEqual({ tests: [], dropped: ["numa_tlb_flush_pending+4.12"] });
    const lines = text.split("\n");
    expect(lines).toContain("Undecided");
    expect(lines.some((l) => l.startsWith("Observation"))).toBe(false);
  });
});

describe("herd's names", () => {
  it("test names: one per configuration, in herd's test-name characters", () => {
    expect(logTestName("mremap_vs_page_mkclean", "4.8", [])).toBe("mremap_vs_page_mkclean+4.8");
    expect(
      logTestName("t", "4.9", [
        "<ccf33e20-5126-15c5-a036-918d7a94344b@intel.com>=off",
        "5d1904204c99=on",
      ]),
    ).toBe("t+4.9+ccf33e20-5126-15c5-a036-918d7a94344b.intel.com-off+5d1904204c99-on");
  });

  it("locations: herd's own spelling when it has one, dots for the rest, never two alike", () => {
    expect(
      logLocations([
        "X",
        "X.1",
        "F[0]",
        "T1:w",
        "disk(F[0])",
        "pte(X).dirty",
        "tlb_entry(cpu1, X).valid",
        "X[1].2",
        "T1.w",
      ]),
    ).toEqual([
      "X",
      "X.1",
      "F[0]",
      "T1.w",
      "disk.F.0",
      "pte.X.dirty",
      "tlb_entry.cpu1.X.valid",
      "X.1.2",
      "T1.w_2",
    ]);
  });
});
