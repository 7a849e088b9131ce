import { PAGE } from "./encoding.js";
import { bool, family, page, pageOf, param, reads } from "./primitive.js";

/** Observations of the final state, for conditions. */
export const finalState = family({
  pte: {
    params: [page],
    result: "pte",
    effect: "read",
    inConditions: true,
    doc: "the PTE of addr",
    touches: [reads("pte", { page: 0 })],
    emit: { expr: (c, [p]) => c.slot(c.L.pte[pageOf(p!)]!) },
  },
  tlb_entry: {
    params: [param("cpu", "cpu"), page],
    result: "tlbe",
    effect: "read",
    inConditions: true,
    doc: "CPU cpu's TLB entry for addr",
    touches: [reads("tlb", { page: 1 })],
    emit: { expr: (_, [cpu, p]) => `R.tlbEntry(t, ${cpu!.code}, ${pageOf(p!)})` },
  },
  disk: {
    params: [param("faddr", "faddr")],
    result: "int",
    effect: "read",
    inConditions: true,
    doc: "the word on disk",
    touches: [reads("disk")],
    emit: { expr: (_, [a]) => `R.disk(t, (${a!.code}) >>> 3, (${a!.code}) & 7)` },
  },
  cached: {
    params: [param("index", "fpage")],
    result: "bool",
    effect: "read",
    inConditions: true,
    doc: "the file page is in the page cache",
    touches: [reads("cache")],
    emit: { expr: (c, [fp]) => bool(`${c.rd(c.L.cache, fp!.code)} !== 0`) },
  },
  dirty: {
    params: [param("index", "fpage")],
    result: "bool",
    effect: "read",
    inConditions: true,
    doc: "PG_dirty of the cached file page",
    touches: [reads("cache"), reads("flags")],
    emit: {
      expr: (c, [fp]) =>
        bool(
          `${c.rd(c.L.cache, fp!.code)} !== 0 && (${c.rd(c.L.flags, c.rd(c.L.cache, fp!.code))} & ${PAGE.DIRTY}) !== 0`,
        ),
    },
  },
  mem_word: {
    params: [page, param("word", "int")],
    result: "int",
    effect: "read",
    internal: true,
    inConditions: true,
    doc: "what a load of the word would see through the page table now (a swap entry: the slot)",
    touches: [reads("pte", { page: 0 }), reads("data"), reads("cache"), reads("disk")],
    emit: { expr: (_, [p, w]) => `R.memWord(t, ${p!.code}, ${w!.code})` },
  },
  file_word: {
    params: [param("index", "fpage"), param("word", "int")],
    result: "int",
    effect: "read",
    internal: true,
    inConditions: true,
    doc: "what pread() of the file word would return: the cached page, else the disk",
    touches: [reads("cache"), reads("data"), reads("disk")],
    emit: { expr: (_, [fp, w]) => `R.fileWord(t, ${fp!.code}, ${w!.code})` },
  },
});
