import { describe, expect, it } from "vitest";
import { judge } from "./helpers.js";
import { readRepoFile } from "../helpers.js";
import { describePte, PTE } from "../../src/primitives/encoding.js";

/**
 * The swap-in and COW paths of David Hildenbrand's series (read in 5.17.0, 5.18.12, 5.19.0,
 * 6.0-rc1, 6.1-rc7, 6.14 and 6.18.2): c145e0b47c77 and 53a05ad9f21d (5.18) decide reuse by the
 * page's references; 6c287605fd56 and 1493a1913e34 (5.19) by PageAnonExclusive, which the swap
 * entry remembers; 088b8aa537c2 (6.1) lets reclaim batch an exclusive page's flush again;
 * c18160dba5ff (6.11) maps an exclusive page writable on a read fault. Every test here failed
 * before those changes were modelled (do_swap_page kept 4.x's reuse_swap_page() rule).
 */
const verdicts = async (text: string, kernels: string[]): Promise<string[]> =>
  (await judge(text, kernels)).map((r) => `${r.kernel} ${r.verdict}`);

const scenario = (t1: string, cond: string, extra = ""): string => `tlb anon_exclusive
init {
  A = mmap anon private rw
}
thread T1 on cpu1 {
${t1}
}
kthread R on cpu0 {
  reclaim_anon A
}
${cond}
${extra}
`;

describe("PageAnonExclusive and swap-in (5.18, 5.19, 6.1, 6.11)", () => {
  it("a write fault racing with reclaim's reference copies the page only in 5.18", async () => {
    // 5.17: reuse_swap_page() counts mappings and swap entries, not references. 5.18: the
    // reclaimer's reference keeps page_count() above 1, so do_swap_page() maps it read-only and
    // do_wp_page() copies. 5.19: the swap entry says exclusive: mapped writable, no copy.
    const text = scenario(
      "  store A 3\n  label stored\n  store A 4",
      "exists (T1.stored < T1.copied)",
    );
    expect(await verdicts(text, ["5.17", "5.18", "5.19", "6.18"])).toEqual([
      "5.17 never",
      "5.18 sometimes",
      "5.19 never",
      "6.18 never",
    ]);
  });

  it("reclaim flushes an exclusive anonymous page at once in 5.19 and 6.0", async () => {
    const text = scenario("  store A 3\n  label stored", "exists (T1.stored < R.batched)");
    expect(await verdicts(text, ["5.18", "5.19", "6.0", "6.1"])).toEqual([
      "5.18 sometimes",
      "5.19 never",
      "6.0 never",
      "6.1 sometimes",
    ]);
  });

  it("from 6.11 a read fault maps an exclusive swapped-in page writable, by the entry's bit", async () => {
    const text = (extra: string): string => `tlb read_fault
init {
  A = mmap anon private rw
}
thread T1 on cpu1 {
  store A 3
  reclaim_anon A
  r = load A
}
exists (pte(A).writable && !pte(A).dirty && T1:r == 3)
${extra}
`;
    expect(await verdicts(text(""), ["5.17", "5.19", "6.10", "6.11"])).toEqual([
      "5.17 never",
      "5.19 never",
      "6.10 never",
      "6.11 always",
    ]);
    // Without the swap entry's bit only page_count() == 1 could say exclusive, and the swap
    // cache still holds the page after a read fault.
    expect(await verdicts(text("fix 1493a1913e34 off"), ["6.11"])).toEqual(["6.11 never"]);
  });

  it("the swap entry of an exclusive page carries the bit from 5.19, and is not writable", async () => {
    const text = `tlb entry
init {
  A = mmap anon private rw
}
thread T1 on cpu1 {
  store A 3
  reclaim_anon A
}
forall (pte(A).swap && !pte(A).writable)
`;
    expect(await verdicts(text, ["5.18", "5.19"])).toEqual(["5.18 always", "5.19 always"]);
    const entry = 3 << PTE.PFN_SHIFT;
    expect(describePte(entry | PTE.SWP_EXCLUSIVE, String)).toBe("swap entry slot 3 (exclusive)");
    expect(describePte(entry, String)).toBe("swap entry slot 3");
  });

  it("migrate_vma_collect_pmd() flushes an exclusive page under the PTL from 5.19", async () => {
    // 60bae7370896's window: the flush after pte_unmap_unlock(). 6c287605fd56 clears an
    // exclusive page with ptep_clear_flush() first; before the change 5.19 was Sometimes.
    const text = readRepoFile("scenarios/migration/migrate-vma-vs-dontneed.tlb");
    expect(await verdicts(text, ["5.18", "5.19"])).toEqual(["5.18 sometimes", "5.19 never"]);
  });
});
