import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { root } from "../helpers.js";
import { judge, scenarioOf } from "./helpers.js";
import { runScenario } from "../../src/judge/run.js";

/**
 * dd2283f2605e (4.20), "mm: mmap: zap pages with read mmap_sem in munmap": munmap() detaches the
 * VMAs from the mm (find_vma() no longer finds them), downgrades mmap_lock to read, and zaps
 * under the read lock. Labels: munmap's `detached` (after the write lock is taken, and from
 * 4.20 the detach and the downgrade), the zap's `zapped` (before its flush and the unlink).
 */
const scenario = (init: string, t2: string, cond: string): string => `tlb munmap_downgrade
init {
  X = mmap anon private rw populate
${init}
}
thread T1 on cpu1 {
  munmap X
}
thread T2 on cpu2 {
${t2}
}
${cond}
`;

const verdicts = async (text: string, kernels: string[]): Promise<string[]> =>
  (await judge(text, kernels)).map((r) => `${r.kernel} ${r.verdict}`);

// Before the change every one of these was Never at 4.20 and 6.2 too: mmap_lock stayed held for
// write to the end of munmap().
describe("munmap() zaps under mmap_lock held for read from 4.20 (dd2283f2605e)", () => {
  const kernels = ["3.12", "4.19", "4.20", "6.2"];

  it("madvise(MADV_DONTNEED) of another region runs inside munmap()'s zap", async () => {
    const text = scenario(
      "  Y = mmap anon private rw populate",
      "  madvise Y dontneed",
      "exists (T1.detached < T2.zapped && T2.zapped < T1.zapped)",
    );
    expect(await verdicts(text, kernels)).toEqual([
      "3.12 never",
      "4.19 never",
      "4.20 sometimes",
      "6.2 sometimes",
    ]);
  });

  // Found with the merge of the downgrade: those readers acted on their range without looking
  // the VMA up, so they zapped or changed a detached VMA's PTEs (and, at any release, a region
  // munmap() had finished with). Each was Sometimes on every release before the lookup.
  it("madvise(MADV_DONTNEED) of the region being unmapped finds no VMA and zaps nothing", async () => {
    const text = scenario("", "  madvise X dontneed", "exists (T1.detached < T2.zapped)");
    expect(await verdicts(text, kernels)).toEqual([
      "3.12 never",
      "4.19 never",
      "4.20 never",
      "6.2 never",
    ]);
  });

  it("the NUMA scanner skips the region being unmapped: no VMA in the mm", async () => {
    const text = scenario("", "  numa_scan X", "exists (T1.detached < T2.pte_changed)");
    expect(await verdicts(text, kernels)).toEqual([
      "3.12 never",
      "4.19 never",
      "4.20 never",
      "6.2 never",
    ]);
  });

  it("a copy-on-write fault on another region runs inside munmap()'s zap", async () => {
    // `copied` is wp_page_copy()'s label, reached with mmap_lock held for read.
    const text = scenario(
      "  file F = [5]\n  Y = mmap F[0] private rw",
      "  r = load Y\n  s = store Y 1",
      "exists (T1.detached < T2.copied && T2.copied < T1.zapped)",
    );
    expect(await verdicts(text, kernels)).toEqual([
      "3.12 never",
      "4.19 never",
      "4.20 sometimes",
      "6.2 sometimes",
    ]);
  });

  it("a fault in the range being unmapped fails at once: find_vma() no longer finds the VMA", async () => {
    const during = scenario(
      "",
      "  w = store X 1\n  label done",
      "exists (T2:w == segv && T2.done < T1.zapped)",
    );
    expect(await verdicts(during, kernels)).toEqual([
      "3.12 never",
      "4.19 never",
      "4.20 sometimes",
      "6.2 sometimes",
    ]);
    // After the zap the PTE is gone and CPU2 caches none: the store faults, and a fault that
    // found the VMA would map a fresh page and succeed.
    const after = scenario(
      "",
      "  w = store X 1\n  label done",
      "exists (T2:w == ok && T1.zapped < T2.done)",
    );
    expect(await verdicts(after, kernels)).toEqual([
      "3.12 never",
      "4.19 never",
      "4.20 never",
      "6.2 never",
    ]);
  });

  it("an rmap walk still visits the detached VMA until free_pgtables() unlinks it", async () => {
    // delayed-rmap.tlb's race: from 5df397dec7c4 (6.2) X's page stays mapped until the zap's
    // flush, so writeback's page_mkclean() walks the rmap. Were the VMA out of the rmap tree
    // once detached, the walk would skip X's dirty, writable PTE and a later store through
    // CPU1's entry would be lost.
    const text = `tlb munmap_rmap
init {
  file F = [0]
  X = mmap F[0] shared rw
}
thread T1 on cpu1 {
  store X 1
  w = store X 2
}
thread T2 on cpu2 {
  munmap X
}
thread T3 on cpu3 {
  fadvise F dontneed
  fadvise F dontneed
}
exists (T1:w == ok && F[0] == 1)
`;
    expect(await verdicts(text, ["6.1", "6.2"])).toEqual(["6.1 sometimes", "6.2 never"]);
  });
});

describe("unmap_region(): the VMA leaves the rmap trees before the flush (every release)", () => {
  it("a truncation between the unlink and the flush skips X, so CPU1's entry outlives it", async () => {
    // Z keeps the page mapped, so truncate_inode_page() walks the i_mmap tree. Were X still in
    // it until after munmap()'s flush, the walk would zap X too, and its tlb_finish_mmu(),
    // nested with munmap()'s gather (99baac21e458, 4.13), would flush CPU1's entry for X.
    const text = `tlb munmap_unlink_before_flush
init {
  file F = [0]
  X = mmap F[0] shared r
  Z = mmap F[0] shared r populate
}
thread T1 on cpu1 {
  a = load X
  w = load X
  label loaded
}
thread T2 on cpu2 {
  munmap X
}
thread T3 on cpu3 {
  ftruncate F 0
  label truncated
}
exists (T1:w == 0 && T3.truncated < T1.loaded)
`;
    // 6.2: from 7a30df49f63a (5.2) the nested flush of Z's zap flushes the whole mm.
    expect(await verdicts(text, ["4.12", "4.13", "4.19", "6.2"])).toEqual([
      "4.12 sometimes",
      "4.13 sometimes",
      "4.19 sometimes",
      "6.2 never",
    ]);
  });
});

describe("the library runs munmap() within its release range", () => {
  it("delayed-rmap.tlb at 6.2 warns about no munmap path", async () => {
    const file = join(root, "scenarios/zap/delayed-rmap.tlb");
    const s = scenarioOf(readFileSync(file, "utf8"), file);
    const out = await runScenario(s, {
      kernels: ["6.2"],
      fixes: [],
      schedule: undefined,
      order: "bfs",
    });
    const warned = out.results.flatMap((r) => r.outOfRange.map((w) => w.proc));
    expect(warned.filter((p) => /munmap/.test(p))).toEqual([]);
  });
});
