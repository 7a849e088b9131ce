import { describe, expect, it } from "vitest";
import { scheduleOption } from "../../src/explore/schedule-option.js";
import { runScenario } from "../../src/judge/run.js";
import { scenarioOf } from "../model/helpers.js";

/**
 * write_protect_page() counts the swap cache's reference: `page_mapcount(page) + 1 + swapped !=
 * page_count(page)` (mm/ksm.c, 4.12 to 4.20). Here Y's page was swapped out and read back in, so
 * it sits in the swap cache; clear_refs keeps mm->tlb_flush_pending raised (4.13), so ksmd takes
 * the branch with the check. The model used to leave `swapped` out and refuse the merge (a
 * false Never on this execution).
 */
const scenario = `tlb ksm_merges_a_swap_cache_page
init {
  X = mmap anon private rw populate
  Y = mmap anon private rw populate
}
thread T0 on cpu0 {
  store X 1
  store Y 1
  reclaim_anon Y
  r = load Y
}
thread T2 on cpu2 {
  clear_refs_soft_dirty
}
kthread ksmd on cpu3 {
  ksm_merge X Y
}
exists (pte(Y).pfn == pte(X).pfn)
schedule pending {
  T0 end; T2 until cleared; ksmd end; T2 end
}
`;

describe("ksm_merge", () => {
  it("merges a page that sits in the swap cache", async () => {
    const s = scenarioOf(scenario);
    const schedule = scheduleOption(s, "pending");
    if (schedule === undefined || "error" in schedule) throw new Error("no schedule");
    const out = await runScenario(s, {
      kernels: ["4.13"],
      fixes: [],
      schedule: schedule.items,
      order: "bfs",
    });
    expect(out.results.map((r) => [r.mode, r.verdict])).toEqual([["schedule", "always"]]);
  });
});
