import type { Value } from "../semantics/ir.js";
import { PAGE, PTE, TLBE, VMA } from "./encoding.js";
import type { Layout } from "./layout.js";

/**
 * Code emitters for the primitives of src/semantics/builtins.ts: each turns a call into JavaScript
 * over the packed state `t` (see codegen.ts). Expression emitters serve pure and reading
 * primitives; statement emitters serve the rest and may `return -2` (the step is blocked).
 * Kernel functions named in builtins.ts are the reference for each one.
 */

export interface Arg {
  readonly code: string;
  readonly value: Value;
}

export interface EmitCtx {
  readonly L: Layout;
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

export type ExprEmitter = (c: EmitCtx, a: readonly Arg[]) => string;
export type StmtEmitter = (c: EmitCtx, a: readonly Arg[], dest: (v: string) => string) => string;

const bool = (cond: string): string => `(+(${cond}))`;

/** A static page argument: a page, or the first page of a range. */
export function pageOf(a: Arg): number {
  if (a.value.k === "const") return a.value.v;
  if (a.value.k === "pages") return a.value.ids[0]!;
  throw new Error(`a page argument is not static: ${a.code}`);
}

export function pagesOf(a: Arg): readonly number[] {
  if (a.value.k === "pages") return a.value.ids;
  return [pageOf(a)];
}

const pteMask = (c: EmitCtx): string => (c.L.trackAccessed ? "" : ` & ${~PTE.A}`);
const protBits = (prot: string): string =>
  `(${prot} === 0 ? ${PTE.PROTNONE} : ${prot} === 1 ? ${PTE.P} : ${PTE.P | PTE.W})`;
const pfn = (x: string): string => `((${x}) >>> ${PTE.PFN_SHIFT})`;
/** isSwapPte() of src/model/encoding.ts, inline. */
const swapEntry = (x: string): string =>
  bool(`${x} !== 0 && (${x} & ${PTE.P | PTE.PROTNONE | PTE.MIGRATION}) === 0`);
/** A PTE written: stale_tlb stops watching the page until the next syscall returns. */
const unsettle = (c: EmitCtx, p: Arg): string =>
  c.L.settled.length ? c.put(c.L.settled[pageOf(p)]!, "0") : "";

export const exprEmitters: Readonly<Record<string, ExprEmitter>> = {
  // PTE values
  pte_present: (_, [x]) => bool(`(${x!.code} & ${PTE.P | PTE.PROTNONE}) !== 0`),
  pte_none: (_, [x]) => bool(`${x!.code} === 0`),
  pte_present_bit: (_, [x]) => bool(`(${x!.code} & ${PTE.P}) !== 0`),
  pte_dirty: (_, [x]) => bool(`(${x!.code} & ${PTE.D}) !== 0`),
  pte_write: (_, [x]) => bool(`(${x!.code} & ${PTE.W}) !== 0`),
  pte_young: (_, [x]) => bool(`(${x!.code} & ${PTE.A}) !== 0`),
  pte_protnone: (_, [x]) => bool(`(${x!.code} & ${PTE.PROTNONE}) !== 0`),
  pte_pfn: (_, [x]) => pfn(x!.code),
  zero_pte: () => "0",
  pte_mkclean: (_, [x]) => `(${x!.code} & ${~PTE.D})`,
  pte_mkdirty: (_, [x]) => `(${x!.code} | ${PTE.D})`,
  pte_mkold: (_, [x]) => `(${x!.code} & ${~PTE.A})`,
  pte_mkyoung: (c, [x]) => (c.L.trackAccessed ? `(${x!.code} | ${PTE.A})` : x!.code),
  pte_wrprotect: (_, [x]) => `(${x!.code} & ${~PTE.W})`,
  pte_mkwrite: (_, [x]) => `(${x!.code} | ${PTE.W})`,
  pte_modify: (_, [x, prot]) =>
    `((${x!.code} & ${~((1 << PTE.PFN_SHIFT) - 1) | PTE.A | PTE.D}) | ${protBits(prot!.code)})`,
  pte_mkprotnone: (_, [x]) => `((${x!.code} & ${~PTE.P}) | ${PTE.PROTNONE})`,
  mk_pte: (_, [f, prot]) => `((${f!.code} << ${PTE.PFN_SHIFT}) | ${protBits(prot!.code)})`,
  make_migration_entry: (_, [f, w]) =>
    `((${f!.code} << ${PTE.PFN_SHIFT}) | ${PTE.MIGRATION} | (${w!.code} ? ${PTE.W} : 0))`,
  is_migration_entry: (_, [x]) => bool(`(${x!.code} & ${PTE.MIGRATION}) !== 0`),
  migration_entry_to_page: (_, [x]) => pfn(x!.code),
  is_swap_entry: (_, [x]) => swapEntry(x!.code),
  swp_entry_to_pte: (_, [slot]) => `((${slot!.code}) << ${PTE.PFN_SHIFT})`,
  swp_offset: (_, [x]) => pfn(x!.code),
  pte_maps: (_, [x, f]) =>
    bool(`(${x!.code} & ${PTE.P | PTE.PROTNONE}) !== 0 && ${pfn(x!.code)} === ${f!.code}`),
  same_ptl: (c, [a, b]) => bool(`${c.L.ptlOf[pageOf(a!)]} === ${c.L.ptlOf[pageOf(b!)]}`),
  ptep_get: (c, [p]) => c.slot(c.L.pte[pageOf(p!)]!),
  // the mm and this thread's batches
  mm_tlb_flush_pending: (c) => bool(`${c.slot(c.L.flushPending)} > 0`),
  mm_tlb_flush_nested: (c) => bool(`${c.slot(c.L.flushPending)} > 1`),
  mm_tlb_flush_batched: (c) => c.slot(c.L.flushBatched),
  tlb_ubc_flush_required: (c) => (c.L.ubc[c.tid]! < 0 ? "0" : `(${c.slot(c.L.ubc[c.tid]!)} & 1)`),
  tlb_ubc_writable: (c) => (c.L.ubc[c.tid]! < 0 ? "0" : `(${c.slot(c.L.ubc[c.tid]!)} >>> 1)`),
  tlb_range_pending: (c) =>
    c.L.gatherRange[c.tid]! < 0 ? "0" : bool(`${c.slot(c.L.gatherRange[c.tid]!)} !== 0`),
  tlb_pages_pending: (c) =>
    c.L.gatherPages[c.tid]! < 0 ? "0" : bool(`${c.slot(c.L.gatherPages[c.tid]!)} !== 0`),
  // page frames
  page_count: (c, [f]) => c.rd(c.L.ref, f!.code),
  page_mapcount: (c, [f]) => c.rd(c.L.mapcount, f!.code),
  page_mapped: (c, [f]) => bool(`${c.rd(c.L.mapcount, f!.code)} > 0`),
  page_dirty: (c, [f]) => bool(`(${c.rd(c.L.flags, f!.code)} & ${PAGE.DIRTY}) !== 0`),
  page_anon: (c, [f]) => bool(`(${c.rd(c.L.flags, f!.code)} & ${PAGE.ANON}) !== 0`),
  page_fpage: (c, [f]) => c.rd(c.L.mapping, f!.code),
  page_swapcache: (c, [f]) => bool(`R.isSwapSlot(${c.rd(c.L.mapping, f!.code)})`),
  page_lazyfree: (c, [f]) =>
    bool(
      `(${c.rd(c.L.flags, f!.code)} & ${PAGE.ANON | PAGE.LAZYFREE}) === ${PAGE.ANON | PAGE.LAZYFREE}`,
    ),
  page_swap_slot: (c, [f]) =>
    `(R.isSwapSlot(${c.rd(c.L.mapping, f!.code)}) ? ${c.rd(c.L.mapping, f!.code)} : 0)`,
  swap_count: (_, [slot]) => `R.swapCount(t, ${slot!.code})`,
  folio_test_large: (c, [f]) => bool(`${c.rd(c.L.folioHead, f!.code)} !== 0`),
  folio_nr_pages: (_, [f]) => `R.folioNrPages(t, ${f!.code})`,
  page_folio: (c, [f]) => `(${c.rd(c.L.folioHead, f!.code)} || (${f!.code}))`,
  page_in_folio: (_, [f, folio, nr]) =>
    bool(`${f!.code} >= ${folio!.code} && ${f!.code} < ${folio!.code} + ${nr!.code}`),
  folio_pte_batch: (_, [r, f]) => `R.folioPteBatch(t, [${pagesOf(r!).join(", ")}], ${f!.code})`,
  page_read_word: (_, [f, w]) => `R.data(t, ${f!.code}, ${w!.code})`,
  page_cache_page: (c, [fp]) => c.rd(c.L.cache, fp!.code),
  file_page_word: (_, [a]) => `((${a!.code}) & 7)`,
  file_page: (_, [a]) => `((${a!.code}) >>> 3)`,
  // VMAs, as seen from one page
  vma_present: (c, [p]) => bool(`(${c.slot(c.L.vma[pageOf(p!)]!)} & ${VMA.VALID}) !== 0`),
  vma_readable: (c, [p]) => bool(`(${c.slot(c.L.vma[pageOf(p!)]!)} & ${VMA.READ}) !== 0`),
  vma_writable: (c, [p]) => bool(`(${c.slot(c.L.vma[pageOf(p!)]!)} & ${VMA.WRITE}) !== 0`),
  vma_shared: (c, [p]) => bool(`(${c.slot(c.L.vma[pageOf(p!)]!)} & ${VMA.SHARED}) !== 0`),
  vma_anon: (c, [p]) => bool(`(${c.slot(c.L.vma[pageOf(p!)]!)} & ${VMA.ANON}) !== 0`),
  vma_uffd_wp: (c, [p]) => bool(`(${c.slot(c.L.vma[pageOf(p!)]!)} & ${VMA.UFFD_WP}) !== 0`),
  vma_fpage: (c, [p]) => `(${c.slot(c.L.vma[pageOf(p!)]!)} >>> ${VMA.FPAGE_SHIFT})`,
  // vm_page_prot: read-only whenever readable. Shared file mappings use write-notify
  // (->page_mkwrite) and private ones copy on write, so no VMA maps its pages writable up front.
  vma_prot: (c, [p]) => `((${c.slot(c.L.vma[pageOf(p!)]!)} & ${VMA.READ}) !== 0 ? 1 : 0)`,
  page_of: (_, [r, i]) => `${pagesOf(r!)[Number(i!.code)] ?? 0}`,
  addr_page: (_, [a]) => `${pageOf(a!)}`,
  // conditions: the final state
  pte: (c, [p]) => c.slot(c.L.pte[pageOf(p!)]!),
  tlb_entry: (_, [cpu, p]) => `R.tlbEntry(t, ${cpu!.code}, ${pageOf(p!)})`,
  disk: (_, [a]) => `R.disk(t, (${a!.code}) >>> 3, (${a!.code}) & 7)`,
  cached: (c, [fp]) => bool(`${c.rd(c.L.cache, fp!.code)} !== 0`),
  dirty: (c, [fp]) =>
    bool(
      `${c.rd(c.L.cache, fp!.code)} !== 0 && (${c.rd(c.L.flags, c.rd(c.L.cache, fp!.code))} & ${PAGE.DIRTY}) !== 0`,
    ),
  fired: (c, [m]) => (c.L.monitor < 0 ? "0" : `((${c.slot(c.L.monitor)} >>> (${m!.code})) & 1)`),
  mem_word: (_, [p, w]) => `R.memWord(t, ${p!.code}, ${w!.code})`,
  file_word: (_, [fp, w]) => `R.fileWord(t, ${fp!.code}, ${w!.code})`,
};

/** Field reads on values: `pte.dirty`, `tlbe.valid`. */
export const fieldEmitters: Readonly<Record<string, (x: string) => string>> = {
  "pte.present": (x) => bool(`(${x} & ${PTE.P | PTE.PROTNONE}) !== 0`),
  "pte.writable": (x) => bool(`(${x} & ${PTE.W}) !== 0`),
  "pte.dirty": (x) => bool(`(${x} & ${PTE.D}) !== 0`),
  "pte.accessed": (x) => bool(`(${x} & ${PTE.A}) !== 0`),
  "pte.protnone": (x) => bool(`(${x} & ${PTE.PROTNONE}) !== 0`),
  "pte.migration": (x) => bool(`(${x} & ${PTE.MIGRATION}) !== 0`),
  "pte.swap": swapEntry,
  "pte.none": (x) => bool(`${x} === 0`),
  "pte.pfn": (x) => pfn(x),
  "tlbe.valid": (x) => bool(`(${x} & ${TLBE.V}) !== 0`),
  "tlbe.writable": (x) => bool(`(${x} & ${TLBE.W}) !== 0`),
  "tlbe.dirty": (x) => bool(`(${x} & ${TLBE.D}) !== 0`),
  "tlbe.pfn": (x) => `((${x}) >>> ${TLBE.PFN_SHIFT})`,
};

const ptl = (c: EmitCtx, p: Arg): number => c.L.ptlOf[pageOf(p)]!;

export const stmtEmitters: Readonly<Record<string, StmtEmitter>> = {
  // locks
  mmap_read_lock: (c) =>
    `if (${c.slot(c.L.mmapLock)} === ${c.L.nThreads + 1}) ${c.block} ${c.put(c.L.mmapLock, `${c.slot(c.L.mmapLock)} + 1`)}`,
  mmap_read_unlock: (c) => c.put(c.L.mmapLock, `${c.slot(c.L.mmapLock)} - 1`),
  mmap_write_lock: (c) =>
    `if (${c.slot(c.L.mmapLock)} !== 0) ${c.block} ${c.put(c.L.mmapLock, `${c.L.nThreads + 1}`)}`,
  mmap_write_unlock: (c) => c.put(c.L.mmapLock, "0"),
  pte_lock: (c, [p]) =>
    `if (${c.slot(ptl(c, p!))} !== 0) ${c.block} ${c.put(ptl(c, p!), `${c.tid + 1}`)}`,
  pte_unlock: (c, [p]) => c.put(ptl(c, p!), "0"),
  lock_page: (c, [f]) =>
    `if (${c.rd(c.L.locked, f!.code)} !== 0) ${c.block} ${c.wr(c.L.locked, f!.code, `${c.tid + 1}`)}`,
  unlock_page: (c, [f]) => c.wr(c.L.locked, f!.code, "0"),
  wait_on_page_locked: (c, [f]) => `if (${c.rd(c.L.locked, f!.code)} !== 0) ${c.block}`,
  trylock_page: (c, [f], dest) => {
    const free = c.fresh();
    return `const ${free} = ${c.rd(c.L.locked, f!.code)} === 0; if (${free}) { ${c.wr(c.L.locked, f!.code, `${c.tid + 1}`)} } ${dest(`(+${free})`)}`;
  },
  // page table entries
  ptep_get_and_clear: (c, [p], dest) =>
    `${dest(c.slot(c.L.pte[pageOf(p!)]!))} ${c.put(c.L.pte[pageOf(p!)]!, "0")} ${unsettle(c, p!)}`,
  set_pte_at: (c, [p, v]) =>
    `${c.put(c.L.pte[pageOf(p!)]!, `(${v!.code})${pteMask(c)}`)} ${unsettle(c, p!)} ${
      c.L.monitor < 0 ? "" : `R.mapped(t, ${c.slot(c.L.pte[pageOf(p!)]!)});`
    }`,
  pte_clear: (c, [p]) => `${c.put(c.L.pte[pageOf(p!)]!, "0")} ${unsettle(c, p!)}`,
  syscall_returned: (c, [r]) =>
    pagesOf(r!)
      .map((p) => c.put(c.L.settled[p]!, "1"))
      .join(" "),
  // TLB flushes: one atomic step on every CPU of the mm (a synchronous IPI shootdown)
  flush_tlb_page: (c, [p]) => `R.flushPage(t, ${pageOf(p!)});`,
  flush_tlb_range: (_, [r]) =>
    pagesOf(r!)
      .map((p) => `R.flushPage(t, ${p});`)
      .join(" "),
  flush_tlb_mm: () => "R.flushAll(t);",
  set_tlb_flush_pending: (c) => c.put(c.L.flushPending, "1"),
  clear_tlb_flush_pending: (c) => c.put(c.L.flushPending, "0"),
  inc_tlb_flush_pending: (c) => c.put(c.L.flushPending, `${c.slot(c.L.flushPending)} + 1`),
  dec_tlb_flush_pending: (c) => c.put(c.L.flushPending, `${c.slot(c.L.flushPending)} - 1`),
  set_tlb_flush_batched: (c, [v]) => c.put(c.L.flushBatched, `(${v!.code} ? 1 : 0)`),
  tlb_ubc_add: (c, [w]) =>
    c.put(c.L.ubc[c.tid]!, `${c.slot(c.L.ubc[c.tid]!)} | 1 | (${w!.code} ? 2 : 0)`),
  tlb_ubc_flush: (c) =>
    c.L.ubc[c.tid]! < 0 ? "R.flushAll(t);" : `R.flushAll(t); ${c.put(c.L.ubc[c.tid]!, "0")}`,
  tlb_remove_tlb_entry: (c, [p]) =>
    c.put(c.L.gatherRange[c.tid]!, `${c.slot(c.L.gatherRange[c.tid]!)} | ${1 << pageOf(p!)}`),
  tlb_adjust_range: (c, [r]) =>
    c.put(
      c.L.gatherRange[c.tid]!,
      `${c.slot(c.L.gatherRange[c.tid]!)} | ${pagesOf(r!).reduce((m, p) => m | (1 << p), 0)}`,
    ),
  tlb_remove_page: (c, [f]) =>
    c.put(
      c.L.gatherPages[c.tid]!,
      `${c.slot(c.L.gatherPages[c.tid]!)} | (1 << ((${f!.code}) - 1))`,
    ),
  tlb_flush_mmu_tlbonly: (c) =>
    c.L.gatherRange[c.tid]! < 0
      ? ""
      : `R.flushPageMask(t, ${c.slot(c.L.gatherRange[c.tid]!)}); ${c.put(c.L.gatherRange[c.tid]!, "0")}`,
  tlb_flush_mmu_free: (c) =>
    c.L.gatherPages[c.tid]! < 0
      ? ""
      : `R.putFrameMask(t, ${c.slot(c.L.gatherPages[c.tid]!)}); ${c.put(c.L.gatherPages[c.tid]!, "0")}`,
  // page frames
  alloc_page: (_, __, dest) => dest("R.alloc(t)"),
  get_page: (_, [f]) => `R.get(t, ${f!.code});`,
  get_page_unless_zero: (c, [f], dest) => {
    const ok = c.fresh();
    return `const ${ok} = ${f!.code} !== 0 && ${c.rd(c.L.ref, f!.code)} !== 0; if (${ok}) R.get(t, ${f!.code}); ${dest(`(+${ok})`)}`;
  },
  put_page: (_, [f]) => `R.put(t, ${f!.code});`,
  page_add_rmap: (c, [f]) => c.wr(c.L.mapcount, f!.code, `${c.rd(c.L.mapcount, f!.code)} + 1`),
  page_add_new_anon_rmap: (c, [f]) =>
    `${c.wr(c.L.mapcount, f!.code, "1")} ${c.wr(c.L.flags, f!.code, `${c.rd(c.L.flags, f!.code)} | ${PAGE.ANON}`)}`,
  page_remove_rmap: (c, [f]) => c.wr(c.L.mapcount, f!.code, `${c.rd(c.L.mapcount, f!.code)} - 1`),
  set_page_dirty: (c, [f]) =>
    c.wr(c.L.flags, f!.code, `${c.rd(c.L.flags, f!.code)} | ${PAGE.DIRTY}`),
  clear_page_dirty: (c, [f]) =>
    c.wr(c.L.flags, f!.code, `${c.rd(c.L.flags, f!.code)} & ${~PAGE.DIRTY}`),
  test_clear_page_dirty: (c, [f], dest) =>
    `${dest(`(${c.rd(c.L.flags, f!.code)} & ${PAGE.DIRTY})`)} ${c.wr(c.L.flags, f!.code, `${c.rd(c.L.flags, f!.code)} & ${~PAGE.DIRTY}`)}`,
  copy_page: (_, [to, from]) => `R.copy(t, ${to!.code}, ${from!.code});`,
  pages_identical: (_, [page, kpage], dest) =>
    dest(`R.pagesIdentical(t, ${page!.code}, ${kpage!.code})`),
  page_write_word: (_, [f, w, v]) => `R.setData(t, ${f!.code}, ${w!.code}, ${v!.code});`,
  // page cache and files
  find_get_page: (_, [fp], dest) => dest(`R.findGetPage(t, ${fp!.code}, false)`),
  find_get_dirty_page: (_, [fp], dest) => dest(`R.findGetPage(t, ${fp!.code}, true)`),
  add_to_page_cache: (_, [f, fp], dest) => dest(`R.addToPageCache(t, ${f!.code}, ${fp!.code})`),
  delete_from_page_cache: (_, [f]) => `R.deleteFromPageCache(t, ${f!.code});`,
  remove_mapping: (_, [f], dest) => dest(`R.removeMapping(t, ${f!.code})`),
  writepage: (_, [f]) => `R.writepage(t, ${f!.code});`,
  readpage: (_, [f, fp]) => `R.readpage(t, ${f!.code}, ${fp!.code});`,
  truncate_disk_page: (_, [fp]) => `R.truncateDisk(t, ${fp!.code});`,
  migrate_page_move_mapping: (_, [to, from], dest) =>
    dest(`R.moveMapping(t, ${to!.code}, ${from!.code})`),
  migrate_page_copy: (_, [to, from]) => `R.migrateCopy(t, ${to!.code}, ${from!.code});`,
  // swap and large folios
  add_to_swap: (_, [f], dest) => dest(`R.addToSwap(t, ${f!.code})`),
  add_to_swap_cache: (_, [f, slot], dest) => dest(`R.addToSwapCache(t, ${f!.code}, ${slot!.code})`),
  delete_from_swap_cache: (_, [f]) => `R.deleteFromPageCache(t, ${f!.code});`,
  swap_duplicate: (_, [slot]) => `R.swapCountAdd(t, ${slot!.code}, 1);`,
  swap_free: (_, [slot]) => `R.swapCountAdd(t, ${slot!.code}, -1);`,
  __split_unmapped_folio: (_, [f]) => `R.splitFolio(t, ${f!.code});`,
  folio_mark_lazyfree: (c, [f]) => {
    const flags = c.rd(c.L.flags, f!.code);
    const anon = `(${flags} & ${PAGE.ANON}) !== 0 && !R.isSwapSlot(${c.rd(c.L.mapping, f!.code)})`;
    return `if (${anon}) { ${c.wr(c.L.flags, f!.code, `${flags} | ${PAGE.LAZYFREE}`)} }`;
  },
  folio_set_swapbacked: (c, [f]) =>
    c.wr(c.L.flags, f!.code, `${c.rd(c.L.flags, f!.code)} & ${~PAGE.LAZYFREE}`),
  // VMAs
  vma_map: (c, [r, source, share, prot]) =>
    pagesOf(r!)
      .map((p, i) => {
        const src = source!.code;
        const flags = `${VMA.VALID} | (${prot!.code} >= 1 ? ${VMA.READ} : 0) | (${prot!.code} === 2 ? ${VMA.WRITE} : 0) | (${share!.code} === 0 ? ${VMA.SHARED} : 0)`;
        const backing = `(${src} === 0 ? ${VMA.ANON} : ((${src} + ${i}) << ${VMA.FPAGE_SHIFT}))`;
        return c.put(c.L.vma[p]!, `${flags} | ${backing}`);
      })
      .join(" "),
  vma_unmap: (c, [r]) =>
    pagesOf(r!)
      .map((p) => c.put(c.L.vma[p]!, "0"))
      .join(" "),
  vma_copy: (c, [from, to]) =>
    pagesOf(from!)
      .map((p, i) => c.put(c.L.vma[pagesOf(to!)[i]!]!, c.slot(c.L.vma[p]!)))
      .join(" "),
  vma_set_prot: (c, [r, prot]) =>
    pagesOf(r!)
      .map((p) =>
        c.put(
          c.L.vma[p]!,
          `(${c.slot(c.L.vma[p]!)} & ${~(VMA.READ | VMA.WRITE)}) | (${prot!.code} >= 1 ? ${VMA.READ} : 0) | (${prot!.code} === 2 ? ${VMA.WRITE} : 0)`,
        ),
      )
      .join(" "),
  vma_set_uffd_wp: (c, [r]) =>
    pagesOf(r!)
      .map((p) => c.put(c.L.vma[p]!, `${c.slot(c.L.vma[p]!)} | ${VMA.UFFD_WP}`))
      .join(" "),
};
