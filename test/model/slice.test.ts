import { describe, expect, it } from "vitest";
import { checkText } from "../../src/cli/load.js";
import { verdict } from "./helpers.js";

/** Three populated anonymous pages holding 7, 8 and 9; T1 runs `body`; `forall (cond)`. */
function threePages(body: string, cond: string): string {
  return `tlb slice
init {
  A = mmap anon[3] private rw populate
  A[0] = 7
  A[1] = 8
  A[2] = 9
}
thread T1 on cpu1 {
${body}
}
forall (${cond})
`;
}

/** A step argument `A[i..j]` reaches the step as the pages i to j of A, and no others. */
describe("a slice as a step argument", () => {
  it("madvise A[1..2] dontneed: A[0] keeps its value, A[1] and A[2] read zero pages", async () => {
    const body = "  madvise A[1..2] dontneed\n  a = load A[0]\n  b = load A[1]\n  c = load A[2]";
    expect(
      await verdict(threePages(body, "T1:a == 7 && T1:b == 0 && T1:c == 0 && pte(A[0]).dirty")),
    ).toBe("always");
  });

  it("munmap A[1..1]: only A[1] faults", async () => {
    const body = "  munmap A[1..1]\n  a = load A[0]\n  b = load A[1]\n  c = load A[2]";
    expect(await verdict(threePages(body, "T1:a == 7 && T1:b == segv && T1:c == 9"))).toBe(
      "always",
    );
  });

  it("mprotect A[0..1] r: stores to A[0] and A[1] fault, a store to A[2] does not", async () => {
    const body = "  mprotect A[0..1] r\n  a = store A[0] 1\n  b = store A[1] 1\n  c = store A[2] 1";
    expect(
      await verdict(threePages(body, "T1:a == segv && T1:b == segv && T1:c == ok && A[2] == 1")),
    ).toBe("always");
  });

  it("a proc slices its range parameter: the pages are counted from the parameter's first", async () => {
    const text = threePages(
      "  drop(A[1..2])\n  a = load A[0]\n  b = load A[1]\n  c = load A[2]",
      "T1:a == 7 && T1:b == 8 && T1:c == 0",
    ).replace("thread T1", "proc drop(r: range) {\n  madvise r[1..1] dontneed\n}\nthread T1");
    expect(await verdict(text)).toBe("always");
  });

  it("a slice of a range parameter past its end is E202, found by check", () => {
    const text = threePages("  drop(A[1..2])", "true").replace(
      "thread T1",
      "proc drop(r: range) {\n  madvise r[1..2] dontneed\n}\nthread T1",
    );
    expect(checkText(text, "t.tlb").diagnostics.map((d) => `${d.code} ${d.message}`)).toEqual([
      "E202 index 2 is past the last page (1)",
    ]);
  });
});
