import { describe, expect, it } from "vitest";
import { scheduleOption } from "../../src/explore/schedule-option.js";
import { runScenario } from "../../src/judge/run.js";
import { judge, scenarioOf } from "../model/helpers.js";

/** The mode and verdict of a scenario run along one of its schedules at 4.13. */
async function scheduled(text: string, name: string): Promise<[string, string | undefined][]> {
  const s = scenarioOf(text);
  const schedule = scheduleOption(s, name);
  if (schedule === undefined || "error" in schedule) throw new Error("no schedule");
  const out = await runScenario(s, {
    kernels: ["4.13"],
    fixes: [],
    schedule: schedule.items,
    order: "bfs",
  });
  return out.results.map((r) => [r.mode, r.verdict]);
}

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
    // One execution earns Sometimes (a schedule run is judged as a search stopped after it).
    expect(await scheduled(scenario, "pending")).toEqual([["schedule", "sometimes"]]);
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
 * After the first merge X's page is a KSM page (set_page_stable_node()), and do_wp_page() never
 * reuses one ("PageAnon(page) && !PageKsm(page)", 4.x): once X is zapped, Y is the KSM page's
 * only mapping, yet a store to Y copies it. The model used to reuse it (a false Never).
 */
const cow = `tlb ksm_page_is_copied
init {
  X = mmap anon private rw populate
  Y = mmap anon private rw populate
}
thread T1 on cpu1 {
  x0 = pte_pfn(ptep_get(X))
  y0 = pte_pfn(ptep_get(Y))
  madvise X dontneed
  store Y 5
  y1 = pte_pfn(ptep_get(Y))
}
kthread ksmd on cpu3 {
  ksm_merge X Y
}
exists (T1:y0 == T1:x0 && T1:y1 == T1:y0)
`;

/**
 * When the second merge fails (here Y's page differs), try_to_merge_two_pages() break_cow()s the
 * first: a write fault gives X a private copy of its KSM page. The model used to leave X on the
 * KSM page (a false Never for "X's frame changed").
 */
const breakCow = `tlb ksm_break_cow
init {
  X = mmap anon private rw populate
  Y = mmap anon private rw populate
  Y = 1
}
kthread ksmd on cpu3 {
  x0 = pte_pfn(ptep_get(X))
  ksm_merge X Y
  x1 = pte_pfn(ptep_get(X))
}
exists (ksmd:x1 != ksmd:x0)
`;

/**
 * replace_page(): the page it unmapped, mapped nowhere now, leaves the swap cache
 * (try_to_free_swap()). Y's page came back from swap and sits in the swap cache; after the
 * merge it is free. The model used to keep it in the swap cache.
 */
const freeSwap = `tlb ksm_frees_the_swap_cache_page
init {
  X = mmap anon private rw populate
  Y = mmap anon private rw populate
}
thread T0 on cpu0 {
  store X 1
  store Y 1
  reclaim_anon Y
  r = load Y
  y0 = pte_pfn(ptep_get(Y))
  label merging
  s = page_swapcache(y0)
}
thread T2 on cpu2 {
  clear_refs_soft_dirty
}
kthread ksmd on cpu3 {
  ksm_merge X Y
}
exists (T0:s == false && pte(Y).pfn == pte(X).pfn)
schedule merged {
  T0 until merging; T2 until cleared; ksmd end; T2 end; T0 end
}
`;

describe("ksm_merge: PageKsm, break_cow(), try_to_free_swap()", () => {
  it("a write fault copies a KSM page even where it is mapped once", async () => {
    expect((await judge(cow, ["4.12", "4.13"])).map((r) => r.verdict)).toEqual(["never", "never"]);
  });

  it("a failed second merge breaks the first page's COW", async () => {
    expect((await judge(breakCow, ["4.13"])).map((r) => r.verdict)).toEqual(["always"]);
  });

  it("the replaced page leaves the swap cache", async () => {
    expect(await scheduled(freeSwap, "merged")).toEqual([["schedule", "sometimes"]]);
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
