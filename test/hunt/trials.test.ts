import { describe, expect, it } from "vitest";
import {
  classify,
  classifyTogether,
  investigate,
  releasesOf,
  runCandidate,
  Trials,
} from "../../src/hunt/hunt.js";
import type { Candidate } from "../../src/hunt/vocabulary.js";
import { checkText } from "../../src/kernel/load.js";

// The seed race's shape (mremap-vs-page-mkclean, 5d1904204c99 in 4.9), written by hand here.
const seed: Candidate = {
  index: undefined,
  kind: "file-shared",
  populated: false,
  pages: 1,
  threads: [
    [
      { op: "store", page: 0 },
      { op: "fadvise", page: 0 },
      { op: "store", page: 0 },
    ],
    [{ op: "mremap", page: 0 }],
  ],
};

describe("hunt runs (Trials)", () => {
  it("a run whose program another run had costs no search: two releases alike, a fix it never looks at", async () => {
    const trials = new Trials({ releases: ["4.9", "4.12"] });
    const a = await trials.tryOn(seed, "4.9");
    expect(trials.searches).toBe(1);
    // No modelled fix landed in 4.10 to 4.12: on 4.12 the scenario lowers to the program it had
    // on 4.9. (5.18 and 6.1 were alike until the prelude followed 5.19's PageAnonExclusive in
    // do_wp_page(), which every access inlines.)
    const b = await trials.tryOn(seed, "4.12");
    expect(trials.searches).toBe(1);
    expect(trials.hits).toBe(1);
    expect(b).toEqual(a.kind === "fired" ? { ...a, firing: { ...a.firing, release: "4.12" } } : a);
    // A fix in code the scenario reaches is another program; one in KSM is not.
    await trials.tryOn(seed, "4.9", ["b3a81d0841a9"]);
    expect(trials.searches).toBe(1);
    await trials.tryOn(seed, "4.8", []);
    expect(trials.searches).toBe(2);
  });

  it("the seed race fires on 4.8 and its fix turns it quiet", async () => {
    const trials = new Trials({ releases: ["4.8"] });
    expect((await trials.tryOn(seed, "4.8")).kind).toBe("fired");
    expect((await trials.tryOn(seed, "4.8", ["5d1904204c99"])).kind).toBe("quiet");
  });

  it("a candidate runs only on the releases that model its steps", () => {
    const all = ["3.12", "4.8", "4.12", "5.11", "5.18", "6.1"];
    expect(releasesOf(seed, all)).toEqual(all);
    const free: Candidate = {
      ...seed,
      kind: "anon",
      threads: [seed.threads[0]!.filter((s) => s.op === "store"), [{ op: "free", page: 0 }]],
    };
    // madvise() follows 4.5..: no MADV_FREE on 3.12.
    expect(releasesOf(free, all)).toEqual(["4.8", "4.12", "5.11", "5.18", "6.1"]);
    const uffd: Candidate = {
      ...free,
      threads: [free.threads[0]!, [{ op: "uffd_unprotect", page: 0 }]],
    };
    expect(releasesOf(uffd, all)).toEqual(["5.11", "5.18"]);
  });

  it("a release that does not model a step is skipped, not run", async () => {
    const uffd: Candidate = {
      ...seed,
      kind: "anon",
      threads: [
        [
          { op: "store", page: 0 },
          { op: "store", page: 0 },
        ],
        [{ op: "uffd_unprotect", page: 0 }],
      ],
    };
    const trials = new Trials({ releases: ["4.12", "5.11"] });
    const ran = await runCandidate(uffd, trials);
    expect(ran!.releases[0]).toEqual({ kind: "skipped" });
    expect(ran!.releases[1]!.kind).not.toBe("skipped");
    expect(trials.searches).toBe(1);
  });

  it("after a search stops at its timeout, the candidate's later releases are not run", async () => {
    const trials = new Trials({ releases: ["4.8", "4.12", "5.11"], timeoutMs: 0 });
    const ran = await runCandidate(seed, trials);
    expect(ran!.releases).toEqual([
      { kind: "open", reason: "timeout" },
      { kind: "open", reason: "not run on 4.12: timed out on 4.8" },
      { kind: "open", reason: "not run on 5.11: timed out on 4.8" },
    ]);
    expect(trials.searches).toBe(1);
  });

  it("a race two commits closed is named by both: munmap's flush under the PTL (1cf35d47712d) and the rmap removal after it (5df397dec7c4)", async () => {
    // The store after fadvise() hits the entry munmap has not flushed: before 3.15 the flush
    // comes after the PTL is dropped, and until 6.2 the page leaves the rmap before the flush, so
    // fadvise's writeback cleans it without waiting (5df397dec7c4's message tells this race).
    const race: Candidate = { ...seed, threads: [seed.threads[0]!, [{ op: "munmap", page: 0 }]] };
    const trials = new Trials({ releases: ["3.14"] });
    const fired = await trials.tryOn(race, "3.14");
    expect(fired.kind).toBe("fired");
    expect(await classify(race, "3.14", trials)).toBeUndefined();
    const both = await classifyTogether(race, "3.14", trials);
    expect(both?.map((f) => f.commit)).toEqual(["1cf35d47712d", "5df397dec7c4"]);
    if (fired.kind !== "fired") return;
    const f = await investigate(race, fired.firing, trials);
    expect(f.shape).toBe(
      "lost_write file-shared [munmap | store,fadvise,store] 1cf35d47712d+5df397dec7c4",
    );
    expect(checkText(f.text, "f.tlb").diagnostics).toEqual([]);
    expect(f.text).toContain(
      "expect kernel 3.14 with fix 1cf35d47712d on, fix 5df397dec7c4 on : never",
    );
  });

  it("a race two commits each closed alone is named by the first, and the other is kept: 6c287605fd56, then 60bae7370896", async () => {
    // migrate_vma beside a DONTNEED on 5.18: from 5.19 an exclusive page is cleared with a flush
    // under the PTL (6c287605fd56); 60bae7370896 (6.0) does that for every page.
    const race: Candidate = {
      index: undefined,
      kind: "anon",
      populated: false,
      pages: 1,
      threads: [
        [
          { op: "store", page: 0 },
          { op: "dontneed", page: 0 },
          { op: "store", page: 0 },
        ],
        [{ op: "migrate_vma", page: 0 }],
      ],
    };
    const trials = new Trials({ releases: ["5.18"] });
    const fired = await trials.tryOn(race, "5.18");
    expect(fired.kind).toBe("fired");
    if (fired.kind !== "fired") return;
    const f = await investigate(race, fired.firing, trials);
    expect(f.fix?.commit).toBe("6c287605fd56");
    expect(f.alsoAlone.map((x) => x.commit)).toEqual(["60bae7370896"]);
    expect(f.text).toContain("expect kernel 5.18 with fix 60bae7370896 on : never");
    expect(checkText(f.text, "f.tlb").diagnostics).toEqual([]);
  });
});
