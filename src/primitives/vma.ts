import { VMA } from "./encoding.js";
import {
  bool,
  family,
  page,
  pageOf,
  pagesOf,
  param,
  pure,
  reads,
  readsWrites,
  type Arg,
  type EmitCtx,
  type Spec,
} from "./primitive.js";

/** VMAs, as seen from one page of the address space: its flags and the file page it maps. */

const vmaFlag = (flag: number, doc: string): Spec => ({
  params: [page],
  result: "bool",
  effect: "read",
  doc,
  touches: [reads("vma", { page: 0 })],
  emit: {
    expr: (c, [p]) => bool(`(${c.slot(c.L.vma[pageOf(p!)]!)} & ${flag}) !== 0`),
  },
});

/** One assignment per page of the range argument. */
const perPage = (c: EmitCtx, r: Arg, value: (page: number, i: number) => string): string =>
  pagesOf(r)
    .map((p, i) => c.put(c.L.vma[p]!, value(p, i)))
    .join(" ");

const protFlags = (prot: string): string =>
  `(${prot} >= 1 ? ${VMA.READ} : 0) | (${prot} === 2 ? ${VMA.WRITE} : 0)`;

export const vmas = family({
  vma_present: vmaFlag(VMA.VALID, "find_vma() covers addr"),
  vma_in_rmap: {
    params: [page],
    result: "bool",
    effect: "read",
    doc: "a VMA at addr is in its rmap tree (the file's i_mmap, or its anon_vma's): mapped, and not yet unlinked by free_pgtables(), though munmap() may have detached it from the mm",
    touches: [reads("vma", { page: 0 })],
    emit: { expr: (c, [p]) => bool(`${c.slot(c.L.vma[pageOf(p!)]!)} !== 0`) },
  },
  vma_same: {
    params: [param("addr", "page"), param("other", "page")],
    result: "bool",
    effect: "read",
    doc: "other lies in the VMA that maps addr, at the file page linear_page_index() gives (the VMA's bounds as a walk within vm_start..vm_end sees them)",
    touches: [reads("vma", { page: 0 }), reads("vma", { page: 1 })],
    emit: {
      expr: (c, [a, b]) =>
        bool(
          `R.sameVma(${c.slot(c.L.vma[pageOf(a!)]!)}, ${c.slot(c.L.vma[pageOf(b!)]!)}, ${pageOf(b!) - pageOf(a!)})`,
        ),
    },
  },
  vma_readable: vmaFlag(VMA.READ, "vma->vm_flags & VM_READ"),
  vma_writable: vmaFlag(VMA.WRITE, "vma->vm_flags & VM_WRITE"),
  vma_shared: vmaFlag(VMA.SHARED, "vma->vm_flags & VM_SHARED"),
  vma_anon: vmaFlag(VMA.ANON, "vma_is_anonymous()"),
  vma_uffd_wp: vmaFlag(VMA.UFFD_WP, "userfaultfd_wp(vma): VM_UFFD_WP is set"),
  vma_fpage: {
    params: [page],
    result: "fpage",
    effect: "read",
    doc: "the file page mapped at addr (vma->vm_file, linear_page_index())",
    touches: [reads("vma", { page: 0 })],
    emit: { expr: (c, [p]) => `(${c.slot(c.L.vma[pageOf(p!)]!)} >>> ${VMA.FPAGE_SHIFT})` },
  },
  vma_prot: {
    params: [page],
    result: "prot",
    effect: "read",
    doc: "vma->vm_page_prot, as a protection",
    touches: [reads("vma", { page: 0 })],
    // vm_page_prot: read-only whenever readable. Shared file mappings use write-notify
    // (->page_mkwrite) and private ones copy on write, so no VMA maps its pages writable up front.
    emit: {
      expr: (c, [p]) => `((${c.slot(c.L.vma[pageOf(p!)]!)} & ${VMA.READ}) !== 0 ? 1 : 0)`,
    },
  },
  vma_set_uffd_wp: {
    params: [param("range", "range")],
    result: "void",
    effect: "write",
    doc: "userfaultfd_register() with UFFDIO_REGISTER_MODE_WP: vm_flags |= VM_UFFD_WP",
    touches: [readsWrites("vma", { page: 0 })],
    emit: { stmt: (c, [r]) => perPage(c, r!, (p) => `${c.slot(c.L.vma[p]!)} | ${VMA.UFFD_WP}`) },
  },
  vma_map: {
    params: [
      param("range", "range"),
      param("source", "source"),
      param("share", "share"),
      param("prot", "prot"),
    ],
    result: "void",
    effect: "write",
    doc: "mmap_region(): a new VMA, no PTEs",
    touches: [readsWrites("vma", { page: 0 })],
    emit: {
      stmt: (c, [r, source, share, prot]) =>
        perPage(c, r!, (_, i) => {
          const src = source!.code;
          const flags = `${VMA.VALID} | ${protFlags(prot!.code)} | (${share!.code} === 0 ? ${VMA.SHARED} : 0)`;
          const backing = `(${src} === 0 ? ${VMA.ANON} : ((${src} + ${i}) << ${VMA.FPAGE_SHIFT}))`;
          return `${flags} | ${backing}`;
        }),
    },
  },
  detach_vmas_to_be_unmapped: {
    params: [param("range", "range")],
    result: "void",
    effect: "write",
    doc: "detach_vmas_to_be_unmapped() (the maple tree store of NULL from 6.1): the VMAs of range leave the mm's tree, so find_vma() misses them; they stay in the rmap trees",
    touches: [readsWrites("vma", { page: 0 })],
    emit: { stmt: (c, [r]) => perPage(c, r!, (p) => `${c.slot(c.L.vma[p]!)} & ${~VMA.VALID}`) },
  },
  vma_unmap: {
    params: [param("range", "range")],
    result: "void",
    effect: "write",
    doc: "the VMAs of range leave the mm's tree (if still there) and the rmap trees, and are freed (free_pgtables()'s unlink, remove_vma_list())",
    touches: [readsWrites("vma", { page: 0 })],
    emit: { stmt: (c, [r]) => perPage(c, r!, () => "0") },
  },
  vma_copy: {
    params: [param("from", "range"), param("to", "range")],
    result: "void",
    effect: "write",
    doc: "copy_vma(): the VMA of from, now at to",
    touches: [reads("vma", { page: 0 }), readsWrites("vma", { page: 1 })],
    emit: {
      stmt: (c, [from, to]) =>
        pagesOf(from!)
          .map((p, i) => c.put(c.L.vma[pagesOf(to!)[i]!]!, c.slot(c.L.vma[p]!)))
          .join(" "),
    },
  },
  vma_set_prot: {
    params: [param("range", "range"), param("prot", "prot")],
    result: "void",
    effect: "write",
    doc: "mprotect_fixup(): vm_flags and vm_page_prot",
    touches: [readsWrites("vma", { page: 0 })],
    emit: {
      stmt: (c, [r, prot]) =>
        perPage(
          c,
          r!,
          (p) => `(${c.slot(c.L.vma[p]!)} & ${~(VMA.READ | VMA.WRITE)}) | ${protFlags(prot!.code)}`,
        ),
    },
  },
  source_fpage: pure(
    [param("source", "source")],
    "fpage",
    "vma->vm_file and vm_pgoff of a new mapping: its first file page (none for anonymous memory)",
    (_, [src]) => src!.code,
  ),
  page_of: pure(
    [param("range", "range"), param("index", "int")],
    "page",
    "page index of range",
    (_, [r, i]) => `${pagesOf(r!)[Number(i!.code)] ?? 0}`,
  ),
  addr_page: pure([param("addr", "addr")], "page", "the page of an address", (_, [a]) =>
    String(pageOf(a!)),
  ),
});
