import { family, frame, page, pageOf, readsWrites, reads } from "./primitive.js";

/** Locks. A holder is stored as its thread index + 1; mmap_lock counts readers. */
export const locks = family({
  mmap_read_lock: {
    params: [],
    result: "void",
    effect: "write",
    blocks: true,
    shown: true,
    doc: "down_read(&mm->mmap_lock) (mmap_sem before 5.8)",
    touches: [readsWrites("mmap_lock")],
    emit: {
      stmt: (c) =>
        `if (${c.slot(c.L.mmapLock)} === ${c.L.nThreads + 1}) ${c.block} ${c.put(c.L.mmapLock, `${c.slot(c.L.mmapLock)} + 1`)}`,
    },
  },
  mmap_read_unlock: {
    params: [],
    result: "void",
    effect: "write",
    shown: true,
    doc: "up_read(&mm->mmap_lock)",
    touches: [readsWrites("mmap_lock")],
    emit: { stmt: (c) => c.put(c.L.mmapLock, `${c.slot(c.L.mmapLock)} - 1`) },
  },
  mmap_write_lock: {
    params: [],
    result: "void",
    effect: "write",
    blocks: true,
    shown: true,
    doc: "down_write(&mm->mmap_lock)",
    touches: [readsWrites("mmap_lock")],
    emit: {
      stmt: (c) =>
        `if (${c.slot(c.L.mmapLock)} !== 0) ${c.block} ${c.put(c.L.mmapLock, `${c.L.nThreads + 1}`)}`,
    },
  },
  mmap_write_unlock: {
    params: [],
    result: "void",
    effect: "write",
    shown: true,
    doc: "up_write(&mm->mmap_lock)",
    touches: [readsWrites("mmap_lock")],
    emit: { stmt: (c) => c.put(c.L.mmapLock, "0") },
  },
  pte_lock: {
    params: [page],
    result: "void",
    effect: "write",
    blocks: true,
    shown: true,
    doc: "spin_lock() of the PTL of the page table mapping addr (pte_offset_map_lock)",
    touches: [readsWrites("ptl", { page: 0 })],
    emit: {
      stmt: (c, [p]) => {
        const ptl = c.L.ptlOf[pageOf(p!)]!;
        return `if (${c.slot(ptl)} !== 0) ${c.block} ${c.put(ptl, `${c.tid + 1}`)}`;
      },
    },
  },
  pte_unlock: {
    params: [page],
    result: "void",
    effect: "write",
    shown: true,
    doc: "spin_unlock() of that PTL (pte_unmap_unlock)",
    touches: [readsWrites("ptl", { page: 0 })],
    emit: { stmt: (c, [p]) => c.put(c.L.ptlOf[pageOf(p!)]!, "0") },
  },
  lock_page: {
    params: [frame],
    result: "void",
    effect: "write",
    blocks: true,
    shown: true,
    doc: "lock_page(): sleep until PG_locked can be set",
    touches: [readsWrites("page_lock")],
    emit: {
      stmt: (c, [f]) =>
        `if (${c.rd(c.L.locked, f!.code)} !== 0) ${c.block} ${c.wr(c.L.locked, f!.code, `${c.tid + 1}`)}`,
    },
  },
  trylock_page: {
    params: [frame],
    result: "bool",
    effect: "write",
    shown: true,
    doc: "trylock_page()",
    touches: [readsWrites("page_lock")],
    emit: {
      stmt: (c, [f], dest) => {
        const free = c.fresh();
        return `const ${free} = ${c.rd(c.L.locked, f!.code)} === 0; if (${free}) { ${c.wr(c.L.locked, f!.code, `${c.tid + 1}`)} } ${dest(`(+${free})`)}`;
      },
    },
  },
  unlock_page: {
    params: [frame],
    result: "void",
    effect: "write",
    shown: true,
    doc: "unlock_page()",
    touches: [readsWrites("page_lock", { resets: true })],
    emit: { stmt: (c, [f]) => c.wr(c.L.locked, f!.code, "0") },
  },
  wait_on_page_locked: {
    params: [frame],
    result: "void",
    effect: "write",
    blocks: true,
    shown: true,
    doc: "wait_on_page_locked(): sleep until PG_locked is clear",
    touches: [reads("page_lock")],
    emit: { stmt: (c, [f]) => `if (${c.rd(c.L.locked, f!.code)} !== 0) ${c.block}` },
  },
});
