import { bool, family, frame, pagesOf, param, pure, reads, readsWrites } from "./primitive.js";

/** Large folios: frames in a row that share a head frame. */
export const folios = family({
  folio_test_large: {
    params: [frame],
    result: "bool",
    effect: "read",
    doc: "folio_test_large(): the page belongs to a large folio",
    touches: [reads("folio")],
    emit: { expr: (c, [f]) => bool(`${c.rd(c.L.folioHead, f!.code)} !== 0`) },
  },
  folio_nr_pages: {
    params: [frame],
    result: "int",
    effect: "read",
    doc: "folio_nr_pages() of the page's folio",
    touches: [reads("folio")],
    emit: { expr: (_, [f]) => `R.folioNrPages(t, ${f!.code})` },
  },
  page_folio: {
    params: [frame],
    result: "frame",
    effect: "read",
    doc: "page_folio(): the head page of the page's folio",
    touches: [reads("folio")],
    emit: { expr: (c, [f]) => `(${c.rd(c.L.folioHead, f!.code)} || (${f!.code}))` },
  },
  page_in_folio: pure(
    [frame, param("folio", "frame"), param("nr", "int")],
    "bool",
    "folio_page_idx(folio, page) < nr: page is one of the nr pages from folio's head",
    (_, [f, folio, nr]) =>
      bool(`${f!.code} >= ${folio!.code} && ${f!.code} < ${folio!.code} + ${nr!.code}`),
  ),
  folio_pte_batch: {
    params: [param("r", "range"), frame],
    result: "int",
    effect: "read",
    doc:
      "folio_pte_batch() from the first PTE of r mapping page's folio: how many PTEs in a row " +
      "map its pages in order",
    touches: [reads("folio"), reads("pte", { page: 0 })],
    emit: {
      expr: (_, [r, f]) => `R.folioPteBatch(t, [${pagesOf(r!).join(", ")}], ${f!.code})`,
    },
  },
  can_split_folio: {
    params: [frame],
    result: "bool",
    effect: "read",
    doc:
      "can_split_folio(folio, 1, &extra_pins): folio_mapcount() == folio_ref_count() - " +
      "extra_pins - 1 (the caller's reference; the page or swap cache's), summed over its pages",
    touches: [reads("folio"), reads("refcount"), reads("mapcount"), reads("mapping")],
    emit: { expr: (_, [f]) => `R.canSplitFolio(t, ${f!.code})` },
  },
  folio_ref_freeze: {
    params: [frame, param("kept", "int")],
    result: "bool",
    effect: "read",
    doc:
      "folio_ref_freeze(folio, 1 + extra_pins) after unmap_folio(): only the caller's and the " +
      "caches' references remain (kept: the per-page references the model's unmap holds in place " +
      "of the folio's); the freeze itself is not modelled (the split that follows is one step)",
    touches: [reads("folio"), reads("refcount"), reads("mapping")],
    emit: { expr: (_, [f, k]) => `R.folioRefFreeze(t, ${f!.code}, ${k!.code})` },
  },
  __split_unmapped_folio: {
    params: [frame],
    result: "void",
    effect: "write",
    doc: "__split_unmapped_folio(): the unmapped, frozen folio becomes folios of one page",
    // Heads become 0, the value of every frame when the init block makes no large folio.
    touches: [readsWrites("folio", { resets: true })],
    emit: { stmt: (_, [f]) => `R.splitFolio(t, ${f!.code});` },
  },
});
