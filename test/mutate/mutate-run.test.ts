import { describe, expect, it } from "vitest";
import { loadPrelude } from "../../src/kernel/prelude.js";
import { judgesOf, mutateSite } from "../../src/mutate/mutate.js";
import { findSites, type Site } from "../../src/mutate/sites.js";
import { readRepoFile } from "../helpers.js";

const prelude = loadPrelude();
const sites = findSites(prelude);
const limits = { timeoutMs: 120_000 };
const seed = "scenarios/mremap-vs-page-mkclean.tlb";

const site = (proc: string, what: string, comment?: string): Site => {
  const found = sites.filter(
    (s) =>
      s.proc === proc &&
      s.what === what &&
      (comment === undefined || readRepoFile(s.file).split("\n")[s.line - 1]!.includes(comment)),
  );
  expect(found).toHaveLength(1);
  return found[0]!;
};

/** A scenario that runs mremap() and expects nothing its flushes protect. */
const needsNoFlush = `tlb moves_only
init {
  X = mmap anon private rw populate
  X.0 = 1
  Y = unmapped
}
thread T1 on cpu1 {
  mremap X -> Y
  r = load Y
}
exists (T1:r != 1)
expect kernel 4.9 : never
`;

describe("tlbl mutate", () => {
  it("a mutant that drops 5d1904204c99's flush is caught by the seed scenario, with a schedule", async () => {
    const { judges, skipped } = await judgesOf(
      [{ file: seed, text: readRepoFile(seed) }],
      prelude,
      limits,
    );
    expect(skipped).toEqual([]);
    const r = await mutateSite(
      site("move_ptes", "flush_tlb_range(old)", "5d1904204c99: flush before dropping"),
      judges,
      limits,
    );
    expect(r.status).toBe("caught");
    expect(r.catches).toHaveLength(1);
    expect(r.catches[0]).toMatchObject({ scenario: seed, kernel: "4.9" });
    expect(r.catches[0]!.schedule).toMatch(/^T\d+ /);
  });

  it("a site no scenario needs survives; one no scenario reaches is unreached", async () => {
    const { judges } = await judgesOf([{ file: "moves.tlb", text: needsNoFlush }], prelude, limits);
    expect(judges).toHaveLength(1);
    const flush = site("move_ptes", "flush_tlb_range(old)", "5d1904204c99: flush before dropping");
    expect((await mutateSite(flush, judges, limits)).status).toBe("survives");
    const reclaim = sites.find((s) => s.proc === "reclaim" && s.kind === "flush")!;
    const r = await mutateSite(reclaim, judges, limits);
    expect(r).toMatchObject({ status: "unreached", reachedBy: [], catches: [] });
  });

  it("a scenario whose Never fails on the real prelude judges nothing", async () => {
    const wrong = needsNoFlush.replace("T1:r != 1", "T1:r == 1");
    const { judges, skipped } = await judgesOf([{ file: "w.tlb", text: wrong }], prelude, limits);
    expect(judges).toEqual([]);
    expect(skipped[0]!.reason).toMatch(/does not hold on the real prelude/);
  });
});

describe("tlbl mutate: a site on a path that loops", () => {
  it("a fault that takes no mmap_lock still takes a step: the access retries, the mutant is judged", async () => {
    const ksm = "scenarios/ksm/ksm-vs-deferred-flushes.tlb";
    const { judges } = await judgesOf([{ file: ksm, text: readRepoFile(ksm) }], prelude, limits);
    expect(judges).toHaveLength(1);
    // Without its mmap_read_lock … mmap_read_unlock, __do_page_fault() on a PTE that needs
    // nothing had no step: the store retried it in a loop that could not be built ("a loop
    // with no step in it"), and that ended the whole mutation run.
    const r = await mutateSite(
      site("__do_page_fault", "mmap_read_lock … mmap_read_unlock (×2)"),
      judges,
      limits,
    );
    expect(r.open).toEqual([]);
    expect(["caught", "survives"]).toContain(r.status);
  });
});
