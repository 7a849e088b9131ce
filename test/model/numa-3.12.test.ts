import { describe, expect, it } from "vitest";
import { checkText } from "../../src/cli/load.js";
import { judge } from "./helpers.js";

/**
 * 3.12's NUMA hinting against its C (3.12.0 and 3.13.0 mm/memory.c and mm/mprotect.c):
 * do_numa_page() is the same function in both; 3.12 also marks the PMD NUMA
 * (change_pmd_protnuma()) and handles a fault anywhere in it by do_pmd_numa_page()'s batch,
 * which 0f19c17929c9 (3.13) removed. The model has no PMD level; a 3.12 Never says so.
 */
const text = `tlb pmd_numa
init {
  X = mmap anon private rw populate
}
thread T1 on cpu1 {
  r = load X
}
kthread N on cpu0 {
  numa_scan X
}
exists (T1:r == 5)
`;

describe("NUMA hinting at 3.12", () => {
  it("a Never with the NUMA scanner relies on the missing PMD level at 3.12 only", async () => {
    const results = await judge(text, ["3.12", "3.13"]);
    const pmd = (k: number): boolean =>
      results[k]!.reliesOn.some((r) => r.proc === "change_pmd_protnuma");
    expect(results.map((r) => r.verdict)).toEqual(["never", "never"]);
    expect([pmd(0), pmd(1)]).toEqual([true, false]);
  });

  it("do_numa_page follows 3.12's C: no range warning there", () => {
    const r = checkText(`${text}expect kernel 3.12 : never\n`, "t.tlb");
    expect(r.warnings.map((d) => d.message)).toEqual([]);
  });
});
