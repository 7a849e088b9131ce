import { describe, expect, it } from "vitest";
import { compileCall, type CallOutcome } from "../../src/model/codegen.js";
import { FootprintOf, type Footprint } from "../../src/model/footprint.js";
import type { Layout } from "../../src/model/layout.js";
import { PTE, TLBE, VMA } from "../../src/primitives/encoding.js";
import { ModelError, type Runtime } from "../../src/model/runtime.js";
import type { Primitive } from "../../src/primitives/primitive.js";
import { primitives } from "../../src/primitives/registry.js";
import type { Type } from "../../src/primitives/types.js";
import type { Value } from "../../src/semantics/ir.js";
import { machineOf } from "../model/helpers.js";

/**
 * Every registry entry declares what it reads and writes (src/primitives/); the partial-order
 * reduction trusts those declarations and the layout freezes what nothing writes. This runs
 * each primitive, as the code generator compiles it, on random states and checks that
 *  - nothing outside its declared writes changes, and
 *  - its result, whether it blocks, and what it writes do not change when everything outside
 *    its declared reads is randomized again.
 */

// A scenario whose layout has every kind of object live: the calls in `live` write each
// freezable kind (page locks, VMAs, mm flags and batch generations, the per-thread batches,
// swap, lazyfree, i_size, the rmap locks, which T2 takes too so that they are contended and
// kept, and A's per-VMA lock, which T2 read-locks), `mthp` makes folio heads, and with no
// condition the monitors' ghost state is there too.
const scenario = `tlb honesty
init {
  file F = [0, 0]
  A = mmap anon[4] private rw populate mthp
  X = mmap F[0] shared rw populate
  Y = mmap F[1] private r
}
proc live() {
  f = alloc_page()
  lock_page(f)
  set_tlb_flush_pending()
  set_tlb_flush_batched(true)
  inc_tlb_flush_batched()
  tlb_flush_batched_read()
  vma_set_prot(Y, rw)
  swapped = add_to_swap(f)
  folio_mark_lazyfree(f)
  tlb_ubc_add(true)
  tlb_remove_tlb_entry(A[1])
  tlb_remove_page(f)
  i_size_write(F, 1)
  tlb_remove_page_delay_rmap(f)
  i_mmap_lock_write(page_fpage(f))
  anon_vma_lock_write()
  vma_start_write(A)
  set_page_stable_node(f)
}
thread T1 on cpu1 {
  store A 1
  store X 1
  live()
}
thread T2 on cpu2 {
  store A[1] 2
  r = load X
  s = load Y
  i_mmap_lock_read(file_page(F[0]))
  anon_vma_lock_read()
  locked = vma_start_read(A[1])
}
`;

/** A small deterministic generator (mulberry32), so a failure replays. */
function rng(seed: number): (n: number) => number {
  let a = seed >>> 0;
  return (n) => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (((t ^ (t >>> 14)) >>> 0) % n) >>> 0;
  };
}

const widthMask = (w: number): number => (w >= 32 ? 0xffffffff : (1 << w) - 1);

function readSlot(L: Layout, t: Uint32Array, i: number): number {
  const s = L.slots[i]!;
  return s.frozen !== undefined ? s.frozen : (t[s.word]! >>> s.shift) & widthMask(s.width);
}

function writeSlot(L: Layout, t: Uint32Array, i: number, v: number): void {
  const s = L.slots[i]!;
  if (s.frozen !== undefined) return;
  const m = widthMask(s.width);
  t[s.word] = (t[s.word]! & ~(m << s.shift)) | ((v & m) << s.shift);
}

const has = (set: Uint32Array, i: number): boolean => ((set[i >>> 5]! >>> (i & 31)) & 1) !== 0;

/** A random argument of a parameter type: static pages, or a constant in (or just past) range. */
function argument(
  type: Type,
  L: Layout,
  next: (n: number) => number,
  rangeLength = 1 + next(L.nPages),
): Value {
  const page = (): number => next(L.nPages);
  switch (type) {
    case "page":
    case "addr":
      return { k: "pages", ids: [page()] };
    case "range": {
      const first = next(L.nPages - rangeLength + 1);
      return { k: "pages", ids: Array.from({ length: rangeLength }, (_, i) => first + i) };
    }
    case "frame":
      return { k: "const", v: next(L.nFrames + 1) };
    case "fpage":
      return { k: "const", v: 1 + next(L.nFpages) };
    case "faddr":
      return { k: "const", v: (1 + next(L.nFpages)) * 8 + next(L.wordsPerPage) };
    case "int":
      return { k: "const", v: next(Math.min(L.wordsPerPage, L.sizing.max + 1)) };
    case "bool":
    case "share":
      return { k: "const", v: next(2) };
    case "prot":
    case "monitor":
      return { k: "const", v: next(3) };
    case "source":
      return { k: "const", v: next(2) === 0 ? 0 : 1 + next(L.nFileFpages) };
    case "cpu":
      return { k: "const", v: L.userCpus[next(L.userCpus.length)]! };
    case "file": {
      // The file pages of one file (they are numbered in a row).
      const start = L.fileStart[1 + next(L.nFileFpages)]!;
      const ids = L.fileStart.flatMap((s, fp) => (fp > 0 && s === start ? [fp] : []));
      return { k: "pages", ids };
    }
    case "pte":
      return { k: "const", v: readSlot(L, randomState(L, next), L.pte[0]!) };
    default:
      throw new Error(`no random argument of type ${type}`);
  }
}

/**
 * A random well-formed state: every slot holds a value of its domain (a frame number is a frame,
 * a file page a file page, a PTE maps a frame or holds a swap slot), as every reachable state
 * does; the runtime indexes slots by these values and trusts them.
 */
function randomState(L: Layout, next: (n: number) => number): Uint32Array {
  const t = new Uint32Array(L.words);
  const frame = (): number => next(L.nFrames + 1);
  const fpage = (): number => next(L.nFpages + 1);
  const flags = (bits: number): number => next(1 << bits);
  // A present PTE or a TLB entry may map the zero page (frame nFrames + 1) too.
  const mapped = (): number => 1 + next(L.zeroFrame > 0 ? L.zeroFrame : L.nFrames);
  const pte = (): number => {
    switch (next(4)) {
      case 0:
        return 0;
      case 1: // present or PROT_NONE, any W/D/A
        return (
          (mapped() << PTE.PFN_SHIFT) |
          (next(2) ? PTE.P : PTE.PROTNONE) |
          (flags(4) & (PTE.W | PTE.D | PTE.A))
        );
      case 2:
        return ((1 + next(L.nFrames)) << PTE.PFN_SHIFT) | PTE.MIGRATION | (next(2) ? PTE.W : 0);
      default:
        return L.nFpages > L.nFileFpages
          ? (L.nFileFpages + 1 + next(L.nFpages - L.nFileFpages)) << PTE.PFN_SHIFT
          : 0;
    }
  };
  L.slots.forEach((s, i) => {
    const any = (): number => next(widthMask(Math.min(s.width, 30)) + 1);
    const value: Partial<Record<typeof s.kind, () => number>> = {
      pte,
      tlb: () => (next(2) ? 0 : TLBE.V | (flags(2) << 1) | (mapped() << TLBE.PFN_SHIFT)),
      vma: () => flags(VMA.FPAGE_SHIFT) | (next(L.nFileFpages + 1) << VMA.FPAGE_SHIFT),
      mapping: fpage,
      cache: frame,
      folio: frame,
      page_lock: () => next(L.nThreads + 1),
      data: () => next(L.sizing.max + 1),
      disk: () => next(L.sizing.max + 1),
    };
    writeSlot(L, t, i, (value[s.kind] ?? any)());
  });
  return t;
}

type Run = { readonly outcome: CallOutcome | "model error"; readonly after: Uint32Array };

function run(call: (t: Uint32Array) => CallOutcome, before: Uint32Array): Run {
  const after = Uint32Array.from(before);
  try {
    return { outcome: call(after), after };
  } catch (e) {
    if (e instanceof ModelError) return { outcome: "model error", after };
    throw e;
  }
}

function footprintOf(L: Layout, tid: number, name: string, args: readonly Value[]): Footprint {
  const f = new FootprintOf(L, tid);
  const fp = f.empty();
  f.value({ k: "call", name, args }, fp);
  return fp;
}

/** Finds the first way a primitive touches more than it declares, or undefined. */
function dishonesty(
  prim: Primitive,
  L: Layout,
  R: Runtime,
  seed: number,
  trials: number,
  declared: typeof footprintOf = footprintOf,
): string | undefined {
  const next = rng(seed);
  const tid = 0;
  for (let trial = 0; trial < trials; trial++) {
    // Ranges of one call have one length (copy_vma()'s two ranges, say).
    const length = 1 + next(L.nPages);
    const args = prim.params.map((p) => argument(p.type, L, next, length));
    const call = compileCall(L, R, tid, prim.name, args);
    const fp = declared(L, tid, prim.name, args);
    const s1 = randomState(L, next);
    const r1 = run(call, s1);
    if (r1.outcome === "model error") continue;
    const where = `with arguments ${JSON.stringify(args)} (trial ${trial})`;
    // Generated code tests values as numbers (`!== 0`): a JS boolean `false` would pass it.
    if (prim.result !== "void" && !r1.outcome.blocked) {
      const v = r1.outcome.value;
      const bad =
        typeof v !== "number" ||
        !Number.isInteger(v) ||
        (prim.result === "bool" && v !== 0 && v !== 1);
      if (bad) return `returns ${JSON.stringify(v)}, not a ${prim.result} as a number, ${where}`;
    }
    for (let i = 0; i < L.slots.length; i++)
      if (!has(fp.writes, i) && readSlot(L, s1, i) !== readSlot(L, r1.after, i))
        return `writes ${L.slots[i]!.name}, which it does not declare, ${where}`;
    // A write declared as a reset only ever restores the initial value (0), so the layout may
    // keep the object a constant when nothing else writes it.
    const written = new Set(
      prim.touches.filter((a) => a.mode !== "r" && !a.resets).map((a) => a.object),
    );
    for (const a of prim.touches.filter((x) => x.resets && !written.has(x.object)))
      for (const i of new FootprintOf(L, tid).slotsOf(a, args))
        if (readSlot(L, r1.after, i) !== readSlot(L, s1, i) && readSlot(L, r1.after, i) !== 0)
          return `writes ${readSlot(L, r1.after, i)} to ${L.slots[i]!.name}, declared a reset, ${where}`;
    // Everything it does not declare it reads, randomized again.
    const s2 = randomState(L, next);
    for (let i = 0; i < L.slots.length; i++)
      if (has(fp.reads, i)) writeSlot(L, s2, i, readSlot(L, s1, i));
    const r2 = run(call, s2);
    if (JSON.stringify(r2.outcome) !== JSON.stringify(r1.outcome))
      return `its outcome ${JSON.stringify(r1.outcome)} becomes ${JSON.stringify(r2.outcome)} when undeclared state changes, ${where}`;
    for (let i = 0; i < L.slots.length; i++) {
      if (!has(fp.writes, i)) continue;
      const [a, b] = [readSlot(L, r1.after, i), readSlot(L, r2.after, i)];
      const untouched = a === readSlot(L, s1, i) && b === readSlot(L, s2, i);
      if (a !== b && !untouched)
        return `what it writes to ${L.slots[i]!.name} depends on undeclared state, ${where}`;
    }
  }
  return undefined;
}

describe("the primitive registry", () => {
  const m = machineOf(scenario);
  const L = m.layout;

  it("the honesty scenario's layout has every kind of object live", () => {
    const live = new Set(L.slots.filter((s) => s.frozen === undefined).map((s) => s.kind));
    for (const kind of [
      "pte",
      "vma",
      "tlb",
      "page_lock",
      "folio",
      "mm",
      "thread_batch",
      "swap_map",
      "i_size",
      "monitor",
      "settled",
      "rmap_lock",
      "ksm",
    ] as const)
      expect(live, kind).toContain(kind);
    expect(L.ubc[0]).toBeGreaterThanOrEqual(0);
    expect(L.gatherRange[0]).toBeGreaterThanOrEqual(0);
    expect(L.gatherPages[0]).toBeGreaterThanOrEqual(0);
    expect(L.gatherRmaps[0]).toBeGreaterThanOrEqual(0);
    expect(L.anonVma).toBeGreaterThanOrEqual(0);
    expect(L.slots[L.anonVma]!.frozen).toBeUndefined();
    expect(L.slots[L.iMmapOf[1]!]!.frozen).toBeUndefined();
    // T2's loads inline do_anonymous_page()'s read fault: PTEs may map the zero page.
    expect(L.zeroFrame).toBe(L.nFrames + 1);
  });

  // A folded primitive never runs: lowering computes its value (fault_around_pages).
  for (const prim of [...primitives.values()].filter((p) => !p.folded))
    it(`${prim.name} touches only what it declares`, () => {
      expect(dishonesty(prim, L, m.runtime, prim.name.length * 7919, 300)).toBeUndefined();
    });

  it("the check catches a declaration that leaves out a write or a read", () => {
    const nothing = (): Footprint => new FootprintOf(L, 0).empty();
    expect(dishonesty(primitives.get("set_page_dirty")!, L, m.runtime, 1, 300, nothing)).toMatch(
      /^writes flags\(frame \d+\), which it does not declare/,
    );
    // lock_page() claiming to write only the unlocked value.
    const lockPage = primitives.get("lock_page")!;
    const resetting = { ...lockPage, touches: [{ object: "page_lock", mode: "rw", resets: true }] };
    expect(dishonesty(resetting as Primitive, L, m.runtime, 1, 300)).toMatch(/declared a reset/);
    // page_count() declared as reading nothing: its result follows the refcount anyway.
    expect(dishonesty(primitives.get("page_count")!, L, m.runtime, 1, 300, nothing)).toMatch(
      /^its outcome .* becomes .* when undeclared state changes/,
    );
  });
});
