import type { Type } from "./types.js";

/**
 * The primitives of the machine: what kernel procs are written with. Each is one atomic action
 * of the model (or a pure function of its arguments); src/model/primitives.ts implements them
 * and test/model/primitives.test.ts checks that both tables agree. Names follow the kernel.
 */
export interface Builtin {
  readonly params: readonly { readonly name: string; readonly type: Type }[];
  readonly result: Type;
  /**
   * pure: a function of its arguments; local: reads or writes only the calling thread's private
   * kernel state (its mmu_gather, its tlb_ubc), so it is no scheduling point; read: reads shared
   * model state; write: changes it.
   */
  readonly effect: "pure" | "local" | "read" | "write";
  /** Waits (the step is disabled) until it can proceed: a lock. */
  readonly blocks?: boolean;
  /** May appear in conditions (they see the final state). */
  readonly inConditions?: boolean;
  readonly doc: string;
}

const p = (name: string, type: Type) => ({ name, type });
const pure = (params: Builtin["params"], result: Type, doc: string): Builtin => ({
  params,
  result,
  effect: "pure",
  doc,
});
const read = (
  params: Builtin["params"],
  result: Type,
  doc: string,
  inConditions = false,
): Builtin => ({
  params,
  result,
  effect: "read",
  doc,
  inConditions,
});
const write = (params: Builtin["params"], result: Type, doc: string, blocks = false): Builtin => ({
  params,
  result,
  effect: "write",
  blocks,
  doc,
});

const local = (params: Builtin["params"], result: Type, doc: string): Builtin => ({
  params,
  result,
  effect: "local",
  doc,
});

const pte = p("pte", "pte");
const page = p("addr", "page");
const frame = p("page", "frame");

export const builtins: Readonly<Record<string, Builtin>> = {
  // ---- locks ----------------------------------------------------------------------------
  mmap_read_lock: write([], "void", "down_read(&mm->mmap_lock) (mmap_sem before 5.8)", true),
  mmap_read_unlock: write([], "void", "up_read(&mm->mmap_lock)"),
  mmap_write_lock: write([], "void", "down_write(&mm->mmap_lock)", true),
  mmap_write_unlock: write([], "void", "up_write(&mm->mmap_lock)"),
  pte_lock: write(
    [page],
    "void",
    "spin_lock() of the PTL of the page table mapping addr (pte_offset_map_lock)",
    true,
  ),
  pte_unlock: write([page], "void", "spin_unlock() of that PTL (pte_unmap_unlock)"),
  lock_page: write([frame], "void", "lock_page(): sleep until PG_locked can be set", true),
  trylock_page: write([frame], "bool", "trylock_page()"),
  unlock_page: write([frame], "void", "unlock_page()"),
  wait_on_page_locked: write(
    [frame],
    "void",
    "wait_on_page_locked(): sleep until PG_locked is clear",
    true,
  ),

  // ---- page table entries -----------------------------------------------------------------
  ptep_get: read([page], "pte", "READ_ONCE(*ptep)"),
  ptep_get_and_clear: write(
    [page],
    "pte",
    "atomic xchg of the PTE with 0: no hardware D update is lost",
  ),
  set_pte_at: write([page, pte], "void", "set_pte_at()"),
  pte_clear: write([page], "void", "pte_clear()"),
  pte_present: pure(
    [pte],
    "bool",
    "pte_present(): P, or PROT_NONE (x86 treats protnone as present)",
  ),
  pte_none: pure([pte], "bool", "pte_none()"),
  pte_present_bit: pure(
    [pte],
    "bool",
    "pte_flags(pte) & _PAGE_PRESENT: the bit the MMU reads, clear in a PROT_NONE entry",
  ),
  pte_dirty: pure([pte], "bool", "pte_dirty()"),
  pte_write: pure([pte], "bool", "pte_write()"),
  pte_young: pure([pte], "bool", "pte_young()"),
  pte_protnone: pure([pte], "bool", "pte_protnone(): a NUMA hinting entry"),
  pte_pfn: pure([pte], "frame", "pte_page(): the frame the entry maps"),
  pte_mkclean: pure([pte], "pte", "pte_mkclean()"),
  pte_mkdirty: pure([pte], "pte", "pte_mkdirty()"),
  pte_mkold: pure([pte], "pte", "pte_mkold()"),
  pte_mkyoung: pure([pte], "pte", "pte_mkyoung()"),
  pte_wrprotect: pure([pte], "pte", "pte_wrprotect()"),
  pte_mkwrite: pure([pte], "pte", "pte_mkwrite()"),
  pte_modify: pure(
    [pte, p("prot", "prot")],
    "pte",
    "pte_modify(): new protection, same frame and A/D bits",
  ),
  pte_mkprotnone: pure([pte], "pte", "pte_modify(pte, PAGE_NONE) as change_prot_numa() does"),
  mk_pte: pure([frame, p("prot", "prot")], "pte", "mk_pte(): a present entry, clean and old"),
  zero_pte: pure([], "pte", "__pte(0): no entry (pte_none())"),
  make_migration_entry: pure(
    [frame, p("write", "bool")],
    "pte",
    "a non-present migration entry for page",
  ),
  is_migration_entry: pure([pte], "bool", "is_swap_pte() && is_migration_entry()"),
  migration_entry_to_page: pure([pte], "frame", "migration_entry_to_page()"),
  is_swap_entry: pure(
    [pte],
    "bool",
    "is_swap_pte() && !non_swap_entry(): the entry holds a swap slot",
  ),
  swp_entry_to_pte: pure([p("slot", "fpage")], "pte", "swp_entry_to_pte(): a swap entry"),
  swp_offset: pure([pte], "fpage", "pte_to_swp_entry() and swp_offset(): the swap slot"),
  pte_maps: pure(
    [pte, frame],
    "bool",
    "the entry is present (or PROT_NONE) and maps page: page_vma_mapped_walk()'s test",
  ),
  same_ptl: pure(
    [p("a", "page"), p("b", "page")],
    "bool",
    "both addresses are mapped by one page table, so one PTL",
  ),

  // ---- TLB --------------------------------------------------------------------------------
  flush_tlb_page: write(
    [page],
    "void",
    "flush_tlb_page(): every CPU of the mm, by synchronous IPI",
  ),
  flush_tlb_range: write([p("range", "range")], "void", "flush_tlb_range(): every CPU of the mm"),
  flush_tlb_mm: write([], "void", "flush_tlb_mm(): every entry of the mm on every CPU"),
  mm_tlb_flush_pending: read([], "bool", "mm_tlb_flush_pending(): mm->tlb_flush_pending != 0"),
  mm_tlb_flush_nested: read([], "bool", "mm_tlb_flush_nested(): mm->tlb_flush_pending > 1"),
  set_tlb_flush_pending: write(
    [],
    "void",
    "mm->tlb_flush_pending = true (a bool before 16af97dc5a89)",
  ),
  clear_tlb_flush_pending: write(
    [],
    "void",
    "mm->tlb_flush_pending = false (a bool before 16af97dc5a89)",
  ),
  inc_tlb_flush_pending: write([], "void", "atomic_inc(&mm->tlb_flush_pending)"),
  dec_tlb_flush_pending: write([], "void", "atomic_dec(&mm->tlb_flush_pending)"),
  mm_tlb_flush_batched: read([], "bool", "mm->tlb_flush_batched"),
  set_tlb_flush_batched: write([p("value", "bool")], "void", "mm->tlb_flush_batched = value"),
  tlb_ubc_add: local(
    [p("writable", "bool")],
    "void",
    "arch_tlbbatch_add_mm(); tlb_ubc->flush_required = true; writable |= …",
  ),
  tlb_ubc_flush_required: local([], "bool", "current->tlb_ubc.flush_required"),
  tlb_ubc_writable: local([], "bool", "current->tlb_ubc.writable"),
  tlb_ubc_flush: write(
    [],
    "void",
    "arch_tlbbatch_flush(): flush the batched CPUs; clear the batch",
  ),
  tlb_remove_tlb_entry: local(
    [page],
    "void",
    "tlb_remove_tlb_entry(): widen this thread's mmu_gather range",
  ),
  tlb_adjust_range: local(
    [p("range", "range")],
    "void",
    "__tlb_adjust_range(): widen this thread's mmu_gather range to the whole range",
  ),
  tlb_remove_page: local(
    [frame],
    "void",
    "__tlb_remove_page(): queue the page, freed after the flush",
  ),
  tlb_range_pending: local([], "bool", "tlb->end != 0: the mmu_gather has a range to flush"),
  tlb_pages_pending: local([], "bool", "the mmu_gather holds pages to free"),
  tlb_flush_mmu_tlbonly: write(
    [],
    "void",
    "tlb_flush_mmu_tlbonly(): flush the gathered range on every CPU",
  ),
  tlb_flush_mmu_free: write([], "void", "tlb_flush_mmu_free(): put_page() every gathered page"),

  // ---- page frames -----------------------------------------------------------------------
  alloc_page: write([], "frame", "alloc_page(): a free frame, refcount 1, clean, zeroed"),
  get_page: write([frame], "void", "get_page()"),
  get_page_unless_zero: write([frame], "bool", "get_page_unless_zero(): fails on a free page"),
  put_page: write([frame], "void", "put_page(): frees the frame at refcount 0"),
  page_count: read([frame], "int", "page_count()"),
  page_mapcount: read([frame], "int", "page_mapcount()"),
  page_mapped: read([frame], "bool", "page_mapped()"),
  page_add_rmap: write([frame], "void", "page_add_file_rmap() / page_add_anon_rmap(): mapcount++"),
  page_add_new_anon_rmap: write(
    [frame],
    "void",
    "page_add_new_anon_rmap(): a new anonymous page, mapcount 1",
  ),
  page_remove_rmap: write([frame], "void", "page_remove_rmap(): mapcount--"),
  page_dirty: read([frame], "bool", "PageDirty()"),
  set_page_dirty: write([frame], "void", "set_page_dirty()"),
  clear_page_dirty: write([frame], "void", "ClearPageDirty()"),
  test_clear_page_dirty: write([frame], "bool", "TestClearPageDirty()"),
  page_anon: read([frame], "bool", "PageAnon()"),
  page_fpage: read([frame], "fpage", "page->mapping and page->index: the file page it caches"),
  folio_test_large: read([frame], "bool", "folio_test_large(): the page belongs to a large folio"),
  folio_nr_pages: read([frame], "int", "folio_nr_pages() of the page's folio"),
  page_folio: read([frame], "frame", "page_folio(): the head page of the page's folio"),
  page_in_folio: pure(
    [frame, p("folio", "frame"), p("nr", "int")],
    "bool",
    "folio_page_idx(folio, page) < nr: page is one of the nr pages from folio's head",
  ),
  folio_pte_batch: read(
    [p("r", "range"), frame],
    "int",
    "folio_pte_batch() from the first PTE of r mapping page's folio: how many PTEs in a row " +
      "map its pages in order",
  ),
  __split_unmapped_folio: write(
    [frame],
    "void",
    "__split_unmapped_folio(): the unmapped, frozen folio becomes folios of one page",
  ),
  copy_page: write([p("to", "frame"), p("from", "frame")], "void", "copy_highpage()"),
  page_read_word: read([frame, p("word", "int")], "int", "a kernel read of one word of the page"),
  pages_identical: write(
    [p("page", "frame"), p("kpage", "frame")],
    "bool",
    "pages_identical(): memcmp() of the two pages; when equal, page's contents are now kpage's " +
      "(marked for the lost_write monitor)",
  ),
  page_write_word: write(
    [frame, p("word", "int"), p("value", "int")],
    "void",
    "a kernel write of one word",
  ),

  // ---- page cache and files --------------------------------------------------------------
  page_cache_page: read(
    [p("index", "fpage")],
    "frame",
    "the page cached at index, or null, without taking a reference (for abstract models)",
  ),
  find_get_page: write(
    [p("index", "fpage")],
    "frame",
    "find_get_page(): the cached page, with a reference, or null",
  ),
  find_get_dirty_page: write(
    [p("index", "fpage")],
    "frame",
    "pagevec_lookup_tag(PAGECACHE_TAG_DIRTY): the page if cached and dirty, with a reference",
  ),
  add_to_page_cache: write(
    [frame, p("index", "fpage")],
    "bool",
    "add_to_page_cache_lru(): the cache takes a reference; false if the index is taken",
  ),
  delete_from_page_cache: write(
    [frame],
    "void",
    "delete_from_page_cache(): drops the cache's reference",
  ),
  remove_mapping: write(
    [frame],
    "bool",
    "__remove_mapping(): if page_ref_freeze(page, 2) and !PageDirty, drop it from the cache",
  ),
  writepage: write(
    [frame],
    "void",
    "->writepage(): the contents reach the disk (I/O completes at once); unlocks the page",
  ),
  page_swapcache: read([frame], "bool", "folio_test_swapcache()"),
  page_lazyfree: read(
    [frame],
    "bool",
    "folio_test_anon() && !folio_test_swapbacked(): MADV_FREE'd, reclaim may discard it",
  ),
  folio_mark_lazyfree: write(
    [frame],
    "void",
    "folio_mark_lazyfree() → lru_lazyfree(): an anonymous page outside the swap cache loses " +
      "PG_swapbacked",
  ),
  folio_set_swapbacked: write([frame], "void", "folio_set_swapbacked(): redirtied, keep it"),
  page_swap_slot: read([frame], "fpage", "folio->swap: the slot of a swap-cache page"),
  swap_count: read([p("slot", "fpage")], "int", "__swap_count(): the swap entries holding it"),
  add_to_swap: write(
    [frame],
    "bool",
    "add_to_swap(): folio_alloc_swap(), add_to_swap_cache() and folio_mark_dirty() (the PTE " +
      "may be clean); false when swap is full",
  ),
  add_to_swap_cache: write(
    [frame, p("slot", "fpage")],
    "bool",
    "swapcache_prepare() and add_to_swap_cache() for swap-in; false if freed or cached",
  ),
  delete_from_swap_cache: write(
    [frame],
    "void",
    "delete_from_swap_cache(): drops the cache's reference; put_swap_folio() frees an unused slot",
  ),
  swap_duplicate: write([p("slot", "fpage")], "void", "swap_duplicate(): one more swap entry"),
  swap_free: write([p("slot", "fpage")], "void", "swap_free(): one swap entry fewer"),
  readpage: write(
    [frame, p("index", "fpage")],
    "void",
    "->readpage(): fill the page from the disk",
  ),
  truncate_disk_page: write(
    [p("index", "fpage")],
    "void",
    "the blocks of a truncated page are freed: later reads see zeroes",
  ),
  migrate_page_move_mapping: write(
    [p("new", "frame"), p("old", "frame")],
    "bool",
    "migrate_page_move_mapping(): freeze the expected references, move the page cache slot",
  ),
  migrate_page_copy: write(
    [p("new", "frame"), p("old", "frame")],
    "void",
    "migrate_page_copy(): copy the data and PG_dirty",
  ),
  file_page_word: pure([p("faddr", "faddr")], "int", "the word index of a file address"),
  file_page: pure([p("faddr", "faddr")], "fpage", "the page of a file address"),

  // ---- VMAs -------------------------------------------------------------------------------
  vma_present: read([page], "bool", "find_vma() covers addr"),
  vma_readable: read([page], "bool", "vma->vm_flags & VM_READ"),
  vma_writable: read([page], "bool", "vma->vm_flags & VM_WRITE"),
  vma_shared: read([page], "bool", "vma->vm_flags & VM_SHARED"),
  vma_anon: read([page], "bool", "vma_is_anonymous()"),
  vma_fpage: read(
    [page],
    "fpage",
    "the file page mapped at addr (vma->vm_file, linear_page_index())",
  ),
  vma_prot: read([page], "prot", "vma->vm_page_prot, as a protection"),
  vma_uffd_wp: read([page], "bool", "userfaultfd_wp(vma): VM_UFFD_WP is set"),
  vma_set_uffd_wp: write(
    [p("range", "range")],
    "void",
    "userfaultfd_register() with UFFDIO_REGISTER_MODE_WP: vm_flags |= VM_UFFD_WP",
  ),
  vma_map: write(
    [p("range", "range"), p("source", "source"), p("share", "share"), p("prot", "prot")],
    "void",
    "mmap_region(): a new VMA, no PTEs",
  ),
  vma_unmap: write(
    [p("range", "range")],
    "void",
    "detach and free the VMAs of range (do_munmap's VMA part)",
  ),
  vma_copy: write(
    [p("from", "range"), p("to", "range")],
    "void",
    "copy_vma(): the VMA of from, now at to",
  ),
  vma_set_prot: write(
    [p("range", "range"), p("prot", "prot")],
    "void",
    "mprotect_fixup(): vm_flags and vm_page_prot",
  ),
  page_of: pure([p("range", "range"), p("index", "int")], "page", "page index of range"),
  addr_page: pure([p("addr", "addr")], "page", "the page of an address"),

  // ---- conditions and the final state ----------------------------------------------------
  pte: read([page], "pte", "the PTE of addr", true),
  tlb_entry: read([p("cpu", "cpu"), page], "tlbe", "CPU cpu's TLB entry for addr", true),
  disk: read([p("faddr", "faddr")], "int", "the word on disk", true),
  cached: read([p("index", "fpage")], "bool", "the file page is in the page cache", true),
  dirty: read([p("index", "fpage")], "bool", "PG_dirty of the cached file page", true),
  fired: read(
    [p("monitor", "monitor")],
    "bool",
    "a built-in monitor fired during the execution (docs/model.md, Monitors)",
    true,
  ),

  // ---- monitor bookkeeping ------------------------------------------------------------------
  syscall_returned: local(
    [p("range", "range")],
    "void",
    "the syscall changing range returns: stale_tlb watches its pages from here (ghost state, " +
      "no kernel action; it runs with the step before it, and only when monitors are on)",
  ),
};

/** Named constants. */
export const constants: Readonly<Record<string, { readonly type: Type; readonly doc: string }>> = {
  null: { type: "frame", doc: "no frame" },
  ok: { type: "int", doc: "a step that completed" },
  segv: { type: "int", doc: "the step took SIGSEGV" },
  sigbus: { type: "int", doc: "the step took SIGBUS" },
};

/** Register and step-result encodings of the constants above (model values). */
export const resultCodes = { ok: -1, segv: -2, sigbus: -3, unset: -4 } as const;
