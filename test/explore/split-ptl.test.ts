import { describe, expect, it } from "vitest";
import { readRepoFile } from "../helpers.js";
import { judge } from "../model/helpers.js";

/**
 * Races that one mm-wide PTL hid: with each region in its own page table (the default) they are
 * there before their fix, as the kernel has them; with both regions in one page table (`pmd`),
 * which is what the model assumed for every scenario before split PTLs, they are not.
 */
const cases = [
  {
    file: "scenarios/mremap/dirty-new-ptl-vs-migration.tlb",
    // move_ptes() drops the new PTL before its 5d1904204c99 flush (4.9-4.18).
    kernel: "4.18",
    after: "Y = unmapped // the mremap target, in another page table (2 MB away or more)",
    pmd: "pmd X, Y",
  },
  {
    file: "scenarios/reclaim/batched-flag-vs-zap.tlb",
    // flush_tlb_batched_pending() under B's PTL clears the flag reclaim set under A's (to 5.16).
    kernel: "5.16",
    after: "B = mmap F[1] shared r populate // in another page table",
    pmd: "pmd A, B",
  },
];

describe("split PTLs: races one mm-wide PTL hid", () => {
  for (const c of cases) {
    const text = readRepoFile(c.file);
    it(`${c.file}: Sometimes on ${c.kernel} with the regions in two page tables`, async () => {
      const [r] = await judge(text, [c.kernel]);
      expect([r!.verdict, r!.complete]).toEqual(["sometimes", true]);
    });

    it(`${c.file}: Never on ${c.kernel} with both in one page table (\`${c.pmd}\`)`, async () => {
      expect(text).toContain(c.after);
      const one = text.replace(c.after, `${c.after}\n  ${c.pmd}`);
      const [r] = await judge(one, [c.kernel]);
      expect([r!.verdict, r!.complete]).toEqual(["never", true]);
    });
  }
});
