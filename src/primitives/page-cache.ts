import {
  bool,
  family,
  frame,
  frameState,
  pagesOf,
  param,
  pure,
  reads,
  readsWrites,
  writes,
} from "./primitive.js";

/** The page cache and the disk behind it (I/O completes at once). */
export const pageCache = family({
  page_cache_page: {
    params: [param("index", "fpage")],
    result: "frame",
    effect: "read",
    doc: "the page cached at index, or null, without taking a reference (for abstract models)",
    touches: [reads("cache")],
    emit: { expr: (c, [fp]) => c.rd(c.L.cache, fp!.code) },
  },
  find_get_page: {
    params: [param("index", "fpage")],
    result: "frame",
    effect: "write",
    doc: "find_get_page(): the cached page, with a reference, or null",
    touches: [readsWrites("cache"), ...frameState("rw")],
    emit: { stmt: (_, [fp], dest) => dest(`R.findGetPage(t, ${fp!.code}, false)`) },
  },
  find_get_dirty_page: {
    params: [param("index", "fpage")],
    result: "frame",
    effect: "write",
    doc: "pagevec_lookup_tag(PAGECACHE_TAG_DIRTY): the page if cached and dirty, with a reference",
    touches: [readsWrites("cache"), ...frameState("rw")],
    emit: { stmt: (_, [fp], dest) => dest(`R.findGetPage(t, ${fp!.code}, true)`) },
  },
  add_to_page_cache: {
    params: [frame, param("index", "fpage")],
    result: "bool",
    effect: "write",
    doc: "add_to_page_cache_lru(): the cache takes a reference; false if the index is taken",
    touches: [readsWrites("cache"), ...frameState("rw")],
    emit: { stmt: (_, [f, fp], dest) => dest(`R.addToPageCache(t, ${f!.code}, ${fp!.code})`) },
  },
  delete_from_page_cache: {
    params: [frame],
    result: "void",
    effect: "write",
    doc: "delete_from_page_cache(): drops the cache's reference",
    touches: [readsWrites("cache"), ...frameState("rw")],
    emit: { stmt: (_, [f]) => `R.deleteFromPageCache(t, ${f!.code});` },
  },
  remove_mapping: {
    params: [frame],
    result: "bool",
    effect: "write",
    doc: "__remove_mapping(): if page_ref_freeze(page, 2) and !PageDirty, drop it from the cache",
    touches: [readsWrites("cache"), ...frameState("rw")],
    emit: { stmt: (_, [f], dest) => dest(`R.removeMapping(t, ${f!.code})`) },
  },
  writepage: {
    params: [frame],
    result: "void",
    effect: "write",
    doc: "->writepage(): the contents reach the disk (I/O completes at once); unlocks the page",
    touches: [
      ...frameState("r"),
      writes("page_lock", { resets: true }),
      writes("disk"),
      writes("flags", { monitorsOnly: true }), // clears PAGE.WRITEBACK
    ],
    emit: { stmt: (_, [f]) => `R.writepage(t, ${f!.code});` },
  },
  readpage: {
    params: [frame, param("index", "fpage")],
    result: "void",
    effect: "write",
    doc: "->readpage(): fill the page from the disk",
    touches: [reads("disk"), writes("data")],
    emit: { stmt: (_, [f, fp]) => `R.readpage(t, ${f!.code}, ${fp!.code});` },
  },
  truncate_disk_page: {
    params: [param("index", "fpage")],
    result: "void",
    effect: "write",
    doc: "the blocks of a truncated page are freed: later reads see zeroes",
    touches: [writes("disk")],
    emit: { stmt: (_, [fp]) => `R.truncateDisk(t, ${fp!.code});` },
  },
  page_beyond_eof: {
    params: [param("index", "fpage")],
    result: "bool",
    effect: "read",
    doc:
      "index >= DIV_ROUND_UP(i_size_read(inode), PAGE_SIZE): the file page lies beyond the end " +
      "of its file (a swap slot never does)",
    touches: [reads("i_size")],
    emit: { expr: (_, [fp]) => `R.beyondEof(t, ${fp!.code})` },
  },
  i_size_end: {
    params: [param("index", "fpage")],
    result: "fpage",
    effect: "read",
    doc:
      "i_size_read() of index's file, as the first of its pages at or beyond the end (none, " +
      "0, when every page lies below it): __do_page_cache_readahead()'s end_index, read once",
    touches: [reads("i_size")],
    emit: { expr: (_, [fp]) => `R.iSizeEnd(t, ${fp!.code})` },
  },
  read_around_covers: pure(
    [param("index", "fpage"), param("page", "fpage"), param("eof", "fpage")],
    "bool",
    "page is one do_sync_mmap_readahead()'s read-around of a fault at index reads: a page of " +
      "index's file in ra->start = max(0, index - ra_pages / 2), ra->size = ra_pages (32 " +
      "pages, the 128 KB default), below eof (i_size_end(); none: the whole file)",
    (_, [index, page, eof]) =>
      bool(`R.readAroundCovers(${index!.code}, ${page!.code}, ${eof!.code})`),
  ),
  i_size_write: {
    params: [param("f", "file"), param("pages", "int")],
    result: "void",
    effect: "write",
    doc: "i_size_write(inode, pages * PAGE_SIZE): the file is that many pages long (one store)",
    touches: [writes("i_size")],
    emit: {
      stmt: (_, [f, n]) => {
        const ids = pagesOf(f!);
        return `R.iSizeWrite(t, ${ids[0]!}, ${ids.length}, ${n!.code});`;
      },
    },
  },
  i_size_extend: {
    params: [param("index", "fpage")],
    result: "void",
    effect: "write",
    doc: "generic_write_end(): a write to the file page beyond i_size extends i_size over it",
    touches: [writes("i_size")],
    emit: { stmt: (_, [fp]) => `R.iSizeExtend(t, ${fp!.code});` },
  },
  migrate_page_move_mapping: {
    params: [param("new", "frame"), param("old", "frame")],
    result: "bool",
    effect: "write",
    doc: "migrate_page_move_mapping(): freeze the expected references, move the page cache slot",
    touches: [readsWrites("cache"), ...frameState("rw")],
    emit: {
      stmt: (_, [to, from], dest) => dest(`R.moveMapping(t, ${to!.code}, ${from!.code})`),
    },
  },
  migrate_page_copy: {
    params: [param("new", "frame"), param("old", "frame")],
    result: "void",
    effect: "write",
    doc: "migrate_page_copy(): copy the data and PG_dirty",
    touches: frameState("rw"),
    emit: { stmt: (_, [to, from]) => `R.migrateCopy(t, ${to!.code}, ${from!.code});` },
  },
  migrate_page_states: {
    params: [param("new", "frame"), param("old", "frame")],
    result: "void",
    effect: "write",
    doc:
      "migrate_page_states() (folio_migrate_flags()): PG_dirty and PageAnon move to the new page, " +
      "the data not (a device driver's migrate_vma copied it before: MIGRATE_SYNC_NO_COPY)",
    touches: frameState("rw"),
    emit: { stmt: (_, [to, from]) => `R.migrateStates(t, ${to!.code}, ${from!.code});` },
  },
  file_page_word: pure(
    [param("faddr", "faddr")],
    "int",
    "the word index of a file address",
    (_, [a]) => `((${a!.code}) & 7)`,
  ),
  fpage_add: pure(
    [param("index", "fpage"), param("n", "int")],
    "fpage",
    "the file page n pages on (page->index + n): a VMA's run of file pages",
    (_, [fp, n]) => `((${fp!.code}) + (${n!.code}))`,
  ),
  file_page: pure(
    [param("faddr", "faddr")],
    "fpage",
    "the page of a file address",
    (_, [a]) => `((${a!.code}) >>> 3)`,
  ),
});
