import { describe, expect, it } from "vitest";
import { runScenario, type RunResult } from "../../src/judge/run.js";
import { drawColumns } from "../../src/report/columns.js";
import { toJson } from "../../src/report/json.js";
import { traceOf } from "../../src/report/trace.js";
import { readRepoFile } from "../helpers.js";
import { scenarioOf } from "../model/helpers.js";

const seed = "scenarios/mremap-vs-page-mkclean.tlb";

async function witness(): Promise<RunResult> {
  const out = await runScenario(scenarioOf(readRepoFile(seed), seed), {
    kernels: ["4.8"],
    fixes: [],
    schedule: undefined,
    order: "bfs",
    reduce: true,
    symmetry: true,
  });
  const r = out.results[0]!;
  expect(r.witness?.kind).toBe("positive");
  return r;
}

describe("the witness trace", () => {
  it("numbers every step, names its thread and CPU, and shows the race's state changes", async () => {
    const r = await witness();
    const trace = traceOf(r.machine, r.witness!.path);
    expect(trace.map((e) => e.step)).toEqual(trace.map((_, i) => i + 1));
    expect(new Set(trace.map((e) => `${e.thread} ${e.cpu}`))).toEqual(
      new Set(["T1 cpu1", "T2 cpu2"]),
    );
    const changes = trace.flatMap((e) => e.changes.map((c) => c.text));
    // The commit message's race: mremap moves the dirty PTE, the stale entry takes the store.
    expect(changes).toContain("PTE X: P|W|D frame 1 → none");
    expect(changes).toContain("T1:w = ok");
    expect(changes).toContain("TLB cpu1 X: W|D frame 1 → empty");
    // The full trace draws every step; the default leaves out what changes nothing it shows.
    const all = traceOf(r.machine, r.witness!.path, true);
    expect(all.length).toBe(trace.length);
    expect(all.flatMap((e) => e.changes).length).toBeGreaterThanOrEqual(changes.length);
  });
});

describe("the witness columns", () => {
  it("one column per CPU, numbered rows, each line within the width and without trailing blanks", async () => {
    const r = await witness();
    for (const width of [80, 120]) {
      const text = drawColumns(r.machine, traceOf(r.machine, r.witness!.path), width);
      const lines = text.split("\n");
      expect(lines[0]!.trim()).toMatch(/^CPU1 \(T1\)\s+\| CPU2 \(T2\)$/);
      expect(lines[1]).toMatch(/^ {6}-+-\+--+$/);
      for (const l of lines) {
        expect(l.length, l).toBeLessThanOrEqual(width);
        expect(l, l).toBe(l.trimEnd());
      }
      const rows = lines.filter((l) => /^\d+\./.test(l)).map((l) => Number(l.split(".")[0]));
      expect(rows).toEqual(rows.map((_, i) => i + 1));
      // T2's statement is drawn in the second column, T1's in the first.
      const mremap = lines.find((l) => l.includes("mremap X -> Y"))!;
      expect(mremap.indexOf("mremap")).toBeGreaterThan(mremap.indexOf("|"));
      const store = lines.find((l) => l.includes("w = store X 2"))!;
      expect(store.indexOf("store")).toBeLessThan(width / 2);
    }
  });
});

describe("the JSON of a run", () => {
  it("has the README's fields, outcome values by the condition's names, and the trace", async () => {
    const r = await witness();
    const j = JSON.parse(JSON.stringify(toJson(r))) as Record<string, unknown>;
    expect(Object.keys(j)).toEqual([
      "file",
      "test",
      "kernel",
      "fixes",
      "mode",
      "verdict",
      "alwaysNotExcluded",
      "condition",
      "expected",
      "ok",
      "complete",
      "outOfRange",
      "reliesOn",
      "stopReason",
      "states",
      "transitions",
      "executions",
      "witnesses",
      "deadlocks",
      "outcomes",
      "monitors",
      "timeMs",
      "schedule",
      "scheduleError",
      "trace",
    ]);
    expect(j).toMatchObject({
      verdict: "sometimes",
      condition: true,
      ok: true,
      complete: true,
      witnesses: { positive: 1, negative: 4 },
    });
    expect(j["outcomes"]).toContainEqual({
      values: { "T1:w": "ok", "T1:r": "1" },
      count: 1,
      holds: true,
    });
    const outcomes = j["outcomes"] as { count: number; holds: boolean }[];
    expect(outcomes.reduce((a, o) => a + o.count, 0)).toBe(r.finals);
    expect(outcomes.filter((o) => o.holds).reduce((a, o) => a + o.count, 0)).toBe(r.positive);
    expect(j["trace"]).toEqual(JSON.parse(JSON.stringify(traceOf(r.machine, r.witness!.path))));
  });
});
