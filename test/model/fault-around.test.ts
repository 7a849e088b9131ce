import { describe, expect, it } from "vitest";
import { judge } from "./helpers.js";

/**
 * Fault-around, 8c6e50b0290c (3.15), "mm: introduce vm_ops->map_pages()": a read fault on a file
 * VMA first maps, read-only, the pages around it that sit in the page cache (filemap_map_pages()),
 * within the fault's VMA and below i_size. Each scenario reads F[1] into the cache first, then
 * faults on X[0]; the condition asks whether X[1] got a PTE without any access to it.
 */
const scenario = (steps: string): string => `tlb fault_around
init {
  file F = [0, 0]
  X = mmap F shared rw
}
thread T1 on cpu1 {
  v = pread F[1]
${steps}
  r = load X
}
exists (pte(X[1]).present)
`;

const verdicts = async (text: string, kernels: string[]): Promise<string[]> =>
  (await judge(text, kernels)).map((r) => `${r.kernel} ${r.verdict}`);

describe("fault-around maps the cached pages around a read fault from 3.15 (8c6e50b0290c)", () => {
  // Before the change every release answered never: the prelude had no fault-around.
  it("a read fault on X[0] maps X[1], whose page is cached", async () => {
    expect(await verdicts(scenario(""), ["3.14", "3.15", "4.8", "5.12", "6.16"])).toEqual([
      "3.14 never",
      "3.15 always",
      "4.8 always",
      "5.12 always",
      "6.16 always",
    ]);
  });

  // do_fault_around() stays within vm_start..vm_end: mprotect() split X in two VMAs.
  it("a page of another VMA (mprotect split the region) is not mapped", async () => {
    expect(await verdicts(scenario("  mprotect X[1] r"), ["3.15", "6.16"])).toEqual([
      "3.15 never",
      "6.16 never",
    ]);
  });

  // filemap_map_pages() skips a page at or beyond i_size (the model's pread reads one in).
  it("a cached page beyond i_size is not mapped", async () => {
    expect(await verdicts(scenario("  ftruncate F 1\n  v = pread F[1]"), ["3.15", "6.16"])).toEqual(
      ["3.15 never", "6.16 never"],
    );
  });
});
