import { describe, expect, it } from "vitest";
import { checkText } from "../../src/cli/load.js";
import { formatTlb } from "../../src/format/format.js";
import { parse } from "../../src/syntax/parse.js";
import { machineOf, scenarioOf, verdict } from "../model/helpers.js";

/** `pmd X, Y` in init: the regions share one page-table page, so one split PTL. */
const placed = (pmd: string): string => `tlb placed
init {
  file F = [0]
  X = mmap F[0] shared rw
  Y = unmapped
  Z = mmap anon[2] private rw
${pmd}
}
thread T1 on cpu1 {
  mremap X -> Y
}
exists (pte(Y).present == pte(Y).present)
`;

const errors = (text: string): string[] =>
  checkText(text, "t.tlb").diagnostics.map((d) => `${d.code} ${d.message}`);

describe("page-table placement: syntax", () => {
  it("parses `pmd X, Y` into one item naming the regions", () => {
    const r = parse(placed("  pmd X, Y"), "t.tlb");
    expect(r.diagnostics).toEqual([]);
    const init = r.ast!.decls.find((d) => d.kind === "InitDecl")!;
    const items = init.kind === "InitDecl" ? init.items : [];
    const pmd = items.find((i) => i.kind === "PmdInit");
    expect(pmd?.kind === "PmdInit" && pmd.regions.map((r) => r.name)).toEqual(["X", "Y"]);
  });

  it("keeps `pmd` an ordinary name elsewhere: a region may be called pmd", () => {
    const text = placed("").replace("Z = mmap", "pmd = mmap").replace("Z = ", "pmd = ");
    expect(errors(text)).toEqual([]);
    expect(scenarioOf(text).pageTables).toEqual([["X"], ["Y"], ["pmd"]]);
  });

  it("formats `pmd` lines and reads back the same placement", async () => {
    const messy = placed("  pmd   X ,Y");
    const out = await formatTlb(messy, "t.tlb");
    expect(out).toContain("\n  pmd X, Y\n");
    expect(await formatTlb(out, "t.tlb")).toBe(out);
    expect(scenarioOf(out).pageTables).toEqual(scenarioOf(messy).pageTables);
  });
});

describe("page-table placement: checks", () => {
  it("gives every region its own page table by default, in declaration order", () => {
    expect(scenarioOf(placed("")).pageTables).toEqual([["X"], ["Y"], ["Z"]]);
    expect(scenarioOf(placed("  pmd Y, Z")).pageTables).toEqual([["X"], ["Y", "Z"]]);
  });

  it("reports an unknown region, a file, and a region placed twice, all at once", () => {
    expect(errors(placed("  pmd X, W\n  pmd F, Y\n  pmd Y, X"))).toEqual([
      "E102 unknown region `W`; did you mean `X`?",
      "E201 `F` is a file; `pmd` places regions",
      "E100 region `Y` is already placed in a page table (a region lies in one)",
      "E100 region `X` is already placed in a page table (a region lies in one)",
    ]);
    expect(errors(placed("  pmd X, X"))).toEqual([
      "E100 region `X` is already placed in a page table (a region lies in one)",
    ]);
  });

  it("reports a page table whose regions do not fit its 512 pages (2 MB)", () => {
    const regions = Array.from({ length: 65 }, (_, i) => `  R${i} = unmapped[8]`).join("\n");
    const names = Array.from({ length: 65 }, (_, i) => `R${i}`).join(", ");
    const text = placed(`${regions}\n  pmd ${names}`);
    expect(errors(text)).toEqual([`E202 ${names} take 520 pages; one page table maps 512 (2 MB)`]);
  });
});

describe("same_ptl() and the PTL slots follow the placement", () => {
  const ptlOf = (pmd: string): readonly number[] => machineOf(placed(pmd), "4.18").layout.ptlOf;

  it("separate page tables: separate PTLs; one page table: one PTL", () => {
    const split = ptlOf("");
    expect(split[0]).not.toBe(split[1]); // X, Y
    expect(split[2]).toBe(split[3]); // Z[0], Z[1]: one region, one page table
    const one = ptlOf("  pmd X, Y");
    expect(one[0]).toBe(one[1]);
    expect(one[0]).not.toBe(one[2]);
  });

  const sameptl = (pmd: string): string => `tlb same
init {
  X = unmapped
  Y = unmapped
${pmd}
}
thread T1 on cpu1 {
  skip
  r = same_ptl(X, Y)
}
exists (T1:r == true)
`;

  it("answers from the placement", async () => {
    expect(await verdict(sameptl(""))).toBe("never");
    expect(await verdict(sameptl("  pmd X, Y"))).toBe("always");
  });

  it("move_ptes() takes the new PTL only when it is another page table's", () => {
    // The steps reachable from the thread's entry (lowering leaves folded-away branches behind).
    const steps = (pmd: string): string[] => {
      const t = machineOf(placed(pmd), "4.18").program.threads[0]!;
      const seen = new Set<number>();
      const todo = [t.entry];
      const out: string[] = [];
      while (todo.length > 0) {
        const id = todo.pop()!;
        if (seen.has(id)) continue;
        seen.add(id);
        const n = t.nodes[id]!;
        if (n.k === "step") out.push(n.origin.text);
        if (n.k === "branch") todo.push(n.then, n.else);
        else if (n.k === "access") todo.push(n.next, n.fault);
        else if (n.k !== "end") todo.push(n.next);
      }
      return out.filter((s) => s.startsWith("pte_lock") || s.startsWith("pte_unlock")).sort();
    };
    expect(steps("").filter((t) => t.includes("new"))).toEqual([
      "pte_lock(new[0])",
      "pte_unlock(new[0])",
    ]);
    expect(steps("  pmd X, Y").filter((t) => t.includes("new"))).toEqual([]);
  });
});
