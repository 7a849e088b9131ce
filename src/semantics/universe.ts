import type * as A from "../syntax/ast.js";
import type { RegionDef, Scenario } from "./scenario.js";

/**
 * The static things of a scenario, numbered: virtual pages (region by region, in declaration
 * order, which is also the order in which rmap walks visit them), file pages, CPUs.
 */
export interface Universe {
  /** Virtual pages: `X`, `X[1]`… */
  readonly pages: readonly {
    readonly region: string;
    readonly index: number;
    readonly name: string;
  }[];
  readonly regions: ReadonlyMap<string, readonly number[]>;
  /** The page-table page (Scenario.pageTables' index) each virtual page sits in. */
  readonly pageTable: readonly number[];
  /** File pages, numbered from 1 (0 means "none" in the model). */
  readonly fpages: readonly {
    readonly file: string;
    readonly index: number;
    readonly name: string;
  }[];
  readonly files: ReadonlyMap<string, readonly number[]>;
  readonly wordsPerPage: number;
}

export function universeOf(s: Scenario): Universe {
  const pages: { region: string; index: number; name: string }[] = [];
  const regions = new Map<string, number[]>();
  for (const r of s.regions) {
    const ids: number[] = [];
    for (let i = 0; i < r.pages; i++) {
      ids.push(pages.length);
      pages.push({ region: r.name, index: i, name: r.pages === 1 ? r.name : `${r.name}[${i}]` });
    }
    regions.set(r.name, ids);
  }
  regions.set(
    "mm_pages",
    pages.map((_, i) => i),
  );
  const tableOf = new Map(s.pageTables.flatMap((g, i) => g.map((r) => [r, i] as const)));
  const pageTable = pages.map((p) => tableOf.get(p.region) ?? 0);
  regions.set("rmap_pages", rmapOrder(s, regions));
  const fpages: { file: string; index: number; name: string }[] = [
    { file: "", index: -1, name: "none" },
  ];
  const files = new Map<string, number[]>();
  for (const f of s.files) {
    const ids: number[] = [];
    f.pages.forEach((_, i) => {
      ids.push(fpages.length);
      fpages.push({ file: f.name, index: i, name: `${f.name}[${i}]` });
    });
    files.set(f.name, ids);
  }
  return { pages, regions, pageTable, fpages, files, wordsPerPage: s.wordsPerPage };
}

/**
 * The pages in the order an rmap walk visits their VMAs. The kernel's interval trees (i_mmap,
 * and the anon_vma's) sort VMAs by vm_pgoff, an equal one going after those already there
 * (interval_tree_generic.h: `start < ITSTART(parent)` goes left, else right). The init block's
 * mappings are made in declaration order, so they come by the first file page they map, then by
 * declaration; a region mapped later (by mmap(), or by mremap()'s copy_vma(), whose VMA keeps
 * the old vm_pgoff) comes after them. Anonymous VMAs of one anon_vma are the init block's and
 * their mremap copies, so declaration order serves them.
 */
function rmapOrder(s: Scenario, regions: ReadonlyMap<string, number[]>): number[] {
  const key = (r: Scenario["regions"][number]): number => {
    const m = r.mapping;
    if (m === undefined) return Number.MAX_SAFE_INTEGER;
    return m.source.kind === "file" ? m.source.first : 0;
  };
  return s.regions
    .map((r, i) => ({ r, i }))
    .sort((a, b) => key(a.r) - key(b.r) || a.i - b.i)
    .flatMap(({ r }) => regions.get(r.name)!);
}

/**
 * The model's page frames: at most this many (model/layout.ts), and when a scenario allocates,
 * one for every file page, every virtual page and every thread (a copy or a migration target in
 * flight), so that running out never depends on the interleaving.
 */
export const maxFrames = 31;

export function framesNeeded(s: Scenario): number {
  const filePages = s.files.reduce((n, f) => n + f.pages.length, 0);
  const pages = s.regions.reduce((n, r) => n + r.pages, 0);
  return filePages + pages + s.threads.length + (s.after === undefined ? 0 : 1);
}

/** A file address (page and word) as one constant, for the condition primitives. */
export function faddrCode(fpage: number, word: number): number {
  return fpage * 8 + word;
}

/** The region an init address names: `A`, `A[1]`, `A.1` or `A[1].2` all name `A`. */
export function initRegion(address: A.Expr): string {
  let e = address;
  while (e.kind === "MemberExpr" || e.kind === "IndexExpr") e = e.target;
  return e.kind === "NameExpr" ? e.name.name : "";
}

/** The virtual page an init address names (`A[1].2` is page 1 of `A`), or undefined. */
export function initPage(address: A.Expr, u: Universe): number | undefined {
  const e = address.kind === "MemberExpr" ? address.target : address;
  const index = e.kind === "IndexExpr" && e.index.kind === "IntLit" ? e.index.value : 0;
  return u.regions.get(initRegion(address))?.[index];
}

/**
 * Does the init block fault this region's pages in? MAP_POPULATE does, and so does a value
 * written to anonymous memory in init (a file page's value goes to the disk instead). A page
 * mapped without access is never populated. The layout sizes its frames by this, and the
 * initial state fills them.
 */
export function populatedAtStart(s: Scenario, r: RegionDef): boolean {
  const m = r.mapping;
  if (m === undefined || m.prot === "none") return false;
  if (m.populate) return true;
  return m.source.kind === "anon" && s.memInits.some((i) => initRegion(i.address) === r.name);
}

/**
 * Does the init block populate this region with the shared zero page? MAP_POPULATE of private
 * anonymous memory that is not writable read-faults it in (populate_vma_page_range() sets
 * FOLL_WRITE only for a writable private VMA), and do_anonymous_page() maps the zero page; a
 * value written in init stands for a store made while it was writable: a page of its own.
 */
export function zeroPopulated(s: Scenario, r: RegionDef): boolean {
  const m = r.mapping;
  return (
    m !== undefined &&
    m.source.kind === "anon" &&
    m.prot === "r" &&
    m.populate &&
    !s.memInits.some((i) => initRegion(i.address) === r.name)
  );
}
