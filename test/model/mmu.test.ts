import { describe, expect, it } from "vitest";
import { PTE, TLBE } from "../../src/primitives/encoding.js";
import {
  access,
  emitAccess,
  evictedAccess,
  filledEntry,
  NO_ENTRY,
  type AccessKind,
  type AccessOutcome,
  type MmuOptions,
  type MmuState,
} from "../../src/model/mmu.js";
import { machineOf } from "./helpers.js";

/**
 * The x86 MMU rules of docs/model.md, one test per rule, on the pure functions of
 * src/model/mmu.ts; then the check that the code the generator emits computes the same.
 * Sources: Intel SDM Vol. 3A, chapter 4 (Paging), and the kernel comments docs/model.md cites.
 */

const pte = (flags: number, frame: number): number => flags | (frame << PTE.PFN_SHIFT);
const entry = (flags: number, frame: number): number => flags | (frame << TLBE.PFN_SHIFT);
const tracked: MmuOptions = { trackAccessed: true };
const untracked: MmuOptions = { trackAccessed: false };
const kinds: readonly AccessKind[] = ["load", "store"];

/** PTE flag sets the model builds: none, present ones, PROTNONE, migration and swap entries. */
const pteFlags = Array.from({ length: 64 }, (_, i) => i);
const entryFlags = Array.from({ length: 8 }, (_, i) => i);

/** Every PTE value of the six flag bits, with a few frames (0: a swap entry's slot 0, or none). */
const allPtes = pteFlags.flatMap((f) => [0, 1, 5].map((frame) => pte(f, frame)));
/** Every TLB entry value of its three bits, with a few frames. */
const allEntries = entryFlags.flatMap((f) => [0, 2, 7].map((frame) => entry(f, frame)));

describe("x86 MMU rules (docs/model.md)", () => {
  it("1. a store through a W=1, D=1 entry writes the cached frame and touches no page table (SDM Vol. 3A §4.10.2.3, §4.10.4.3)", () => {
    // The PTE since cleared, cleaned, write-protected, re-pointed, made PROTNONE, swapped out.
    const wd = entry(TLBE.V | TLBE.W | TLBE.D, 2);
    const ptes = [
      0,
      pte(PTE.P | PTE.W, 2),
      pte(PTE.P | PTE.D, 2),
      pte(PTE.P | PTE.W | PTE.D, 5),
      pte(PTE.PROTNONE | PTE.W | PTE.D, 2),
      pte(0, 3),
    ];
    for (const p of ptes) {
      const s = { entry: wd, pte: p };
      expect(access("store", s, tracked)).toEqual({ via: "hit", frame: 2, after: s });
    }
  });

  it("2. a store through a W=1, D=0 entry or after a miss is one atomic step on the current PTE: P=1 and W=1 set A and D, refill, write the current frame; else a fault (mm/rmap.c try_to_unmap_one(): a clear->dirty transition is written through and traps if the PTE is unmapped)", () => {
    for (const cached of [entry(TLBE.V | TLBE.W, 2), NO_ENTRY]) {
      // Re-pointed to frame 5 since the entry was filled: the store goes to frame 5.
      const writable = { entry: cached, pte: pte(PTE.P | PTE.W, 5) };
      expect(access("store", writable, tracked)).toEqual({
        via: "walk",
        frame: 5,
        after: {
          entry: entry(TLBE.V | TLBE.W | TLBE.D, 5),
          pte: pte(PTE.P | PTE.W | PTE.D | PTE.A, 5),
        },
      });
      // A is set only where the model keeps it.
      expect(access("store", writable, untracked).after.pte).toBe(pte(PTE.P | PTE.W | PTE.D, 5));
      for (const p of [0, pte(PTE.P | PTE.D | PTE.A, 5), pte(PTE.PROTNONE | PTE.W, 5)]) {
        expect(access("store", { entry: cached, pte: p }, tracked)).toEqual({
          via: "fault",
          after: { entry: NO_ENTRY, pte: p },
        });
      }
    }
  });

  it("3. a load hits any valid entry without the page table; a miss walks: P=1 sets A and fills W and D from the PTE, else a fault; PROTNONE has P=0 (SDM Vol. 3A §4.8, §4.10.2.2)", () => {
    for (const flags of [TLBE.V, TLBE.V | TLBE.W, TLBE.V | TLBE.D, TLBE.V | TLBE.W | TLBE.D]) {
      const s = { entry: entry(flags, 2), pte: 0 };
      expect(access("load", s, tracked)).toEqual({ via: "hit", frame: 2, after: s });
    }
    for (const wd of [0, PTE.W, PTE.D, PTE.W | PTE.D]) {
      const s = { entry: NO_ENTRY, pte: pte(PTE.P | wd, 5) };
      const filled = entry(TLBE.V | (wd & PTE.W ? TLBE.W : 0) | (wd & PTE.D ? TLBE.D : 0), 5);
      expect(access("load", s, tracked)).toEqual({
        via: "walk",
        frame: 5,
        after: { entry: filled, pte: pte(PTE.P | PTE.A | wd, 5) },
      });
      // Without an observer of A, a load leaves the PTE as it was.
      expect(access("load", s, untracked).after).toEqual({ entry: filled, pte: s.pte });
    }
    const protnone = pte(PTE.PROTNONE | PTE.W | PTE.D, 5);
    expect(access("load", { entry: NO_ENTRY, pte: protnone }, tracked).via).toBe("fault");
  });

  it("4. a fault drops the CPU's entry for the address and leaves the PTE (SDM Vol. 3A §4.10.4.1)", () => {
    const cases: [AccessKind, MmuState][] = [
      // A write-protected PTE under a writable clean entry.
      ["store", { entry: entry(TLBE.V | TLBE.W, 2), pte: pte(PTE.P | PTE.A, 2) }],
      // A read-only entry (hardware may fault at once; the model walks and faults).
      ["store", { entry: entry(TLBE.V | TLBE.D, 2), pte: pte(PTE.P | PTE.D, 2) }],
      // An invalid entry still holding bits: dropped all the same.
      ["load", { entry: entry(TLBE.W | TLBE.D, 2), pte: pte(PTE.MIGRATION | PTE.W, 2) }],
    ];
    for (const [kind, s] of cases)
      expect(access(kind, s, tracked)).toEqual({
        via: "fault",
        after: { entry: NO_ENTRY, pte: s.pte },
      });
  });

  it("4. fault entry is not a scheduling point: the fault and the handler's first step are one transition (arch/x86/mm/fault.c, __do_page_fault)", () => {
    // Shared file pages are mapped read-only and clean (write-notify): the store walks, faults.
    const text = `tlb fault_entry
init {
  file F = [0]
  X = mmap F[0] shared rw populate
  tlb cpu1 X r
}
thread T1 on cpu1 {
  w = store X 1
}
forall (T1:w == ok)
`;
    // Before 6.4 the handler's first step takes mmap_lock; from the 6.7 series (12214eba1992) a
    // fault on a file VMA first takes the VMA's own lock (lock_vma_under_rcu()), not mmap_lock.
    for (const [release, proc, mmapLocked] of [
      ["6.3", "__do_page_fault", true],
      ["6.18", "lock_vma_under_rcu", false],
    ] as const) {
      const m = machineOf(text, release);
      expect(m.runtime.tlbEntry(m.initial, 1, 0) & TLBE.V).toBe(TLBE.V);
      const t = new Uint32Array(m.initial.length);
      const fired = m.fire[0]!(m.initial, t, null, 0);
      const step = m.program.threads[0]!.nodes[fired]!;
      expect(step.k).toBe("step");
      expect(step.k === "step" && step.origin.procs).toContain(proc);
      expect(m.runtime.rd(t, m.layout.mmapLock) !== 0).toBe(mmapLocked);
      expect(m.runtime.tlbEntry(t, 1, 0)).toBe(NO_ENTRY);
    }
  });

  it("5. no entry is ever built from a PTE with P=0: PROTNONE, migration and swap entries included (SDM Vol. 3A §4.10.2.3, §4.10.4.3)", () => {
    const notPresent = allPtes.filter((p) => (p & PTE.P) === 0);
    expect(notPresent.filter((p) => p & PTE.PROTNONE).length).toBeGreaterThan(0);
    for (const p of notPresent) {
      expect(filledEntry(p)).toBe(NO_ENTRY);
      for (const kind of kinds)
        for (const e of allEntries) {
          const out = access(kind, { entry: e, pte: p }, tracked);
          // Only a hit keeps an entry, and it was built before.
          if (out.via !== "hit") expect(out.after.entry & TLBE.V).toBe(0);
          const evicted = evictedAccess(kind, { entry: e, pte: p }, tracked);
          if (evicted !== undefined) expect(evicted.via).toBe("fault");
        }
    }
  });

  it("6. a flush removes the entries of its range on every CPU of the mm, and no other (arch/x86/mm/tlb.c flush_tlb_mm_range(); SDM Vol. 3A §4.10.5)", () => {
    const m = machineOf(`tlb flushes
init {
  X = mmap anon private rw populate
  Y = mmap anon private rw populate
  tlb cpu1 X rw dirty
  tlb cpu1 Y rw dirty
  tlb cpu2 X rw
  tlb cpu2 Y rw
}
thread T1 on cpu1 {
  store X 1
  store Y 1
}
thread T2 on cpu2 {
  r = load X
  s = load Y
}
forall (true)
`);
    const R = m.runtime;
    const entries = (t: Uint32Array): boolean[] =>
      [1, 2].flatMap((cpu) => [0, 1].map((p) => (R.tlbEntry(t, cpu, p) & TLBE.V) !== 0));
    expect(entries(m.initial)).toEqual([true, true, true, true]);
    const page = m.initial.slice();
    R.flushPage(page, 0);
    expect(entries(page)).toEqual([false, true, false, true]);
    const range = m.initial.slice();
    R.flushPageSpan(range, 0b10);
    expect(entries(range)).toEqual([true, false, true, false]);
    const all = m.initial.slice();
    R.flushAll(all);
    expect(entries(all)).toEqual([false, false, false, false]);
  });

  it("7. tlb_evict: an access that would hit may find its entry evicted and walk; one that would not hit has no such alternative (SDM Vol. 3A §4.10.2.2)", () => {
    const writeProtected = pte(PTE.P | PTE.D | PTE.A, 2);
    const wd = { entry: entry(TLBE.V | TLBE.W | TLBE.D, 2), pte: writeProtected };
    expect(access("store", wd, tracked).via).toBe("hit");
    expect(evictedAccess("store", wd, tracked)).toEqual({
      via: "fault",
      after: { entry: NO_ENTRY, pte: writeProtected },
    });
    // A load through a stale entry after the PTE was re-pointed: the walk reads the new frame.
    const stale = { entry: entry(TLBE.V, 2), pte: pte(PTE.P, 5) };
    expect(evictedAccess("load", stale, tracked)).toEqual({
      via: "walk",
      frame: 5,
      after: { entry: entry(TLBE.V, 5), pte: pte(PTE.P | PTE.A, 5) },
    });
    expect(evictedAccess("store", { ...wd, entry: entry(TLBE.V | TLBE.W, 2) }, tracked)).toBe(
      undefined,
    );
    expect(evictedAccess("load", { entry: NO_ENTRY, pte: pte(PTE.P, 5) }, tracked)).toBe(undefined);
  });
});

/**
 * What the harness's continuations report. `used` is the entry handed to monitorHit; `alt` what
 * the code after a walk or a fault sees: 0, as the fault handler's own accesses are ordinary.
 */
type Emitted =
  | { via: "hit"; frame: number; used: number }
  | { via: "walk"; frame: number; alt: number }
  | { via: "fault"; alt: number };

/**
 * emitAccess() compiled over a two-word state (entry, PTE), with continuations that report
 * the outcome. `alt` selects the evicted alternative when the site has one.
 */
function compiled(
  kind: AccessKind,
  opts: MmuOptions,
  evict: boolean,
): (s: MmuState, alt: number) => { out: Emitted | undefined; after: MmuState } {
  let n = 0;
  const slot = (i: number) => ({
    read: `t[${i}]`,
    write: (v: string) => `t[${i}] = ${v};`,
    writeConst: (v: number) => `t[${i}] = ${v};`,
  });
  const code = emitAccess({
    kind,
    opts,
    entry: slot(0),
    pte: slot(1),
    evict: evict ? { alt: "alt", none: "return undefined;" } : undefined,
    fresh: () => `v${n++}`,
    hit: (e, frame) => `return { via: "hit", frame: ${frame}, used: ${e} };`,
    walked: (frame) => `return { via: "walk", frame: ${frame}, alt };`,
    fault: () => `return { via: "fault", alt };`,
  });
  const fn = new Function("t", "alt", `"use strict";\n${code}`) as (
    t: Uint32Array,
    alt: number,
  ) => Emitted | undefined;
  return (s, alt) => {
    const t = Uint32Array.of(s.entry, s.pte);
    const out = fn(t, alt);
    return { out, after: { entry: t[0]!, pte: t[1]! } };
  };
}

/** What the emitted code must do, from the pure functions. */
function expected(
  kind: AccessKind,
  s: MmuState,
  opts: MmuOptions,
  alt: number,
): { out: Emitted | undefined; after: MmuState } {
  const o: AccessOutcome | undefined =
    alt === 0 ? access(kind, s, opts) : evictedAccess(kind, s, opts);
  if (o === undefined) return { out: undefined, after: s };
  const out: Emitted =
    o.via === "hit"
      ? { via: "hit", frame: o.frame, used: s.entry }
      : o.via === "walk"
        ? { via: "walk", frame: o.frame, alt: 0 }
        : { via: "fault", alt: 0 };
  return { out, after: o.after };
}

describe("the emitted access code", () => {
  for (const kind of kinds)
    for (const opts of [tracked, untracked])
      for (const evict of [false, true])
        it(`computes what the rules compute: ${kind}, A ${opts.trackAccessed ? "kept" : "not kept"}, ${evict ? "with" : "without"} tlb_evict, every PTE × every entry`, () => {
          const run = compiled(kind, opts, evict);
          let checked = 0;
          for (const p of allPtes)
            for (const e of allEntries)
              for (const alt of evict ? [0, 1] : [0]) {
                const s = { entry: e, pte: p };
                const got = run(s, alt);
                const want = expected(kind, s, opts, alt);
                // A missing alternative returns at once: what it left behind is never used.
                if (want.out === undefined) expect(got.out).toBe(undefined);
                else expect(got, `${kind} entry ${e} pte ${p} alt ${alt}`).toEqual(want);
                checked++;
              }
          expect(checked).toBe(allPtes.length * allEntries.length * (evict ? 2 : 1));
        });
});
