import { describe, expect, it } from "vitest";
import { runScenario, type RunResult } from "../../src/judge/run.js";
import { drawColumns } from "../../src/report/columns.js";
import { commitWidth, drawCompact } from "../../src/report/compact.js";
import { parseShow, shownExecutions } from "../../src/report/show.js";
import { traceOf } from "../../src/report/trace.js";
import { readRepoFile } from "../helpers.js";
import { scenarioOf } from "../model/helpers.js";
import { replay } from "../../src/explore/replay.js";
import { Model } from "../../src/explore/model.js";

async function run(file: string, kernel: string, keepPositive = 1): Promise<RunResult> {
  const out = await runScenario(scenarioOf(readRepoFile(file), file), {
    kernels: [kernel],
    fixes: [],
    schedule: undefined,
    order: "bfs",
    reduce: true,
    symmetry: true,
    keepPositive,
  });
  return out.results[0]!;
}

/** Library witnesses of 2, 3 and 4 threads. */
const witnesses = [
  { file: "scenarios/migration/migrate-vma-vs-dontneed.tlb", kernel: "5.18", threads: 2 },
  { file: "scenarios/reclaim/batched-flag-vs-zap.tlb", kernel: "4.12", threads: 3 },
  { file: "scenarios/userfaultfd/unprotect-vs-cow.tlb", kernel: "5.11", threads: 4 },
];

const drawing = (text: string): string[] => text.split("\n");

describe("witnesses that fit", () => {
  it("the wide drawing keeps within --width for 2, 3 and 4 CPUs (a 4-CPU witness was 127 wide at 120)", async () => {
    for (const w of witnesses) {
      const r = await run(w.file, w.kernel);
      expect(r.machine.program.threads).toHaveLength(w.threads);
      const trace = traceOf(r.machine, r.witness!.path);
      for (const width of [72, 80, 100, 120]) {
        for (const l of drawing(drawColumns(r.machine, trace, width)))
          expect(l.length, `${w.file} at ${width}: ${l}`).toBeLessThanOrEqual(width);
      }
    }
  }, 60_000);

  it("the compact drawing fits a commit message: 72 columns for up to 3 CPUs, only the steps that matter", async () => {
    for (const w of witnesses.filter((x) => x.threads <= 3)) {
      const r = await run(w.file, w.kernel);
      const trace = traceOf(r.machine, r.witness!.path);
      const compact = drawing(drawCompact(r.machine, trace));
      for (const l of compact) expect(l.length, `${w.file}: ${l}`).toBeLessThanOrEqual(commitWidth);
      // The seeds' shape: lane titles over rules, calls as `==> name()`, changes in brackets.
      expect(compact[0]).toMatch(/^CPU\d \(\w+\) +\w+/);
      expect(compact[1]).toMatch(/^-+\s+-+/);
      expect(compact.some((l) => /==> \w+\(\)/.test(l))).toBe(true);
      expect(compact.some((l) => /\[PTE \w+: /.test(l))).toBe(true);
      // Locks are bookkeeping to a commit message; the wide drawing shows them.
      expect(compact.join("\n")).not.toMatch(/lock\(/);
      const wide = drawing(drawColumns(r.machine, trace, 120));
      expect(wide.join("\n")).toMatch(/lock\(/);
      expect(compact.length).toBeLessThan(wide.length);
      // Every PTE and TLB change of the witness is still there.
      for (const e of trace)
        for (const c of e.changes.filter((c) => c.kind === "pte" || c.kind === "tlb"))
          expect(compact.join(" ").replace(/\s+/g, " ")).toContain(c.text.split(":")[0]);
    }
  }, 60_000);
});

describe("--show", () => {
  it("parses the executions to draw, and says what it does not take", () => {
    expect(parseShow("positive:3,negative")).toEqual({
      witness: false,
      positives: 3,
      negative: true,
    });
    expect(parseShow("witness")).toEqual({ witness: true, positives: 0, negative: false });
    expect(parseShow("none")).toEqual({ witness: false, positives: 0, negative: false });
    expect(parseShow("positive:0")).toMatch(/^--show takes .*not `positive:0`/);
    expect(parseShow("shortest")).toMatch(/not `shortest`/);
  });

  it("up to N positive executions, shortest first, each reaching its own positive final state; and a negative one", async () => {
    // Four positive final states (migrate-vma-vs-dontneed has one since migration may fail).
    const r = await run("scenarios/reclaim/batched-flag-vs-zap.tlb", "4.12", 4);
    expect(r.positive).toBe(4);
    const { shown, missing } = shownExecutions(r, { witness: false, positives: 3, negative: true });
    expect(missing).toEqual([]);
    expect(shown.map((s) => s.title)).toEqual([
      "Positive execution 1 of 3 (shortest first)",
      "Positive execution 2 of 3 (shortest first)",
      "Positive execution 3 of 3 (shortest first)",
      "Negative execution (shortest)",
    ]);
    const model = new Model(r.machine);
    const finals = shown.map((s) => replay(r.machine, s.path).at(-1)!.after);
    expect(finals.map((f) => model.holds(f))).toEqual([true, true, true, false]);
    expect(new Set(finals.map((f) => model.valuesKey(f))).size).toBe(4);
    const lengths = shown.slice(0, 3).map((s) => s.path.length);
    expect(lengths).toEqual([...lengths].sort((a, b) => a - b));
    // The default witness is the first of them.
    expect(shownExecutions(r, parseShow("witness") as never).shown[0]!.schedule).toBe(
      shown[0]!.schedule,
    );
    // Asking for more than there are says so.
    expect(shownExecutions(r, { witness: false, positives: 5, negative: false }).missing).toEqual([
      "4 positive final states in all.",
    ]);
  }, 30_000);
});
