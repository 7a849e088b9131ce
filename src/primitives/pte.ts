import { PTE } from "./encoding.js";
import {
  bool,
  family,
  frame,
  page,
  pageOf,
  param,
  pteParam as pte,
  pure,
  reads,
  readsWrites,
  writes,
  type Arg,
  type EmitCtx,
} from "./primitive.js";

/** Page table entries: the PTE of a page, and pure functions of PTE values (x86 encoding). */

const pfn = (x: string): string => `((${x}) >>> ${PTE.PFN_SHIFT})`;
const protBits = (prot: string): string =>
  `(${prot} === 0 ? ${PTE.PROTNONE} : ${prot} === 1 ? ${PTE.P} : ${PTE.P | PTE.W})`;
/** isSwapPte() of encoding.ts, inline. */
export const swapEntry = (x: string): string =>
  bool(`${x} !== 0 && (${x} & ${PTE.P | PTE.PROTNONE | PTE.MIGRATION}) === 0`);
/** Without a reader of the accessed bit, the model never sets it (fewer states). */
const pteMask = (c: EmitCtx): string => (c.L.trackAccessed ? "" : ` & ${~PTE.A}`);
/** A PTE written: stale_tlb stops watching the page until the next syscall returns. */
const unsettle = (c: EmitCtx, p: Arg): string =>
  c.L.settled.length ? c.put(c.L.settled[pageOf(p)]!, "0") : "";

/** The PTE of addr, and the settled bit the monitors keep for it, are what a writer touches. */
const pteWriter = [readsWrites("pte", { page: 0 }), writes("settled", { page: 0 })];

export const pteFamily = family({
  ptep_get: {
    params: [page],
    result: "pte",
    effect: "read",
    doc: "READ_ONCE(*ptep)",
    touches: [reads("pte", { page: 0 })],
    emit: { expr: (c, [p]) => c.slot(c.L.pte[pageOf(p!)]!) },
  },
  ptep_get_and_clear: {
    params: [page],
    result: "pte",
    effect: "write",
    doc: "atomic xchg of the PTE with 0: no hardware D update is lost",
    touches: pteWriter,
    emit: {
      stmt: (c, [p], dest) =>
        `${dest(c.slot(c.L.pte[pageOf(p!)]!))} ${c.put(c.L.pte[pageOf(p!)]!, "0")} ${unsettle(c, p!)}`,
    },
  },
  set_pte_at: {
    params: [page, pte],
    result: "void",
    effect: "write",
    doc: "set_pte_at()",
    // Monitors: mapping a frame clears its PAGE.COPIED (R.mapped).
    touches: [...pteWriter, readsWrites("flags", { monitorsOnly: true })],
    emit: {
      stmt: (c, [p, v]) =>
        `${c.put(c.L.pte[pageOf(p!)]!, `(${v!.code})${pteMask(c)}`)} ${unsettle(c, p!)} ${
          c.L.monitor < 0 ? "" : `R.mapped(t, ${c.slot(c.L.pte[pageOf(p!)]!)});`
        }`,
    },
  },
  pte_clear: {
    params: [page],
    result: "void",
    effect: "write",
    doc: "pte_clear()",
    touches: pteWriter,
    emit: { stmt: (c, [p]) => `${c.put(c.L.pte[pageOf(p!)]!, "0")} ${unsettle(c, p!)}` },
  },
  pte_present: pure(
    [pte],
    "bool",
    "pte_present(): P, or PROT_NONE (x86 treats protnone as present)",
    (_, [x]) => bool(`(${x!.code} & ${PTE.P | PTE.PROTNONE}) !== 0`),
  ),
  pte_none: pure([pte], "bool", "pte_none()", (_, [x]) => bool(`${x!.code} === 0`)),
  pte_present_bit: pure(
    [pte],
    "bool",
    "pte_flags(pte) & _PAGE_PRESENT: the bit the MMU reads, clear in a PROT_NONE entry",
    (_, [x]) => bool(`(${x!.code} & ${PTE.P}) !== 0`),
  ),
  pte_dirty: pure([pte], "bool", "pte_dirty()", (_, [x]) => bool(`(${x!.code} & ${PTE.D}) !== 0`)),
  pte_write: pure([pte], "bool", "pte_write()", (_, [x]) => bool(`(${x!.code} & ${PTE.W}) !== 0`)),
  pte_young: pure([pte], "bool", "pte_young()", (_, [x]) => bool(`(${x!.code} & ${PTE.A}) !== 0`)),
  pte_protnone: pure([pte], "bool", "pte_protnone(): a NUMA hinting entry", (_, [x]) =>
    bool(`(${x!.code} & ${PTE.PROTNONE}) !== 0`),
  ),
  pte_pfn: pure([pte], "frame", "pte_page(): the frame the entry maps", (_, [x]) => pfn(x!.code)),
  pte_needs_flush: pure(
    [param("oldpte", "pte"), param("newpte", "pte")],
    "bool",
    "x86 pte_needs_flush(oldpte, newpte) (c9fe66560bf2, 6.0): old entry present to the MMU, and " +
      "the frame changed, D or P cleared, or W or PROTNONE (_PAGE_GLOBAL) changed; A is ignored",
    (_, [o, n]) => {
      const diff = `(${o!.code} ^ ${n!.code})`;
      return bool(
        `(${o!.code} & ${PTE.P}) !== 0 && (${pfn(o!.code)} !== ${pfn(n!.code)} || ` +
          `(${diff} & ${o!.code} & ${PTE.D | PTE.P}) !== 0 || (${diff} & ${PTE.W | PTE.PROTNONE}) !== 0)`,
      );
    },
  ),
  pte_mkclean: pure([pte], "pte", "pte_mkclean()", (_, [x]) => `(${x!.code} & ${~PTE.D})`),
  pte_mkdirty: pure([pte], "pte", "pte_mkdirty()", (_, [x]) => `(${x!.code} | ${PTE.D})`),
  pte_mkold: pure([pte], "pte", "pte_mkold()", (_, [x]) => `(${x!.code} & ${~PTE.A})`),
  pte_mkyoung: pure([pte], "pte", "pte_mkyoung()", (c, [x]) =>
    c.L.trackAccessed ? `(${x!.code} | ${PTE.A})` : x!.code,
  ),
  pte_wrprotect: pure([pte], "pte", "pte_wrprotect()", (_, [x]) => `(${x!.code} & ${~PTE.W})`),
  pte_mkwrite: pure([pte], "pte", "pte_mkwrite()", (_, [x]) => `(${x!.code} | ${PTE.W})`),
  pte_modify: pure(
    [pte, param("prot", "prot")],
    "pte",
    "pte_modify(): new protection, same frame and A/D bits",
    (_, [x, prot]) =>
      `((${x!.code} & ${~((1 << PTE.PFN_SHIFT) - 1) | PTE.A | PTE.D}) | ${protBits(prot!.code)})`,
  ),
  pte_mkprotnone: pure(
    [pte],
    "pte",
    "pte_modify(pte, PAGE_NONE) as change_prot_numa() does",
    (_, [x]) => `((${x!.code} & ${~PTE.P}) | ${PTE.PROTNONE})`,
  ),
  mk_pte: pure(
    [frame, param("prot", "prot")],
    "pte",
    "mk_pte(): a present entry, clean and old",
    (_, [f, prot]) => `((${f!.code} << ${PTE.PFN_SHIFT}) | ${protBits(prot!.code)})`,
  ),
  zero_pte: pure([], "pte", "__pte(0): no entry (pte_none())", () => "0"),
  my_zero_pfn: {
    ...pure([], "frame", "my_zero_pfn(): the shared zero page (x86 has one)", (c) =>
      String(c.L.zeroFrame),
    ),
    needs: ["zero_page"],
  },
  vm_normal_page: pure(
    [pte],
    "frame",
    "vm_normal_page(): the page a present (or PROT_NONE) PTE maps, or null for a special PTE " +
      "(on x86 pte_special(): the zero page's is the only one the model has); null for a PTE " +
      "that is not present too (the C is never asked: a swap entry's frame field is a slot)",
    (c, [x]) =>
      `((${x!.code} & ${PTE.P | PTE.PROTNONE}) === 0${
        c.L.zeroFrame < 0 ? "" : ` || ${pfn(x!.code)} === ${c.L.zeroFrame}`
      } ? 0 : ${pfn(x!.code)})`,
  ),
  is_zero_pfn: pure([frame], "bool", "is_zero_pfn(): the frame is the shared zero page", (c, [f]) =>
    bool(`${f!.code} === ${c.L.zeroFrame}`),
  ),
  make_migration_entry: pure(
    [frame, param("write", "bool")],
    "pte",
    "a non-present migration entry for page",
    (_, [f, w]) =>
      `((${f!.code} << ${PTE.PFN_SHIFT}) | ${PTE.MIGRATION} | (${w!.code} ? ${PTE.W} : 0))`,
  ),
  is_migration_entry: pure([pte], "bool", "is_swap_pte() && is_migration_entry()", (_, [x]) =>
    bool(`(${x!.code} & ${PTE.MIGRATION}) !== 0`),
  ),
  migration_entry_to_page: pure([pte], "frame", "migration_entry_to_page()", (_, [x]) =>
    pfn(x!.code),
  ),
  is_swap_entry: pure(
    [pte],
    "bool",
    "is_swap_pte() && !non_swap_entry(): the entry holds a swap slot",
    (_, [x]) => swapEntry(x!.code),
  ),
  swp_entry_to_pte: pure(
    [param("slot", "fpage")],
    "pte",
    "swp_entry_to_pte(): a swap entry",
    (_, [slot]) => `((${slot!.code}) << ${PTE.PFN_SHIFT})`,
  ),
  pte_swp_mkexclusive: pure(
    [pte],
    "pte",
    "pte_swp_mkexclusive(): the swap entry remembers the page was PageAnonExclusive (5.19)",
    (_, [x]) => `(${x!.code} | ${PTE.SWP_EXCLUSIVE})`,
  ),
  pte_swp_exclusive: pure([pte], "bool", "pte_swp_exclusive()", (_, [x]) =>
    bool(`(${x!.code} & ${PTE.SWP_EXCLUSIVE}) !== 0`),
  ),
  swp_offset: pure([pte], "fpage", "pte_to_swp_entry() and swp_offset(): the swap slot", (_, [x]) =>
    pfn(x!.code),
  ),
  pte_maps: pure(
    [pte, frame],
    "bool",
    "the entry is present (or PROT_NONE) and maps page: page_vma_mapped_walk()'s test",
    (_, [x, f]) =>
      bool(`(${x!.code} & ${PTE.P | PTE.PROTNONE}) !== 0 && ${pfn(x!.code)} === ${f!.code}`),
  ),
  fault_around_pages: {
    ...pure(
      [param("addr", "page")],
      "range",
      "the pages do_fault_around() may map for a fault at addr: those of addr's region (a " +
        "region is at most 8 pages and starts 64 KB-aligned, so fault_around_bytes' window " +
        "holds it; the walk stays in the fault's VMA, which vma_same() tells)",
      () => {
        throw new Error("fault_around_pages() is folded at compile time");
      },
    ),
    folded: true,
  },
  same_ptl: pure(
    [param("a", "page"), param("b", "page")],
    "bool",
    "both addresses are mapped by one page table, so one PTL",
    (c, [a, b]) => bool(`${c.L.ptlOf[pageOf(a!)]} === ${c.L.ptlOf[pageOf(b!)]}`),
  ),
});
