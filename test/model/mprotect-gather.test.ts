import { describe, expect, it } from "vitest";
import { judge, verdict } from "./helpers.js";

/**
 * mprotect() and the NUMA scanner from 6.0 (src/kernel/mprotect.tlb): change_protection() flushes
 * through the caller's mmu_gather (4a18419f71cd), only the entries x86 pte_needs_flush() names
 * (c9fe66560bf2), and a dirty exclusive anonymous PTE of a writable private VMA is made writable
 * at once (64fe24a3e05e). Each test failed before, when these procs followed the C of 5.19.
 */
const scenario = (threads: string, cond: string): string =>
  `tlb t\ninit {\n  A = mmap anon private rw populate\n}\n${threads}\n${cond}\n`;

describe("mprotect's mmu_gather (6.0 on)", () => {
  it("follows the C of 6.x: no range warning for mprotect or the NUMA scanner", async () => {
    const text = scenario(
      "thread T1 on cpu1 {\n  mprotect A r\n}\nkthread numa on cpu2 {\n  numa_scan A\n}",
      "exists (A == 0)",
    );
    for (const kernel of ["6.0", "6.1", "6.18"]) {
      const [r] = await judge(text, [kernel]);
      // (rmap.tlb's flush_tlb_batched_pending follows 4.13..6.16: not this file's.)
      const mine = r!.outOfRange.filter((w) => w.file.endsWith("mprotect.tlb"));
      expect(mine, kernel).toEqual([]);
    }
  });

  it("flushes only the entries pte_needs_flush() names: an unchanged PTE's TLB entry survives", async () => {
    // A clean read-only PTE stays as it is when its private VMA becomes rw (vm_page_prot copies
    // on write). Until 5.19 change_pte_range() counts it and the range is flushed anyway.
    const text =
      "tlb t\ninit {\n  A = mmap anon private r populate\n}\n" +
      "thread T1 on cpu1 {\n  label start\n  mprotect A rw\n}\n" +
      "thread T2 on cpu2 {\n  r = load A\n  label loaded\n}\n" +
      "exists (T2.loaded < T1.start && tlb_entry(cpu2, A).valid)\n";
    expect(await verdict(text, "5.19")).toBe("never");
    expect(await verdict(text, "6.1")).toBe("sometimes");
  });

  it("makes an exclusive anonymous PTE writable again when the VMA becomes rw", async () => {
    // 64fe24a3e05e (6.0): a dirty one; from 6.2 a clean one too.
    const written = scenario(
      "thread T1 on cpu1 {\n  store A 1\n  mprotect A r\n  mprotect A rw\n}",
      "forall (pte(A).writable && pte(A).dirty)",
    );
    expect(await verdict(written, "5.19")).toBe("never");
    expect(await verdict(written, "6.1")).toBe("always");
    // A word that is not 0: populating read-only anonymous memory of zeroes maps the zero page.
    const clean =
      "tlb t\ninit {\n  A = mmap anon private r populate\n  A = 1\n}\n" +
      "thread T1 on cpu1 {\n  mprotect A rw\n}\nforall (pte(A).writable)\n";
    expect(await verdict(clean, "6.1")).toBe("never");
    expect(await verdict(clean, "6.2")).toBe("always");
  });

  it("mprotect() to the protection the VMA has changes nothing: no walk, no flush", async () => {
    // mprotect_fixup(): `if (newflags == oldflags) return 0;`, before anything else. The model
    // walked the PTEs and, before 6.0, flushed the range (Never at 4.12 before).
    const text =
      "tlb t\ninit {\n  A = mmap anon private rw populate\n}\n" +
      "thread T1 on cpu1 {\n  r = load A\n  mprotect A rw\n}\n" +
      "exists (tlb_entry(cpu1, A).valid)\n";
    expect(await verdict(text, "4.12")).toBe("always");
    expect(await verdict(text, "6.1")).toBe("always");
  });
});
