import { describe, expect, it } from "vitest";
import { scheduleOption } from "../../src/explore/schedule-option.js";
import { runScenario } from "../../src/judge/run.js";
import { judge, scenarioOf } from "../model/helpers.js";

/**
 * do_numa_page(): numa_migrate_prep() → mpol_misplaced() returns -1 for a page already on the
 * node its policy wants, and the fault only makes the PTE accessible again (read in 3.12.0,
 * 3.13.0, 4.12.0, a 5.13–5.x and 6.x copies). The model has no nodes, so both answers are
 * explored (a choice, `T otherwise` in a schedule). The model used to migrate on every hinting
 * fault: the page never stayed (a false Never, below).
 */
const scenario = `tlb numa_not_misplaced
init {
  X = mmap anon private rw populate
}
proc frame_of(a: page): frame {
  return pte_pfn(ptep_get(a))
}
thread T on cpu1 {
  a = frame_of(X)
  numa_scan X // task_numa_work() runs in the task, on its way back to user space
  store X 1 // a NUMA hinting fault
  b = frame_of(X)
}
exists (T:a == T:b) // the page stayed where it was
`;

const kernels = ["3.12", "4.12", "5.12", "5.13", "6.1"];

describe("do_numa_page", () => {
  it("leaves a page that is not misplaced where it is (a false Never before)", async () => {
    const results = await judge(scenario, kernels);
    expect(results.map((r) => `${r.kernel} ${r.verdict}`)).toEqual(
      kernels.map((k) => `${k} sometimes`),
    );
  });

  it("still migrates a misplaced page", async () => {
    const moved = scenario.replace("exists (T:a == T:b)", "exists (T:a != T:b)");
    const results = await judge(moved, kernels);
    expect(results.map((r) => `${r.kernel} ${r.verdict}`)).toEqual(
      kernels.map((k) => `${k} sometimes`),
    );
  });

  it("prints the choice as `otherwise` in a witness's schedule, which replays", async () => {
    const [r] = await judge(scenario, ["4.12"]);
    expect(r!.schedule).toMatch(/T otherwise/);
    const s = scenarioOf(scenario);
    const items = scheduleOption(s, r!.schedule!);
    if (!("items" in items)) throw new Error(items.error.message);
    const out = await runScenario(s, {
      kernels: ["4.12"],
      fixes: [],
      schedule: items.items,
      order: "bfs",
    });
    expect(out.results[0]!.verdict).toBe("sometimes");
  });
});
