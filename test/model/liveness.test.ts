import { describe, expect, it } from "vitest";
import { interference, liveIn } from "../../src/model/liveness.js";
import type { Node, ThreadProgram } from "../../src/semantics/ir.js";

/** A thread of bare nodes: vars 0…n-1, none a register. */
const program = (nodes: Node[], vars: number): ThreadProgram => ({
  name: "T",
  cpu: 0,
  isKernel: false,
  isAfter: false,
  entry: 0,
  nodes,
  procsAt: nodes.map(() => []),
  vars: Array.from({ length: vars }, (_, id) => ({
    id,
    name: `v${id}`,
    type: "bool",
    isRegister: false,
  })),
  statements: [],
});

describe("slot sharing: the interference graph", () => {
  it("a variable one op writes interferes with one a later op of the node reads", () => {
    // A call's parameter copies: v2 = v0, then v3 = !v1. v1 is dead after the node, but v2's
    // write comes first: sharing a slot, v3 would read v2's value (a fault's `first` read the
    // copy of `vma_locked`: this linked nothing before).
    const nodes: Node[] = [
      {
        k: "silent",
        ops: [
          { k: "set", v: 2, value: { k: "var", v: 0 } },
          { k: "set", v: 3, value: { k: "not", a: { k: "var", v: 1 } } },
        ],
        next: 1,
      },
      {
        k: "branch",
        cond: { k: "bin", op: "&&", a: { k: "var", v: 2 }, b: { k: "var", v: 3 } },
        then: 2,
        else: 2,
      },
      { k: "end" },
    ];
    const p = program(nodes, 4);
    const edges = interference(p, liveIn(p));
    expect(edges[2]!.has(1)).toBe(true);
  });
});
