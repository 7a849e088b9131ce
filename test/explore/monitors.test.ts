import { describe, expect, it } from "vitest";
import { runScenario } from "../../src/judge/run.js";
import { readRepoFile, scenarioFiles } from "../helpers.js";
import { machineOf, scenarioOf, verdict } from "../model/helpers.js";

/** A scenario with its condition taken out: its expectations then judge the monitors. */
function withoutCondition(text: string): string {
  const out = text.replace(/^(exists|~exists|forall) .*$/m, "");
  expect(out).not.toBe(text);
  return out;
}

async function run(text: string, file: string, reduce = true, symmetry = true) {
  const out = await runScenario(scenarioOf(text, file), {
    kernels: [],
    fixes: [],
    schedule: undefined,
    order: "bfs",
    reduce,
    symmetry,
  });
  expect(out.diagnostics).toEqual([]);
  return out.results;
}

/**
 * docs/library.md's "monitors before the fix" column, by scenario file: the monitors that fire on
 * every release before the fix, or per release where they differ (`lost_write (4.8: lost_write,
 * freed_frame)` says 4.8 fires both and the others lost_write).
 */
function libraryMonitors(): Map<string, (kernel: string) => string[]> {
  const out = new Map<string, (kernel: string) => string[]>();
  const names = (list: string): string[] => list.split(",").map((m) => m.trim());
  for (const line of readRepoFile("docs/library.md").split("\n")) {
    const cells = line.split("|").map((c) => c.trim());
    const file = /^`(.+\.tlb)`$/.exec(cells[1] ?? "")?.[1];
    if (!file) continue;
    const [, all, kernel, those] = /^([^(]*?)\s*(?:\((\S+): ([^)]*)\))?$/.exec(cells[7]!)!;
    out.set(`scenarios/${file}`, (k) => names(k === kernel ? those! : all!));
  }
  return out;
}

describe("the built-in monitors find every race with no condition written", () => {
  const documented = libraryMonitors();
  it("docs/library.md lists every scenario", () => {
    expect([...documented.keys()].sort()).toEqual(scenarioFiles());
  });
  // Each scenario's expectations come from the kernel history (Sometimes before the fix, Never
  // after): a monitor must fire before the fix and none after it, and the ones that fire are
  // those docs/library.md names.
  for (const file of scenarioFiles()) {
    it(`${file}: some monitor fires before the fix, none after`, async () => {
      const results = await run(withoutCondition(readRepoFile(file)), file);
      expect(results.length).toBeGreaterThan(0);
      for (const r of results) {
        expect(r.monitors, r.kernel).toBeDefined();
        const fired = Object.entries(r.monitors!)
          .filter(([, k]) => k > 0)
          .map(([n]) => n);
        if (r.expected === "never") expect(fired, `kernel ${r.kernel}`).toEqual([]);
        else expect(fired, `kernel ${r.kernel}`).toEqual(documented.get(file)!(r.kernel));
        expect(r.ok, `kernel ${r.kernel}`).toBe(true);
      }
    });
  }
});

describe("partial-order reduction keeps the monitors' findings", () => {
  // The monitors read every PTE and frame at an access: their footprints must make the reduced
  // search reach the same final states, monitor bits included.
  for (const file of scenarioFiles().filter((f) => !f.includes("numa"))) {
    it(`${file}: the same findings in the same number of final states with and without`, async () => {
      const text = withoutCondition(readRepoFile(file));
      const plain = await run(text, file, false, false);
      const reduced = await run(text, file, true, false);
      expect(reduced.map((r) => [r.kernel, r.finals, r.monitors])).toEqual(
        plain.map((r) => [r.kernel, r.finals, r.monitors]),
      );
    });
  }
});

describe("monitors named in conditions", () => {
  const mprotect = readRepoFile("scenarios/reclaim-vs-mprotect.tlb");
  const numa = readRepoFile("scenarios/numa-tlb-flush-pending.tlb");
  const condition = (text: string, c: string): string =>
    text.replace(/^(exists|~exists|forall) .*$/m, c);

  it("stale_tlb: a write through the cached entry after mprotect(PROT_READ) returned", async () => {
    const results = await run(
      condition(mprotect, "exists (fired(stale_tlb) && !fired(lost_write))"),
      "m.tlb",
    );
    expect(results.map((r) => [r.kernel, r.verdict])).toEqual([
      ["4.12", "sometimes"],
      ["4.13", "never"],
    ]);
  });

  it("freed_frame and lost_write: the store reaches the old page after migration", async () => {
    const freed = await run(condition(numa, "exists (fired(freed_frame))"), "n.tlb");
    expect(freed.map((r) => [r.kernel, r.verdict])).toEqual([
      ["4.12", "sometimes"],
      ["4.13", "never"],
    ]);
    const lost = await run(
      condition(numa, "exists (fired(lost_write) && T3:w == ok && X == 1)"),
      "n.tlb",
    );
    expect(lost[0]!.verdict).toBe("sometimes");
  }, 1_800_000); // three searches of numa-tlb-flush-pending (1.2 M states on 4.12)

  it("no monitor fires on a race-free program", async () => {
    const text = `tlb quiet
init {
  file F = [0]
  X = mmap F[0] shared rw
}
thread T1 on cpu1 {
  store X 1
  mprotect X r
  w = store X 2
  fadvise F dontneed
  munmap X
}
expect kernel 4.13 : never
`;
    const [r] = await run(text, "q.tlb");
    expect(r!.verdict).toBe("never");
    expect(r!.finals).toBeGreaterThan(0);
  });

  it("a scenario whose condition names no monitor pays nothing for them", () => {
    const m = machineOf(mprotect, "4.12");
    expect(m.layout.monitor).toBe(-1);
    expect(m.layout.settled).toEqual([]);
  });
});

describe("the monitors' definitions (docs/model.md, Monitors)", () => {
  // A stale writable, dirty entry (prefilled) lets T1 store into the page while K writes it back
  // with the scenario's own write_one_page(), labelled.
  const writeback = `tlb writeback_window
init {
  file F = [0]
  X = mmap F[0] shared rw populate
  tlb cpu1 X rw dirty
}
proc mark_dirty(f: file) {
  page = find_get_page(f[0])
  set_page_dirty(page)
  put_page(page)
}
proc write_page(f: file) {
  page = find_get_dirty_page(f[0])
  lock_page(page)
  if clear_page_dirty_for_io(page) {
    label cleared
    writepage(page)
  }
  label written
  put_page(page)
}
thread T1 on cpu1 {
  w = store X 2
  label stored
}
kthread K on cpu2 {
  mark_dirty(F)
  label dirtied
  write_page(F)
}
exists (fired(lost_write) && K.cleared < T1.stored && T1.stored < K.written)
`;

  it("lost_write: not for a store between writeback's dirty-bit clear and its page write", async () => {
    // That store reaches the disk with ->writepage(); the monitor fired for it before.
    expect(await verdict(writeback)).toBe("never");
    expect(await verdict(writeback.replace("fired(lost_write) && ", ""))).toBe("sometimes");
  });

  it("lost_write: for a store after the page write, which nothing writes again", async () => {
    const after = writeback.replace(
      "K.cleared < T1.stored && T1.stored < K.written",
      "K.written < T1.stored",
    );
    expect(await verdict(after)).toBe("sometimes");
  });

  // A device writes a page pinned by get_user_pages() after a write fault copied it (COW: the
  // pin makes page_count() 2): the process never sees the write.
  const gup = `tlb gup_write_after_cow
init {
  X = mmap anon private rw populate
}
proc pin(a: page): frame {
  pte_lock(a)
  page = pte_pfn(ptep_get(a))
  get_page(page)
  pte_unlock(a)
  return page
}
thread W on cpu1 {
  mprotect X r
  mprotect X rw
  store X.1 3
}
kthread dev on cpu2 {
  page = pin(X)
  page_write_word(page, 0, 7)
  put_page(page)
}
exists (fired(lost_write))
`;

  // do_wp_page() copies the referenced page until 5.18; from 5.19 (6c287605fd56) it reuses the
  // PageAnonExclusive page, so nothing is copied away.
  it("lost_write: a kernel or device write into a page whose contents were copied away", async () => {
    expect(await verdict(gup, "5.17")).toBe("sometimes");
    expect(await verdict(gup, "6.18")).toBe("never");
  });

  it("lost_write: not for a device write into a page still mapped", async () => {
    expect(await verdict(gup.replace("  store X.1 3\n", ""))).toBe("never");
  });

  // K frees the frame of X without a TLB flush while T1 may hold an entry for it.
  const freed = `tlb freed_under_entry
init {
  X = mmap anon private rw populate
}
proc drop(a: page) {
  pte_lock(a)
  pte = ptep_get_and_clear(a)
  pte_unlock(a)
  page_remove_rmap(pte_pfn(pte))
  put_page(pte_pfn(pte))
}
thread T1 on cpu1 {
  r = load X
}
kthread K on cpu2 {
  drop(X)
}
exists (fired(freed_frame))
`;

  it("freed_frame: a frame freed while a TLB entry maps it, used again or not", async () => {
    expect(await verdict(freed)).toBe("sometimes");
  });

  it("freed_frame: not when the entry is flushed before the free", async () => {
    const flushed = freed.replace("  pte_unlock(a)\n", "  flush_tlb_page(a)\n  pte_unlock(a)\n");
    expect(flushed).not.toBe(freed);
    expect(await verdict(flushed)).toBe("never");
  });
});
