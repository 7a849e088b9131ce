import { describe, expect, it } from "vitest";
import { judge } from "./helpers.js";

/**
 * A file fault that drops its lock and retries (VM_FAULT_RETRY). T1 below takes mmap_lock for
 * write (and, where it says so, write-locks X's VMA) and looks twice at what T2's fault on X[0]
 * leaves: F[1] in the page cache (only T2's read-around reads it) while X[0] is still unmapped
 * means T1 ran inside T2's fault. A fault that keeps its lock from the walk to the PTE cannot
 * let it in.
 */
const scenario = (t1Extra: string, t3 = "", more = ""): string => `tlb fault_retry
init {
  file F = [1, 2]
  X = mmap F shared r
}
thread T1 on cpu1 {
  mmap_write_lock
${t1Extra}
  c0 = page_cache_page(F[1]) != null
  m0 = pte_present(ptep_get(X[0]))
  c1 = page_cache_page(F[1]) != null
  m1 = pte_present(ptep_get(X[0]))
  mmap_write_unlock
}
thread T2 on cpu2 {
  r = load X[0]
}
${t3}
${more}
exists (T1:c1 == true && T1:m1 == false && T2:r == 1)
`;

const verdicts = async (text: string, kernels: string[]): Promise<string[]> =>
  (await judge(text, kernels)).map((r) => `${r.kernel} ${r.verdict}`);

// T3 holds F[0]'s page lock across steps (generic_perform_write()), so T2's trylock may fail.
const pageLocker = "thread T3 on cpu3 {\n  pwrite F[0] 1\n}";

describe("lock_page_or_retry() and readahead drop the fault's lock", () => {
  it("reads around the fault: the file's other pages enter the page cache", async () => {
    const text = `tlb read_around
init {
  file F = [1, 2]
  X = mmap F[0] shared r
}
thread T1 on cpu1 {
  r = load X
}
exists (cached(F[1]))
`;
    // Before: no readahead, so Never at every release.
    expect(await verdicts(text, ["3.12", "5.0", "5.1", "6.16"])).toEqual([
      "3.12 always",
      "5.0 always",
      "5.1 always",
      "6.16 always",
    ]);
  });

  it("reads nothing at or beyond i_size (end_index, read once)", async () => {
    const text = `tlb read_around_eof
init {
  file F = [1, 2]
  X = mmap F[0] shared r
}
thread T0 on cpu0 {
  ftruncate F 1
  r = load X
}
exists (cached(F[1]))
`;
    expect(await verdicts(text, ["4.12", "6.16"])).toEqual(["4.12 never", "6.16 never"]);
  });

  it("up to 5.0 a first attempt drops mmap_sem only for a page locked by someone else", async () => {
    // Before: lock_page() held mmap_sem, so Never with T3 too.
    expect(await verdicts(scenario("", pageLocker), ["3.12", "4.20", "5.0"])).toEqual([
      "3.12 sometimes",
      "4.20 sometimes",
      "5.0 sometimes",
    ]);
    expect(await verdicts(scenario(""), ["3.12", "5.0"])).toEqual(["3.12 never", "5.0 never"]);
  });

  it("from 6b4c9f446981 (5.1) a first attempt that misses the cache drops it for readahead", async () => {
    expect(await verdicts(scenario(""), ["5.1", "6.3"])).toEqual([
      "5.1 sometimes",
      "6.3 sometimes",
    ]);
    const reverted = scenario("", "", "fix 6b4c9f446981 off");
    expect(await verdicts(reverted, ["5.1"])).toEqual(["5.1 never"]);
  });

  it("under the VMA lock (6.7+) the drop releases the VMA's lock, which a writer waits for", async () => {
    const text = scenario("  vma_start_write(X)");
    expect(await verdicts(text, ["6.7", "6.16"])).toEqual(["6.7 sometimes", "6.16 sometimes"]);
  });

  it("GUP without `locked` never drops mmap_lock (no FAULT_FLAG_ALLOW_RETRY)", async () => {
    const text = `tlb gup_no_retry
init {
  file F = [1, 2]
  X = mmap F shared r
}
thread T1 on cpu1 {
  mmap_write_lock
  c1 = page_cache_page(F[1]) != null
  m1 = pte_present(ptep_get(X[0]))
  mmap_write_unlock
}
thread T2 on cpu2 {
  get_user_page X[0]
}
exists (T1:c1 == true && T1:m1 == false)
`;
    expect(await verdicts(text, ["5.8"])).toEqual(["5.8 never"]);
  });
});
