import {
  bool,
  family,
  frame,
  frameState,
  page,
  pageOf,
  pagesOf,
  param,
  pure,
  reads,
  readsWrites,
  writes,
} from "./primitive.js";

/**
 * TLB flushes (one atomic step on every CPU of the mm: a synchronous IPI shootdown), the mm's
 * pending-flush state, and the two per-thread batches: reclaim's tlb_ubc and the mmu_gather.
 */
export const tlbFamily = family({
  flush_tlb_page: {
    params: [page],
    result: "void",
    effect: "write",
    shown: true,
    doc: "flush_tlb_page(): every CPU of the mm, by synchronous IPI",
    touches: [writes("tlb", { page: 0 })],
    emit: { stmt: (_, [p]) => `R.flushPage(t, ${pageOf(p!)});` },
  },
  flush_tlb_range: {
    params: [param("range", "range")],
    result: "void",
    effect: "write",
    shown: true,
    doc: "flush_tlb_range(): every CPU of the mm",
    touches: [writes("tlb", { page: 0 })],
    emit: {
      stmt: (_, [r]) =>
        pagesOf(r!)
          .map((p) => `R.flushPage(t, ${p});`)
          .join(" "),
    },
  },
  flush_tlb_mm: {
    params: [],
    result: "void",
    effect: "write",
    shown: true,
    doc: "flush_tlb_mm(): every entry of the mm on every CPU",
    touches: [writes("tlb")],
    emit: { stmt: () => "R.flushAll(t);" },
  },
  mm_tlb_flush_pending: {
    params: [],
    result: "bool",
    effect: "read",
    shown: true,
    doc: "mm_tlb_flush_pending(): mm->tlb_flush_pending != 0",
    touches: [reads("flush_pending")],
    emit: { expr: (c) => bool(`${c.slot(c.L.flushPending)} > 0`) },
  },
  mm_tlb_flush_nested: {
    params: [],
    result: "bool",
    effect: "read",
    shown: true,
    doc: "mm_tlb_flush_nested(): mm->tlb_flush_pending > 1",
    touches: [reads("flush_pending")],
    emit: { expr: (c) => bool(`${c.slot(c.L.flushPending)} > 1`) },
  },
  set_tlb_flush_pending: {
    params: [],
    result: "void",
    effect: "write",
    shown: true,
    doc: "mm->tlb_flush_pending = true (a bool before 16af97dc5a89)",
    touches: [readsWrites("flush_pending")],
    emit: { stmt: (c) => c.put(c.L.flushPending, "1") },
  },
  clear_tlb_flush_pending: {
    params: [],
    result: "void",
    effect: "write",
    shown: true,
    doc: "mm->tlb_flush_pending = false (a bool before 16af97dc5a89)",
    touches: [readsWrites("flush_pending")],
    emit: { stmt: (c) => c.put(c.L.flushPending, "0") },
  },
  inc_tlb_flush_pending: {
    params: [],
    result: "void",
    effect: "write",
    shown: true,
    doc: "atomic_inc(&mm->tlb_flush_pending)",
    touches: [readsWrites("flush_pending")],
    emit: { stmt: (c) => c.put(c.L.flushPending, `${c.slot(c.L.flushPending)} + 1`) },
  },
  dec_tlb_flush_pending: {
    params: [],
    result: "void",
    effect: "write",
    shown: true,
    doc: "atomic_dec(&mm->tlb_flush_pending)",
    touches: [readsWrites("flush_pending")],
    emit: { stmt: (c) => c.put(c.L.flushPending, `${c.slot(c.L.flushPending)} - 1`) },
  },
  mm_tlb_flush_batched: {
    params: [],
    result: "bool",
    effect: "read",
    shown: true,
    doc: "mm->tlb_flush_batched; from 5ee2fa2f0636, its pending != flushed",
    touches: [reads("flush_batched")],
    emit: { expr: (c) => c.slot(c.L.flushBatched) },
  },
  set_tlb_flush_batched: {
    params: [param("value", "bool")],
    result: "void",
    effect: "write",
    shown: true,
    doc: "mm->tlb_flush_batched = value",
    touches: [readsWrites("flush_batched")],
    emit: { stmt: (c, [v]) => c.put(c.L.flushBatched, `(${v!.code} ? 1 : 0)`) },
  },
  // 5ee2fa2f0636 (5.17): mm->tlb_flush_batched is an atomic_t of two counters, the generations
  // batched (pending) and flushed. The model keeps what they decide: `flush_batched` is
  // pending != flushed, and each thread's `batch_read` bit says it read the counters
  // (atomic_read()) and no generation was batched since, which is when its atomic_cmpxchg()
  // succeeds. (A cmpxchg of another reader in between can only have read the same pending count,
  // so it leaves what ours would.) Exact while the counters do not wrap (16K batches).
  inc_tlb_flush_batched: {
    params: [],
    result: "void",
    effect: "write",
    shown: true,
    doc: "atomic_inc(&mm->tlb_flush_batched): one more pending generation (5ee2fa2f0636)",
    touches: [readsWrites("flush_batched")],
    emit: {
      stmt: (c) =>
        [
          c.put(c.L.flushBatched, "1"),
          ...c.L.batchRead.filter((s) => s >= 0).map((s) => c.put(s, "0")),
        ].join(" "),
    },
  },
  tlb_flush_batched_read: {
    params: [],
    result: "void",
    effect: "write",
    shown: true,
    doc: "batch = atomic_read(&mm->tlb_flush_batched), kept for this thread's cmpxchg (5ee2fa2f0636)",
    touches: [readsWrites("flush_batched")],
    emit: { stmt: (c) => c.put(c.L.batchRead[c.tid]!, "1") },
  },
  tlb_flush_batched_cmpxchg: {
    params: [],
    result: "void",
    effect: "write",
    shown: true,
    doc: "atomic_cmpxchg(&mm->tlb_flush_batched, batch, pending | pending << SHIFT): the flush is recorded unless a generation was batched since batch was read (5ee2fa2f0636)",
    touches: [readsWrites("flush_batched")],
    emit: {
      stmt: (c) => {
        const mine = c.L.batchRead[c.tid]!;
        return `if (${c.slot(mine)} !== 0) ${c.put(c.L.flushBatched, "0")} ${c.put(mine, "0")}`;
      },
    },
  },
  tlb_ubc_add: {
    params: [param("writable", "bool")],
    result: "void",
    effect: "local",
    doc: "arch_tlbbatch_add_mm(); tlb_ubc->flush_required = true; writable |= …",
    touches: [readsWrites("tlb_ubc")],
    emit: {
      stmt: (c, [w]) =>
        c.put(c.L.ubc[c.tid]!, `${c.slot(c.L.ubc[c.tid]!)} | 1 | (${w!.code} ? 2 : 0)`),
    },
  },
  tlb_ubc_flush_required: {
    params: [],
    result: "bool",
    effect: "local",
    shown: true,
    doc: "current->tlb_ubc.flush_required",
    touches: [reads("tlb_ubc")],
    emit: {
      expr: (c) => (c.L.ubc[c.tid]! < 0 ? "0" : `(${c.slot(c.L.ubc[c.tid]!)} & 1)`),
    },
  },
  tlb_ubc_writable: {
    params: [],
    result: "bool",
    effect: "local",
    doc: "current->tlb_ubc.writable",
    touches: [reads("tlb_ubc")],
    emit: {
      expr: (c) => (c.L.ubc[c.tid]! < 0 ? "0" : `(${c.slot(c.L.ubc[c.tid]!)} >>> 1)`),
    },
  },
  tlb_ubc_flush: {
    params: [],
    result: "void",
    effect: "write",
    shown: true,
    doc: "arch_tlbbatch_flush(): flush the batched CPUs; clear the batch",
    touches: [readsWrites("tlb_ubc"), writes("tlb")],
    emit: {
      stmt: (c) =>
        c.L.ubc[c.tid]! < 0 ? "R.flushAll(t);" : `R.flushAll(t); ${c.put(c.L.ubc[c.tid]!, "0")}`,
    },
  },
  tlb_remove_tlb_entry: {
    params: [page],
    result: "void",
    effect: "local",
    doc: "tlb_remove_tlb_entry(): widen this thread's mmu_gather range",
    touches: [readsWrites("gather_range")],
    emit: {
      stmt: (c, [p]) =>
        c.put(c.L.gatherRange[c.tid]!, `${c.slot(c.L.gatherRange[c.tid]!)} | ${1 << pageOf(p!)}`),
    },
  },
  tlb_adjust_range: {
    params: [param("range", "range")],
    result: "void",
    effect: "local",
    doc: "__tlb_adjust_range(): widen this thread's mmu_gather range to the whole range",
    touches: [readsWrites("gather_range")],
    emit: {
      stmt: (c, [r]) =>
        c.put(
          c.L.gatherRange[c.tid]!,
          `${c.slot(c.L.gatherRange[c.tid]!)} | ${pagesOf(r!).reduce((m, p) => m | (1 << p), 0)}`,
        ),
    },
  },
  tlb_remove_page: {
    params: [frame],
    result: "void",
    effect: "local",
    doc: "__tlb_remove_page(): queue the page, freed after the flush",
    touches: [readsWrites("gather_pages")],
    emit: {
      stmt: (c, [f]) =>
        c.put(
          c.L.gatherPages[c.tid]!,
          `${c.slot(c.L.gatherPages[c.tid]!)} | (1 << ((${f!.code}) - 1))`,
        ),
    },
  },
  tlb_remove_page_delay_rmap: {
    params: [frame],
    result: "void",
    effect: "local",
    doc: "__tlb_remove_page(tlb, page, delay_rmap = 1) (5df397dec7c4): queue the page, and its page_remove_rmap() for tlb_flush_rmaps()",
    touches: [readsWrites("gather_pages"), readsWrites("gather_rmaps")],
    emit: {
      stmt: (c, [f]) =>
        c.put(
          c.L.gatherPages[c.tid]!,
          `${c.slot(c.L.gatherPages[c.tid]!)} | (1 << ((${f!.code}) - 1))`,
        ) +
        " " +
        c.put(
          c.L.gatherRmaps[c.tid]!,
          `${c.slot(c.L.gatherRmaps[c.tid]!)} | (1 << ((${f!.code}) - 1))`,
        ),
    },
  },
  tlb_flush_rmaps: {
    params: [],
    result: "void",
    effect: "write",
    shown: true,
    doc: "tlb_flush_rmaps() (5df397dec7c4): page_remove_rmap() every delayed page, after the flush and under the PTL",
    touches: [readsWrites("gather_rmaps", { resets: true }), readsWrites("mapcount")],
    emit: {
      stmt: (c) =>
        c.L.gatherRmaps[c.tid]! < 0
          ? ""
          : `R.removeRmapMask(t, ${c.slot(c.L.gatherRmaps[c.tid]!)}); ${c.put(c.L.gatherRmaps[c.tid]!, "0")}`,
    },
  },
  tlb_range_pending: {
    params: [],
    result: "bool",
    effect: "local",
    doc: "tlb->end != 0: the mmu_gather has a range to flush",
    touches: [reads("gather_range")],
    emit: {
      expr: (c) =>
        c.L.gatherRange[c.tid]! < 0 ? "0" : bool(`${c.slot(c.L.gatherRange[c.tid]!)} !== 0`),
    },
  },
  tlb_pages_pending: {
    params: [],
    result: "bool",
    effect: "local",
    doc: "the mmu_gather holds pages to free",
    touches: [reads("gather_pages")],
    emit: {
      expr: (c) =>
        c.L.gatherPages[c.tid]! < 0 ? "0" : bool(`${c.slot(c.L.gatherPages[c.tid]!)} !== 0`),
    },
  },
  tlb_flush_mmu_tlbonly: {
    params: [],
    result: "void",
    effect: "write",
    shown: true,
    doc: "tlb_flush_mmu_tlbonly(): flush the gather's range [start, end) on every CPU (x86 tlb_flush() → flush_tlb_mm_range()): every page from the lowest gathered to the highest",
    touches: [readsWrites("gather_range", { resets: true }), writes("tlb")],
    emit: {
      stmt: (c) =>
        c.L.gatherRange[c.tid]! < 0
          ? ""
          : `R.flushPageSpan(t, ${c.slot(c.L.gatherRange[c.tid]!)}); ${c.put(c.L.gatherRange[c.tid]!, "0")}`,
    },
  },
  tlb_flush_mmu_free: {
    params: [],
    result: "void",
    effect: "write",
    shown: true,
    doc: "tlb_flush_mmu_free(): put_page() every gathered page",
    touches: [readsWrites("gather_pages", { resets: true }), ...frameState("rw")],
    emit: {
      stmt: (c) =>
        c.L.gatherPages[c.tid]! < 0
          ? ""
          : `R.putFrameMask(t, ${c.slot(c.L.gatherPages[c.tid]!)}); ${c.put(c.L.gatherPages[c.tid]!, "0")}`,
    },
  },
});
