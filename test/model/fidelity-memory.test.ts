import { describe, expect, it } from "vitest";
import { scheduleOption } from "../../src/explore/schedule-option.js";
import { runScenario } from "../../src/judge/run.js";
import { traceOf, type TraceEntry } from "../../src/report/trace.js";
import { judge, scenarioOf } from "./helpers.js";

/**
 * Fidelity cases for memory.tlb, mprotect.tlb and migrate.tlb (issue 11, items 4, 5, 7 and the
 * do_swap_page part of 8): each shows a verdict or a step the model got wrong before it followed
 * the C of the release (docs/fidelity.md says which C was read).
 */

/** The verdict on each kernel the text expects, beside the expectation. */
async function verdicts(
  text: string,
): Promise<[string, string | undefined, boolean | undefined][]> {
  return (await judge(text)).map((r) => [r.kernel, r.verdict, r.ok]);
}

/** The steps of one execution, run by a schedule on one kernel. */
async function stepsOf(text: string, kernel: string, schedule: string): Promise<TraceEntry[]> {
  const s = scenarioOf(text);
  const items = scheduleOption(s, schedule);
  if ("error" in items!) throw new Error(items.error.message);
  const out = await runScenario(s, {
    kernels: [kernel],
    fixes: [],
    schedule: items!.items,
    order: "bfs",
  });
  const r = out.results[0]!;
  return traceOf(r.machine, r.witness!.path, true);
}

describe("change_pte_range() and remove_migration_pte() (item 4)", () => {
  it("mprotect(PROT_READ) turns a writable migration entry into a read one: no store succeeds after it returns", async () => {
    // The model skipped migration entries, so remove_migration_pte() restored a writable PTE
    // after mprotect() returned (a false Sometimes on every kernel).
    const text = `
tlb mprotect_vs_migration_entry
init {
  X = mmap anon private rw populate
}
kthread K on cpu0 {
  migrate X
}
thread T on cpu1 {
  mprotect X r
  w = store X 2
}
exists (T:w == ok)
expect kernel 3.12 : never
expect kernel 4.13 : never
expect kernel 6.16 : never
`;
    expect(await verdicts(text)).toEqual([
      ["3.12", "never", true],
      ["4.13", "never", true],
      ["6.16", "never", true],
    ]);
  });

  it("d3cb8bf6081b (3.17) to 717f95b494ac (6.4): remove_migration_pte() maps the page writable only if the VMA still is", async () => {
    // With a change_pte_range() that skips migration entries (the old model's), only the VMA
    // recheck of 3.17 keeps the page read-only after mprotect().
    const text = `
tlb migration_vma_recheck
init {
  X = mmap anon private rw populate
}
proc change_pte_range(r: range, prot_numa: bool): int {
  pages = 0
  pte_lock(r[0])
  for i in r {
    if pte_present(ptep_get(r[i])) {
      ptent = ptep_get_and_clear(r[i])
      set_pte_at(r[i], pte_modify(ptent, vma_prot(r[i])))
      pages = pages + 1
    }
  }
  pte_unlock(r[0])
  return pages
}
kthread K on cpu0 {
  migrate X
}
thread T on cpu1 {
  mprotect X r
  w = store X 2
}
exists (T:w == ok)
expect kernel 3.16 : sometimes
expect kernel 3.17 : never
expect kernel 6.4 : sometimes
`;
    // 717f95b494ac (6.4) drops the recheck: the kernel relies on change_pte_range() again.
    expect(await verdicts(text)).toEqual([
      ["3.16", "sometimes", true],
      ["3.17", "never", true],
      ["6.4", "sometimes", true],
    ]);
  });
});

describe("change_pte_range() with prot_numa, release by release (item 7)", () => {
  it("3.13 to 3.19 build the NUMA PTE from *pte without clearing it: a D bit set meanwhile is lost", async () => {
    // The model cleared the PTE on every release, so the D bit the store set was never lost.
    // A writable clean PTE of a shared file mapping: remove_migration_pte() leaves one (forked).
    const text = `
tlb numa_dirty_lost
init {
  file F = [0]
  X = mmap F[0] shared rw forked
}
thread T on cpu1 {
  w = store X 1
}
kthread N on cpu0 {
  numa_scan X
}
exists (T:w == ok && pte(X).protnone && !pte(X).dirty)
expect kernel 3.12 : never
expect kernel 3.13 : sometimes
expect kernel 3.19 : sometimes
expect kernel 4.0 : never
`;
    expect(await verdicts(text)).toEqual([
      ["3.12", "never", true],
      ["3.13", "sometimes", true],
      ["3.19", "sometimes", true],
      ["4.0", "never", true],
    ]);
  });
});

describe("the mmu_gather flushes its range (item 5)", () => {
  const scenario = (page: number, range: string, expects: string): string => `
tlb gather_span
init {
  A = mmap anon[3] private rw populate
}
thread T1 on cpu1 {
  store A[${page}] 1
  madvise ${range} dontneed
  store A[${page}] 2
}
kthread K on cpu0 {
  reclaim_anon A[${page}]
}
exists (fired(stale_tlb))
${expects}
`;

  it("a page between two gathered ones is flushed too: [start, end) spans them", async () => {
    // Reclaim left a stale entry for A[1] (flush batched, 4.12 has no flush_tlb_batched_pending);
    // MADV_DONTNEED finds a swap entry there and gathers A[0] and A[2] only. The model flushed
    // the gathered pages alone, so the stale entry outlived madvise() (a false Sometimes).
    const text = scenario(1, "A", "expect kernel 4.12 : never");
    expect(await verdicts(text)).toEqual([["4.12", "never", true]]);
  });

  it("before fb7332a9fedf (3.19) the range is the whole zap range; from 3.19 the span of what was gathered", async () => {
    const text = scenario(
      2,
      "A",
      `expect kernel 3.14 : never
expect kernel 4.12 : sometimes
expect kernel 4.12 with fix fb7332a9fedf off : never`,
    );
    expect(await verdicts(text)).toEqual([
      ["3.14", "never", true],
      ["4.12", "sometimes", true],
      ["4.12", "never", true],
    ]);
  });

  it("7a30df49f63a (5.2): a nested gather flushes the whole mm, not only its range", async () => {
    const text = `
tlb nested_gather
init {
  A = mmap anon private rw populate
  B = mmap anon private rw populate
}
thread T3 on cpu3 {
  load B
  madvise A dontneed
}
thread T4 on cpu0 {
  madvise B dontneed
}
thread T2 on cpu2 {
  madvise A dontneed
}
exists (tlb_entry(cpu3, B).valid)
`;
    // T4 and T2 have cleared their PTEs and owe their flushes: T3's gather is nested.
    const schedule = "T3 1; T4 until zapped; T2 until zapped; T3 end";
    const flushedB = async (kernel: string): Promise<boolean> =>
      (await stepsOf(text, kernel, schedule))
        .filter((e) => e.thread === "T3" && e.primitive === "tlb_flush_mmu_tlbonly")
        .some((e) => e.changes.some((c) => c.text.startsWith("TLB cpu3 B:")));
    expect(await flushedB("5.1")).toBe(false);
    expect(await flushedB("5.2")).toBe(true);
  });
});

describe("do_swap_page() (item 8)", () => {
  it("after lock_page() the page must still be the slot's swap-cache page, or the fault backs out before the PTL", async () => {
    // MADV_DONTNEED freed the swap entry and took the page out of the swap cache while the fault
    // held only a reference; the model went on to take the PTL and compare the PTE.
    const text = `
tlb swapin_recheck
init {
  X = mmap anon private rw populate
}
thread T1 on cpu1 {
  r = load X
}
kthread K on cpu0 {
  reclaim_anon X
}
thread T2 on cpu2 {
  madvise X dontneed
}
exists (T1:r == 0)
`;
    const steps = (await stepsOf(text, "4.12", "K end; T1 step 6; T2 end; T1 end")).filter(
      (e) => e.thread === "T1" && e.procs.includes("do_swap_page"),
    );
    // lock_page_or_retry(): the trylock succeeds once the madvise() is done.
    const locked = steps.findIndex((e) => e.primitive === "trylock_page(page)");
    expect(locked).toBeGreaterThanOrEqual(0);
    expect(steps[locked + 1]!.primitive).toBe("unlock_page(page)");
    expect(steps.slice(locked).some((e) => e.primitive === "pte_lock(addr)")).toBe(false);
  });
});

describe("`forked` (item 6)", () => {
  it("its start state (writable, clean, PG_dirty) is what migration leaves after a write", async () => {
    // fork() copies no PTEs of a shared file VMA without an anon_vma; remove_migration_pte()
    // maps the new page writable (a write entry) and clean (mk_pte() sets no D), and
    // try_to_unmap_one() moved the D bit to PG_dirty.
    const text = `
tlb forked_reached
init {
  file F = [0]
  X = mmap F[0] shared rw populate
}
thread T on cpu1 {
  store X 1
}
kthread K on cpu0 {
  migrate X
}
exists (pte(X).present && pte(X).writable && !pte(X).dirty && dirty(F[0]))
expect kernel 4.9 : sometimes
`;
    expect(await verdicts(text)).toEqual([["4.9", "sometimes", true]]);
  });
});

describe("fault paths, step by step beside the C (4.12)", () => {
  const text = `
tlb fault_order
init {
  file F = [5]
  X = mmap F[0] private rw
  Y = mmap anon private rw
}
thread T1 on cpu1 {
  store X 1
  load Y
}
thread T2 on cpu2 {
  load Y
}
`;
  const primitives = async (schedule: string, thread: string, proc: string): Promise<string[]> =>
    (await stepsOf(text, "4.12", schedule))
      .filter((e) => e.thread === thread && e.procs.at(-1) === proc)
      .map((e) => e.primitive);

  it("do_cow_fault() maps the copy before it unlocks the file page (finish_fault(), then unlock_page())", async () => {
    const steps = await primitives("T1 end; T2 end", "T1", "do_cow_fault");
    const mapped = steps.findIndex((p) => p.startsWith("set_pte_at("));
    expect(mapped).toBeGreaterThanOrEqual(0);
    expect(steps.indexOf("unlock_page(page)")).toBeGreaterThan(mapped);
  });

  it("a read fault that finds the PTE present leaves it as it is (x86 ptep_set_access_flags() writes only for a write)", async () => {
    // T2's load faults on the empty PTE; T1 maps the page before T2's handler reads it.
    const steps = await primitives("T2 step 1; T1 end; T2 end", "T2", "handle_mm_fault");
    expect(steps).toContain("pte_lock(addr)");
    expect(steps.some((p) => p.startsWith("set_pte_at("))).toBe(false);
  });
});

describe("wp_page_copy() (4.12)", () => {
  it("drops the old PTE's page reference under the PTL", async () => {
    const text = `
tlb cow_order
init {
  file F = [5]
  X = mmap F[0] private rw
}
thread T1 on cpu1 {
  load X
  store X 1
}
`;
    const steps = (await stepsOf(text, "4.12", "T1 end"))
      .filter((e) => e.procs.at(-1) === "wp_page_copy")
      .map((e) => e.primitive);
    const removed = steps.indexOf("page_remove_rmap(old)");
    expect(removed).toBeGreaterThanOrEqual(0);
    expect(steps.slice(removed + 1, removed + 3)).toEqual(["put_page(old)", "pte_unlock(addr)"]);
  });
});
