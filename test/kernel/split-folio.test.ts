import { describe, expect, it } from "vitest";
import { judge } from "../model/helpers.js";

/**
 * split_folio() fails with -EAGAIN on a folio someone else holds a reference on:
 * can_split_folio() before the unmap, folio_ref_freeze() after it (then remap_page() restores
 * the PTEs to the folio, still large). Read in a 6.12–6.14 mm/huge_memory.c. The model split
 * every folio: MADV_FREE then cleaned a PTE the kernel passes over (a false Never, below).
 */
const scenario = (t: string, g = ""): string => `tlb split_pinned
init {
  A = mmap anon[5] private rw populate mthp // A[0..3]: one 16K folio; A[4]: a page of its own
}
proc pin(a: page): frame {
  pte_lock(a)
  page = pte_pfn(ptep_get(a))
  get_page(page)
  pte_unlock(a)
  return page
}
thread T on cpu1 {
${t}
}
${g}
exists (pte(A[3]).dirty) // the folio stayed whole: MADV_FREE passed A[3] over
`;

describe("split_folio", () => {
  it("fails on a pinned folio, which MADV_FREE then passes over (a false Never before)", async () => {
    const text = scenario("  store A[3] 1\n  page = pin(A[1])\n  madvise A[3..4] free");
    const results = await judge(text, ["6.15", "6.16"]);
    expect(results.map((r) => `${r.kernel} ${r.verdict}`)).toEqual(["6.15 always", "6.16 always"]);
  });

  it("splits an unpinned folio: A[3] is cleaned", async () => {
    const text = scenario("  store A[3] 1\n  madvise A[3..4] free");
    const results = await judge(text, ["6.16"]);
    expect(results.map((r) => r.verdict)).toEqual(["never"]);
  });

  it("fails or splits as a pin races with it", async () => {
    const text = scenario(
      "  store A[3] 1\n  madvise A[3..4] free",
      "kthread G on cpu2 {\n  page = pin(A[1])\n}",
    );
    const results = await judge(text, ["6.16"]);
    expect(results.map((r) => r.verdict)).toEqual(["sometimes"]);
  });
});
