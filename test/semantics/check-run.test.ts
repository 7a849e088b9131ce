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

  it("a constant only a scenario proc writes sizes the memory values", async () => {
    // The values were sized from the threads' literals only: 0…3, and `store a 9` overflowed.
    const [r] = await judge(`tlb t
init {
  X = mmap anon private rw populate
}
proc put(a: addr) {
  store a 9
}
thread T1 on cpu1 {
  put(X)
}
exists (X == 9)
`);
    expect(r!.verdict).toBe("always");
  });
});
