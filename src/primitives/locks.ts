import {
  family,
  frame,
  page,
  pageOf,
  param,
  readsWrites,
  reads,
  type EmitCtx,
  type Spec,
} from "./primitive.js";

/** A file's i_mmap_rwsem, found at run time from one of its pages (index: a file page). */
const iMmap = (
  doc: string,
  stmt: (c: EmitCtx, fp: string) => string,
  blocks: boolean,
  sharedLock = false,
): Spec => ({
  params: [param("index", "fpage")],
  result: "void",
  effect: "write",
  blocks,
  shown: true,
  doc,
  sharedLock,
  touches: [readsWrites("i_mmap")],
  emit: { stmt: (c, [fp]) => stmt(c, `R.iMmap(${fp!.code})`) },
});

/** The anon_vma rwsem: one slot, like mmap_lock. */
const anonVma = (
  doc: string,
  stmt: (c: EmitCtx) => string,
  blocks: boolean,
  sharedLock = false,
): Spec => ({
  params: [],
  sharedLock,
  result: "void",
  effect: "write",
  blocks,
  shown: true,
  doc,
  touches: [readsWrites("anon_vma")],
  emit: { stmt },
});

/** The per-VMA lock slots the scenario keeps (vmaLockOf without the -1s), each once. */
const liveVmaLocks = (c: EmitCtx): number[] => [...new Set(c.L.vmaLockOf.filter((s) => s >= 0))];

/**
 * vma_end_write_all(): mm->mm_lock_seq moves on, so every VMA this writer write-locked is
 * unlocked at once. Only a write-locked VMA changes, and only back to free (a reset).
 */
const vmaEndWriteAll = [readsWrites("vma_lock", { resets: true })];
const endWriteAll = (c: EmitCtx): string =>
  liveVmaLocks(c)
    .map((s) => `if (${c.slot(s)} === ${c.L.nThreads + 1}) { ${c.put(s, "0")} }`)
    .join(" ");

/**
 * Locks. A holder is stored as its thread index + 1; a rwsem (mmap_lock, i_mmap_rwsem, the
 * anon_vma lock) counts its readers, and holds nThreads + 1 for a writer.
 */
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
  mmap_write_downgrade: {
    params: [],
    result: "void",
    effect: "write",
    shown: true,
    doc: "mmap_write_downgrade(mm) (downgrade_write(&mm->mmap_sem) before 5.8): the writer becomes the one reader, so waiting readers may enter; from 6.4 vma_end_write_all() first",
    touches: [readsWrites("mmap_lock"), ...vmaEndWriteAll],
    emit: { stmt: (c) => `${endWriteAll(c)} ${c.put(c.L.mmapLock, "1")}` },
  },
  mmap_write_unlock: {
    params: [],
    result: "void",
    effect: "write",
    shown: true,
    doc: "up_write(&mm->mmap_lock); from 6.4 vma_end_write_all() first",
    touches: [readsWrites("mmap_lock"), ...vmaEndWriteAll],
    emit: { stmt: (c) => `${endWriteAll(c)} ${c.put(c.L.mmapLock, "0")}` },
  },
  // Per-VMA locks (CONFIG_PER_VMA_LOCK, 6.4+): the fault path read-locks the VMA it handles;
  // mmap_lock writers write-lock each VMA they change until vma_end_write_all().
  vma_start_read: {
    params: [page],
    result: "bool",
    effect: "write",
    shown: true,
    doc: "vma_start_read() of the VMA at addr: fails if it is write-locked (vma->vm_lock_seq == mm->mm_lock_seq); else a reader of vma->vm_lock (vma->vm_refcnt from 6.15)",
    touches: [readsWrites("vma_lock", { page: 0 })],
    emit: {
      stmt: (c, [p], dest) => {
        const s = c.L.vmaLockOf[pageOf(p!)]!;
        if (s < 0) return dest("1");
        const ok = c.fresh();
        return `const ${ok} = ${c.slot(s)} !== ${c.L.nThreads + 1}; if (${ok}) { ${c.put(s, `${c.slot(s)} + 1`)} } ${dest(`(+${ok})`)}`;
      },
    },
  },
  vma_end_read: {
    params: [page],
    result: "void",
    effect: "write",
    shown: true,
    doc: "vma_end_read() of the VMA at addr",
    touches: [readsWrites("vma_lock", { page: 0 })],
    emit: {
      stmt: (c, [p]) => {
        const s = c.L.vmaLockOf[pageOf(p!)]!;
        return s < 0 ? "" : c.put(s, `${c.slot(s)} - 1`);
      },
    },
  },
  vma_start_write: {
    params: [param("range", "range")],
    result: "void",
    effect: "write",
    blocks: true,
    shown: true,
    doc: "vma_start_write() of the VMA of the range (mmap_lock held for write): waits for its readers, then it stays write-locked until vma_end_write_all(); a no-op if this writer locked it already",
    touches: [readsWrites("vma_lock", { page: 0 })],
    emit: {
      stmt: (c, [r]) => {
        const s = c.L.vmaLockOf[pageOf(r!)]!;
        const w = c.L.nThreads + 1;
        return s < 0
          ? ""
          : `if (${c.slot(s)} !== 0 && ${c.slot(s)} !== ${w}) ${c.block} ${c.put(s, `${w}`)}`;
      },
    },
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
  // The rmap locks (rmap walks read them; VMA tree changes write them). i_mmap_rwsem was
  // i_mmap_mutex before 3.19: the prelude takes the write side where the C took the mutex.
  i_mmap_lock_read: iMmap(
    "i_mmap_lock_read(mapping): down_read(&mapping->i_mmap_rwsem) of the file of index",
    (c, s) => `if (!R.downRead(t, ${s})) ${c.block}`,
    true,
    true,
  ),
  i_mmap_unlock_read: iMmap(
    "i_mmap_unlock_read(mapping)",
    (_, s) => `R.upRead(t, ${s});`,
    false,
    true,
  ),
  i_mmap_lock_write: iMmap(
    "i_mmap_lock_write(mapping): down_write(&mapping->i_mmap_rwsem) (mutex_lock(&mapping->i_mmap_mutex) before 3.19)",
    (c, s) => `if (!R.downWrite(t, ${s}, ${c.tid})) ${c.block}`,
    true,
  ),
  i_mmap_unlock_write: {
    params: [],
    result: "void",
    effect: "write",
    shown: true,
    doc: "i_mmap_unlock_write(mapping): the i_mmap_rwsem this thread holds for write",
    touches: [readsWrites("i_mmap")],
    emit: { stmt: (c) => `R.upWriteMine(t, ${c.tid});` },
  },
  anon_vma_lock_read: anonVma(
    "anon_vma_lock_read(): down_read(&anon_vma->root->rwsem) (page_lock_anon_vma_read() in rmap walks)",
    (c) =>
      `if (${c.slot(c.L.anonVma)} === ${c.L.nThreads + 1}) ${c.block} ${c.put(c.L.anonVma, `${c.slot(c.L.anonVma)} + 1`)}`,
    true,
    true,
  ),
  anon_vma_unlock_read: anonVma(
    "anon_vma_unlock_read()",
    (c) => c.put(c.L.anonVma, `${c.slot(c.L.anonVma)} - 1`),
    false,
    true,
  ),
  anon_vma_lock_write: anonVma(
    "anon_vma_lock_write(): down_write(&anon_vma->root->rwsem)",
    (c) =>
      `if (${c.slot(c.L.anonVma)} !== 0) ${c.block} ${c.put(c.L.anonVma, `${c.L.nThreads + 1}`)}`,
    true,
  ),
  anon_vma_unlock_write: anonVma("anon_vma_unlock_write()", (c) => c.put(c.L.anonVma, "0"), false),
});
