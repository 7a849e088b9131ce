import { checkText } from "../../src/cli/load.js";
import { describe, expect, it } from "vitest";
import type { Node, Op, Value } from "../../src/semantics/ir.js";
import { lower } from "../../src/semantics/lower.js";
import { regionOps } from "../../src/semantics/lower/atomic-region.js";
import { universeOf } from "../../src/semantics/universe.js";
import { scenarioOf } from "../model/helpers.js";

/** `atomic` blocks: lowered like other code into a region, then collapsed into one step's ops. */

const v = (n: number): Value => ({ k: "var", v: n });
const set = (n: number, to: number): Op => ({ k: "set", v: n, value: { k: "const", v: to } });
const silent = (op: Op, next: number): Node => ({ k: "silent", ops: [op], next });
const branch = (cond: Value, then: number, otherwise: number): Node => ({
  k: "branch",
  cond,
  then,
  else: otherwise,
});

describe("regionOps", () => {
  it("runs of nodes give their ops in order; labels vanish", () => {
    // 3 → 2 → 1 → 0 (exit)
    const nodes: Node[] = [
      { k: "end" },
      silent(set(0, 2), 0),
      {
        k: "label",
        name: "l",
        next: 1,
        rank: undefined,
        origin: {
          file: "t.tlb",
          span: { start: 0, end: 0 },
          procs: [],
          statement: 0,
          text: "label l",
        },
      },
      silent(set(0, 1), 2),
    ];
    expect(regionOps(nodes, 3, 0)).toEqual([set(0, 1), set(0, 2)]);
  });

  it("a branch becomes an if whose arms end where they meet; the rest follows the if", () => {
    // 4: if v0 then 3 else 2; both go to 1, then exit 0
    const nodes: Node[] = [
      { k: "end" },
      silent(set(1, 9), 0),
      silent(set(0, 2), 1),
      silent(set(0, 1), 1),
      branch(v(0), 3, 2),
    ];
    expect(regionOps(nodes, 4, 0)).toEqual([
      { k: "if", cond: v(0), then: [set(0, 1)], else: [set(0, 2)] },
      set(1, 9),
    ]);
  });

  it("short-circuit control flow (`a && b`): the shared arm is copied into each if", () => {
    // 4: if v0 then 3 else 1;  3: if v1 then 2 else 1;  2, 1 → 0
    const nodes: Node[] = [
      { k: "end" },
      silent(set(2, 0), 0),
      silent(set(2, 1), 0),
      branch(v(1), 2, 1),
      branch(v(0), 3, 1),
    ];
    expect(regionOps(nodes, 4, 0)).toEqual([
      {
        k: "if",
        cond: v(0),
        then: [{ k: "if", cond: v(1), then: [set(2, 1)], else: [set(2, 0)] }],
        else: [set(2, 0)],
      },
    ]);
  });

  it("a loop is no region", () => {
    const nodes: Node[] = [{ k: "end" }, branch(v(0), 2, 0), silent(set(0, 0), 1)];
    expect(() => regionOps(nodes, 1, 0)).toThrow(/loop/);
  });
});

function lowered(text: string) {
  const s = scenarioOf(text);
  return lower(s, universeOf(s), { release: "6.18", fixes: new Map() });
}

const withAtomic = (procs: string, body: string): string => `tlb t
init {
  A = mmap anon private rw populate
}
${procs}
thread T1 on cpu1 {
  atomic {
${body}
  }
}
`;

describe("atomic blocks", () => {
  it("are one step, procs inlined, ifs as ops", () => {
    const r = lowered(
      withAtomic(
        "proc get(a: page) {\n  get_page(pte_pfn(ptep_get(a)))\n}",
        "    if pte_present(ptep_get(A)) {\n      get(A)\n    }",
      ),
    );
    const steps = r.program!.threads[0]!.nodes.filter((n) => n.k === "step");
    expect(steps).toHaveLength(1);
    const ops = steps[0]!.k === "step" ? steps[0]!.ops : [];
    expect(ops).toMatchObject([{ k: "if", then: [{ k: "call", name: "get_page" }], else: [] }]);
  });

  it("refuse a proc that returns early or loops, at check time", () => {
    const r = checkText(
      withAtomic(
        `proc early(a: page): bool {
  if pte_present(ptep_get(a)) {
    return true
  }
  return false
}
proc spin(a: page) {
  while !trylock_page(pte_pfn(ptep_get(a))) {
    skip
  }
}`,
        "    x = early(A)\n    spin(A)",
      ),
      "t.tlb",
    );
    expect(r.diagnostics.map((d) => `${d.code} ${d.message}`).sort()).toEqual([
      "E203 `early` returns early, so it cannot be called inside `atomic`",
      "E203 `spin` loops, so it cannot be called inside `atomic`",
    ]);
  });
});
