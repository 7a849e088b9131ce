import { describe, expect, it } from "vitest";
import type { Op, ThreadProgram } from "../../src/semantics/ir.js";
import { lower } from "../../src/semantics/lower.js";
import { reachable } from "../../src/semantics/lower/uncontended.js";
import { universeOf } from "../../src/semantics/universe.js";
import { scenarioOf } from "../model/helpers.js";

/**
 * A drain of an empty lru_lazyfree batch changes nothing (src/semantics/lower/idle-drains.ts):
 * lowering drops `lru_add_drain` where its thread cannot have filled its CPU's batch yet, and
 * `lru_add_drain_all` where no thread fills one; the other drains stay steps.
 */
function drains(text: string): string[][] {
  const s = scenarioOf(text);
  const { program } = lower(s, universeOf(s), { release: "6.18", fixes: new Map() });
  const names = (ops: readonly Op[]): string[] =>
    ops.flatMap((o) =>
      o.k === "call" ? [o.name] : o.k === "if" ? [...names(o.then), ...names(o.else)] : [],
    );
  return program!.threads.map((t: ThreadProgram) =>
    reachable(t)
      .flatMap((n) => (n.k === "step" || n.k === "silent" ? names(n.ops) : []))
      .filter((name) => name.startsWith("lru_add_drain")),
  );
}

const scenario = (t1: string, t2: string): string => `tlb t
init {
  A = mmap anon private rw populate
}
thread T1 on cpu1 {
${t1}
}
thread T2 on cpu2 {
${t2}
}
exists (A == 0)
`;

describe("idle LRU drains", () => {
  it("keeps a drain that can follow its thread's MADV_FREE, drops the one before it", () => {
    // madvise_free_single_vma() drains first: T1's batch is still empty there. The second
    // madvise's drain and the explicit one come after a fill.
    expect(
      drains(scenario("  madvise A free\n  madvise A free\n  lru_add_drain", "  load A")),
    ).toEqual([["lru_add_drain", "lru_add_drain"], []]);
  });

  it("drops the drains of a thread that never fills a batch, and drain_all when nobody does", () => {
    expect(drains(scenario("  madvise A dontneed\n  lru_add_drain", "  ksm_merge A A"))).toEqual([
      [],
      [],
    ]);
    expect(drains(scenario("  madvise A free", "  ksm_merge A A"))).toEqual([
      [],
      ["lru_add_drain_all"],
    ]);
  });
});
