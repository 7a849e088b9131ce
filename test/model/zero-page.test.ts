import { describe, expect, it } from "vitest";
import { judge, machineOf, scenarioOf } from "./helpers.js";
import { runScenario } from "../../src/judge/run.js";
import { PTE } from "../../src/primitives/encoding.js";
import { traceOf } from "../../src/report/trace.js";

/**
 * The shared zero page (read in 3.12.0, 4.12.0, 5.11, 5.19.0, 6.1.0 and 6.18.2 mm/memory.c):
 * do_anonymous_page() maps it on a read fault, a write to it copies it (do_wp_page() →
 * wp_page_copy()), and every path that looks at a PTE's page through vm_normal_page() passes it
 * over. Every test failed while a read fault mapped a fresh page instead, except the stale
 * entry's flush and the zap/KSM/migration test, which held then too (a fresh page was reused,
 * flushed, zapped, merged and migrated correctly).
 */
const verdicts = async (text: string, kernels: string[]): Promise<string[]> =>
  (await judge(text, kernels)).map((r) => `${r.kernel} ${r.verdict}`);

const scenario = (init: string, t1: string, cond: string, more = ""): string => `tlb zero_page
init {
${init}
}
thread T1 on cpu1 {
${t1}
}
${more}
${cond}
`;

const anon = "  X = mmap anon private rw";

describe("the shared zero page", () => {
  it("a read fault maps it; the store after it takes the COW fault into a new page", async () => {
    const text = scenario(
      anon,
      "  a = load X\n  label loaded\n  store X 3\n  b = load X",
      "forall (T1.loaded < T1.copied && T1:a == 0 && T1:b == 3 && X == 3 && pte(X).writable)",
    );
    expect(await verdicts(text, ["3.12", "4.12", "5.8", "5.19", "6.18"])).toEqual([
      "3.12 always",
      "4.12 always",
      "5.8 always",
      "5.19 always",
      "6.18 always",
    ]);
  });

  it("is frame nFrames + 1, mapped with no reference, rmap or data, and only where it can be", () => {
    const m = machineOf(scenario(anon, "  a = load X", ""));
    const L = m.layout;
    expect(L.zeroFrame).toBe(L.nFrames + 1);
    for (const base of [L.ref, L.mapcount, L.flags, L.mapping, L.data])
      expect(L.slots[base + L.zeroFrame - 1]!.frozen).toBe(base === L.ref ? 1 : 0);
    // Only stores: no read fault on anonymous memory, no zero page.
    expect(machineOf(scenario(anon, "  store X 1", "")).layout.zeroFrame).toBe(-1);
    // MAP_POPULATE of read-only private anonymous memory read-faults it in.
    const ro = machineOf(scenario("  X = mmap anon private r populate", "  a = load X", ""));
    expect(ro.runtime.rd(ro.initial, ro.layout.pte[0]!)).toBe(
      PTE.P | (ro.layout.zeroFrame << PTE.PFN_SHIFT),
    );
  });

  it("is named in a witness: `PTE X: none → P the zero page`", async () => {
    const [r] = await judge(scenario(anon, "  a = load X\n  store X 3", "exists (X == 3)"), [
      "6.18",
    ]);
    const changes = traceOf(r!.machine, r!.witness!.path).flatMap((e) =>
      e.changes.map((c) => c.text),
    );
    expect(changes).toContain("PTE X: none → P the zero page");
    expect(changes).toContain("TLB cpu1 X: empty → R the zero page");
    expect(changes.some((c) => /^PTE X: P the zero page → none$/.test(c))).toBe(true);
  });

  it("populated read-only, then made writable: the first store copies it", async () => {
    const text = scenario(
      "  X = mmap anon private r populate",
      "  mprotect X rw\n  label opened\n  store X 2",
      "forall (T1.opened < T1.copied && X == 2)",
    );
    expect(await verdicts(text, ["4.12", "6.18"])).toEqual(["4.12 always", "6.18 always"]);
  });

  it("a reader's stale entry for it is flushed before the copy is mapped", async () => {
    // wp_page_copy() clears and flushes the zero page's PTE under the PTL before it sets the
    // new one (ptep_clear_flush_notify()): once the writer's later store is seen, no CPU reads
    // the zero page through its TLB. (It holds for the fresh page of old too, which was reused.)
    const text = `tlb zero_stale
init {
  X = mmap anon private rw
  Y = mmap anon private rw populate
}
thread T1 on cpu1 {
  a = load X
  r1 = load Y
  r2 = load X
}
thread T2 on cpu2 {
  store X 1
  store Y 1
}
exists (T1:r1 == 1 && T1:r2 == 0)
`;
    expect(await verdicts(text, ["4.12", "6.18"])).toEqual(["4.12 never", "6.18 never"]);
  });

  it("the NUMA scanner never makes it PROT_NONE (vm_normal_page() in change_pte_range())", async () => {
    const text = scenario(anon, "  a = load X\n  numa_scan X", "forall (!pte(X).protnone)");
    expect(await verdicts(text, ["3.12", "3.13", "4.12", "5.19"])).toEqual([
      "3.12 always",
      "3.13 always",
      "4.12 always",
      "5.19 always",
    ]);
  });

  it("MADV_FREE passes it over and reclaim never finds it: it stays mapped", async () => {
    const text = scenario(
      anon,
      "  a = load X\n  madvise X free\n  reclaim_anon X",
      "forall (pte(X).present && X == 0)",
    );
    expect(await verdicts(text, ["4.12", "6.15"])).toEqual(["4.12 always", "6.15 always"]);
  });

  it("a zap clears its PTE and frees nothing; KSM and migration leave it alone", async () => {
    const zap = scenario(
      anon,
      "  a = load X\n  madvise X dontneed\n  b = load X",
      "forall (pte(X).present && T1:b == 0)",
    );
    expect(await verdicts(zap, ["4.12", "6.18"])).toEqual(["4.12 always", "6.18 always"]);
    const ksm = scenario(
      "  X = mmap anon private rw\n  Y = mmap anon private rw",
      "  a = load X\n  b = load Y\n  ksm_merge X Y\n  label merged\n  store X 1",
      "forall (T1.merged < T1.copied && X == 1 && Y == 0)",
    );
    expect(await verdicts(ksm, ["4.12"])).toEqual(["4.12 always"]);
    const migrate = scenario(anon, "  a = load X\n  migrate X\n  store X 1", "forall (X == 1)");
    expect(await verdicts(migrate, ["4.12", "6.1"])).toEqual(["4.12 always", "6.1 always"]);
  });
});

describe("splitting an anonymous large folio (RMP_USE_SHARED_ZEROPAGE, 6.12 on)", () => {
  it("maps each page that holds only zeroes to the zero page, and keeps the others", async () => {
    // madvise(MADV_FREE) of A[3] covers part of the 16K folio: split_folio() unmaps it, splits
    // it and remaps each page; A[1] holds 5 and keeps its page, A[0] holds zeroes and maps the
    // zero page, so the store to it copies. Failed before: A[0] kept its own page, reused.
    const text = `tlb split_zero
init {
  A = mmap anon[4] private rw populate mthp
  A[1] = 5
}
thread T1 on cpu1 {
  madvise A[3] free
  label advised
  store A[0] 7
  store A[1] 6
}
forall (T1.advised < T1.copied && A[0] == 7 && A[1] == 6 && pte(A[1]).writable)
`;
    expect(await verdicts(text, ["6.15"])).toEqual(["6.15 always"]);
  });
});

describe("vm_normal_page()", () => {
  it("maps no page for a swap entry: migrate of a swapped-out page does nothing", async () => {
    // X's swap entry holds slot 1 where a PTE holds a frame; Y's page is frame 1. migrate X took
    // the entry's field for a frame and migrated Y's page (flushing CPU1's entry for Y). Failed
    // before: Never.
    const text = `tlb migrate_swapped
init {
  Y = mmap anon private rw populate
  X = mmap anon private rw populate
}
thread T1 on cpu1 {
  reclaim_anon X
  s = load Y
  migrate X
}
forall (tlb_entry(cpu1, Y).valid)
`;
    expect(await verdicts(text, ["5.10", "6.18"])).toEqual(["5.10 always", "6.18 always"]);
  });
});

describe("a write to the zero page", () => {
  it("is refused as a model limit, not an internal error, when a scenario's proc makes one", async () => {
    // The kernel never writes it (a write fault, or a FOLL_WRITE pin, copies it first); a DMA
    // written as a proc over pte_pfn() can. It threw "constant but written" before.
    const s = scenarioOf(`tlb zero_write
init {
  X = mmap anon private rw
}
proc dma(a: page) {
  page_write_word(pte_pfn(ptep_get(a)), 0, 3)
}
thread T1 on cpu1 {
  r = load X
  dma(X)
}
exists (X == 3)
`);
    const out = await runScenario(s, {
      kernels: ["6.18"],
      fixes: [],
      schedule: undefined,
      order: "bfs",
    });
    expect(out.modelError).toMatch(/a write to the shared zero page/);
  });
});
