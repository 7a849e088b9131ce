import { describe, expect, it } from "vitest";
import { machineOf, verdict } from "./helpers.js";

/** The layout keeps as constants only what no called primitive writes (src/primitives/). */
describe("layout: constant slots come from the registry's declarations", () => {
  const decOnly = `tlb dec
init {
  X = mmap anon private rw populate
}
thread T1 on cpu1 {
  dec_tlb_flush_pending()
  store X 1
}
exists (X == 1)
`;

  it("a thread that only decrements mm->tlb_flush_pending gets a live slot (code generation threw)", async () => {
    const L = machineOf(decOnly).layout;
    expect(L.slots[L.flushPending]!.frozen).toBeUndefined();
    expect(await verdict(decOnly)).toBe("always");
  });
});
