import { builtins } from "../semantics/builtins.js";
import type { Node, Op, ThreadProgram, Value } from "../semantics/ir.js";
import { readsShared } from "../semantics/lower.js";
import type { Layout } from "./layout.js";

/**
 * What a transition may touch, as sets of state slots: read, written, or or-ed (setting bits that
 * another or-ing transition may set too: the hardware's A and D updates commute). Two transitions
 * of different threads are independent when neither writes what the other touches and neither
 * or-s what the other reads. Dynamic indices (a frame number held in a variable) count as every
 * slot of that kind: footprints over-approximate, which keeps the reduction sound.
 */
export class Footprint {
  readonly reads: Uint32Array;
  readonly writes: Uint32Array;
  readonly ors: Uint32Array;

  constructor(readonly size: number) {
    const n = (size + 31) >>> 5;
    this.reads = new Uint32Array(n);
    this.writes = new Uint32Array(n);
    this.ors = new Uint32Array(n);
  }

  read(slot: number): void {
    if (slot >= 0) this.reads[slot >>> 5]! |= 1 << (slot & 31);
  }

  write(slot: number): void {
    if (slot >= 0) this.writes[slot >>> 5]! |= 1 << (slot & 31);
  }

  or(slot: number): void {
    if (slot >= 0) this.ors[slot >>> 5]! |= 1 << (slot & 31);
  }

  add(other: Footprint): void {
    for (let i = 0; i < this.reads.length; i++) {
      this.reads[i]! |= other.reads[i]!;
      this.writes[i]! |= other.writes[i]!;
      this.ors[i]! |= other.ors[i]!;
    }
  }

  /** May the two transitions fail to commute? */
  conflicts(other: Footprint): boolean {
    for (let i = 0; i < this.reads.length; i++) {
      const w = this.writes[i]!;
      const ow = other.writes[i]!;
      if (w & (other.reads[i]! | ow | other.ors[i]!)) return true;
      if (ow & (this.reads[i]! | this.ors[i]!)) return true;
      if ((this.ors[i]! & other.reads[i]!) | (other.ors[i]! & this.reads[i]!)) return true;
    }
    return false;
  }

  equals(other: Footprint): boolean {
    for (let i = 0; i < this.reads.length; i++) {
      if (
        this.reads[i] !== other.reads[i] ||
        this.writes[i] !== other.writes[i] ||
        this.ors[i] !== other.ors[i]
      )
        return false;
    }
    return true;
  }
}

/** Read, write, read and write, or or-in (bits only set: such writes commute). */
type Mode = "r" | "w" | "rw" | "o";

/** Footprints of one thread's program pieces, over a layout. */
export class FootprintOf {
  private readonly frames: number[];
  private readonly fpages: number[];

  constructor(
    private readonly L: Layout,
    private readonly tid: number,
  ) {
    this.frames = Array.from({ length: L.nFrames }, (_, i) => i);
    this.fpages = Array.from({ length: L.nFpages }, (_, i) => i);
  }

  empty(): Footprint {
    return new Footprint(this.L.slots.length);
  }

  value(v: Value, fp: Footprint): void {
    switch (v.k) {
      case "call":
        v.args.forEach((a) => this.value(a, fp));
        this.primitive(v.name, v.args, fp);
        return;
      case "not":
      case "neg":
      case "field":
        this.value(v.a, fp);
        return;
      case "bin":
        this.value(v.a, fp);
        this.value(v.b, fp);
        return;
      default:
        return;
    }
  }

  ops(list: readonly Op[], fp: Footprint): void {
    for (const o of list) {
      if (o.k === "set") this.value(o.value, fp);
      else if (o.k === "call") {
        o.args.forEach((a) => this.value(a, fp));
        this.primitive(o.name, o.args, fp);
      } else {
        this.value(o.cond, fp);
        this.ops(o.then, fp);
        this.ops(o.else, fp);
      }
    }
  }

  /** An access: its own TLB entry, the PTE (A/D bits are or-ed), and the word it reads or writes. */
  access(n: Extract<Node, { k: "access" }>, fp: Footprint): void {
    const L = this.L;
    const tlb = L.tlb[n.cpu]?.[n.page] ?? -1;
    fp.read(tlb);
    fp.write(tlb);
    fp.read(L.pte[n.page]!);
    fp.or(L.pte[n.page]!);
    if (n.value) this.value(n.value, fp);
    for (const f of this.frames)
      (n.write ? fp.write.bind(fp) : fp.read.bind(fp))(L.data + f * L.wordsPerPage + n.word);
    // The monitors read the frame's state, every PTE (is the frame mapped dirty?) and the page's
    // settled bit; their findings are only or-ed in.
    if (L.monitor >= 0) {
      for (const k of ["ref", "mapcount", "flags", "mapping", "swap_map"] as const)
        this.all(k, "r", fp);
      for (const slot of [...L.pte, ...L.pteVars]) fp.read(slot);
      fp.read(L.settled[n.page]!);
      fp.or(L.monitor);
    }
  }

  private all(
    kind:
      | "ref"
      | "mapcount"
      | "flags"
      | "locked"
      | "mapping"
      | "folio"
      | "cache"
      | "swap_map"
      | "data"
      | "disk",
    mode: Mode,
    fp: Footprint,
    word?: number,
  ): void {
    const L = this.L;
    const mark = (slot: number): void => {
      if (mode === "o") return fp.or(slot);
      if (mode !== "w") fp.read(slot);
      if (mode !== "r") fp.write(slot);
    };
    if (kind === "data") {
      for (const f of this.frames)
        for (let w = 0; w < L.wordsPerPage; w++)
          if (word === undefined || w === word) mark(L.data + f * L.wordsPerPage + w);
    } else if (kind === "disk") {
      for (const p of this.fpages)
        for (let w = 0; w < L.wordsPerPage; w++) mark(L.disk + p * L.wordsPerPage + w);
    } else if (kind === "cache") {
      for (const p of this.fpages) mark(L.cache + p);
    } else if (kind === "swap_map") {
      if (L.swapMap >= 0) for (let i = 0; i < L.nFpages - L.nFileFpages; i++) mark(L.swapMap + i);
    } else {
      const base = {
        ref: L.ref,
        mapcount: L.mapcount,
        flags: L.flags,
        locked: L.locked,
        mapping: L.mapping,
        folio: L.folioHead,
      }[kind];
      for (const f of this.frames) mark(base + f);
    }
  }

  private pages(a: Value | undefined): number[] {
    if (a === undefined) return [];
    if (a.k === "pages") return [...a.ids];
    if (a.k === "const") return [a.v];
    return this.L.pte.map((_, i) => i);
  }

  /** The slots a primitive may touch, by kind of state: kept next to src/model/primitives.ts. */
  private primitive(name: string, args: readonly Value[], fp: Footprint): void {
    const L = this.L;
    const rw = (slot: number): void => {
      fp.read(slot);
      fp.write(slot);
    };
    const tlbOf = (pages: number[]): void => {
      for (const row of L.tlb) for (const p of pages) fp.write(row[p] ?? -1);
    };
    const allTlb = (): void => tlbOf(L.pte.map((_, i) => i));
    const frameState = (mode: Mode): void => {
      for (const k of ["ref", "mapcount", "flags", "locked", "mapping", "folio", "data"] as const)
        this.all(k, mode, fp);
    };
    if (builtins[name]?.effect === "pure") return;
    switch (name) {
      case "mmap_read_lock":
      case "mmap_read_unlock":
      case "mmap_write_lock":
      case "mmap_write_unlock":
        rw(L.mmapLock);
        return;
      case "pte_lock":
      case "pte_unlock":
        for (const p of this.pages(args[0])) rw(L.ptlOf[p]!);
        return;
      case "lock_page":
      case "trylock_page":
      case "unlock_page":
        this.all("locked", "rw", fp);
        return;
      case "wait_on_page_locked":
        this.all("locked", "r", fp);
        return;
      case "ptep_get":
      case "vma_present":
      case "vma_readable":
      case "vma_writable":
      case "vma_shared":
      case "vma_uffd_wp":
      case "vma_anon":
      case "vma_fpage":
      case "vma_prot": {
        const slots = name === "ptep_get" ? L.pte : L.vma;
        for (const p of this.pages(args[0])) fp.read(slots[p]!);
        return;
      }
      case "ptep_get_and_clear":
      case "set_pte_at":
      case "pte_clear":
        for (const p of this.pages(args[0])) {
          rw(L.pte[p]!);
          if (L.settled.length) fp.write(L.settled[p]!);
        }
        // Monitors: mapping a frame clears its PAGE.COPIED.
        if (L.monitor >= 0 && name === "set_pte_at") {
          this.all("flags", "rw", fp);
        }
        return;
      case "syscall_returned":
        for (const p of this.pages(args[0])) fp.write(L.settled[p]!);
        return;
      case "fired":
        fp.read(L.monitor);
        return;
      case "flush_tlb_page":
      case "flush_tlb_range":
        tlbOf(this.pages(args[0]));
        return;
      case "flush_tlb_mm":
        allTlb();
        return;
      case "mm_tlb_flush_pending":
      case "mm_tlb_flush_nested":
        fp.read(L.flushPending);
        return;
      case "set_tlb_flush_pending":
      case "clear_tlb_flush_pending":
      case "inc_tlb_flush_pending":
      case "dec_tlb_flush_pending":
        rw(L.flushPending);
        return;
      case "mm_tlb_flush_batched":
        fp.read(L.flushBatched);
        return;
      case "set_tlb_flush_batched":
        rw(L.flushBatched);
        return;
      case "tlb_ubc_add":
      case "tlb_ubc_flush_required":
      case "tlb_ubc_writable":
        rw(L.ubc[this.tid]!);
        return;
      case "tlb_ubc_flush":
        rw(L.ubc[this.tid]!);
        allTlb();
        return;
      case "tlb_remove_tlb_entry":
      case "tlb_adjust_range":
      case "tlb_range_pending":
        rw(L.gatherRange[this.tid]!);
        return;
      case "tlb_remove_page":
      case "tlb_pages_pending":
        rw(L.gatherPages[this.tid]!);
        return;
      case "tlb_flush_mmu_tlbonly":
        rw(L.gatherRange[this.tid]!);
        allTlb();
        return;
      case "tlb_flush_mmu_free":
        rw(L.gatherPages[this.tid]!);
        frameState("w");
        return;
      case "alloc_page":
      case "get_page":
      case "get_page_unless_zero":
      case "put_page":
      case "copy_page":
      case "migrate_page_copy":
        frameState("rw");
        return;
      case "page_count":
        this.all("ref", "r", fp);
        return;
      case "page_mapcount":
      case "page_mapped":
        this.all("mapcount", "r", fp);
        return;
      case "page_add_rmap":
      case "page_remove_rmap":
      case "page_add_new_anon_rmap":
        this.all("mapcount", "rw", fp);
        this.all("flags", "w", fp);
        return;
      case "page_dirty":
      case "page_anon":
        this.all("flags", "r", fp);
        return;
      case "set_page_dirty":
      case "clear_page_dirty":
      case "test_clear_page_dirty":
        this.all("flags", "rw", fp);
        return;
      case "page_fpage":
        this.all("mapping", "r", fp);
        return;
      case "page_read_word":
        this.all("data", "r", fp, args[1]?.k === "const" ? args[1].v : undefined);
        return;
      case "pages_identical":
        this.all("data", "r", fp);
        this.all("flags", "rw", fp);
        return;
      case "page_write_word":
        this.all("data", "w", fp, args[1]?.k === "const" ? args[1].v : undefined);
        return;
      case "page_swapcache":
      case "page_swap_slot":
        this.all("mapping", "r", fp);
        return;
      case "page_lazyfree":
        this.all("flags", "r", fp);
        return;
      case "folio_mark_lazyfree":
        this.all("mapping", "r", fp);
        this.all("flags", "rw", fp);
        return;
      case "folio_set_swapbacked":
        this.all("flags", "rw", fp);
        return;
      case "swap_count":
        this.all("swap_map", "r", fp);
        return;
      case "swap_duplicate":
      case "swap_free":
        this.all("swap_map", "rw", fp);
        return;
      case "add_to_swap":
      case "add_to_swap_cache":
        this.all("swap_map", "r", fp);
        this.all("cache", "rw", fp);
        frameState("rw");
        return;
      case "folio_test_large":
      case "folio_nr_pages":
      case "page_folio":
        this.all("folio", "r", fp);
        return;
      case "folio_pte_batch":
        this.all("folio", "r", fp);
        for (const p of this.pages(args[0])) fp.read(L.pte[p]!);
        return;
      case "__split_unmapped_folio":
        this.all("folio", "rw", fp);
        return;
      case "page_cache_page":
        this.all("cache", "r", fp);
        return;
      case "find_get_page":
      case "find_get_dirty_page":
      case "add_to_page_cache":
      case "delete_from_page_cache":
      case "delete_from_swap_cache":
      case "remove_mapping":
      case "migrate_page_move_mapping":
        this.all("cache", "rw", fp);
        frameState("rw");
        return;
      case "writepage":
        frameState("r");
        this.all("locked", "w", fp);
        this.all("disk", "w", fp);
        return;
      case "readpage":
        this.all("disk", "r", fp);
        this.all("data", "w", fp);
        return;
      case "truncate_disk_page":
        this.all("disk", "w", fp);
        return;
      case "vma_map":
      case "vma_unmap":
      case "vma_set_prot":
      case "vma_set_uffd_wp":
        for (const p of this.pages(args[0])) rw(L.vma[p]!);
        return;
      case "vma_copy":
        for (const p of this.pages(args[0])) fp.read(L.vma[p]!);
        for (const p of this.pages(args[1])) rw(L.vma[p]!);
        return;
      default:
        throw new Error(`no footprint for primitive ${name}`);
    }
  }
}

/** Footprints of a thread program: of each transition from a resting point, and of its future. */
export interface ThreadFootprints {
  /** By resting point (the pc): what the thread's next transition may touch. */
  readonly next: ReadonlyMap<number, Footprint>;
  /** By resting point: what any transition the thread may still take may touch. */
  readonly future: ReadonlyMap<number, Footprint>;
}

export function threadFootprints(
  L: Layout,
  p: ThreadProgram,
  tid: number,
  rest: ReadonlySet<number>,
  isAfter: boolean,
): ThreadFootprints {
  const f = new FootprintOf(L, tid);
  const next = new Map<number, Footprint>();
  const successors = new Map<number, Set<number>>();
  for (const pc of rest) {
    const fp = f.empty();
    const to = new Set<number>();
    // Every transition moves the pc; the after block waits for every other thread's pc.
    fp.write(L.pc[tid]!);
    if (isAfter) for (const other of L.pc) fp.read(other);
    walk(p, pc, fp, f, to, new Set());
    next.set(pc, fp);
    successors.set(pc, to);
  }
  // The future of a resting point: its own next transition and every later one (a fixpoint).
  const future = new Map<number, Footprint>();
  for (const pc of rest) {
    const fp = f.empty();
    fp.add(next.get(pc)!);
    future.set(pc, fp);
  }
  for (let changed = true; changed; ) {
    changed = false;
    for (const pc of rest) {
      const fp = future.get(pc)!;
      for (const succ of successors.get(pc)!) {
        const before = f.empty();
        before.add(fp);
        fp.add(future.get(succ) ?? f.empty());
        if (!fp.equals(before)) changed = true;
      }
    }
  }
  return { next, future };
}

/** The silent paths from a resting point to its steps, and the tails after them. */
function walk(
  p: ThreadProgram,
  id: number,
  fp: Footprint,
  f: FootprintOf,
  to: Set<number>,
  seen: Set<number>,
): void {
  if (seen.has(id)) return;
  seen.add(id);
  const n = p.nodes[id]!;
  switch (n.k) {
    case "end":
      return;
    case "silent":
      f.ops(n.ops, fp);
      walk(p, n.next, fp, f, to, seen);
      return;
    case "label":
      walk(p, n.next, fp, f, to, seen);
      return;
    case "branch":
      f.value(n.cond, fp);
      walk(p, n.then, fp, f, to, seen);
      walk(p, n.else, fp, f, to, seen);
      return;
    case "step":
      f.ops(n.ops, fp);
      tail(p, n.next, fp, f, to, new Set());
      return;
    case "access":
      f.access(n, fp);
      tail(p, n.next, fp, f, to, new Set());
      walk(p, n.fault, fp, f, to, seen);
      return;
  }
}

/** After a step: the thread's local bookkeeping up to its next resting point (see resting.ts). */
function tail(
  p: ThreadProgram,
  id: number,
  fp: Footprint,
  f: FootprintOf,
  to: Set<number>,
  seen: Set<number>,
): void {
  if (seen.has(id)) return;
  seen.add(id);
  const n = p.nodes[id]!;
  if (n.k === "silent") {
    f.ops(n.ops, fp);
    tail(p, n.next, fp, f, to, seen);
  } else if (n.k === "label") tail(p, n.next, fp, f, to, seen);
  else if (n.k === "branch" && !readsShared(n.cond)) {
    tail(p, n.then, fp, f, to, seen);
    tail(p, n.else, fp, f, to, seen);
  } else to.add(id);
}
