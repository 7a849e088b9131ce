import { describe, expect, it } from "vitest";
import { scheduleOption } from "../../src/explore/schedule-option.js";
import { runScenario } from "../../src/judge/run.js";
import { judge, scenarioOf } from "../model/helpers.js";

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
    // One execution earns Sometimes (a schedule run is judged as a search stopped after it).
    expect(out.results.map((r) => [r.mode, r.verdict])).toEqual([["schedule", "sometimes"]]);
  });
});

/**
 * ksmd takes mmap_sem for read in each of its sections and drops it between them
 * (scan_get_next_rmap_item(), get_mergeable_page(), each try_to_merge_with_ksm_page()), so a
 * writer such as mprotect() can run after ksmd found the pages and before it compares them. The
 * model used to hold mmap_sem across the whole merge: a false Never.
 */
const writer = `tlb mprotect_between_ksm_sections
init {
  X = mmap anon private rw populate
  Y = mmap anon private rw populate
}
thread T1 on cpu1 {
  mprotect Y r
  label protected
}
kthread ksmd on cpu3 {
  ksm_merge X Y
}
exists (ksmd.looked_up < T1.protected && T1.protected < ksmd.compared)
expect kernel 4.13 : sometimes
`;

describe("ksm_merge and mmap_sem", () => {
  it("lets a writer of mmap_sem run between its lookups and its merges", async () => {
    const [r] = await judge(writer);
    expect(r!.verdict).toBe("sometimes");
  });
});

/**
 * MADV_FREE leaves Y's page in CPU1's lru_lazyfree batch, which holds a reference: until the
 * batch drains, write_protect_page()'s count check fails. ksmd drains every CPU's batches when
 * its scan starts (scan_get_next_rmap_item(): lru_add_drain_all()), so it merges a page MADV_FREE
 * let go of before the scan. Without that drain the merge after MADV_FREE is Never (checked by
 * removing it when the batch was modelled).
 */
const batched = `tlb ksm_drains_the_lazyfree_batch
init {
  X = mmap anon private rw populate
  Y = mmap anon private rw populate
}
thread T1 on cpu1 {
  madvise Y free
  label advised
}
kthread ksmd on cpu3 {
  ksm_merge X Y
}
exists (T1.advised < ksmd.looked_up && pte(Y).pfn == pte(X).pfn)
expect kernel 4.13 : sometimes
`;

describe("ksm_merge and the LRU batches", () => {
  it("drains the lru_lazyfree batch first, so the batch's reference does not stop the merge", async () => {
    const [r] = await judge(batched);
    expect(r!.verdict).toBe("sometimes");
  });
});
