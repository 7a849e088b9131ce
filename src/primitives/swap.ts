import { PAGE } from "./encoding.js";
import { bool, family, frame, frameState, param, reads, readsWrites } from "./primitive.js";

/**
 * Swap: the swap device's slots are file pages after the files' (the swap cache is their page
 * cache), each with a swap_map count; and lazyfree (MADV_FREE'd) anonymous pages.
 */
export const swap = family({
  page_swapcache: {
    params: [frame],
    result: "bool",
    effect: "read",
    doc: "folio_test_swapcache()",
    touches: [reads("mapping")],
    emit: { expr: (c, [f]) => bool(`R.isSwapSlot(${c.rd(c.L.mapping, f!.code)})`) },
  },
  page_swap_slot: {
    params: [frame],
    result: "fpage",
    effect: "read",
    doc: "folio->swap: the slot of a swap-cache page",
    touches: [reads("mapping")],
    emit: {
      expr: (c, [f]) =>
        `(R.isSwapSlot(${c.rd(c.L.mapping, f!.code)}) ? ${c.rd(c.L.mapping, f!.code)} : 0)`,
    },
  },
  page_lazyfree: {
    params: [frame],
    result: "bool",
    effect: "read",
    doc: "folio_test_anon() && !folio_test_swapbacked(): MADV_FREE'd, reclaim may discard it",
    touches: [reads("flags")],
    emit: {
      expr: (c, [f]) =>
        bool(
          `(${c.rd(c.L.flags, f!.code)} & ${PAGE.ANON | PAGE.LAZYFREE}) === ${PAGE.ANON | PAGE.LAZYFREE}`,
        ),
    },
  },
  lru_lazyfree_add: {
    params: [frame, param("clear_lru", "bool")],
    result: "void",
    effect: "write",
    doc:
      "folio_batch_add_and_move(…, lru_lazyfree): this CPU's lru_lazyfree batch takes the page " +
      "with a reference; with clear_lru (33dfe9204f29) only if folio_test_clear_lru(); a large " +
      "folio drains the batch at once (folio_batch_move_lru())",
    touches: frameState("rw"),
    needs: ["lazyfree"],
    emit: {
      stmt: (c, [f, clear]) =>
        `R.lazyfreeAdd(t, ${f!.code}, ${c.L.lruBatchBit[c.tid]}, ${clear!.code} ? 1 : 0);`,
    },
  },
  lru_add_drain: {
    params: [],
    result: "void",
    effect: "write",
    shown: true,
    doc:
      "lru_add_drain(): this CPU's batches drain; lru_lazyfree_fn() clears PG_swapbacked of " +
      "each page still on the LRU, and the batch's references go",
    touches: frameState("rw"),
    needs: ["lazyfree"],
    emit: { stmt: (c) => `R.lruDrain(t, ${c.L.lruBatchBit[c.tid]});` },
  },
  lru_add_drain_all: {
    params: [],
    result: "void",
    effect: "write",
    shown: true,
    doc: "lru_add_drain_all(): every CPU's batches drain (lru_add_drain_per_cpu() on each)",
    touches: frameState("rw"),
    needs: ["lazyfree"],
    emit: { stmt: (c) => `R.lruDrain(t, ${c.L.lruBatchBit.reduce((a, b) => a | b, 0)});` },
  },
  folio_test_lru: {
    params: [frame],
    result: "bool",
    effect: "read",
    doc: "folio_test_lru(), PageLRU(): on an LRU list, not isolated",
    touches: [reads("flags")],
    needs: ["lazyfree"],
    emit: { expr: (_, [f]) => bool(`R.onLru(t, ${f!.code})`) },
  },
  folio_test_clear_lru: {
    params: [frame],
    result: "bool",
    effect: "write",
    doc: "isolate_lru_folios()'s folio_test_clear_lru() (__isolate_lru_page() before 5.x): take it off the LRU",
    touches: [readsWrites("flags")],
    needs: ["lazyfree"],
    emit: { stmt: (_, [f], dest) => dest(`R.isolateLru(t, ${f!.code})`) },
  },
  folio_set_lru: {
    params: [frame],
    result: "void",
    effect: "write",
    doc: "folio_set_lru(): back on the LRU (move_folios_to_lru(), putback_inactive_pages())",
    touches: [readsWrites("flags")],
    needs: ["lazyfree"],
    emit: {
      stmt: (c, [f]) => c.wr(c.L.flags, f!.code, `${c.rd(c.L.flags, f!.code)} & ${~PAGE.ISOLATED}`),
    },
  },
  folio_set_swapbacked: {
    params: [frame],
    result: "void",
    effect: "write",
    doc: "folio_set_swapbacked(): redirtied, keep it",
    touches: [readsWrites("flags")],
    emit: {
      stmt: (c, [f]) => c.wr(c.L.flags, f!.code, `${c.rd(c.L.flags, f!.code)} & ${~PAGE.LAZYFREE}`),
    },
  },
  swap_count: {
    params: [param("slot", "fpage")],
    result: "int",
    effect: "read",
    doc: "__swap_count(): the swap entries holding it",
    touches: [reads("swap_map")],
    emit: { expr: (_, [slot]) => `R.swapCount(t, ${slot!.code})` },
  },
  add_to_swap: {
    params: [frame],
    result: "bool",
    effect: "write",
    doc:
      "add_to_swap(): folio_alloc_swap(), add_to_swap_cache() and folio_mark_dirty() (the PTE " +
      "may be clean); false when swap is full",
    touches: [reads("swap_map"), readsWrites("cache"), ...frameState("rw")],
    needs: ["swap"],
    emit: { stmt: (_, [f], dest) => dest(`R.addToSwap(t, ${f!.code})`) },
  },
  add_to_swap_cache: {
    params: [frame, param("slot", "fpage")],
    result: "bool",
    effect: "write",
    doc: "swapcache_prepare() and add_to_swap_cache() for swap-in; false if freed or cached",
    touches: [reads("swap_map"), readsWrites("cache"), ...frameState("rw")],
    emit: {
      stmt: (_, [f, slot], dest) => dest(`R.addToSwapCache(t, ${f!.code}, ${slot!.code})`),
    },
  },
  delete_from_swap_cache: {
    params: [frame],
    result: "void",
    effect: "write",
    doc: "delete_from_swap_cache(): drops the cache's reference; put_swap_folio() frees an unused slot",
    touches: [readsWrites("cache"), ...frameState("rw")],
    emit: { stmt: (_, [f]) => `R.deleteFromPageCache(t, ${f!.code});` },
  },
  swap_duplicate: {
    params: [param("slot", "fpage")],
    result: "void",
    effect: "write",
    doc: "swap_duplicate(): one more swap entry",
    touches: [readsWrites("swap_map")],
    emit: { stmt: (_, [slot]) => `R.swapCountAdd(t, ${slot!.code}, 1);` },
  },
  swap_free: {
    params: [param("slot", "fpage")],
    result: "void",
    effect: "write",
    doc: "swap_free(): one swap entry fewer",
    touches: [readsWrites("swap_map")],
    emit: { stmt: (_, [slot]) => `R.swapCountAdd(t, ${slot!.code}, -1);` },
  },
});
