import { describe, expect, it } from "vitest";
import { runScenario } from "../../src/judge/run.js";
import { scenarioOf, verdict } from "./helpers.js";
import { checkText } from "../../src/cli/load.js";

/**
 * Swap, lazyfree pages and mTHP folios (src/kernel/vmscan.tlb, swapfile.tlb, huge_memory.tlb):
 * each path alone, its final state checked over every execution (`forall`: Always).
 */
function scenario(init: string, threads: string, cond: string): string {
  return `tlb s\ninit {\n${init}\n}\n${threads}\nforall (${cond})\n`;
}

const reclaimAfter = (body: string, page = "A"): string =>
  `thread T1 on cpu1 {\n${body}\n}\nafter {\n  reclaim_anon ${page}\n}`;

describe("swap", () => {
  it("reclaim_anon swaps a written page out: a swap entry, the data in the slot", async () => {
    const text = scenario(
      "  A = mmap anon private rw",
      reclaimAfter("  store A 3"),
      "pte(A).swap && A == 3",
    );
    expect(await verdict(text)).toBe("always");
  });

  it("a load after swap-out faults it back in through do_swap_page()", async () => {
    const text = scenario(
      "  A = mmap anon private rw",
      "thread T1 on cpu1 {\n  store A 3\n  r = load A\n}\nkthread R on cpu0 {\n  reclaim_anon A\n}",
      "T1:r == 3 && A == 3",
    );
    expect(await verdict(text)).toBe("always");
  });

  it("a store after swap-out takes the page back writable and dirty", async () => {
    const text = scenario(
      "  A = mmap anon private rw",
      "thread T1 on cpu1 {\n  store A 3\n  store A 4\n  r = load A\n}\nkthread R on cpu0 {\n  reclaim_anon A\n}",
      "T1:r == 4 && A == 4",
    );
    expect(await verdict(text)).toBe("always");
  });

  it("munmap and MADV_DONTNEED of a swapped-out page give its slot back: it reads 0 after", async () => {
    for (const step of ["madvise A dontneed", "madvise A free"]) {
      const text = scenario(
        "  A = mmap anon private rw",
        `thread T1 on cpu1 {\n  store A 3\n}\nkthread R on cpu0 {\n  reclaim_anon A\n}\nafter {\n  ${step}\n}`,
        "!pte(A).swap",
      );
      expect(await verdict(text), step).toBe("always");
    }
  });

  it("MADV_FREE's swap branch drops the data: a load after it reads a zero page", async () => {
    const text = scenario(
      "  A = mmap anon private rw",
      "thread T1 on cpu1 {\n  store A 3\n  reclaim_anon A\n  madvise A free\n  r = load A\n}",
      "T1:r == 0",
    );
    expect(await verdict(text)).toBe("always");
    const dropped = scenario(
      "  A = mmap anon private rw populate",
      "kthread R on cpu0 {\n  reclaim_anon A\n}\nafter {\n  madvise A free\n}",
      "pte(A).none",
    );
    expect(await verdict(dropped)).toBe("always");
  });
});

describe("lazyfree pages", () => {
  it("reclaim discards a clean MADV_FREE'd page: it reads back as zero", async () => {
    const text = scenario(
      "  A = mmap anon private rw populate\n  A.0 = 5",
      reclaimAfter("  madvise A free"),
      "pte(A).none",
    );
    expect(await verdict(text)).toBe("always");
    // A load after the discard faults in a fresh zero page: not 5 (kept) or swapped back in.
    const reread = scenario(
      "  A = mmap anon private rw populate\n  A.0 = 5",
      "thread T1 on cpu1 {\n  madvise A free\n  reclaim_anon A\n  r = load A\n}",
      "T1:r == 0 && pte(A).present && !pte(A).swap",
    );
    expect(await verdict(reread)).toBe("always");
  });

  it("a store after MADV_FREE redirties the page: reclaim puts the PTE back, swap-backed again", async () => {
    const text = scenario(
      "  A = mmap anon private rw populate",
      reclaimAfter("  madvise A free\n  store A 6\n  reclaim_anon A"),
      "pte(A).swap && A == 6",
    );
    expect(await verdict(text)).toBe("always");
    const once = scenario(
      "  A = mmap anon private rw populate",
      reclaimAfter("  madvise A free\n  store A 6"),
      "pte(A).present && pte(A).dirty && A == 6",
    );
    expect(await verdict(once)).toBe("always");
  });
});

describe("mTHP folios", () => {
  it("madvise(MADV_FREE) of part of a folio splits it, of all of it does not", async () => {
    // Words that are not 0: from 6.12 a split maps a subpage of zeroes to the shared zero page.
    const part = scenario(
      "  A = mmap anon[5] private rw populate mthp\n  A[0] = 1\n  A[3] = 2",
      "thread T1 on cpu1 {\n  madvise A[3..4] free\n}",
      "pte(A[0]).pfn != pte(A[3]).pfn && A[0] == 1",
    );
    expect(await verdict(part)).toBe("always");
    // Reclaim keeps a large folio; the split pages are lazyfree and clean, so it discards them
    // (A[1] holds a word that is not 0: a subpage of zeroes would be the zero page after 6.12).
    const reclaimed = (steps: string): string =>
      scenario(
        "  A = mmap anon[4] private rw populate mthp\n  A[1] = 1",
        `thread T1 on cpu1 {\n${steps}\n}\nafter {\n  reclaim_anon A[1]\n}`,
        "pte(A[1]).none",
      );
    expect(await verdict(reclaimed("  madvise A[1..3] free"))).toBe("always");
    expect(await verdict(reclaimed("  r = load A[1]"))).toBe("never");
  });

  it("mthp needs a private rw anonymous mapping of 4 pages or more", () => {
    for (const init of ["A = mmap anon[2] private rw mthp", "A = mmap anon[4] shared rw mthp"]) {
      const r = checkText(
        `tlb s\ninit {\n  ${init}\n}\nthread T1 on cpu1 {\n  store A 1\n}\n`,
        "t.tlb",
      );
      expect(r.diagnostics.map((d) => d.code)).toEqual(["E109"]);
    }
  });
});

describe("swap and folios keep the search sound", () => {
  it("the mTHP race reaches the same final states with and without the reductions", async () => {
    const text = scenario(
      "  A = mmap anon[5] private rw populate mthp",
      "thread T1 on cpu1 {\n  madvise A[3..4] free\n}\nthread T2 on cpu2 {\n  store A[4] 1\n  r = load A[4]\n}\nkthread R on cpu0 {\n  reclaim_anon A[4]\n}",
      "T2:r == 1",
    );
    const run = async (reduce: boolean) => {
      const out = await runScenario(scenarioOf(text), {
        kernels: ["6.15"],
        fixes: [],
        schedule: undefined,
        order: "bfs",
        reduce,
      });
      return out.results.map((r) => [r.finals, r.deadlocks, r.outcomes]);
    };
    const plain = await run(false);
    expect(await run(true)).toEqual(plain);
    expect(plain[0]![0]).toBeGreaterThan(1);
  });
});
