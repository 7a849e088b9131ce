import { describe, expect, it } from "vitest";
import type * as A from "../../src/syntax/ast.js";
import type { Value } from "../../src/semantics/ir.js";
import {
  containsAction,
  effectOf,
  isAction,
  isValuePrimitive,
  readsShared,
} from "../../src/semantics/lower/effects.js";
import { scenarioOf } from "../model/helpers.js";

/** The effect classifier (src/semantics/lower/effects.ts): one answer to every effect question. */

const call = (name: string, ...args: Value[]): Value => ({ k: "call", name, args });
const page: Value = { k: "const", v: 0 };

describe("effects of primitives", () => {
  it("reads the table: pure, local, read, write; nothing for a name that is no primitive", () => {
    expect(effectOf("pte_mkdirty")).toBe("pure");
    expect(effectOf("tlb_ubc_add")).toBe("local");
    expect(effectOf("ptep_get")).toBe("read");
    expect(effectOf("set_pte_at")).toBe("write");
    expect(effectOf("mem_word")).toBe("read"); // a condition's own primitive
    expect(effectOf("move_ptes")).toBeUndefined(); // a proc
  });

  it("pure and read primitives are values; local and write ones are not", () => {
    expect(["pte_mkdirty", "ptep_get"].map(isValuePrimitive)).toEqual([true, true]);
    expect(["tlb_ubc_add", "set_pte_at"].map(isValuePrimitive)).toEqual([false, false]);
  });
});

describe("readsShared", () => {
  it("a read, anywhere inside a value, reads shared state; pure and local ones do not", () => {
    expect(readsShared(call("pte_mkdirty", call("ptep_get", page)))).toBe(true);
    expect(readsShared({ k: "not", a: call("pte_present", { k: "var", v: 0 }) })).toBe(false);
    expect(readsShared(call("tlb_range_pending"))).toBe(false);
    expect(readsShared({ k: "bin", op: "+", a: { k: "var", v: 0 }, b: page })).toBe(false);
  });

  it("a condition's accessor of the final state (no primitive) reads shared state", () => {
    expect(readsShared(call("mem_word", page, page))).toBe(true);
  });
});

describe("actions in expressions", () => {
  const s = scenarioOf(`tlb t
init {
  A = mmap anon private rw populate
}
proc q(a: page): bool {
  return true
}
proc p(a: page) {
  x = ptep_get(a)
  y = trylock_page(pte_pfn(x))
  z = pte_present(x) && q(a)
  w = q(a)
  v = tlb_range_pending
}
thread T1 on cpu1 {
  p(A)
}
`);
  const values = s.procs.get("p")!.decl.body.stmts.map((st) => (st as A.AssignStmt).value);
  const [read, write, nested, proc, local] = values as [A.Expr, A.Expr, A.Expr, A.Expr, A.Expr];

  it("a proc, a load or store, a write or local primitive is an action; a read is not", () => {
    expect([read, write, proc, local].map((e) => isAction(e, s.resolved))).toEqual([
      false,
      true,
      true,
      true,
    ]);
  });

  it("an expression contains an action when any part of it is one", () => {
    expect(isAction(nested, s.resolved)).toBe(false);
    expect(containsAction(nested, s.resolved)).toBe(true);
    expect(containsAction(read, s.resolved)).toBe(false);
  });
});
