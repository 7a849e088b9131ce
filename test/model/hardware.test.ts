import { describe, expect, it } from "vitest";
import { verdict } from "./helpers.js";

/**
 * The x86 rules of docs/model.md, one at a time. A scenario overrides the fault handler so that
 * any fault is visible as `segv` and changes nothing; prefilled TLB entries make hits possible.
 */
const faultsAreVisible = `
proc __do_page_fault(addr: page, write: bool): int {
  skip
  return segv
}`;

const base = (init: string, body: string, cond: string, extra = ""): string => `tlb hw
init {
  file F = [5]
${init}
}
thread T1 on cpu1 {
${body}
}
forall (${cond})
${faultsAreVisible}
${extra}`;

describe("x86 MMU rules", () => {
  it("a store through a writable, dirty TLB entry writes the cached frame, without the PTE", async () => {
    // The PTE is read-only and clean: a walk would fault; the hit writes anyway.
    const t = base(
      "  X = mmap F[0] shared rw populate\n  tlb cpu1 X rw dirty",
      "  w = store X 7",
      "T1:w == ok && X == 7 && !pte(X).dirty",
    );
    expect(await verdict(t)).toBe("always");
  });

  it("a store through a writable but clean entry walks: it sets D on a present writable PTE", async () => {
    const t = base(
      "  X = mmap anon private rw populate\n  tlb cpu1 X rw",
      "  w = store X 3",
      "T1:w == ok && pte(X).dirty && tlb_entry(cpu1, X).dirty",
    );
    expect(await verdict(t)).toBe("always");
  });

  it("a store through a clean entry whose PTE was write-protected faults, and drops the entry", async () => {
    const t = base(
      "  X = mmap F[0] shared rw populate\n  tlb cpu1 X rw",
      "  w = store X 3",
      "T1:w == segv && X == 5 && !tlb_entry(cpu1, X).valid",
    );
    expect(await verdict(t)).toBe("always");
  });

  it("a store with no TLB entry and no PTE faults", async () => {
    const t = base(
      "  X = mmap F[0] shared rw",
      "  w = store X 3",
      "T1:w == segv && pte(X).none && !tlb_entry(cpu1, X).valid",
    );
    expect(await verdict(t)).toBe("always");
  });

  it("a load hits any valid entry, even a read-only one, without the PTE", async () => {
    const t = base(
      "  X = mmap F[0] shared r populate\n  tlb cpu1 X r",
      "  r = load X",
      "T1:r == 5",
    );
    expect(await verdict(t)).toBe("always");
  });

  it("a load miss walks a present PTE and fills the TLB with its W and D", async () => {
    const t = base(
      "  X = mmap anon private rw populate",
      "  r = load X",
      "T1:r == 0 && tlb_entry(cpu1, X).valid && tlb_entry(cpu1, X).writable && tlb_entry(cpu1, X).dirty",
    );
    expect(await verdict(t)).toBe("always");
  });

  it("a load of a PROT_NONE entry faults: the MMU sees it as not present", async () => {
    const t = base(
      "  X = mmap anon private rw populate",
      "  numa_scan X\n  r = load X",
      "T1:r == segv && pte(X).protnone",
    );
    expect(await verdict(t)).toBe("always");
  });

  it("the accessed bit is set by a walk when something reads it", async () => {
    const t = base("  X = mmap anon private rw populate", "  r = load X", "pte_young(pte(X))");
    expect(await verdict(t)).toBe("always");
  });
});

describe("TLB flushes", () => {
  it("flush_tlb_range removes the entries of the range on every CPU, and nothing else", async () => {
    const t = `tlb flush
init {
  X = mmap anon private rw populate
  Y = mmap anon private rw populate
  tlb cpu1 X rw dirty
  tlb cpu1 Y rw dirty
  tlb cpu2 X rw dirty
}
thread T1 on cpu1 {
  skip
}
thread T2 on cpu2 {
  skip
}
kthread K on cpu0 {
  zap X
}
proc zap(r: range) {
  flush_tlb_range(r)
}
forall (!tlb_entry(cpu1, X).valid && !tlb_entry(cpu2, X).valid && tlb_entry(cpu1, Y).valid)
`;
    expect(await verdict(t)).toBe("always");
  });
});

describe("the tlb_evict option", () => {
  const stale = (option: string): string =>
    base(
      "  X = mmap F[0] shared rw populate\n  tlb cpu1 X rw dirty",
      "  w = store X 7",
      "T1:w == ok",
      option,
    );

  it("without it, a stale writable entry always lets the store through", async () => {
    expect(await verdict(stale(""))).toBe("always");
  });

  it("with it, the entry may be gone: the store may also walk the read-only PTE and fault", async () => {
    expect(await verdict(stale("option tlb_evict"))).toBe("sometimes");
  });

  it("an eviction is part of the witness schedule and replays", async () => {
    const { judge, scenarioOf } = await import("./helpers.js");
    const { scheduleOption } = await import("../../src/explore/schedule-option.js");
    const { resolveSchedule, runSchedule } = await import("../../src/explore/schedule.js");
    const text = stale("option tlb_evict").replace("forall (T1:w == ok)", "exists (T1:w == segv)");
    const [r] = await judge(text, ["6.18"]);
    expect(r!.schedule).toMatch(/T1 evicted/);
    const items = scheduleOption(scenarioOf(text), r!.schedule!);
    if ("error" in items) throw new Error(items.error.message);
    const run = runSchedule(r!.machine, resolveSchedule(r!.machine, items.items));
    expect(run.ok && r!.machine.condition!(run.final)).toBe(true);
  });
});
