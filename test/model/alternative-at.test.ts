import { describe, expect, it } from "vitest";
import { alternativeAt, makesChoice } from "../../src/model/codegen.js";
import { machineOf } from "./helpers.js";

/**
 * The explorer tries a thread's alternative move (fire's alt 1) only where alternativeAt says
 * the step it runs to can choose; elsewhere fire returns -2 at once. It used to call fire twice
 * for every thread of every state once any step of the program could choose.
 */
const text = `tlb numa_choice
init {
  A = mmap anon private rw populate
}
thread T1 on cpu1 {
  store A 1
}
kthread numa on cpu2 {
  numa_scan A
}
exists (A == 1)
`;

describe("alternativeAt", () => {
  const m = machineOf(text, "6.1");
  const [t1, numa] = m.program.threads;

  it("marks every step that chooses (mpol_misplaced() in do_numa_page)", () => {
    const choosing = t1!.nodes.flatMap((n, id) => (makesChoice(n) ? [id] : []));
    expect(choosing.length).toBeGreaterThan(0);
    for (const id of choosing) expect(m.alternativeAt[0]![id]).toBe(1);
  });

  it("leaves out where the next step cannot choose: a thread's entry, the scanner everywhere", () => {
    expect(m.alternativeAt[0]![t1!.entry]).toBe(0);
    expect([...m.alternativeAt[1]!].every((x) => x === 0)).toBe(true);
    expect(numa!.nodes.some(makesChoice)).toBe(false);
  });

  it("with tlb_evict every access has one", () => {
    const can = alternativeAt(t1!, true);
    t1!.nodes.forEach((n, id) => {
      if (n.k === "access") expect(can[id]).toBe(1);
    });
  });
});
