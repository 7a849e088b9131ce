import { describe, expect, it } from "vitest";
import { judge } from "./helpers.js";

/**
 * Reclaim batches its TLB flushes from 72b252aed506 (4.3, "mm: send one IPI per CPU to TLB flush
 * all entries after unmapping pages"): try_to_unmap_one() clears the PTE and leaves the flush to
 * try_to_unmap_flush() after the loop (`label batched`). Before, it flushed under the PTL
 * (ptep_clear_flush()), so no batch exists to reach. Found by the issue-16 hunt: the prelude
 * batched at every release, so its 3.12 findings with reclaim rested on a batch 3.12 lacks.
 */
const text = `tlb reclaim_batch
init {
  file F = [0]
  X = mmap F[0] shared rw populate
}
thread T1 on cpu1 {
  r = load X
  label loaded
}
kthread k on cpu2 {
  reclaim F[0]
}
exists (T1.loaded < k.batched)
`;

describe("reclaim's batched flush from 4.3 (72b252aed506)", () => {
  // Before the change 3.12 and 4.2 were Sometimes too.
  it("batches from 4.3, flushes under the PTL before", async () => {
    const verdicts = (await judge(text, ["3.12", "4.2", "4.3", "4.12"])).map(
      (r) => `${r.kernel} ${r.verdict}`,
    );
    expect(verdicts).toEqual(["3.12 never", "4.2 never", "4.3 sometimes", "4.12 sometimes"]);
  });
});
