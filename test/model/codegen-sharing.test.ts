import { describe, expect, it } from "vitest";
import { checkText } from "../../src/cli/load.js";
import { search } from "../../src/explore/search.js";
import { buildMachine, type Machine } from "../../src/model/machine.js";
import { fixesOn, judgedConfigs } from "../../src/semantics/scenario.js";
import { readRepoFile, scenarioFiles } from "../helpers.js";

/**
 * Code generation copies every path between two steps, and past a budget emits each
 * continuation once as a closure (model/codegen.ts). Both must be the same machine: with the
 * budget at 0 (everything shared), every library scenario reaches exactly the same states.
 */
function explored(m: Machine): { states: number; transitions: number; finals: string[] } {
  const finals: string[] = [];
  // The same machine explores the same states in the same order, so a bounded prefix compares.
  const r = search(m, {
    order: "bfs",
    reduce: true,
    maxStates: 40_000,
    onFinal: (s) => finals.push(Array.from(s).join(",")),
  });
  return { states: r.states, transitions: r.transitions, finals: finals.sort() };
}

describe("shared continuations", () => {
  for (const file of scenarioFiles()) {
    it(`${file}: the same states whether paths are copied or shared`, () => {
      const s = checkText(readRepoFile(file), file).scenario!;
      for (const c of judgedConfigs(s)) {
        const config = { release: c.kernel, fixes: fixesOn(s, c) };
        const copied = buildMachine(s, config).machine!;
        const shared = buildMachine(s, config, { copyBudget: 0 }).machine!;
        expect(explored(shared), c.kernel).toEqual(explored(copied));
      }
    });
  }

  it("keeps the code linear in branches on locals between two steps (24 in a row)", () => {
    const ifs = Array.from(
      { length: 24 },
      (_, i) => `  if a == ${i % 3} { b = b + 1 } else { c = c + 1 }`,
    ).join("\n");
    const s = checkText(
      `tlb branches
init {
  X = mmap anon[1] private rw populate
}
thread T1 on cpu1 {
  a = load X
  b = 0
  c = 0
${ifs}
  store X b
}
thread T2 on cpu2 {
  store X 1
}
exists (X[0] == 8)
`,
      "branches.tlb",
    ).scenario!;
    // Before: 2^24 copies of the tail; restingPoints() alone walked every path.
    const m = buildMachine(
      s,
      { release: "6.1", fixes: new Map() },
      { sizing: { min: 0, max: 31, refcountBits: 4 } },
    ).machine!;
    const r = search(m, { order: "bfs" });
    // X ends 8 after either load (a = 0 or 1), or 1 when T2 stores last.
    expect([r.positive, r.negative]).toEqual([2, 1]);
  });

  it("builds a thread of 30,000 statements in a row (each pass walks runs in a loop)", () => {
    const body = Array.from({ length: 30_000 }, () => "  x = 1").join("\n");
    const s = checkText(
      `tlb long
init {
  X = mmap anon[1] private rw populate
}
thread T1 on cpu1 {
${body}
  store X x
}
exists (X[0] == 1)
`,
      "long.tlb",
    ).scenario!;
    // Before: a stack overflow in code generation, resting points and footprints.
    const m = buildMachine(s, { release: "6.1", fixes: new Map() }).machine!;
    const r = search(m, { order: "bfs", reduce: true });
    expect([r.positive, r.negative]).toEqual([1, 0]);
  });
});
