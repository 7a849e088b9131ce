import {
  someValue,
  type Program,
  type Value,
  type Op,
  type ThreadProgram,
} from "../semantics/ir.js";
import type { Budget } from "../semantics/budget.js";
import type { Scenario } from "../semantics/scenario.js";
import { maxValue, type Type } from "../primitives/types.js";
import { initPage, populatedAtStart, zeroPopulated, type Universe } from "../semantics/universe.js";
import type { Feature, ObjectKind, SlotMap } from "../primitives/primitive.js";
import { primitiveNamed, resultCodes } from "../primitives/registry.js";
import { bitsFor, PAGE, PTE, VMA } from "../primitives/encoding.js";
import { interference } from "./liveness.js";
import { reachable, reachableIds } from "../semantics/lower/uncontended.js";
import { restingPoints, storedVars } from "./resting.js";
import { syscallWalks } from "./syscall-walks.js";

/**
 * The state vector: every model variable is a slot of a few bits, packed into 32-bit words
 * (a slot never straddles two words). Slots of one kind of object are numbered contiguously, so
 * generated code can index them by a run-time frame or file page number.
 */
export type SlotKind =
  | "pc"
  | "var"
  | "mmap_lock"
  | "vma_lock"
  | "rmap_lock"
  | "ptl"
  | "pte"
  | "vma"
  | "tlb"
  | "refcount"
  | "mapcount"
  | "flags"
  | "page_lock"
  | "mapping"
  | "data"
  | "disk"
  | "cache"
  | "swap_map"
  | "i_size"
  | "folio"
  | "ksm"
  | "mm"
  | "thread_batch"
  | "rank"
  | "monitor"
  | "settled"
  | "covered";

export interface Slot {
  readonly name: string;
  /** What the slot models, for traces: reports show PTEs, TLBs, page flags and data. */
  readonly kind: SlotKind;
  readonly width: number;
  /** Stored value = model value + bias (registers and ints may be negative result codes). */
  readonly bias: number;
  readonly word: number;
  readonly shift: number;
  /** A slot nothing ever writes is no part of the state: it always holds this value. */
  readonly frozen?: number;
  /** Whose slot it is, for reports: the page, CPU, frame, file page or word it belongs to. */
  readonly of: SlotOwner;
}

/** Numbers as the layout counts them: pages from 0, frames and file pages from 1. */
export interface SlotOwner {
  readonly page?: number;
  readonly cpu?: number;
  readonly frame?: number;
  readonly fpage?: number;
  readonly word?: number;
}

/**
 * Every slot of the state vector, by what it models. The slots primitives use are in
 * `SlotMap` (src/primitives/primitive.ts); these are the rest.
 */
export interface Layout extends SlotMap {
  readonly slots: readonly Slot[];
  readonly words: number;
  /** File pages of the scenario's files, then the swap slots (fpages nFileFpages + 1…). */
  readonly nFpages: number;
  readonly nFileFpages: number;
  /** Names of file pages and swap slots, by number (0: none). */
  readonly fpageNames: readonly string[];
  readonly nFrames: number;
  readonly wordsPerPage: number;
  /** The values memory words, file words and int variables hold: see {@link ValueSizing}. */
  readonly sizing: ValueSizing;
  readonly pc: readonly number[];
  /**
   * vars[thread][var]: the slot of each variable (variables never live together share one), or
   * -1 for a variable never live between transitions (a local of the generated code).
   */
  readonly vars: readonly (readonly number[])[];
  /** tlb[cpu][page], or -1 where that CPU never touches that page. */
  readonly tlb: readonly (readonly number[])[];
  /** Per thread, by node id: the pages its syscalls' walks pass there (syscall-walks.ts). */
  readonly walks: readonly ReadonlyMap<number, readonly number[]>[];
  readonly userCpus: readonly number[];
  /** Data word w of frame f is at data + (f - 1) * wordsPerPage + w. */
  readonly data: number;
  /** Word w of file page fp (1…nFpages) is at disk + (fp - 1) * wordsPerPage + w. */
  readonly disk: number;
  /**
   * Swap slot fp (nFileFpages + 1…nFpages): swap_map's count of swap PTEs (SWAP_HAS_CACHE is
   * `cache` ≠ 0), at swapMap + fp - nFileFpages - 1; -1 without swap.
   */
  readonly swapMap: number;
  /** File page fp (1…nFileFpages): the first file page of its file. */
  readonly fileStart: readonly number[];
  readonly ranks: readonly number[];
  readonly rankCounter: number;
  /** Slots of pte-typed kernel variables: a PTE value in flight (monitors only, else empty). */
  readonly pteVars: readonly number[];
  /** Bias of int-typed variables and registers. */
  readonly intBias: number;
}

/**
 * The range of values the state vector holds for memory and file words and int variables, and
 * the width of a frame's refcount. A first guess comes from the scenario's numbers
 * ({@link initialSizing}); a run that meets a value outside it widens it and starts again
 * (judge/run.ts), so the range is never a limit the user sees, only a cost.
 */
export interface ValueSizing {
  /** The least value (0, or negative once a program stores a fault code or a difference). */
  readonly min: number;
  readonly max: number;
  readonly refcountBits: number;
}

/** A frame's refcount has at most this many bits (a GUP reference per round of a loop). */
export const maxRefcountBits = 16;

/** The first guess: the scenario's numbers, and 0…3 at least (a few increments). */
export function initialSizing(s: Scenario): ValueSizing {
  return { min: 0, max: Math.max(3, maxConstant(s)), refcountBits: 4 };
}

/** The sizing that holds `value` too (for a refcount, one more bit), or undefined past the cap. */
export function widened(
  z: ValueSizing,
  what: { readonly value: number } | "refcount",
): ValueSizing | undefined {
  if (what === "refcount")
    return z.refcountBits >= maxRefcountBits
      ? undefined
      : { ...z, refcountBits: z.refcountBits + 1 };
  const v = what.value;
  if (Math.abs(v) > maxValue) return undefined;
  // Doubling keeps the number of restarts logarithmic in the largest value.
  return v < z.min
    ? { ...z, min: Math.max(-maxValue, Math.min(v, 2 * z.min - 1)) }
    : { ...z, max: Math.min(maxValue, Math.max(v, 2 * z.max + 1)) };
}

/** A memory word's width: two's complement when the range has negatives, so 0 is all zeros. */
export function dataWidth(z: ValueSizing): number {
  return z.min < 0 ? bitsFor(Math.max(z.max, -z.min - 1)) + 1 : bitsFor(z.max);
}

/**
 * Collects slots, then packs them into words by first-fit decreasing width: fewer words than
 * packing in declaration order, and a state's size is what the visited set pays per state.
 */
class Packer {
  private readonly pending: {
    name: string;
    kind: SlotKind;
    width: number;
    bias: number;
    frozen?: number;
    of: SlotOwner;
  }[] = [];

  add(kind: SlotKind, name: string, width: number, of: SlotOwner = {}, bias = 0): number {
    if (width > 32) throw new Error(`slot ${name} is ${width} bits wide`);
    this.pending.push({ name, kind, width, bias, of });
    return this.pending.length - 1;
  }

  /** A constant: named and readable like a slot, but outside the state vector. */
  constant(kind: SlotKind, name: string, width: number, value: number, of: SlotOwner): number {
    this.pending.push({ name, kind, width, bias: 0, frozen: value, of });
    return this.pending.length - 1;
  }

  pack(): { slots: Slot[]; words: number } {
    const free: number[] = [];
    const placed: { word: number; shift: number }[] = [];
    const order = this.pending
      .map((_, i) => i)
      .sort((a, b) => this.pending[b]!.width - this.pending[a]!.width || a - b);
    for (const i of order) {
      if (this.pending[i]!.frozen !== undefined) {
        placed[i] = { word: -1, shift: 0 };
        continue;
      }
      const width = this.pending[i]!.width;
      let word = free.findIndex((f) => f >= width);
      if (word < 0) {
        free.push(32);
        word = free.length - 1;
      }
      placed[i] = { word, shift: 32 - free[word]! };
      free[word]! -= width;
    }
    return { slots: this.pending.map((p, i) => ({ ...p, ...placed[i]! })), words: free.length };
  }
}

export function buildLayout(
  s: Scenario,
  u: Universe,
  p: Program,
  live: readonly (readonly Set<number>[])[],
  sizing: ValueSizing = initialSizing(s),
  budget?: Budget,
): Layout {
  const nThreads = p.threads.length;
  const nPages = u.pages.length;
  const nFileFpages = u.fpages.length - 1;
  // What the called primitives declare they write and need (src/primitives/): kinds of state no
  // step writes are constants (the benchmark never changes a VMA, say).
  const perThread = p.threads.map((t) => demandsOf(t, p.monitors));
  const writes = (object: ObjectKind): boolean => perThread.some((d) => d.writes.has(object));
  const needs = (feature: Feature): boolean => perThread.some((d) => d.needs.has(feature));
  // Anonymous memory reaches swap only through add_to_swap(): then a swap device of one slot
  // per virtual page (folio_alloc_swap() failing when all are taken, as on a full device).
  const nSwap = needs("swap") ? nPages : 0;
  const nFpages = nFileFpages + nSwap;
  const fpageNames = [
    ...u.fpages.map((fp) => fp.name),
    ...Array.from({ length: nSwap }, (_, i) => `swap[${i}]`),
  ];
  const wordsPerPage = u.wordsPerPage;
  // Enough frames for every file page, every anonymous page, and one in flight per thread (a
  // migration target, a copy-on-write copy); running out is reported, never silent. A program
  // that never allocates needs only the frames the init block populates.
  const nFrames = needs("frames")
    ? Math.min(31, nFileFpages + nPages + nThreads)
    : Math.max(1, populatedPages(s));
  // The shared zero page, where a read fault on anonymous memory or the init block can map it:
  // one frame number more, whose slots are constants.
  const zeroFrame =
    needs("zero_page") ||
    p.threads.some((t) => valueNeeds({ ...t, nodes: reachable(t) }, "zero_page")) ||
    s.regions.some((r) => zeroPopulated(s, r))
      ? nFrames + 1
      : -1;
  const frameBits = bitsFor(Math.max(nFrames, zeroFrame));
  // A swap entry keeps its slot where a present PTE keeps its frame.
  const pteBits = PTE.PFN_SHIFT + Math.max(frameBits, nSwap > 0 ? bitsFor(nFpages) : 0);
  // Ints hold memory values, result codes and small counters (pages changed, PTEs cleaned).
  const intMax = Math.max(sizing.max, 2 * nPages + 2);
  // Result codes (`segv` is -2) are negative, and the bits 0 are `unset`. Past them (a program's
  // own negative values) the bits 0 are no value: machine.ts starts ints at `unset`.
  const intBias = sizing.min >= resultCodes.unset ? -resultCodes.unset : 1 - sizing.min;
  const trackAccessed =
    p.threads.some((t) => usesAccessed(t)) ||
    (p.condition !== undefined && valueUsesAccessed(p.condition));

  const pk = new Packer();
  const typeWidth = (t: Type): { width: number; bias: number } => {
    switch (t) {
      case "bool":
        return { width: 1, bias: 0 };
      case "frame":
        return { width: frameBits, bias: 0 };
      case "fpage":
        return { width: bitsFor(nFpages), bias: 0 };
      case "page":
        return { width: bitsFor(nPages), bias: 0 };
      case "pte":
        return { width: pteBits, bias: 0 };
      case "tlbe":
        return { width: 3 + frameBits, bias: 0 };
      case "prot":
      case "share":
      case "advice":
        return { width: 2, bias: 0 };
      default:
        return { width: bitsFor(intMax + intBias), bias: intBias };
    }
  };

  const pc = p.threads.map((t) => pk.add("pc", `pc ${t.name}`, bitsFor(t.nodes.length)));
  // Variables share slots when they are never live together: the state stays small however many
  // procs are inlined (a register allocation by greedy colouring of the interference graph).
  const vars = p.threads.map((t, tid) => {
    const edges = interference(t, live[tid]!, budget);
    // Only where the thread can be: a branch a static test left dead (the code of another
    // release) stores nothing.
    const reached = reachableIds(t);
    const resting = new Set([...restingPoints(t)].filter((id) => reached.has(id)));
    const stored = storedVars(t, live[tid]!, resting);
    const slotOf: number[] = t.vars.map(() => -1);
    const shared: { slot: number; key: string; users: number[] }[] = [];
    for (const v of t.vars) {
      if (!stored.has(v.id)) continue;
      const { width, bias } = typeWidth(v.type);
      const key = `${width}/${bias}`;
      const free = shared.find((sl) => {
        budget?.tick();
        return sl.key === key && sl.users.every((u) => !edges[v.id]!.has(u));
      });
      if (free) {
        free.users.push(v.id);
        slotOf[v.id] = free.slot;
      } else {
        const slot = pk.add("var", `${t.name}.${v.name}`, width, {}, bias);
        shared.push({ slot, key, users: [v.id] });
        slotOf[v.id] = slot;
      }
    }
    return slotOf;
  });
  const mmapLock = pk.add("mmap_lock", "mmap_lock", bitsFor(nThreads + 1));
  // The rmap locks are rwsems like mmap_lock; a lock nothing takes (or only one thread, whose
  // calls the lowering dropped) is a constant.
  // (an i_mmap_rwsem's writer is stored as nThreads + 1 + its thread index).
  const rwsem = (name: string, live: boolean): number =>
    live
      ? pk.add("rmap_lock", name, bitsFor(2 * nThreads + 1))
      : pk.constant("rmap_lock", name, bitsFor(2 * nThreads + 1), 0, {});
  const iMmapOf: number[] = fpageNames.map(() => -1);
  for (const [file, fps] of u.files) {
    const slot = rwsem(`i_mmap_rwsem ${file}`, writes("i_mmap"));
    for (const fp of fps) iMmapOf[fp] = slot;
  }
  const anonVma = rwsem("anon_vma lock", writes("anon_vma"));
  // Per-VMA locks (6.4+): a slot for a region only when one thread write-locks its VMA while
  // another may read-lock it; otherwise no one can wait, and the lock is no part of the state.
  const contended = contendedVmaLocks(p, u);
  const vmaLockSlot = new Map(
    [...contended].map((region) => [
      region,
      pk.add("vma_lock", `VMA lock ${region}`, bitsFor(nThreads + 1)),
    ]),
  );
  const vmaLockOf = u.pages.map((pg) => vmaLockSlot.get(pg.region) ?? -1);
  // Split PTE locks: one PTL per page-table page (the scenario's placement, Universe.pageTable);
  // a page table no thread locks keeps a constant, unlocked PTL.
  const lockedTables = lockedPageTables(p, u);
  const ptls = s.pageTables.map((regions, i) =>
    lockedTables.has(i)
      ? pk.add("ptl", `PTL ${regions.join(",")}`, bitsFor(nThreads))
      : pk.constant("ptl", `PTL ${regions.join(",")}`, bitsFor(nThreads), 0, {}),
  );
  const ptlOf = u.pages.map((_, page) => ptls[u.pageTable[page]!]!);
  const pte = u.pages.map((pg, page) => pk.add("pte", `PTE ${pg.name}`, pteBits, { page }));
  const vmaWritten = writes("vma");
  const vma = u.pages.map((pg, i) =>
    vmaWritten
      ? pk.add("vma", `VMA ${pg.name}`, VMA.FPAGE_SHIFT + bitsFor(nFpages), { page: i })
      : pk.constant(
          "vma",
          `VMA ${pg.name}`,
          VMA.FPAGE_SHIFT + bitsFor(nFpages),
          initialVma(s, u, i),
          { page: i },
        ),
  );
  const userCpus = [...new Set(p.threads.filter((t) => t.cpu >= 0).map((t) => t.cpu))].sort(
    (a, b) => a - b,
  );
  const maxCpu = Math.max(-1, ...userCpus);
  const tlb: number[][] = [];
  for (let c = 0; c <= maxCpu; c++) {
    const t = p.threads.find((x) => x.cpu === c);
    const touched = new Set<number>(
      t ? t.nodes.flatMap((n) => (n.k === "access" ? [n.page] : [])) : [],
    );
    for (const init of s.tlbInits)
      if (Number(init.cpu.name.slice(3)) === c) touched.add(initPage(init.address, u) ?? 0);
    tlb.push(
      u.pages.map((pg, i) =>
        touched.has(i)
          ? pk.add("tlb", `TLB cpu${c} ${pg.name}`, 3 + frameBits, { cpu: c, page: i })
          : -1,
      ),
    );
  }
  // Frames 1…nFrames, then the zero page's constants, so that frame f's slot of each kind is
  // the kind's first slot + f - 1 for the zero page too.
  const frames = Array.from({ length: Math.max(nFrames, zeroFrame) }, (_, i) => i + 1);
  const frameSlot = (
    kind: SlotKind,
    name: string,
    width: number,
    f: number,
    zero: number,
    word?: number,
  ): number => {
    const of = word === undefined ? { frame: f } : { frame: f, word };
    return f === zeroFrame
      ? pk.constant(kind, name, width, zero, of)
      : pk.add(kind, name, width, of);
  };
  const ref = frames.map((f) =>
    frameSlot("refcount", `refcount(frame ${f})`, sizing.refcountBits, f, 1),
  )[0]!;
  const mapcount = frames.map((f) =>
    frameSlot("mapcount", `mapcount(frame ${f})`, bitsFor(nPages), f, 0),
  )[0]!;
  // PAGE.LAZYFREE is the fourth flag, once MADV_FREE runs; the monitors' COPIED and WRITEBACK
  // are the third and the fifth. Then the LRU bits: ISOLATED, BATCH_LRU and one bit per thread
  // that fills its CPU's lru_lazyfree batch (one thread per CPU).
  const batchFillers = p.threads.flatMap((_, tid) =>
    perThread[tid]!.calls.has("lru_lazyfree_add") ? [tid] : [],
  );
  const lruBatchBit = p.threads.map((_, tid) =>
    batchFillers.includes(tid) ? PAGE.LAZYFREE_BATCH << batchFillers.indexOf(tid) : 0,
  );
  const flagBits = needs("lazyfree")
    ? bitsFor(PAGE.LAZYFREE_BATCH - 1) + batchFillers.length
    : p.monitors
      ? 5
      : 2;
  const flags = frames.map((f) => frameSlot("flags", `flags(frame ${f})`, flagBits, f, 0))[0]!;
  // ->writepage() unlocks a page, but without lock_page() none is ever locked.
  const lockedWritten = writes("page_lock");
  const locked = frames.map((f) =>
    lockedWritten && f !== zeroFrame
      ? pk.add("page_lock", `PG_locked(frame ${f})`, bitsFor(nThreads), { frame: f })
      : pk.constant("page_lock", `PG_locked(frame ${f})`, bitsFor(nThreads), 0, { frame: f }),
  )[0]!;
  const mapping = frames.map((f) =>
    frameSlot("mapping", `mapping(frame ${f})`, bitsFor(nFpages), f, 0),
  )[0]!;
  let data = -1;
  for (const f of frames) {
    for (let w = 0; w < wordsPerPage; w++) {
      const id = frameSlot("data", `frame ${f} word ${w}`, dataWidth(sizing), f, 0, w);
      if (data < 0) data = id;
    }
  }
  let disk = -1;
  for (const [i, name] of fpageNames.slice(1).entries()) {
    for (let w = 0; w < wordsPerPage; w++) {
      const id = pk.add("disk", `disk ${name} word ${w}`, dataWidth(sizing), {
        fpage: i + 1,
        word: w,
      });
      if (disk < 0) disk = id;
    }
  }
  const cache =
    fpageNames
      .slice(1)
      .map((name, i) => pk.add("cache", `page cache ${name}`, frameBits, { fpage: i + 1 }))[0] ??
    -1;
  // i_size, as one bit per file page: the page lies beyond the file's end. Files start at their
  // declared size; only ftruncate() and pwrite() change it, so otherwise it is a constant.
  const iSizeWritten = writes("i_size");
  const beyondEof =
    fpageNames
      .slice(1, 1 + nFileFpages)
      .map((name, i) =>
        iSizeWritten
          ? pk.add("i_size", `beyond i_size ${name}`, 1, { fpage: i + 1 })
          : pk.constant("i_size", `beyond i_size ${name}`, 1, 0, { fpage: i + 1 }),
      )[0] ?? -1;
  const fileStart = [0, ...u.fpages.slice(1).map((fp, i) => i + 1 - fp.index)];
  const swapMap =
    fpageNames
      .slice(1 + nFileFpages)
      .map((name, i) =>
        pk.add("swap_map", `swap_map ${name}`, bitsFor(nPages), { fpage: nFileFpages + i + 1 }),
      )[0] ?? -1;
  // Large folios exist only when the init block makes one (`mthp`); split_folio() ends them.
  const folioWritten = s.regions.some((r) => r.mapping?.mthp === true);
  const folioHead = frames.map((f) =>
    folioWritten && f !== zeroFrame
      ? pk.add("folio", `folio head(frame ${f})`, frameBits, { frame: f })
      : pk.constant("folio", `folio head(frame ${f})`, frameBits, 0, { frame: f }),
  )[0]!;
  // PageKsm exists only where ksmd merges (set_page_stable_node()).
  const ksm = frames.map((f) =>
    writes("ksm") && f !== zeroFrame
      ? pk.add("ksm", `PageKsm(frame ${f})`, 1, { frame: f })
      : pk.constant("ksm", `PageKsm(frame ${f})`, 1, 0, { frame: f }),
  )[0]!;
  const flushPending = writes("flush_pending")
    ? pk.add("mm", "mm->tlb_flush_pending", bitsFor(nThreads + 1))
    : pk.constant("mm", "mm->tlb_flush_pending", bitsFor(nThreads + 1), 0, {});
  const flushBatched = writes("flush_batched")
    ? pk.add("mm", "mm->tlb_flush_batched", 1)
    : pk.constant("mm", "mm->tlb_flush_batched", 1, 0, {});
  // 5ee2fa2f0636: a bit per thread that reads the generation counters.
  const batchRead = p.threads.map((t, tid) =>
    perThread[tid]!.calls.has("tlb_flush_batched_read")
      ? pk.add("mm", `${t.name} batch = atomic_read(mm->tlb_flush_batched)`, 1)
      : -1,
  );
  const ubc = p.threads.map((t, tid) =>
    perThread[tid]!.writes.has("tlb_ubc") ? pk.add("thread_batch", `${t.name} tlb_ubc`, 2) : -1,
  );
  const gatherRange = p.threads.map((t, tid) =>
    perThread[tid]!.writes.has("gather_range")
      ? pk.add("thread_batch", `${t.name} mmu_gather range`, nPages)
      : -1,
  );
  const gatherPages = p.threads.map((t, tid) =>
    perThread[tid]!.writes.has("gather_pages")
      ? pk.add("thread_batch", `${t.name} mmu_gather pages`, nFrames)
      : -1,
  );
  const gatherRmaps = p.threads.map((t, tid) =>
    perThread[tid]!.writes.has("gather_rmaps")
      ? pk.add("thread_batch", `${t.name} mmu_gather delayed rmaps`, nFrames)
      : -1,
  );
  const ranks = p.ranks.map((r) =>
    pk.add("rank", `rank ${p.threads[r.thread]!.name}.${r.label}`, bitsFor(p.ranks.length)),
  );
  const rankCounter =
    p.ranks.length > 0 ? pk.add("rank", "rank counter", bitsFor(p.ranks.length)) : -1;

  const monitor = p.monitors ? pk.add("monitor", "monitor findings", 3) : -1;
  const settled = p.monitors
    ? u.pages.map((pg, page) => pk.add("settled", `settled ${pg.name}`, 1, { page }))
    : [];
  // stale_tlb's marks beside each TLB entry (monitors only).
  const covered = tlb.map((row, cpu) =>
    row.map((slot, page) =>
      p.monitors && slot >= 0
        ? pk.add("covered", `covered cpu${cpu} ${u.pages[page]!.name}`, 1, { cpu, page })
        : -1,
    ),
  );
  const walks = p.threads.map((t) =>
    p.monitors ? syscallWalks(t, nPages) : new Map<number, number[]>(),
  );
  const walked = p.threads.map((t, tid) => {
    const pages = new Set([...walks[tid]!.values()].flat());
    return tlb.map((row, cpu) =>
      row.map((slot, page) =>
        slot >= 0 && pages.has(page)
          ? pk.add("covered", `${t.name} walked cpu${cpu} ${u.pages[page]!.name}`, 1, {
              cpu,
              page,
            })
          : -1,
      ),
    );
  });

  const pteVars = p.monitors
    ? [
        ...new Set(
          p.threads.flatMap((t, tid) =>
            t.vars.filter((v) => v.type === "pte").map((v) => vars[tid]![v.id]!),
          ),
        ),
      ].filter((slot) => slot >= 0)
    : [];

  const packed = pk.pack();
  return {
    slots: packed.slots,
    words: Math.max(1, packed.words),
    nThreads,
    nPages,
    nFpages,
    nFileFpages,
    fpageNames,
    nFrames,
    zeroFrame,
    wordsPerPage,
    sizing,
    trackAccessed,
    pc,
    vars,
    mmapLock,
    iMmapOf,
    anonVma,
    vmaLockOf,
    ptlOf,
    pte,
    vma,
    tlb,
    covered,
    walked,
    walks,
    userCpus,
    ref,
    mapcount,
    flags,
    locked,
    mapping,
    data,
    disk,
    cache,
    beyondEof,
    lruBatchBit,
    fileStart,
    swapMap,
    folioHead,
    ksm,
    flushPending,
    flushBatched,
    batchRead,
    ubc,
    gatherRange,
    gatherPages,
    gatherRmaps,
    ranks,
    rankCounter,
    monitor,
    settled,
    pteVars,
    intBias,
  };
}

/**
 * The regions whose VMA some thread write-locks (vma_start_write) while another thread may
 * read-lock it (vma_start_read): only there can the per-VMA lock make anyone wait or fail.
 */
function contendedVmaLocks(p: Program, u: Universe): Set<string> {
  const writers = new Map<string, Set<number>>();
  const readers = new Map<string, Set<number>>();
  p.threads.forEach((t, tid) =>
    forEachCall({ ...t, nodes: reachable(t) }, (o) => {
      const into =
        o.name === "vma_start_write" ? writers : o.name === "vma_start_read" ? readers : undefined;
      if (into === undefined) return;
      const arg = o.args[0];
      const pages =
        arg?.k === "const" ? [arg.v] : arg?.k === "pages" ? arg.ids : u.pages.map((_, i) => i);
      for (const page of pages) {
        const region = u.pages[page]!.region;
        if (!into.has(region)) into.set(region, new Set());
        into.get(region)!.add(tid);
      }
    }),
  );
  return new Set(
    [...writers].flatMap(([region, ws]) =>
      [...(readers.get(region) ?? [])].some((r) => [...ws].some((w) => w !== r)) ? [region] : [],
    ),
  );
}

/** The page tables whose PTL some primitive of the program takes (a page not known: all). */
function lockedPageTables(p: Program, u: Universe): Set<number> {
  const tables = new Set<number>();
  for (const t of p.threads)
    forEachCall(t, (o) => {
      for (const a of primitiveNamed(o.name)?.touches ?? []) {
        if (a.object !== "ptl" || a.mode === "r") continue;
        const arg = a.page === undefined ? undefined : o.args[a.page];
        const pages =
          arg?.k === "const" ? [arg.v] : arg?.k === "pages" ? arg.ids : u.pages.map((_, i) => i);
        for (const page of pages) tables.add(u.pageTable[page]!);
      }
    });
  return tables;
}

/** Each primitive call in a thread's steps and bookkeeping, inside `if`s too. */
function forEachCall(t: ThreadProgram, f: (call: Extract<Op, { k: "call" }>) => void): void {
  const visit = (ops: readonly Op[]): void => {
    for (const o of ops) {
      if (o.k === "if") {
        visit(o.then);
        visit(o.else);
      } else if (o.k === "call") f(o);
    }
  };
  for (const n of t.nodes) if (n.k === "step" || n.k === "silent") visit(n.ops);
}

/** The largest number a scenario writes or starts with: the range of memory words. */
function maxConstant(s: Scenario): number {
  let max = 0;
  for (const f of s.files) for (const v of f.pages) max = Math.max(max, v);
  for (const m of s.memInits) max = Math.max(max, m.value.value);
  const visit = (x: unknown): void => {
    if (x === null || typeof x !== "object") return;
    const node = x as { kind?: string; value?: unknown };
    if (node.kind === "IntLit" && typeof node.value === "number") max = Math.max(max, node.value);
    for (const v of Object.values(x)) if (typeof v === "object") visit(v);
  };
  for (const t of s.threads) visit(t.decl.body);
  if (s.after) visit(s.after.body);
  // The scenario's own procs write too (`store a 9`); the prelude's write no literal values.
  for (const d of s.ast.decls) if (d.kind === "ProcDecl") visit(d.body);
  return max;
}

/**
 * The objects a thread's primitives write (more than a reset), the features they need, their
 * names; the monitors' ghost writes only when they run.
 */
function demandsOf(
  t: ThreadProgram,
  monitors: boolean,
): { writes: Set<ObjectKind>; needs: Set<Feature>; calls: Set<string> } {
  const writes = new Set<ObjectKind>();
  const needs = new Set<Feature>();
  const calls = new Set<string>();
  forEachCall(t, (o) => {
    const prim = primitiveNamed(o.name);
    calls.add(o.name);
    for (const a of prim?.touches ?? [])
      if (a.mode !== "r" && !a.resets && (monitors || !a.monitorsOnly)) writes.add(a.object);
    for (const f of prim?.needs ?? []) needs.add(f);
  });
  return { writes, needs, calls };
}

function valueUsesAccessed(v: Value): boolean {
  return someValue(
    v,
    (x) =>
      (x.k === "call" && x.name === "pte_young") || (x.k === "field" && x.field === "pte.accessed"),
  );
}

function usesAccessed(t: ThreadProgram): boolean {
  return someValueOf(t, valueUsesAccessed);
}

/** Does some value the thread computes (an argument, an assignment, a test) pass `test`? */
function someValueOf(t: ThreadProgram, test: (v: Value) => boolean): boolean {
  const inOps = (ops: readonly Op[]): boolean =>
    ops.some((o) =>
      o.k === "set"
        ? test(o.value)
        : o.k === "call"
          ? o.args.some(test)
          : test(o.cond) || inOps(o.then) || inOps(o.else),
    );
  return t.nodes.some(
    (n) =>
      ((n.k === "step" || n.k === "silent") && inOps(n.ops)) || (n.k === "branch" && test(n.cond)),
  );
}

/** Does the thread compute a pure primitive that needs a feature (my_zero_pfn())? */
function valueNeeds(t: ThreadProgram, feature: Feature): boolean {
  return someValueOf(t, (v) =>
    someValue(
      v,
      (x) => x.k === "call" && (primitiveNamed(x.name)?.needs.includes(feature) ?? false),
    ),
  );
}

/** Frames the init block fills: a populated page of a file (cached once) or of anonymous memory
 * (a private writable file mapping's COW copies too). */
function populatedPages(s: Scenario): number {
  const files = new Set<string>();
  let anon = 0;
  for (const r of s.regions) {
    const m = r.mapping;
    if (m === undefined || !populatedAtStart(s, r) || zeroPopulated(s, r)) continue;
    if (m.source.kind === "anon") anon += r.pages;
    else for (let i = 0; i < r.pages; i++) files.add(`${m.source.file}[${m.source.first + i}]`);
    // A private writable file mapping is populated by write faults: an anonymous copy each.
    if (m.source.kind === "file" && !m.shared && m.prot === "rw") anon += r.pages;
  }
  return files.size + anon;
}

/** A page's VMA as the init block maps it (the encoding of src/model/encoding.ts). */
export function initialVma(s: Scenario, u: Universe, page: number): number {
  const region = s.regions.find((r) => r.name === u.pages[page]!.region);
  const m = region?.mapping;
  if (m === undefined) return 0;
  const index = u.pages[page]!.index;
  const fpage = m.source.kind === "file" ? u.files.get(m.source.file)![m.source.first + index]! : 0;
  const flags =
    VMA.VALID |
    (m.prot !== "none" ? VMA.READ : 0) |
    (m.prot === "rw" ? VMA.WRITE : 0) |
    (m.shared ? VMA.SHARED : 0);
  return flags | (fpage === 0 ? VMA.ANON : fpage << VMA.FPAGE_SHIFT);
}
