import type { Type } from "./types.js";

/**
 * A primitive of the machine: one atomic action of the model, or a pure function of its
 * arguments. Kernel procs (src/kernel/*.tlb) are written with them; each entry is everything
 * the pipeline knows about one primitive: its signature for the checker, its effect for the
 * lowering, what it reads and writes for the partial-order reduction and the layout, and the
 * JavaScript it compiles to. test/primitives/honesty.test.ts runs every entry on random states
 * and checks that it touches nothing it does not declare.
 */
export interface Primitive {
  readonly name: string;
  readonly params: readonly Param[];
  readonly result: Type;
  /**
   * pure: a function of its arguments; local: reads or writes only the calling thread's private
   * kernel state (its mmu_gather, its tlb_ubc), so it is no scheduling point; read: reads shared
   * model state; write: changes it.
   */
  readonly effect: Effect;
  /** Waits (the step is disabled) until it can proceed: a lock. */
  readonly blocks: boolean;
  /** May appear in conditions (they see the final state). */
  readonly inConditions: boolean;
  /** Used by the lowering of conditions only; a scenario cannot call it by name. */
  readonly internal: boolean;
  /** Shown in a witness even when it changes no state the report draws (locks, flushes). */
  readonly shown: boolean;
  /** A rwsem operation on the read side (down_read, up_read): it never waits for a reader. */
  readonly sharedLock: boolean;
  /**
   * Its value is known at compile time (a range, a page): semantics/lower/static.ts computes it
   * from static arguments, so it may return a type no step computes.
   */
  readonly folded: boolean;
  /**
   * A choice the kernel leaves to the machine (where a page sits, say): its step has a second
   * transition (fire's `alt` 1) in which the call answers otherwise. The emitter reads and
   * clears the generated code's `alt`.
   */
  readonly alternative: boolean;
  /** The kernel function it models, or what it stands for. */
  readonly doc: string;
  /** Every model object it may read or write; nothing else. */
  readonly touches: readonly Access[];
  /** Model features the layout must provide when a program calls it. */
  readonly needs: readonly Feature[];
  readonly emit: Emitter;
}

export type Effect = "pure" | "local" | "read" | "write";

export interface Param {
  readonly name: string;
  readonly type: Type;
}

/**
 * The objects of the model state, as the layout lays them out. Per page of the address space:
 * ptl, pte, vma, tlb (every CPU's entry for the page, with stale_tlb's marks beside it), settled,
 * covered (those marks: `covered` and every thread's `walked`). Per frame: refcount, mapcount,
 * flags, page_lock, mapping, folio, data. Per file page or swap slot: disk, cache, swap_map. Per
 * file page: i_size (is the page beyond its file's end?). Per file: i_mmap. Per region (VMA):
 * vma_lock. Per thread: tlb_ubc, gather_range, gather_pages, gather_rmaps. The others are one
 * each.
 */
export type ObjectKind =
  | "mmap_lock"
  | "vma_lock"
  | "i_mmap"
  | "anon_vma"
  | "ptl"
  | "pte"
  | "vma"
  | "tlb"
  | "settled"
  | "covered"
  | "monitor"
  | "flush_pending"
  | "flush_batched"
  | "tlb_ubc"
  | "gather_range"
  | "gather_pages"
  | "gather_rmaps"
  | "refcount"
  | "mapcount"
  | "flags"
  | "page_lock"
  | "mapping"
  | "folio"
  | "ksm"
  | "data"
  | "disk"
  | "cache"
  | "swap_map"
  | "i_size";

/**
 * One object kind a primitive touches. `page` names the argument (a page or a range) that
 * selects the pages of a per-page object: without it, or when the argument is not static, every
 * page. Per-frame and per-file-page objects are indexed by run-time values: every one counts,
 * except that `word` (the argument giving the word index) narrows `data` to one word when that
 * argument is a constant.
 */
export interface Access {
  readonly object: ObjectKind;
  readonly mode: "r" | "w" | "rw";
  readonly page?: number;
  readonly word?: number;
  /** Writes only the object's initial value back (an unlock): a constant stays a constant. */
  readonly resets?: boolean;
  /** Only when the monitors run (their ghost state). */
  readonly monitorsOnly?: boolean;
}

/**
 * Locks whose operations do nothing but take and release them. When only one thread's program
 * touches such a lock, or no thread takes it exclusively (readers of a rwsem never wait for
 * each other), nobody can wait for it or make it wait: the lowering drops its calls
 * (src/semantics/lower/uncontended.ts) and it costs no state.
 */
export const elidableLocks: ReadonlySet<ObjectKind> = new Set(["i_mmap", "anon_vma"]);

/**
 * frames: allocates frames at run time (the layout provides spare ones); swap: a swap device;
 * lazyfree: the page flag PG_swapbacked is cleared, and the LRU bits of mm/swap.c's batches
 * (PAGE.ISOLATED, PAGE.BATCH_LRU, a bit per CPU that fills an lru_lazyfree batch); zero_page: a
 * PTE may map the shared zero page (one more frame number, whose state is constant).
 */
export type Feature = "frames" | "swap" | "lazyfree" | "zero_page";

/** An argument as the emitter sees it: its JavaScript, and its lowered value. */
export interface Arg {
  readonly code: string;
  readonly value: ArgValue;
}

/** What an emitter may look at in a lowered argument: static pages and constants. */
export type ArgValue =
  | { readonly k: "const"; readonly v: number }
  | { readonly k: "pages"; readonly ids: readonly number[] }
  | { readonly k: string };

/**
 * The slot numbers the emitters use (src/model/layout.ts lays them out): per page, per thread, or
 * the first slot of a per-frame or per-file-page run (frame f's at base + f - 1, file page fp's at
 * base + fp - 1). -1, or an empty list, where the scenario has none.
 */
export interface SlotMap {
  readonly nThreads: number;
  readonly nPages: number;
  /** Is the accessed bit observed by anything? If not, the hardware need not set it. */
  readonly trackAccessed: boolean;
  readonly mmapLock: number;
  /**
   * Each file page's i_mmap_rwsem (one per file: the pages of a file share it), -1 for none and
   * for swap slots; indexed by file page number from 0.
   */
  readonly iMmapOf: readonly number[];
  /** The anon_vma lock (anon_vma->root->rwsem): one anon_vma for the mm's anonymous memory. */
  readonly anonVma: number;
  /**
   * Per page, the per-VMA lock of its region (6.4+, CONFIG_PER_VMA_LOCK): readers as a count,
   * nThreads + 1 while write-locked (vm_lock_seq == mm_lock_seq); -1 where no thread can wait
   * for it (nobody write-locks that VMA while another thread read-locks it): then taking it
   * always succeeds and changes nothing.
   */
  readonly vmaLockOf: readonly number[];
  /** The PTL of each page's page table: one table (and one PTL) for the whole mm. */
  readonly ptlOf: readonly number[];
  readonly pte: readonly number[];
  readonly vma: readonly number[];
  /**
   * Per page, monitors only: a syscall changing the page has returned and its PTE has not been
   * written since (stale_tlb watches such pages). Empty when no monitor runs.
   */
  readonly settled: readonly number[];
  /**
   * stale_tlb's mark beside each TLB entry, [cpu][page] as the entries: a syscall that has
   * returned walked the page after the entry was filled. -1 without monitors.
   */
  readonly covered: readonly (readonly number[])[];
  /**
   * [thread][cpu][page]: the thread's syscall, still running, walked the page after the entry
   * was filled; its return turns the mark into `covered`. -1 where the thread walks no such page.
   */
  readonly walked: readonly (readonly (readonly number[])[])[];
  /** The monitors' findings (MONITOR bits), or -1 when no monitor runs. */
  readonly monitor: number;
  readonly flushPending: number;
  readonly flushBatched: number;
  /** Per thread, or -1 when the thread never uses them. */
  /**
   * 5ee2fa2f0636: the thread read mm->tlb_flush_batched and no generation was batched since
   * (its cmpxchg will succeed).
   */
  readonly batchRead: readonly number[];
  readonly ubc: readonly number[];
  readonly gatherRange: readonly number[];
  readonly gatherPages: readonly number[];
  /** Per thread: the gathered pages whose rmap removal waits for the flush (5df397dec7c4). */
  readonly gatherRmaps: readonly number[];
  readonly ref: number;
  readonly mapcount: number;
  readonly flags: number;
  readonly locked: number;
  readonly mapping: number;
  /** Frame f: the head frame of the large folio it belongs to, or 0 (a small folio). */
  readonly folioHead: number;
  /**
   * The shared zero page's frame number (nFrames + 1), or -1 when no PTE can map it. Its slots
   * follow the other frames' and are constants: refcount 1 (never free), no mapcount, flags or
   * mapping, data 0. get_page()/put_page() leave it alone; any other write is a model bug.
   */
  readonly zeroFrame: number;
  /** Frame f: 1 for a KSM page (PageKsm(): page->mapping's PAGE_MAPPING_KSM). */
  readonly ksm: number;
  /** File page fp: the frame caching it, or 0. */
  readonly cache: number;
  /** File page fp of a file: 1 when it lies at or beyond i_size (beyond the file's end). */
  readonly beyondEof: number;
  /**
   * Per thread, the flag bit (PAGE.LAZYFREE_BATCH << k) of its CPU's lru_lazyfree batch, or 0
   * when the thread never fills one (its CPU's batch stays empty: draining it does nothing).
   */
  readonly lruBatchBit: readonly number[];
}

/** What the code generator offers an emitter (src/model/codegen.ts implements it). */
export interface EmitCtx {
  readonly L: SlotMap;
  /** Index of the running thread; lock holders are stored as tid + 1. */
  readonly tid: number;
  slot(i: number): string;
  put(i: number, v: string): string;
  /** Slot base + index - 1, for frames and file pages numbered from 1. */
  rd(base: number, index: string): string;
  wr(base: number, index: string, v: string): string;
  /** A fresh JavaScript local name. */
  fresh(): string;
  /** The statement that gives up the step: it cannot run now (a lock is held). */
  readonly block: string;
}

/**
 * An expression emitter serves pure and reading primitives; a statement emitter the rest, and
 * may give up the step (`c.block`). Generated code reaches the runtime helpers as `R` and the
 * state being built as `t`.
 */
export type Emitter =
  | { readonly expr: (c: EmitCtx, a: readonly Arg[]) => string }
  | {
      readonly stmt: (c: EmitCtx, a: readonly Arg[], dest: (v: string) => string) => string;
    };

/** A static page argument: a page, or the first page of a range. */
export function pageOf(a: Arg): number {
  const v = a.value as { k: string; v?: number; ids?: readonly number[] };
  if (v.k === "const") return v.v!;
  if (v.k === "pages") return v.ids![0]!;
  throw new Error(`a page argument is not static: ${a.code}`);
}

/** The pages of a static range argument (or of a page). */
export function pagesOf(a: Arg): readonly number[] {
  const v = a.value as { k: string; ids?: readonly number[] };
  if (v.k === "pages") return v.ids!;
  return [pageOf(a)];
}

/** A JavaScript condition as a model bool (0 or 1). */
export const bool = (cond: string): string => `(+(${cond}))`;

/** The fields of an entry a family writes; the rest take their defaults. */
export interface Spec {
  readonly params: readonly Param[];
  readonly result: Type;
  readonly effect: Effect;
  readonly doc: string;
  readonly touches?: readonly Access[];
  readonly emit: Emitter;
  readonly blocks?: boolean;
  readonly inConditions?: boolean;
  readonly internal?: boolean;
  readonly shown?: boolean;
  readonly sharedLock?: boolean;
  readonly needs?: readonly Feature[];
  readonly folded?: boolean;
  readonly alternative?: boolean;
}

/** A family of primitives (one file each), keyed by kernel name. */
export function family(specs: Readonly<Record<string, Spec>>): readonly Primitive[] {
  return Object.entries(specs).map(([name, s]) => ({
    name,
    params: s.params,
    result: s.result,
    effect: s.effect,
    doc: s.doc,
    touches: s.touches ?? [],
    emit: s.emit,
    blocks: s.blocks ?? false,
    inConditions: s.inConditions ?? false,
    internal: s.internal ?? false,
    shown: s.shown ?? false,
    sharedLock: s.sharedLock ?? false,
    needs: s.needs ?? [],
    folded: s.folded ?? false,
    alternative: s.alternative ?? false,
  }));
}

export const param = (name: string, type: Type): Param => ({ name, type });
export const page = param("addr", "page");
export const frame = param("page", "frame");
export const pteParam = param("pte", "pte");

export const reads = (object: ObjectKind, more: Partial<Access> = {}): Access => ({
  object,
  mode: "r",
  ...more,
});
export const writes = (object: ObjectKind, more: Partial<Access> = {}): Access => ({
  object,
  mode: "w",
  ...more,
});
export const readsWrites = (object: ObjectKind, more: Partial<Access> = {}): Access => ({
  object,
  mode: "rw",
  ...more,
});

/**
 * Every per-frame object: what allocating, freeing, copying or moving a page may touch. The
 * page lock and the folio head are at most reset (a freed frame is unlocked and a small folio).
 */
export const frameState = (mode: Access["mode"]): Access[] => [
  { object: "refcount", mode },
  { object: "mapcount", mode },
  { object: "flags", mode },
  { object: "page_lock", mode, resets: true },
  { object: "mapping", mode },
  { object: "folio", mode, resets: true },
  { object: "ksm", mode, resets: true },
  { object: "data", mode },
  // The freed_frame monitor: a frame freed while a TLB entry maps it (Runtime.put).
  ...(mode === "r"
    ? []
    : [
        { object: "tlb", mode: "r", monitorsOnly: true } as const,
        { object: "monitor", mode: "rw", monitorsOnly: true } as const,
      ]),
];

/** A pure function of its arguments: it touches no state. */
export const pure = (
  params: Spec["params"],
  result: Spec["result"],
  doc: string,
  expr: (c: EmitCtx, a: readonly Arg[]) => string,
): Spec => ({ params, result, effect: "pure", doc, emit: { expr } });
