import { dataWidth, type Layout } from "./layout.js";
import { isSwapPte, MONITOR, PAGE, PTE, TLBE, VMA } from "../primitives/encoding.js";
import { entryFrame, pteFrame, walkPermits, type AccessKind } from "./mmu.js";

/** The model ran out of room (frames, counter bits): a limit of the model, not a kernel bug. */
export class ModelError extends Error {}

/**
 * A value outside the layout's {@link ValueSizing}: not a limit, the run widens the sizing and
 * starts again (judge/run.ts). `value` is the value met, or "refcount" for a refcount overflow.
 */
export class OutsideSizing extends ModelError {
  constructor(
    readonly what: { readonly value: number } | "refcount",
    message: string,
  ) {
    super(message);
  }
}

/**
 * Helpers the generated step code calls for the primitives that touch many slots or index
 * slots by run-time numbers. Pure functions of the state array they are given.
 */
export class Runtime {
  private readonly word: Int32Array;
  private readonly shift: Int32Array;
  private readonly mask: Int32Array;
  /** The value of a frozen slot (see Slot.frozen), or -1. */
  private readonly frozen: Int32Array;
  /** Every TLB slot, for full flushes. */
  private readonly tlbSlots: Int32Array;
  /** TLB slots by page, for range flushes. */
  private readonly tlbByPage: Int32Array[];
  /** stale_tlb's marks (covered, walked; monitors only, else empty): every one, and by page. */
  private readonly markSlots: Int32Array;
  private readonly marksByPage: Int32Array[];
  /** By thread and page: each TLB slot followed by the thread's walked mark beside it. */
  private readonly walkedByPage: Int32Array[][];
  /** Every slot holding a PTE value: the page table, and kernel variables (monitors). */
  private readonly pteValues: Int32Array;
  /** Memory and file words: two's complement in `wordBits` when the sizing has negatives. */
  private readonly wordBits: number;
  private readonly signedWords: boolean;
  /** The i_mmap_rwsem of each file. */
  private readonly iMmapSlots: Int32Array;

  constructor(readonly L: Layout) {
    const n = L.slots.length;
    this.word = new Int32Array(n);
    this.shift = new Int32Array(n);
    this.mask = new Int32Array(n);
    this.frozen = new Int32Array(n).fill(-1);
    L.slots.forEach((s, i) => {
      if (s.frozen !== undefined) this.frozen[i] = s.frozen;
      this.word[i] = s.word;
      this.shift[i] = s.shift;
      this.mask[i] = s.width >= 32 ? -1 : (1 << s.width) - 1;
    });
    this.tlbSlots = Int32Array.from(L.tlb.flat().filter((x) => x >= 0));
    this.pteValues = Int32Array.from([...L.pte, ...L.pteVars]);
    this.wordBits = dataWidth(L.sizing);
    this.signedWords = L.sizing.min < 0;
    this.iMmapSlots = Int32Array.from(new Set(L.iMmapOf.filter((slot) => slot >= 0)));
    this.tlbByPage = Array.from({ length: L.nPages }, (_, p) =>
      Int32Array.from(L.tlb.map((row) => row[p] ?? -1).filter((x) => x >= 0)),
    );
    const marks = [L.covered, ...L.walked];
    this.markSlots = Int32Array.from(marks.flatMap((rows) => rows.flat()).filter((x) => x >= 0));
    this.marksByPage = Array.from({ length: L.nPages }, (_, p) =>
      Int32Array.from(
        marks.flatMap((rows) => rows.map((row) => row[p] ?? -1)).filter((x) => x >= 0),
      ),
    );
    this.walkedByPage = L.walked.map((rows) =>
      Array.from({ length: L.nPages }, (_, p) =>
        Int32Array.from(
          rows.flatMap((row, cpu) => (row[p]! >= 0 ? [L.tlb[cpu]![p]!, row[p]!] : [])),
        ),
      ),
    );
  }

  rd(t: Uint32Array, i: number): number {
    const f = this.frozen[i]!;
    if (f >= 0) return f;
    return (t[this.word[i]!]! >>> this.shift[i]!) & this.mask[i]!;
  }

  wr(t: Uint32Array, i: number, v: number): void {
    const f = this.frozen[i]!;
    if (f >= 0) {
      // Only a write of the value it always holds can reach a frozen slot (->writepage() unlocking).
      if (v !== f) throw new Error(`internal: ${this.L.slots[i]!.name} is constant but written`);
      return;
    }
    const w = this.word[i]!;
    const m = this.mask[i]!;
    const sh = this.shift[i]!;
    if (v < 0 || v > m) {
      const slot = this.L.slots[i]!;
      const message = `value ${v - slot.bias} does not fit in ${slot.name}`;
      // An int variable holds what memory holds: a value the sizing can grow to.
      if (slot.kind === "var" && slot.bias !== 0)
        throw new OutsideSizing({ value: v - slot.bias }, message);
      throw new ModelError(message);
    }
    t[w] = (t[w]! & ~(m << sh)) | (v << sh);
  }

  /** An int variable's value past the sizing (generated code checks, this throws). */
  outside(v: number, slot: string): never {
    throw new OutsideSizing({ value: v }, `value ${v} does not fit in ${slot}`);
  }

  /** A frame number used to index frame slots (the zero page's too), else the model was handed null. */
  fi(f: number): number {
    this.frame(f);
    return f;
  }

  // ---- rwsems indexed at run time (i_mmap_rwsem) -------------------------------------------

  /** The i_mmap_rwsem slot of file page fp's file, or -1 (no file page, or a swap slot). */
  iMmap(fp: number): number {
    return this.L.iMmapOf[fp] ?? -1;
  }

  /**
   * down_read() on an i_mmap_rwsem: false, changing nothing, while a writer holds it. The slot
   * counts readers up to nThreads; a writer is nThreads + 1 + its thread index, so that
   * up_write() finds the lock its thread holds.
   */
  downRead(t: Uint32Array, s: number): boolean {
    if (s < 0) return true;
    const v = this.rd(t, s);
    if (v > this.L.nThreads) return false;
    this.wr(t, s, v + 1);
    return true;
  }

  /** down_write() by thread tid: false, changing nothing, while anyone holds it. */
  downWrite(t: Uint32Array, s: number, tid: number): boolean {
    if (s < 0) return true;
    if (this.rd(t, s) !== 0) return false;
    this.wr(t, s, this.L.nThreads + 1 + tid);
    return true;
  }

  upRead(t: Uint32Array, s: number): void {
    if (s >= 0) this.wr(t, s, this.rd(t, s) - 1);
  }

  /** up_write() by thread tid: the i_mmap_rwsem it holds for write, if any. */
  upWriteMine(t: Uint32Array, tid: number): void {
    for (const s of this.iMmapSlots)
      if (this.rd(t, s) === this.L.nThreads + 1 + tid) this.wr(t, s, 0);
  }

  /** A file page number used to index file slots. */
  /**
   * VMA slot values a and b, of pages d apart in one region: one VMA? The same flags, and for a
   * file VMA b's file page d pages on in the same file (adjacent VMAs that agree would be one,
   * vma_merge()).
   */
  sameVma(a: number, b: number, d: number): boolean {
    const flags = (1 << VMA.FPAGE_SHIFT) - 1;
    if ((a & VMA.VALID) === 0 || ((a ^ b) & flags) !== 0) return false;
    if ((a & VMA.ANON) !== 0) return true;
    const fa = a >>> VMA.FPAGE_SHIFT;
    const fb = b >>> VMA.FPAGE_SHIFT;
    return fb - fa === d && this.L.fileStart[fa] === this.L.fileStart[fb];
  }

  pi(fp: number): number {
    if (fp < 1 || fp > this.L.nFpages) throw new ModelError(`no file page ${fp}`);
    return fp;
  }

  // ---- frames ----------------------------------------------------------------------------

  /** alloc_page(): the lowest free frame, refcount 1, clean and zeroed. */
  alloc(t: Uint32Array): number {
    const L = this.L;
    for (let f = 1; f <= L.nFrames; f++) {
      if (this.rd(t, L.ref + f - 1) !== 0) continue;
      this.wr(t, L.ref + f - 1, 1);
      this.wr(t, L.mapcount + f - 1, 0);
      this.wr(t, L.flags + f - 1, 0);
      this.wr(t, L.mapping + f - 1, 0);
      this.wr(t, L.folioHead + f - 1, 0);
      this.wr(t, L.ksm + f - 1, 0);
      for (let w = 0; w < L.wordsPerPage; w++) this.wr(t, L.data + (f - 1) * L.wordsPerPage + w, 0);
      return f;
    }
    throw new ModelError(`the model has ${L.nFrames} page frames and all are in use`);
  }

  /** get_page(). The zero page's count is not kept: nothing reads it and it is never freed. */
  get(t: Uint32Array, f: number): void {
    this.frame(f);
    if (f === this.L.zeroFrame) return;
    const i = this.L.ref + f - 1;
    const r = this.rd(t, i);
    if (r >= this.mask[i]!) throw new OutsideSizing("refcount", `refcount of frame ${f} overflows`);
    this.wr(t, i, r + 1);
  }

  /** put_page(): at refcount 0 the frame is free; its contents stay until it is reused. */
  put(t: Uint32Array, f: number): void {
    this.frame(f);
    if (f === this.L.zeroFrame) return;
    const i = this.L.ref + f - 1;
    const r = this.rd(t, i);
    if (r === 0) throw new ModelError(`put_page() on free frame ${f}`);
    this.wr(t, i, r - 1);
    if (r === 1) {
      if (this.L.monitor >= 0 && this.tlbMaps(t, f)) this.monitorFound(t, MONITOR.FREED_FRAME);
      this.wr(t, this.L.flags + f - 1, 0);
      this.wr(t, this.L.mapping + f - 1, 0);
      this.wr(t, this.L.folioHead + f - 1, 0);
      this.wr(t, this.L.ksm + f - 1, 0);
    }
  }

  /** A frame number: 1…nFrames, or the zero page (whose slots are constants). */
  private frame(f: number): void {
    if ((f < 1 || f > this.L.nFrames) && f !== this.L.zeroFrame)
      throw new ModelError(`no frame ${f} (a null page used as a page)`);
  }

  data(t: Uint32Array, f: number, w: number): number {
    this.frame(f);
    return this.wordValue(this.rd(t, this.L.data + (f - 1) * this.L.wordsPerPage + w));
  }

  setData(t: Uint32Array, f: number, w: number, v: number): void {
    this.frame(f);
    // A scenario's own proc may try it (page_write_word() of a PTE's frame); the kernel never
    // writes the zero page: a write fault, or a FOLL_WRITE pin, copies it first.
    if (f === this.L.zeroFrame)
      throw new ModelError("a write to the shared zero page, which the kernel never writes");
    this.wr(t, this.L.data + (f - 1) * this.L.wordsPerPage + w, this.wordRaw(v));
  }

  /** A memory or file word's value from its bits. */
  wordValue(raw: number): number {
    return this.signedWords && raw >= 1 << (this.wordBits - 1) ? raw - (1 << this.wordBits) : raw;
  }

  /** A memory or file word's bits for a value, which must lie in the sizing. */
  wordRaw(v: number): number {
    const z = this.L.sizing;
    if (v < z.min || v > z.max)
      throw new OutsideSizing(
        { value: v },
        `value ${v} is outside the model's memory values ${z.min}…${z.max}`,
      );
    return v < 0 ? v + (1 << this.wordBits) : v;
  }

  /** copy_user_highpage(): a COW copy. An anonymous source is left behind (monitors). */
  copy(t: Uint32Array, to: number, from: number): void {
    this.copyData(t, to, from);
    if (this.L.monitor >= 0 && this.rd(t, this.L.flags + from - 1) & PAGE.ANON)
      this.markCopied(t, from);
  }

  /** pages_identical(); equal contents now stand for page's (monitors: a later store is lost). */
  pagesIdentical(t: Uint32Array, page: number, kpage: number): number {
    for (let w = 0; w < this.L.wordsPerPage; w++)
      if (this.data(t, page, w) !== this.data(t, kpage, w)) return 0;
    if (this.L.monitor >= 0) this.markCopied(t, page);
    return 1;
  }

  private copyData(t: Uint32Array, to: number, from: number): void {
    for (let w = 0; w < this.L.wordsPerPage; w++) this.setData(t, to, w, this.data(t, from, w));
  }

  private markCopied(t: Uint32Array, f: number): void {
    this.wr(t, this.L.flags + f - 1, this.rd(t, this.L.flags + f - 1) | PAGE.COPIED);
  }

  // ---- page cache and disk ----------------------------------------------------------------

  disk(t: Uint32Array, fp: number, w: number): number {
    return this.wordValue(this.rd(t, this.L.disk + (fp - 1) * this.L.wordsPerPage + w));
  }

  setDisk(t: Uint32Array, fp: number, w: number, v: number): void {
    this.wr(t, this.L.disk + (fp - 1) * this.L.wordsPerPage + w, this.wordRaw(v));
  }

  writepage(t: Uint32Array, f: number): void {
    const fp = this.rd(t, this.L.mapping + f - 1);
    if (fp === 0) throw new ModelError(`->writepage() on frame ${f}, which caches no file page`);
    for (let w = 0; w < this.L.wordsPerPage; w++) this.setDisk(t, fp, w, this.data(t, f, w));
    this.wr(t, this.L.locked + f - 1, 0);
    if (this.L.monitor >= 0)
      this.wr(t, this.L.flags + f - 1, this.rd(t, this.L.flags + f - 1) & ~PAGE.WRITEBACK);
  }

  readpage(t: Uint32Array, f: number, fp: number): void {
    for (let w = 0; w < this.L.wordsPerPage; w++) this.setData(t, f, w, this.disk(t, fp, w));
  }

  truncateDisk(t: Uint32Array, fp: number): void {
    for (let w = 0; w < this.L.wordsPerPage; w++)
      this.wr(t, this.L.disk + (fp - 1) * this.L.wordsPerPage + w, 0);
  }

  /** i_size: does file page fp lie at or beyond its file's end? (Swap slots never do.) */
  beyondEof(t: Uint32Array, fp: number): number {
    if (fp < 1 || fp > this.L.nFileFpages) return 0;
    return this.rd(t, this.L.beyondEof + fp - 1);
  }

  /** The first page of fp's file at or beyond i_size, or 0 when every page lies below it. */
  iSizeEnd(t: Uint32Array, fp: number): number {
    if (fp < 1 || fp > this.L.nFileFpages) return 0;
    const start = this.L.fileStart[fp]!;
    for (let p = start; p <= this.L.nFileFpages && this.L.fileStart[p] === start; p++)
      if (this.rd(t, this.L.beyondEof + p - 1) !== 0) return p;
    return 0;
  }

  /** Is page in the read-around window of a fault at index (32 pages), below end (0: none)? */
  readAroundCovers(index: number, page: number, end: number): boolean {
    const start = this.L.fileStart[index];
    if (start === undefined || this.L.fileStart[page] !== start) return false;
    if (end !== 0 && page >= end) return false;
    const raPages = 32; // VM_READAHEAD_PAGES: the 128 KB read_ahead_kb default
    const first = Math.max(0, index - start - raPages / 2);
    return page - start >= first && page - start < first + raPages;
  }

  /** i_size_write() of a file whose pages are first…first + n - 1: `pages` pages long. */
  iSizeWrite(t: Uint32Array, first: number, n: number, pages: number): void {
    for (let i = 0; i < n; i++) this.wr(t, this.L.beyondEof + first + i - 1, i >= pages ? 1 : 0);
  }

  /** A write reaching file page fp extends i_size to cover it (generic_write_end()). */
  iSizeExtend(t: Uint32Array, fp: number): void {
    if (fp < 1 || fp > this.L.nFileFpages) return;
    for (let p = this.L.fileStart[fp]!; p <= fp; p++) this.wr(t, this.L.beyondEof + p - 1, 0);
  }

  findGetPage(t: Uint32Array, fp: number, dirtyOnly: boolean): number {
    const f = this.rd(t, this.L.cache + fp - 1);
    if (f === 0) return 0;
    if (dirtyOnly && (this.rd(t, this.L.flags + f - 1) & PAGE.DIRTY) === 0) return 0;
    this.get(t, f);
    return f;
  }

  addToPageCache(t: Uint32Array, f: number, fp: number): number {
    this.frame(f);
    if (this.rd(t, this.L.cache + fp - 1) !== 0) return 0;
    this.wr(t, this.L.cache + fp - 1, f);
    this.wr(t, this.L.mapping + f - 1, fp);
    this.get(t, f);
    return 1;
  }

  deleteFromPageCache(t: Uint32Array, f: number): void {
    const fp = this.rd(t, this.L.mapping + f - 1);
    if (fp === 0) return;
    this.wr(t, this.L.cache + fp - 1, 0);
    this.wr(t, this.L.mapping + f - 1, 0);
    this.put(t, f);
  }

  /** __remove_mapping(): page_ref_freeze(page, 2) and !PageDirty, then out of the cache. */
  removeMapping(t: Uint32Array, f: number): number {
    if (
      this.rd(t, this.L.ref + f - 1) !== 2 ||
      (this.rd(t, this.L.flags + f - 1) & PAGE.DIRTY) !== 0
    )
      return 0;
    this.deleteFromPageCache(t, f);
    return 1;
  }

  /** migrate_page_move_mapping(): the isolation reference, and the cache's if cached. */
  moveMapping(t: Uint32Array, to: number, from: number): number {
    this.frame(to);
    this.frame(from);
    const L = this.L;
    const fp = this.rd(t, L.mapping + from - 1);
    const expected = fp === 0 ? 1 : 2;
    if (this.rd(t, L.ref + from - 1) !== expected) return 0;
    if (fp !== 0) {
      this.wr(t, L.cache + fp - 1, to);
      this.wr(t, L.mapping + to - 1, fp);
      this.wr(t, L.mapping + from - 1, 0);
      this.get(t, to);
      this.put(t, from);
    }
    return 1;
  }

  /** migrate_page_copy(): the data, PG_dirty and PageAnon move to the new page. */
  migrateCopy(t: Uint32Array, to: number, from: number): void {
    this.copyData(t, to, from);
    this.migrateStates(t, to, from);
  }

  /** migrate_page_states(): PG_dirty and PageAnon move to the new page; the data stays. */
  migrateStates(t: Uint32Array, to: number, from: number): void {
    this.frame(to);
    this.frame(from);
    const L = this.L;
    if (to === L.zeroFrame || from === L.zeroFrame)
      throw new ModelError("the zero page is never migrated (vm_normal_page() is null for it)");
    const flags = this.rd(t, L.flags + from - 1);
    // The monitors' marks and the old page's place in the LRU and its batches stay with it.
    const ghost =
      PAGE.COPIED | PAGE.WRITEBACK | PAGE.ISOLATED | PAGE.BATCH_LRU | ~(PAGE.LAZYFREE_BATCH - 1);
    this.wr(t, L.flags + to - 1, this.rd(t, L.flags + to - 1) | (flags & ~ghost));
    this.wr(t, L.flags + from - 1, flags & ~PAGE.DIRTY);
    if (L.monitor >= 0) this.markCopied(t, from);
  }

  // ---- the LRU batches of mm/swap.c (as far as MADV_FREE's lru_lazyfree batch needs them) ---

  /** folio_test_lru(): neither isolated nor taken off the LRU by a batch. */
  onLru(t: Uint32Array, f: number): boolean {
    this.frame(f);
    return (this.rd(t, this.L.flags + f - 1) & (PAGE.ISOLATED | PAGE.BATCH_LRU)) === 0;
  }

  /** folio_test_clear_lru() for isolation: 1 if it was on the LRU (now isolated), else 0. */
  isolateLru(t: Uint32Array, f: number): number {
    if (!this.onLru(t, f)) return 0;
    this.wr(t, this.L.flags + f - 1, this.rd(t, this.L.flags + f - 1) | PAGE.ISOLATED);
    return 1;
  }

  /**
   * The lru_lazyfree batch `bit` takes the page with a reference (folio_get()); with `clearLru`
   * (33dfe9204f29) only if folio_test_clear_lru() succeeds. A large folio drains the batch at once.
   */
  lazyfreeAdd(t: Uint32Array, f: number, bit: number, clearLru: number): void {
    const L = this.L;
    if (bit === 0) throw new ModelError("an lru_lazyfree batch filled by a thread without one");
    if (clearLru) {
      if (!this.onLru(t, f)) return;
      this.wr(t, L.flags + f - 1, this.rd(t, L.flags + f - 1) | PAGE.BATCH_LRU);
    }
    this.get(t, f);
    this.wr(t, L.flags + f - 1, this.rd(t, L.flags + f - 1) | bit);
    if (this.rd(t, L.folioHead + f - 1) !== 0) this.lruDrain(t, bit);
  }

  /**
   * lru_add_drain_cpu() for the batches in `mask`: each page leaves the batch. lru_lazyfree_fn()
   * clears PG_swapbacked of an anonymous page outside the swap cache, unless reclaim has it
   * isolated (its PG_lru is clear: skipped); then the batch's reference goes (folios_put()).
   */
  lruDrain(t: Uint32Array, mask: number): void {
    const L = this.L;
    for (let f = 1; f <= L.nFrames; f++) {
      for (let bit = PAGE.LAZYFREE_BATCH; bit <= mask; bit <<= 1) {
        if ((mask & bit) === 0) continue;
        const flags = this.rd(t, L.flags + f - 1);
        if ((flags & bit) === 0) continue;
        let next = flags & ~bit & ~PAGE.BATCH_LRU;
        const onLru = (flags & PAGE.BATCH_LRU) !== 0 || (flags & PAGE.ISOLATED) === 0;
        const swapBacked = (flags & (PAGE.ANON | PAGE.LAZYFREE)) === PAGE.ANON;
        if (onLru && swapBacked && !this.isSwapSlot(this.rd(t, L.mapping + f - 1)))
          next |= PAGE.LAZYFREE;
        this.wr(t, L.flags + f - 1, next);
        this.put(t, f);
      }
    }
  }

  // ---- swap (file pages after the files' are the swap device's slots) ---------------------

  isSwapSlot(fp: number): boolean {
    return fp > this.L.nFileFpages && fp <= this.L.nFpages;
  }

  /** __swap_count(): the swap PTEs that hold the slot. */
  swapCount(t: Uint32Array, fp: number): number {
    if (!this.isSwapSlot(fp)) throw new ModelError(`no swap slot ${fp}`);
    return this.rd(t, this.L.swapMap + fp - this.L.nFileFpages - 1);
  }

  /** swap_duplicate() (+1) and swap_free() (-1). */
  swapCountAdd(t: Uint32Array, fp: number, delta: number): void {
    const n = this.swapCount(t, fp) + delta;
    if (n < 0) throw new ModelError(`swap_free() on unused swap slot ${fp}`);
    this.wr(t, this.L.swapMap + fp - this.L.nFileFpages - 1, n);
  }

  /**
   * add_to_swap(): folio_alloc_swap() takes a free slot, add_to_swap_cache() the page, and
   * folio_mark_dirty() dirties it ("a special case is MADV_FREE page": its PTE may be clean).
   */
  addToSwap(t: Uint32Array, f: number): number {
    this.frame(f);
    for (let fp = this.L.nFileFpages + 1; fp <= this.L.nFpages; fp++) {
      if (this.swapCount(t, fp) !== 0 || this.rd(t, this.L.cache + fp - 1) !== 0) continue;
      this.addToPageCache(t, f, fp);
      this.wr(t, this.L.flags + f - 1, this.rd(t, this.L.flags + f - 1) | PAGE.DIRTY);
      return 1;
    }
    return 0;
  }

  /** Swap-in's add_to_swap_cache(): swapcache_prepare() fails on a freed or cached slot. */
  addToSwapCache(t: Uint32Array, f: number, fp: number): number {
    if (this.swapCount(t, fp) === 0) return 0;
    return this.addToPageCache(t, f, fp);
  }

  // ---- large folios (frames in a row with one head) ----------------------------------------

  folioNrPages(t: Uint32Array, f: number): number {
    const head = this.rd(t, this.L.folioHead + this.fi(f) - 1);
    return head === 0 ? 1 : this.folioEnd(t, head) - head;
  }

  /** The frame after the last one of the large folio whose head is `head`. */
  private folioEnd(t: Uint32Array, head: number): number {
    let g = head;
    while (g <= this.L.nFrames && this.rd(t, this.L.folioHead + g - 1) === head) g++;
    return g;
  }

  /**
   * folio_pte_batch() where it starts in the kernel's walk of `pages`: at the first PTE mapping
   * a page of f's folio, how many PTEs in a row map that page and the ones after it.
   */
  folioPteBatch(t: Uint32Array, pages: readonly number[], f: number): number {
    const head = this.rd(t, this.L.folioHead + this.fi(f) - 1);
    const first = head === 0 ? f : head;
    const end = first + this.folioNrPages(t, f);
    let n = 0;
    let next = -1;
    for (const p of pages) {
      const pte = this.rd(t, this.L.pte[p]!);
      const g = pte & PTE.P ? pte >>> PTE.PFN_SHIFT : 0;
      if (next < 0) {
        if (g < first || g >= end) continue;
        next = g;
      }
      if (g !== next || g >= end) break;
      n++;
      next++;
    }
    return n;
  }

  /**
   * The references, mappings and page- or swap-cache pages of f's folio, summed over its pages
   * (the model counts references per page; the kernel per folio).
   */
  private folioCounts(t: Uint32Array, f: number): { ref: number; map: number; cached: number } {
    const h = this.rd(t, this.L.folioHead + this.fi(f) - 1);
    const [head, end] = h === 0 ? [f, f + 1] : [h, this.folioEnd(t, h)];
    let ref = 0;
    let map = 0;
    let cached = 0;
    for (let g = head; g < end; g++) {
      ref += this.rd(t, this.L.ref + g - 1);
      map += this.rd(t, this.L.mapcount + g - 1);
      if (this.rd(t, this.L.mapping + g - 1) !== 0) cached++;
    }
    return { ref, map, cached };
  }

  /**
   * can_split_folio(folio, 1, &extra_pins): no reference but the caller's, one per mapping and
   * the page or swap cache's (extra_pins).
   */
  canSplitFolio(t: Uint32Array, f: number): number {
    const c = this.folioCounts(t, f);
    return c.map === c.ref - c.cached - 1 ? 1 : 0;
  }

  /**
   * folio_ref_freeze(folio, 1 + extra_pins) after unmap_folio(): the folio's count is the
   * caller's and the caches' only. `kept`: the references the model's unmap keeps per page in
   * place of the folio's (huge_memory.tlb, try_to_migrate_one).
   */
  folioRefFreeze(t: Uint32Array, f: number, kept: number): number {
    const c = this.folioCounts(t, f);
    return c.ref - kept === 1 + c.cached ? 1 : 0;
  }

  /** __split_unmapped_folio(): every page of f's folio becomes a folio of its own. */
  splitFolio(t: Uint32Array, f: number): void {
    const head = this.rd(t, this.L.folioHead + this.fi(f) - 1);
    if (head === 0) return;
    const end = this.folioEnd(t, head);
    for (let g = head; g < end; g++) this.wr(t, this.L.folioHead + g - 1, 0);
  }

  // ---- TLB flushes ------------------------------------------------------------------------

  flushAll(t: Uint32Array): void {
    for (const i of this.tlbSlots) this.wr(t, i, 0);
    for (const i of this.markSlots) this.wr(t, i, 0);
  }

  flushPage(t: Uint32Array, page: number): void {
    for (const i of this.tlbByPage[page]!) this.wr(t, i, 0);
    for (const i of this.marksByPage[page]!) this.wr(t, i, 0);
  }

  /**
   * The mmu_gather's flush: [start, end) spans every page from the lowest to the highest of the
   * mask (a gather covers one range, whose pages are numbered in a row), as __tlb_adjust_range()
   * keeps it; pages in between that were never gathered are flushed too.
   */
  flushPageSpan(t: Uint32Array, mask: number): void {
    if (mask === 0) return;
    const lo = 31 - Math.clz32(mask & -mask);
    const hi = 31 - Math.clz32(mask);
    for (let p = lo; p <= hi; p++) this.flushPage(t, p);
  }

  /** tlb_flush_rmaps(): page_remove_rmap() for every frame of the mask. */
  removeRmapMask(t: Uint32Array, mask: number): void {
    for (let f = 1; f <= this.L.nFrames; f++)
      if (mask & (1 << (f - 1)))
        this.wr(t, this.L.mapcount + f - 1, this.rd(t, this.L.mapcount + f - 1) - 1);
  }

  putFrameMask(t: Uint32Array, mask: number): void {
    for (let f = 1; f <= this.L.nFrames; f++) if (mask & (1 << (f - 1))) this.put(t, f);
  }

  // ---- monitors (docs/model.md, Monitors) ----------------------------------------------------

  /**
   * Thread tid's syscall walks `page` (syscall-walks.ts): every CPU's valid entry for it is
   * marked walked, to be covered when the syscall returns; an empty slot stays unmarked.
   */
  walk(t: Uint32Array, tid: number, page: number): void {
    const c = this.walkedByPage[tid]![page]!;
    for (let k = 0; k < c.length; k += 2) this.wr(t, c[k + 1]!, this.rd(t, c[k]!) & TLBE.V ? 1 : 0);
  }

  /** What an access through the TLB entry `e` (covered or not) of `page` finds: MONITOR bits. */
  monitorHit(t: Uint32Array, e: number, covered: number, page: number, write: boolean): number {
    const f = entryFrame(e);
    let found = this.monitorFrame(t, f, write);
    // A page-cache page the kernel believes clean: PG_dirty clear and no dirty PTE maps it. Or
    // a swap-cache page nothing will read again: no PTE maps it and no swap entry holds its
    // slot (reclaim writes it out, then frees slot and page). A clean swap-cache page with a
    // stale dirty entry comes only from MADV_FREE's deferred flush, whose racing stores the
    // kernel may drop; it is not flagged.
    // A page under writeback (PG_dirty cleared for a ->writepage() still to come) is not: the
    // store reaches the disk with that write.
    const fp = write && (found & MONITOR.LOST_WRITE) === 0 ? this.rd(t, this.L.mapping + f - 1) : 0;
    if (fp !== 0 && !this.isSwapSlot(fp)) {
      const flags = this.rd(t, this.L.flags + f - 1);
      if ((flags & (PAGE.DIRTY | PAGE.WRITEBACK)) === 0 && !this.dirtyMapped(t, f))
        found |= MONITOR.LOST_WRITE;
    } else if (fp !== 0 && this.orphanedSwapPage(t, f, fp)) found |= MONITOR.LOST_WRITE;
    // The entry grants more than the PTE after a syscall changing the page returned, and that
    // syscall's walk passed the page after the entry was filled (covered). A PTE value a kernel
    // path holds in flight (to put back or move) still counts as granting.
    if (covered !== 0 && this.rd(t, this.L.settled[page]!) !== 0) {
      const kind = write ? "store" : "load";
      let granted = grants(this.rd(t, this.L.pte[page]!), f, kind);
      for (const slot of this.L.pteVars) granted ||= grants(this.rd(t, slot), f, kind);
      if (!granted) found |= MONITOR.STALE_TLB;
    }
    return found;
  }

  /** set_pte_at() mapped a frame: the kernel keeps using its contents (a failed merge, say). */
  mapped(t: Uint32Array, pte: number): void {
    if ((pte & (PTE.P | PTE.PROTNONE)) === 0) return;
    const f = pte >>> PTE.PFN_SHIFT;
    const flags = this.rd(t, this.L.flags + f - 1);
    if (flags & PAGE.COPIED) this.wr(t, this.L.flags + f - 1, flags & ~PAGE.COPIED);
  }

  /** What any access to frame f finds: a freed frame; for a store, one copied away. */
  monitorFrame(t: Uint32Array, f: number, write: boolean): number {
    if (this.rd(t, this.L.ref + f - 1) === 0) return MONITOR.FREED_FRAME;
    return write && this.rd(t, this.L.flags + f - 1) & PAGE.COPIED ? MONITOR.LOST_WRITE : 0;
  }

  /**
   * What a kernel or device write to frame f finds (page_write_word): a freed frame; one whose
   * contents were copied away; a swap-cache page nothing will read again. (A page-cache page it
   * writes is dirtied by the writer itself, after the copy: pwrite()'s set_page_dirty().)
   */
  monitorKernelWrite(t: Uint32Array, f: number): number {
    const found = this.monitorFrame(t, this.fi(f), true);
    if (found !== 0) return found;
    const fp = this.rd(t, this.L.mapping + f - 1);
    return fp !== 0 && this.isSwapSlot(fp) && this.orphanedSwapPage(t, f, fp)
      ? MONITOR.LOST_WRITE
      : 0;
  }

  /** A swap-cache page that no PTE maps and no swap entry holds: reclaim writes it, then frees it. */
  private orphanedSwapPage(t: Uint32Array, f: number, fp: number): boolean {
    return this.swapCount(t, fp) === 0 && this.rd(t, this.L.mapcount + f - 1) === 0;
  }

  /** Does some CPU's TLB entry map frame f? */
  private tlbMaps(t: Uint32Array, f: number): boolean {
    for (const i of this.tlbSlots) {
      const e = this.rd(t, i);
      if (e & TLBE.V && entryFrame(e) === f) return true;
    }
    return false;
  }

  private monitorFound(t: Uint32Array, bits: number): void {
    this.wr(t, this.L.monitor, this.rd(t, this.L.monitor) | bits);
  }

  /**
   * Does the kernel still see frame f as dirty: a present PTE maps it dirty, or a PTE value a
   * kernel path took off the page table (mremap's move, a zap) holds it dirty?
   */
  private dirtyMapped(t: Uint32Array, f: number): boolean {
    for (const slot of this.pteValues) {
      const pte = this.rd(t, slot);
      if ((pte & (PTE.P | PTE.PROTNONE)) !== 0 && pte >>> PTE.PFN_SHIFT === f && pte & PTE.D)
        return true;
    }
    return false;
  }

  // ---- observations for conditions ----------------------------------------------------------

  /** What a load of word w of page p would see through the page table now (-4: unmapped). */
  memWord(t: Uint32Array, p: number, w: number): number {
    const pte = this.rd(t, this.L.pte[p]!);
    if (isSwapPte(pte)) return this.fileWord(t, pte >>> PTE.PFN_SHIFT, w);
    if ((pte & (PTE.P | PTE.PROTNONE | PTE.MIGRATION)) === 0) return -4;
    return this.data(t, pte >>> PTE.PFN_SHIFT, w);
  }

  /** What pread() of the file word (or swap-in of a slot) would return: cache, else disk. */
  fileWord(t: Uint32Array, fp: number, w: number): number {
    const f = this.rd(t, this.L.cache + fp - 1);
    return f !== 0 ? this.data(t, f, w) : this.disk(t, fp, w);
  }

  tlbEntry(t: Uint32Array, cpu: number, p: number): number {
    const i = this.L.tlb[cpu]?.[p] ?? -1;
    return i < 0 ? 0 : this.rd(t, i);
  }
}

/** Does a PTE value let the MMU make this access to frame f? */
function grants(pte: number, f: number, kind: AccessKind): boolean {
  return walkPermits(pte, kind) && pteFrame(pte) === f;
}
