import type * as A from "../syntax/ast.js";
import { fixesFor, knownReleases } from "./kernel-versions.js";
import type { Type } from "../primitives/types.js";

/** What the checker knows about a scenario: its declarations, resolved and typed. */

export interface FileDef {
  readonly name: string;
  /** Word 0 of each page, on disk at the start. */
  readonly pages: readonly number[];
  readonly decl: A.FileInit;
}

export interface MappingDef {
  readonly source:
    | { readonly kind: "anon" }
    | { readonly kind: "file"; readonly file: string; readonly first: number };
  readonly shared: boolean;
  readonly prot: "none" | "r" | "rw";
  readonly populate: boolean;
  /**
   * Populated writable and clean with PG_dirty set, as remove_migration_pte() leaves a page that
   * was written before compaction migrated it (3.12 to 6.0). Not as fork() leaves it, despite the
   * name: copy_page_range() copies no PTEs of a shared file VMA without an anon_vma.
   */
  readonly forked: boolean;
  /**
   * Populated with anonymous mTHP at 16K (hugepages-16kB/enabled): each run of four pages from
   * the region's start is one order-2 folio, as alloc_anon_folio() maps it on the first fault.
   */
  readonly mthp: boolean;
}

/** A named run of virtual pages: mapped at the start, or reserved for a later mmap/mremap. */
export interface RegionDef {
  readonly name: string;
  readonly pages: number;
  readonly mapping: MappingDef | undefined;
  readonly decl: A.MapInit | A.UnmappedInit;
}

export interface ThreadDef {
  readonly name: string;
  readonly cpu: number;
  readonly isKernel: boolean;
  readonly decl: A.ThreadDecl;
}

export interface FixDef {
  readonly commit: string;
  readonly release: string;
  readonly title: string;
}

/** A proc and the file it was written in (the scenario, or the kernel prelude). */
export interface ProcDef {
  readonly decl: A.ProcDecl;
  readonly file: string;
  /** The text of that file. */
  readonly text: string;
}

/** How a name or call in the source was resolved. */
export type Resolved =
  | { readonly kind: "local"; readonly name: string }
  | { readonly kind: "region"; readonly name: string }
  | { readonly kind: "file"; readonly name: string }
  | { readonly kind: "const"; readonly name: string }
  | { readonly kind: "enum"; readonly value: string }
  | { readonly kind: "cpu"; readonly index: number }
  | { readonly kind: "builtin"; readonly name: string }
  | { readonly kind: "instruction"; readonly name: "store" | "load" }
  | { readonly kind: "proc"; readonly name: string }
  | { readonly kind: "fixed"; readonly commit: string }
  | { readonly kind: "register"; readonly thread: string; readonly name: string }
  | { readonly kind: "label"; readonly thread: string; readonly label: string };

export interface Scenario {
  readonly file: string;
  readonly text: string;
  readonly ast: A.TestFile;
  readonly name: string;
  readonly files: readonly FileDef[];
  readonly regions: readonly RegionDef[];
  /**
   * The page-table pages the regions sit in, each a list of region names: one split PTL each
   * (`pmd X, Y` in init; a region named in no `pmd` line has its own).
   */
  readonly pageTables: readonly (readonly string[])[];
  readonly tlbInits: readonly A.TlbInit[];
  readonly memInits: readonly A.MemInit[];
  readonly threads: readonly ThreadDef[];
  readonly after: A.AfterDecl | undefined;
  /** Scenario procs, and prelude procs they do not override. */
  readonly procs: ReadonlyMap<string, ProcDef>;
  readonly fixes: ReadonlyMap<string, FixDef>;
  readonly fixToggles: readonly A.FixSetting[];
  readonly condition: A.ConditionDecl | undefined;
  readonly expects: readonly A.ExpectDecl[];
  readonly schedules: readonly A.ScheduleDecl[];
  readonly options: ReadonlyMap<string, boolean>;
  readonly types: ReadonlyMap<A.Expr, Type>;
  readonly resolved: ReadonlyMap<A.Expr, Resolved>;
  /** Words per page: one more than the highest word index any address names. */
  readonly wordsPerPage: number;
}

/** One kernel configuration a scenario is judged on: a release, fix settings, an expectation. */
export interface Judged {
  readonly kernel: string;
  readonly settings: readonly A.FixSetting[];
  readonly expected: A.Verdict | undefined;
}

/**
 * The configurations `tlbl run` judges a scenario on when no `--kernel` is given: each
 * expectation's, else the newest release tlbl knows. `tlbl check` builds the model on each.
 */
export function judgedConfigs(s: Scenario): Judged[] {
  if (s.expects.length === 0)
    return [
      { kernel: knownReleases[knownReleases.length - 1]!, settings: [], expected: undefined },
    ];
  return s.expects.map((e) => ({ kernel: e.kernel.text, settings: e.fixes, expected: e.verdict }));
}

/** The fixes applied on a configuration: the release's, the file's toggles, then `extra`. */
export function fixesOn(
  s: Scenario,
  c: Judged,
  extra: readonly { readonly commit: string; readonly enabled: boolean }[] = [],
): Map<string, boolean> {
  const toggles = [...s.fixToggles, ...c.settings].map((f) => ({
    commit: f.commit.id,
    enabled: f.enabled,
  }));
  return fixesFor(c.kernel, s.fixes.values(), [...toggles, ...extra]);
}
