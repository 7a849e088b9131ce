import { describe, expect, it } from "vitest";
import { runScenario } from "../../src/judge/run.js";
import { universeOf } from "../../src/semantics/universe.js";
import { machineOf, scenarioOf } from "./helpers.js";

/** The rmap locks (i_mmap_rwsem, the anon_vma lock) and the rmap walks that take them. */
const scenario = (threads: string, cond = "exists (T1:r == 0)"): string => `tlb rmap
init {
  file F = [0]
  X = mmap F[0] shared rw populate
}
thread T1 on cpu1 {
  r = load X
}
${threads}
${cond}
`;

const iMmapLive = (text: string, release = "4.13"): boolean => {
  const L = machineOf(text, release).layout;
  return L.slots[L.iMmapOf[1]!]!.frozen === undefined;
};

const stepsNaming = (text: string, name: string): number =>
  machineOf(text, "4.13").program.threads.reduce(
    (n, t) => n + t.nodes.filter((x) => x.k === "step" && x.origin.text.includes(name)).length,
    0,
  );

describe("rmap locks", () => {
  it("a walk no other thread contends with takes no lock step and no slot", () => {
    const text = scenario("kthread W on cpu2 {\n  writeback F\n}");
    expect(iMmapLive(text)).toBe(false);
    expect(stepsNaming(text, "i_mmap_lock")).toBe(0);
  });

  it("two walkers only read i_mmap_rwsem: neither can wait, so neither pays", () => {
    const text = scenario(
      "kthread W on cpu2 {\n  writeback F\n}\nkthread V on cpu3 {\n  writeback F\n}",
    );
    expect(iMmapLive(text)).toBe(false);
  });

  it("a walk and munmap()'s unlink contend: the lock is a slot and a step", () => {
    const text = scenario(
      "kthread W on cpu2 {\n  writeback F\n}\nthread U on cpu3 {\n  munmap X\n}",
    );
    expect(iMmapLive(text)).toBe(true);
    expect(stepsNaming(text, "i_mmap_lock_read")).toBeGreaterThan(0);
    expect(stepsNaming(text, "i_mmap_lock_write")).toBeGreaterThan(0);
  });

  it("before 3dec0ba0be6a (3.19) two walks exclude each other (i_mmap_mutex)", () => {
    const text = scenario(
      "kthread W on cpu2 {\n  writeback F\n}\nkthread V on cpu3 {\n  writeback F\n}",
    );
    expect(iMmapLive(text, "3.18")).toBe(true);
    expect(iMmapLive(text, "3.19")).toBe(false);
  });

  it("page_mkclean() of a page nobody maps returns without waiting for the PTL", async () => {
    // K holds X's PTL with the PTE cleared and the rmap gone, as zap_pte_range() did before
    // 5df397dec7c4; writeback of the dirty page finishes inside that window. Before the early
    // return was modelled, page_mkclean() waited for the PTL, so W could not finish there.
    const text = `tlb unmapped_mkclean
init {
  file F = [0]
  X = mmap F[0] shared rw forked
}
kthread K on cpu2 {
  pte_lock(X)
  c = ptep_get_and_clear(X)
  page_remove_rmap(pte_pfn(c))
  label window
  pte_unlock(X)
  label closed
}
kthread W on cpu3 {
  writeback F
  label written
}
exists (K.window < W.written && W.written < K.closed)

schedule window {
  K until window; W end; K end
}
`;
    const s = scenarioOf(text);
    const schedule = s.schedules.find((x) => x.name.name === "window")!.items;
    const out = await runScenario(s, { kernels: ["4.13"], fixes: [], schedule, order: "bfs" });
    expect(out.results.map((r) => [r.scheduleError, r.positive])).toEqual([[undefined, 1]]);
  });

  it("rmap walks visit VMAs by vm_pgoff, then creation: a region mapped later comes after", () => {
    const s = scenarioOf(`tlb order
init {
  file F = [0, 0, 0]
  Y = unmapped[2]
  B = mmap F[1..2] shared rw
  A = mmap F[0..2] shared rw
  C = mmap F[1] shared r
}
thread T1 on cpu1 {
  mremap B -> Y
}
exists (Y == 0)
`);
    const u = universeOf(s);
    const names = u.regions.get("rmap_pages")!.map((p) => u.pages[p]!.name);
    // A (pgoff 0), then B and C (pgoff 1, in declaration order), then Y, mapped during the run:
    // mremap()'s copy keeps B's vm_pgoff and goes after B in the tree.
    expect(names).toEqual(["A[0]", "A[1]", "A[2]", "B[0]", "B[1]", "C", "Y[0]", "Y[1]"]);
  });

  it("try_to_unmap_one() looks at the PTE without the PTL, then locks and checks again", () => {
    // page_vma_mapped_walk() without PVMW_SYNC (page_check_address(…, 0) in 3.x): the lockless
    // pte_present() look is a step of its own, and the PTL is taken for any present PTE, not
    // only one that maps the page (the model folded a pte_maps() test into the lock before).
    const text = scenario("kthread R on cpu2 {\n  reclaim F[0]\n}");
    const r = machineOf(text, "4.13").program.threads.find((t) => t.name === "R")!;
    const texts = r.nodes.flatMap((n) => (n.k === "step" ? [n.origin.text] : []));
    const look = texts.findIndex((x) => x.includes("present = pte_present(ptep_get(addr))"));
    expect(look).toBeGreaterThanOrEqual(0);
    expect(texts.some((x) => x.startsWith("pte_lock(addr)"))).toBe(true);
  });
});
