import { reads, type Access } from "../primitives/primitive.js";
import { primitiveNamed } from "../primitives/registry.js";
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

  /**
   * Passing a label a condition orders writes its rank from the shared rank counter: two
   * threads passing ordered labels do not commute.
   */
  label(rank: number | undefined, fp: Footprint): void {
    if (rank === undefined) return;
    for (const slot of [this.L.ranks[rank]!, this.L.rankCounter]) {
      fp.read(slot);
      fp.write(slot);
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
      for (const object of ["refcount", "mapcount", "flags", "mapping", "swap_map"] as const)
        for (const slot of this.slotsOf(reads(object), [])) fp.read(slot);
      for (const slot of [...L.pte, ...L.pteVars]) fp.read(slot);
      fp.read(L.settled[n.page]!);
      fp.or(L.monitor);
      // stale_tlb's marks beside the entry: read at a hit, cleared by a fill or a fault.
      fp.read(L.covered[n.cpu]?.[n.page] ?? -1);
      for (const slot of this.marks(n.cpu, n.page)) fp.write(slot);
    }
  }

  /** A syscall's walk passing pages (Runtime.walk): reads their entries, marks them walked. */
  walk(pages: readonly number[] | undefined, fp: Footprint): void {
    for (const p of pages ?? [])
      this.L.tlb.forEach((row, cpu) => {
        fp.read(row[p] ?? -1);
        fp.write(this.L.walked[this.tid]?.[cpu]?.[p] ?? -1);
      });
  }

  /** stale_tlb's marks beside the entry of cpu for page: covered, and each thread's walked. */
  private marks(cpu: number, page: number): number[] {
    const L = this.L;
    return [L.covered, ...L.walked]
      .map((rows) => rows[cpu]?.[page] ?? -1)
      .filter((slot) => slot >= 0);
  }

  /** The slots a primitive may touch: what its registry entry declares, over this layout. */
  private primitive(name: string, args: readonly Value[], fp: Footprint): void {
    const prim = primitiveNamed(name);
    if (prim === undefined) throw new Error(`no primitive ${name}`);
    for (const a of prim.touches) {
      if (a.monitorsOnly && this.L.monitor < 0) continue;
      for (const slot of this.slotsOf(a, args)) {
        if (a.mode !== "w") fp.read(slot);
        if (a.mode !== "r") fp.write(slot);
      }
    }
  }

  /** The slots of the objects an access names (a dynamic index counts as every one). */
  slotsOf(a: Access, args: readonly Value[]): number[] {
    const L = this.L;
    const pages = this.pages(a.page === undefined ? undefined : args[a.page]);
    const perFrame = (base: number): number[] => this.frames.map((f) => base + f);
    const perFpage = (base: number): number[] => this.fpages.map((p) => base + p);
    switch (a.object) {
      case "mmap_lock":
        return [L.mmapLock];
      case "i_mmap":
        return [...new Set(L.iMmapOf.filter((slot) => slot >= 0))];
      case "anon_vma":
        return [L.anonVma];
      case "vma_lock":
        return [...new Set(pages.map((p) => L.vmaLockOf[p]!).filter((s) => s >= 0))];
      case "ptl":
        return pages.map((p) => L.ptlOf[p]!);
      case "pte":
        return pages.map((p) => L.pte[p]!);
      case "vma":
        return pages.map((p) => L.vma[p]!);
      case "tlb":
        // An entry's stale_tlb marks (monitors) go with it: a flush clears them.
        return L.tlb.flatMap((row, cpu) =>
          pages.flatMap((p) => [row[p] ?? -1, ...this.marks(cpu, p)]),
        );
      case "covered":
        return L.tlb.flatMap((_, cpu) => pages.flatMap((p) => this.marks(cpu, p)));
      case "settled":
        return L.settled.length ? pages.map((p) => L.settled[p]!) : [];
      case "monitor":
        return [L.monitor];
      case "flush_pending":
        return [L.flushPending];
      case "flush_batched":
        // With 5ee2fa2f0636's counters, every reader's remembered value goes with them.
        return [L.flushBatched, ...L.batchRead.filter((s) => s >= 0)];
      case "tlb_ubc":
        return [L.ubc[this.tid]!];
      case "gather_range":
        return [L.gatherRange[this.tid]!];
      case "gather_pages":
        return [L.gatherPages[this.tid]!];
      case "gather_rmaps":
        return [L.gatherRmaps[this.tid]!];
      case "refcount":
        return perFrame(L.ref);
      case "mapcount":
        return perFrame(L.mapcount);
      case "flags":
        return perFrame(L.flags);
      case "page_lock":
        return perFrame(L.locked);
      case "mapping":
        return perFrame(L.mapping);
      case "folio":
        return perFrame(L.folioHead);
      case "ksm":
        return perFrame(L.ksm);
      case "data": {
        const w = a.word === undefined ? undefined : args[a.word];
        const words =
          w?.k === "const" ? [w.v] : Array.from({ length: L.wordsPerPage }, (_, i) => i);
        return this.frames.flatMap((f) => words.map((x) => L.data + f * L.wordsPerPage + x));
      }
      case "disk":
        return this.fpages.flatMap((p) =>
          Array.from({ length: L.wordsPerPage }, (_, w) => L.disk + p * L.wordsPerPage + w),
        );
      case "cache":
        return perFpage(L.cache);
      case "i_size":
        return L.beyondEof < 0
          ? []
          : this.fpages.filter((p) => p < L.nFileFpages).map((p) => L.beyondEof + p);
      case "swap_map":
        return L.swapMap < 0
          ? []
          : Array.from({ length: L.nFpages - L.nFileFpages }, (_, i) => L.swapMap + i);
    }
  }

  /** The pages a page or range argument names; every page when it is not static. */
  private pages(a: Value | undefined): number[] {
    if (a?.k === "pages") return [...a.ids];
    if (a?.k === "const") return [a.v];
    return this.L.pte.map((_, i) => i);
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
    walk(L, tid, p, pc, fp, f, to, new Set());
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

/**
 * The silent paths from a resting point to its steps, and the tails after them. Worklists, not
 * recursion: a thread may have thousands of statements in a row.
 */
function walk(
  L: Layout,
  tid: number,
  p: ThreadProgram,
  from: number,
  fp: Footprint,
  f: FootprintOf,
  to: Set<number>,
  seen: Set<number>,
): void {
  const work = [from];
  for (let id = work.pop(); id !== undefined; id = work.pop()) {
    if (seen.has(id)) continue;
    seen.add(id);
    const n = p.nodes[id]!;
    switch (n.k) {
      case "end":
        break;
      case "silent":
        f.ops(n.ops, fp);
        work.push(n.next);
        break;
      case "label":
        f.label(n.rank, fp);
        work.push(n.next);
        break;
      case "branch":
        f.value(n.cond, fp);
        f.walk(L.walks[tid]!.get(id), fp);
        work.push(n.else, n.then);
        break;
      case "step":
        f.ops(n.ops, fp);
        f.walk(L.walks[tid]!.get(id), fp);
        tail(p, n.next, fp, f, to);
        break;
      case "access":
        f.access(n, fp);
        tail(p, n.next, fp, f, to);
        work.push(n.fault);
        break;
    }
  }
}

/** After a step: the thread's local bookkeeping up to its next resting point (see resting.ts). */
function tail(
  p: ThreadProgram,
  from: number,
  fp: Footprint,
  f: FootprintOf,
  to: Set<number>,
): void {
  const seen = new Set<number>();
  const work = [from];
  for (let id = work.pop(); id !== undefined; id = work.pop()) {
    if (seen.has(id)) continue;
    seen.add(id);
    const n = p.nodes[id]!;
    if (n.k === "silent") {
      f.ops(n.ops, fp);
      work.push(n.next);
    } else if (n.k === "label") {
      f.label(n.rank, fp);
      work.push(n.next);
    } else if (n.k === "branch" && !readsShared(n.cond)) work.push(n.else, n.then);
    else to.add(id);
  }
}
