import type { DiagnosticBag } from "../diagnostics/diagnostic.js";
import { didYouMean } from "../diagnostics/suggest.js";
import type * as A from "../syntax/ast.js";
import type { FileDef, RegionDef } from "./scenario.js";

/** One PTE page maps an aligned 2 MB: 512 pages of 4K (PTRS_PER_PTE on x86-64). */
export const pagesPerPageTable = 512;

/**
 * Where the regions sit in page-table pages: each `pmd X, Y` line puts its regions in one page
 * table (one split PTL, as pte_lockptr() finds it); every other region gets one of its own, as
 * when the regions lie 2 MB or more apart. Groups come in the order of their first region.
 */
export function pageTablesOf(
  pmds: readonly A.PmdInit[],
  regions: readonly RegionDef[],
  files: readonly FileDef[],
  bag: DiagnosticBag,
): string[][] {
  const byName = new Map(regions.map((r) => [r.name, r]));
  const placed = new Map<string, A.Ident>();
  const groups: string[][] = [];
  for (const pmd of pmds) {
    const group: string[] = [];
    for (const id of pmd.regions) {
      const region = byName.get(id.name);
      if (region === undefined) {
        const what = files.some((f) => f.name === id.name)
          ? `\`${id.name}\` is a file; \`pmd\` places regions`
          : `unknown region \`${id.name}\`${didYouMean(id.name, byName.keys())}`;
        bag.error(files.some((f) => f.name === id.name) ? "E201" : "E102", id.span, what);
        continue;
      }
      const earlier = placed.get(id.name);
      if (earlier !== undefined) {
        bag.error(
          "E100",
          id.span,
          `region \`${id.name}\` is already placed in a page table (a region lies in one)`,
        );
        continue;
      }
      placed.set(id.name, id);
      group.push(id.name);
    }
    const pages = group.reduce((n, name) => n + byName.get(name)!.pages, 0);
    if (pages > pagesPerPageTable)
      bag.error(
        "E202",
        pmd.span,
        `${group.join(", ")} take ${pages} pages; one page table maps ${pagesPerPageTable} (2 MB)`,
      );
    if (group.length > 0) groups.push(group);
  }
  for (const r of regions) if (!placed.has(r.name)) groups.push([r.name]);
  const first = (g: readonly string[]): number =>
    Math.min(...g.map((n) => regions.indexOf(byName.get(n)!)));
  return groups.sort((a, b) => first(a) - first(b));
}
