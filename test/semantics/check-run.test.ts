import { describe, expect, it } from "vitest";
import { judge } from "../model/helpers.js";

/**
 * Scenarios `tlbl check` passes must run: the cases of issue 10 where the model and the checker
 * disagreed about a scenario. (Scenarios check finds at fault are in diagnostics.test.ts.)
 */
describe("what check passes, run runs", () => {
  it("a value written in init to an anonymous page's word 1 populates every page of the region", async () => {
    // The layout counted frames by `A = …` only, the initial state by `A.1`, `A[1]` too.
    const [r] = await judge(`tlb t
init {
  A = mmap anon[2] private rw
  A.1 = 5
}
thread T1 on cpu1 {
  munmap A
}
`);
    expect(r!.complete).toBe(true);
    expect(r!.finals).toBe(1);
  });
});
