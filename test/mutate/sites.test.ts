import { describe, expect, it } from "vitest";
import { loadPrelude } from "../../src/kernel/prelude.js";
import { findSites, unlockOf, type Site } from "../../src/mutate/sites.js";
import { preludeWithout } from "../../src/mutate/transform.js";
import { forEachStmt } from "../../src/semantics/typecheck.js";
import { readRepoFile } from "../helpers.js";

const prelude = loadPrelude();
const sites = findSites(prelude);

/** The 1-based line of the only line of a prelude file that contains `text`. */
function lineOf(file: string, text: string): number {
  const lines = readRepoFile(file).split("\n");
  const at = lines.flatMap((l, i) => (l.includes(text) ? [i + 1] : []));
  expect(at).toHaveLength(1);
  return at[0]!;
}

const byId = (id: string): Site => {
  const s = sites.find((x) => x.id === id);
  expect(s, id).toBeDefined();
  return s!;
};

/** How many statements of a proc's body start at the given offsets. */
/** How many of the statements at `starts` in `proc` are `kind` (any kind when undefined). */
function stmtsAt(
  p: ReturnType<typeof preludeWithout>,
  proc: string,
  starts: number[],
  kind?: string,
): number {
  let n = 0;
  forEachStmt(p.procs.get(proc)!.decl.body, (s) => {
    if (starts.includes(s.span.start) && (kind === undefined || s.kind === kind)) n++;
  });
  return n;
}

describe("protective sites", () => {
  it("finds 5d1904204c99's flush in move_ptes() by its AST, with file:proc:line", () => {
    const line = lineOf("src/kernel/mremap.tlb", "flush_tlb_range(old) // 5d1904204c99");
    const s = byId(`src/kernel/mremap.tlb:move_ptes:${line}`);
    expect(s).toMatchObject({ kind: "flush", what: "flush_tlb_range(old)", procs: ["move_ptes"] });
  });

  it("pairs a lock with every unlock of it in the proc, and not with another lock's", () => {
    const old = sites.find((s) => s.proc === "move_ptes" && s.what.startsWith("pte_lock(old[0])"));
    const neu = sites.find((s) => s.proc === "move_ptes" && s.what.startsWith("pte_lock(new[0])"));
    expect(old?.what).toBe("pte_lock(old[0]) … pte_unlock(old[0])");
    expect(neu?.what).toBe("pte_lock(new[0]) … pte_unlock(new[0])");
    const fault = sites.find((s) => s.proc === "__do_page_fault" && s.kind === "lock");
    expect(fault?.removes).toHaveLength(3); // mmap_read_lock, and the unlocks of both exits
  });

  // vmalock noticed the mutation run had no VMA-lock site: its pairing wants an *_unlock name.
  it("a VMA write lock is a lock site alone (mmap_write_unlock() releases it)", () => {
    const line = lineOf("src/kernel/mprotect.tlb", "vma_start_write(r)");
    expect(byId(`src/kernel/mprotect.tlb:mprotect:${line}`)).toMatchObject({
      kind: "lock",
      what: "vma_start_write(r)",
      procs: ["mprotect"],
    });
    expect(sites.filter((x) => x.what.startsWith("vma_start_write")).length).toBe(6);
  });

  it("pairs tlb_gather_mmu()'s increment with tlb_finish_mmu()'s decrement across procs", () => {
    const s = sites.find((x) => x.kind === "pending" && x.proc === "tlb_gather_mmu");
    expect(s?.procs).toEqual(["tlb_gather_mmu", "tlb_finish_mmu"]);
    expect(sites.filter((x) => x.kind === "pending").map((x) => x.proc)).toEqual(
      expect.arrayContaining(["change_protection_range", "clear_refs_soft_dirty"]),
    );
  });

  it("a recheck is an if under a held lock that reads state, unlocks and returns", () => {
    const line = lineOf("src/kernel/memory.tlb", "!pte_same(): someone else changed the entry");
    const s = byId(`src/kernel/memory.tlb:handle_mm_fault:${line - 1}`);
    expect(s.kind).toBe("recheck");
    // do_swap_page()'s `if write && !reuse` reads no state under its lock: no recheck.
    expect(sites.filter((x) => x.kind === "recheck").map((x) => x.what)).not.toContain(
      "if write && !reuse { … return }",
    );
  });

  it("finds no site in a comment, and each site once", () => {
    expect(new Set(sites.map((s) => s.id)).size).toBe(sites.length);
    // mremap.tlb's comments name flush_tlb_range; only the three calls are sites.
    expect(
      sites.filter((s) => s.file === "src/kernel/mremap.tlb" && s.what === "flush_tlb_range(old)"),
    ).toHaveLength(3);
  });

  it("names an unlock by the word lock, only where the partner exists", () => {
    const known = (n: string): boolean =>
      ["pte_unlock", "unlock_page", "i_mmap_unlock_write"].includes(n);
    expect(unlockOf("pte_lock", known)).toBe("pte_unlock");
    expect(unlockOf("lock_page", known)).toBe("unlock_page");
    expect(unlockOf("i_mmap_lock_write", known)).toBe("i_mmap_unlock_write");
    expect(unlockOf("trylock_page", known)).toBeUndefined();
    expect(unlockOf("lock_page_or_retry", known)).toBeUndefined();
  });
});

describe("the prelude without a site", () => {
  it("replaces exactly the site's statements by skip and checks as the real prelude does", () => {
    for (const s of sites.filter((x) => x.proc === "move_ptes" || x.proc === "tlb_gather_mmu")) {
      const mutant = preludeWithout(s);
      expect(mutant.diagnostics).toEqual([]);
      for (const proc of s.procs) {
        const starts = s.removes.filter((r) => r.proc === proc).map((r) => r.start);
        expect(stmtsAt(prelude, proc, starts)).toBe(starts.length);
        expect(stmtsAt(prelude, proc, starts, "SkipStmt")).toBe(0);
        expect(stmtsAt(mutant, proc, starts, "SkipStmt")).toBe(starts.length);
        expect(stmtsAt(mutant, proc, starts)).toBe(starts.length);
      }
      // Every other proc is the real one, statement for statement.
      const other = mutant.procs.get("page_mkclean")!.decl.body.stmts.length;
      expect(other).toBe(prelude.procs.get("page_mkclean")!.decl.body.stmts.length);
    }
  });
});
