import { PAGE } from "./encoding.js";
import { bool, family, frame, frameState, param, reads, readsWrites, writes } from "./primitive.js";

/** Page frames: references, mappings, flags and contents (frames are numbered from 1). */
export const frames = family({
  alloc_page: {
    params: [],
    result: "frame",
    effect: "write",
    doc: "alloc_page(): a free frame, refcount 1, clean, zeroed",
    touches: frameState("rw"),
    needs: ["frames"],
    emit: { stmt: (_, __, dest) => dest("R.alloc(t)") },
  },
  page_ksm: {
    params: [frame],
    result: "bool",
    effect: "read",
    doc: "PageKsm(): the page is a KSM page (page->mapping has PAGE_MAPPING_KSM)",
    touches: [reads("ksm")],
    emit: { expr: (c, [f]) => c.rd(c.L.ksm, f!.code) },
  },
  set_page_stable_node: {
    params: [frame],
    result: "void",
    effect: "write",
    doc: "set_page_stable_node(page, NULL) (ksm.c): the page becomes PageKsm; freeing it ends that",
    touches: [writes("ksm")],
    emit: { stmt: (c, [f]) => c.wr(c.L.ksm, f!.code, "1") },
  },
  get_page: {
    params: [frame],
    result: "void",
    effect: "write",
    doc: "get_page()",
    touches: frameState("rw"),
    emit: { stmt: (_, [f]) => `R.get(t, ${f!.code});` },
  },
  get_page_unless_zero: {
    params: [frame],
    result: "bool",
    effect: "write",
    doc: "get_page_unless_zero(): fails on a free page",
    touches: frameState("rw"),
    emit: {
      stmt: (c, [f], dest) => {
        const ok = c.fresh();
        return `const ${ok} = ${f!.code} !== 0 && ${c.rd(c.L.ref, f!.code)} !== 0; if (${ok}) R.get(t, ${f!.code}); ${dest(`(+${ok})`)}`;
      },
    },
  },
  put_page: {
    params: [frame],
    result: "void",
    effect: "write",
    doc: "put_page(): frees the frame at refcount 0",
    touches: frameState("rw"),
    emit: { stmt: (_, [f]) => `R.put(t, ${f!.code});` },
  },
  page_count: {
    params: [frame],
    result: "int",
    effect: "read",
    doc: "page_count()",
    touches: [reads("refcount")],
    emit: { expr: (c, [f]) => c.rd(c.L.ref, f!.code) },
  },
  page_mapcount: {
    params: [frame],
    result: "int",
    effect: "read",
    doc: "page_mapcount()",
    touches: [reads("mapcount")],
    emit: { expr: (c, [f]) => c.rd(c.L.mapcount, f!.code) },
  },
  page_mapped: {
    params: [frame],
    result: "bool",
    effect: "read",
    doc: "page_mapped()",
    touches: [reads("mapcount")],
    emit: { expr: (c, [f]) => bool(`${c.rd(c.L.mapcount, f!.code)} > 0`) },
  },
  page_add_rmap: {
    params: [frame],
    result: "void",
    effect: "write",
    doc: "page_add_file_rmap() / page_add_anon_rmap(): mapcount++",
    touches: [readsWrites("mapcount"), readsWrites("flags")],
    emit: {
      stmt: (c, [f]) => c.wr(c.L.mapcount, f!.code, `${c.rd(c.L.mapcount, f!.code)} + 1`),
    },
  },
  page_add_new_anon_rmap: {
    params: [frame],
    result: "void",
    effect: "write",
    doc: "page_add_new_anon_rmap(): a new anonymous page, mapcount 1",
    touches: [readsWrites("mapcount"), readsWrites("flags")],
    emit: {
      stmt: (c, [f]) =>
        `${c.wr(c.L.mapcount, f!.code, "1")} ${c.wr(c.L.flags, f!.code, `${c.rd(c.L.flags, f!.code)} | ${PAGE.ANON}`)}`,
    },
  },
  page_remove_rmap: {
    params: [frame],
    result: "void",
    effect: "write",
    doc: "page_remove_rmap(): mapcount--",
    touches: [readsWrites("mapcount"), readsWrites("flags")],
    emit: {
      stmt: (c, [f]) => c.wr(c.L.mapcount, f!.code, `${c.rd(c.L.mapcount, f!.code)} - 1`),
    },
  },
  page_dirty: {
    params: [frame],
    result: "bool",
    effect: "read",
    doc: "PageDirty()",
    touches: [reads("flags")],
    emit: { expr: (c, [f]) => bool(`(${c.rd(c.L.flags, f!.code)} & ${PAGE.DIRTY}) !== 0`) },
  },
  set_page_dirty: {
    params: [frame],
    result: "void",
    effect: "write",
    doc: "set_page_dirty()",
    touches: [readsWrites("flags")],
    emit: {
      stmt: (c, [f]) => c.wr(c.L.flags, f!.code, `${c.rd(c.L.flags, f!.code)} | ${PAGE.DIRTY}`),
    },
  },
  clear_page_dirty: {
    params: [frame],
    result: "void",
    effect: "write",
    doc: "ClearPageDirty()",
    touches: [readsWrites("flags")],
    emit: {
      stmt: (c, [f]) => c.wr(c.L.flags, f!.code, `${c.rd(c.L.flags, f!.code)} & ${~PAGE.DIRTY}`),
    },
  },
  test_clear_page_dirty: {
    params: [frame],
    result: "bool",
    effect: "write",
    doc:
      "TestClearPageDirty() (for clear_page_dirty_for_io(): with the monitors, a page it cleans " +
      "is marked as due to ->writepage(), PAGE.WRITEBACK)",
    touches: [readsWrites("flags")],
    emit: {
      stmt: (c, [f], dest) => {
        const flags = c.rd(c.L.flags, f!.code);
        const clean = `(${flags} & ${~PAGE.DIRTY})`;
        // With the monitors, a page whose PG_dirty this clears is due to ->writepage().
        const after =
          c.L.monitor < 0
            ? clean
            : `(${flags} & ${PAGE.DIRTY} ? ${clean} | ${PAGE.WRITEBACK} : ${clean})`;
        return `${dest(`(${flags} & ${PAGE.DIRTY})`)} ${c.wr(c.L.flags, f!.code, after)}`;
      },
    },
  },
  page_anon: {
    params: [frame],
    result: "bool",
    effect: "read",
    doc: "PageAnon()",
    touches: [reads("flags")],
    emit: { expr: (c, [f]) => bool(`(${c.rd(c.L.flags, f!.code)} & ${PAGE.ANON}) !== 0`) },
  },
  page_fpage: {
    params: [frame],
    result: "fpage",
    effect: "read",
    doc: "page->mapping and page->index: the file page it caches",
    touches: [reads("mapping")],
    emit: { expr: (c, [f]) => c.rd(c.L.mapping, f!.code) },
  },
  copy_page: {
    params: [param("to", "frame"), param("from", "frame")],
    result: "void",
    effect: "write",
    doc: "copy_highpage()",
    touches: frameState("rw"),
    emit: { stmt: (_, [to, from]) => `R.copy(t, ${to!.code}, ${from!.code});` },
  },
  page_read_word: {
    params: [frame, param("word", "int")],
    result: "int",
    effect: "read",
    doc: "a kernel read of one word of the page",
    touches: [reads("data", { word: 1 })],
    emit: { expr: (_, [f, w]) => `R.data(t, ${f!.code}, ${w!.code})` },
  },
  pages_identical: {
    params: [param("page", "frame"), param("kpage", "frame")],
    result: "bool",
    effect: "write",
    doc:
      "pages_identical(): memcmp() of the two pages; when equal, page's contents are now kpage's " +
      "(marked for the lost_write monitor)",
    touches: [reads("data"), readsWrites("flags")],
    emit: {
      stmt: (_, [page, kpage], dest) => dest(`R.pagesIdentical(t, ${page!.code}, ${kpage!.code})`),
    },
  },
  mpol_misplaced: {
    params: [frame],
    result: "bool",
    effect: "write", // a step of its own (it touches nothing)
    doc:
      "numa_migrate_prep() → mpol_misplaced() (numa_migrate_check() 6.x): is the page on another " +
      "node than the task's memory policy wants it? The model has no nodes: either answer is some " +
      "machine's placement, so the step has both (its alternative: not misplaced)",
    alternative: true,
    emit: { stmt: (_, __, dest) => `${dest("(alt === 0 ? 1 : 0)")} alt = 0;` },
  },
  numamigrate_isolate_page: {
    params: [frame],
    result: "bool",
    effect: "write", // a step of its own (it touches nothing)
    doc:
      "numamigrate_isolate_page() and the checks before it (numamigrate_update_ratelimit() 3.x, " +
      "migrate_balanced_pgdat(), isolate_lru_page()): does the target node have room and the page " +
      "come off its LRU? Some machine's state either way: the step has both (its alternative: no)",
    alternative: true,
    emit: { stmt: (_, __, dest) => `${dest("(alt === 0 ? 1 : 0)")} alt = 0;` },
  },
  page_write_word: {
    params: [frame, param("word", "int"), param("value", "int")],
    result: "void",
    effect: "write",
    doc:
      "a kernel write of one word (pwrite()'s copy, a device's DMA into a page pinned by " +
      "get_user_pages()); the monitors check it as they check a user store",
    touches: [
      writes("data", { word: 1 }),
      ...(["refcount", "mapcount", "flags", "mapping", "swap_map"] as const).map((o) =>
        reads(o, { monitorsOnly: true }),
      ),
      readsWrites("monitor", { monitorsOnly: true }),
    ],
    emit: {
      stmt: (c, [f, w, v]) =>
        `${
          c.L.monitor < 0
            ? ""
            : c.put(c.L.monitor, `${c.slot(c.L.monitor)} | R.monitorKernelWrite(t, ${f!.code})`)
        } R.setData(t, ${f!.code}, ${w!.code}, ${v!.code});`,
    },
  },
});
