import { describe, expect, it } from "vitest";
import { verdict } from "./helpers.js";

/**
 * Each kernel path of the prelude in isolation: one thread runs it, and the final state must be
 * what the C function leaves behind (`forall` over every execution: Always).
 */
function single(
  init: string,
  body: string,
  cond: string,
  kernel = "4.13",
): Promise<string | undefined> {
  return verdict(
    `tlb p\ninit {\n  file F = [5, 6]\n${init}\n}\nthread T1 on cpu1 {\n${body}\n}\nforall (${cond})\n`,
    kernel,
  );
}

describe("kernel prelude paths", () => {
  it("do_shared_fault: a first write maps the page writable and dirty, PG_dirty set", async () => {
    expect(
      await single(
        "  X = mmap F[0] shared rw",
        "  store X 1",
        "pte(X).writable && pte(X).dirty && dirty(F[0]) && X == 1 && F[0] == 1",
      ),
    ).toBe("always");
  });

  it("do_wp_page → wp_page_shared: a write to a clean read-only PTE dirties page and PTE", async () => {
    expect(
      await single(
        "  X = mmap F[0] shared rw populate",
        "  store X 2",
        "pte(X).writable && pte(X).dirty && dirty(F[0]) && disk(F[0]) == 5",
      ),
    ).toBe("always");
  });

  it("do_read_fault: a read maps the page read-only and clean", async () => {
    expect(
      await single(
        "  X = mmap F[1] shared rw",
        "  r = load X",
        "T1:r == 6 && pte(X).present && !pte(X).writable && !pte(X).dirty && cached(F[1])",
      ),
    ).toBe("always");
  });

  it("do_anonymous_page: a write maps a zeroed anonymous page writable", async () => {
    expect(
      await single(
        "  X = mmap anon private rw",
        "  r = load X.1\n  store X 3",
        "T1:r == 0 && X == 3 && pte(X).writable",
      ),
    ).toBe("always");
  });

  it("do_cow_fault: a write to a private file mapping copies the page; the file is untouched", async () => {
    expect(
      await single(
        "  X = mmap F[0] private rw",
        "  store X 9\n  r = pread F[0]",
        "X == 9 && T1:r == 5 && disk(F[0]) == 5",
      ),
    ).toBe("always");
  });

  it("a write to a read-only mapping is SIGSEGV", async () => {
    expect(
      await single("  X = mmap F[0] shared r", "  w = store X 9", "T1:w == segv && F[0] == 5"),
    ).toBe("always");
  });

  it("fadvise(DONTNEED) launders a mapped dirty page: page_mkclean, writeback; the page stays cached", async () => {
    expect(
      await single(
        "  X = mmap F[0] shared rw",
        "  store X 4\n  fadvise F dontneed",
        "!pte(X).dirty && !pte(X).writable && disk(F[0]) == 4 && cached(F[0]) && !dirty(F[0])",
      ),
    ).toBe("always");
  });

  it("fadvise(DONTNEED) drops a clean, unmapped page", async () => {
    expect(
      await single("", "  r = pread F[1]\n  fadvise F dontneed", "T1:r == 6 && !cached(F[1])"),
    ).toBe("always");
  });

  it("munmap: zap_pte_range moves the dirty bit to the page, and the VMA goes", async () => {
    expect(
      await single(
        "  X = mmap F[0] shared rw",
        "  store X 7\n  munmap X\n  w = store X 8",
        "T1:w == segv && pte(X).none && dirty(F[0]) && F[0] == 7",
      ),
    ).toBe("always");
  });

  it("mremap moves the PTE and the VMA", async () => {
    expect(
      await single(
        "  X = mmap anon private rw\n  Y = unmapped",
        "  store X 7\n  mremap X -> Y\n  r = load Y\n  w = store X 1",
        "T1:r == 7 && T1:w == segv && pte(Y).present",
      ),
    ).toBe("always");
  });

  it("mprotect(PROT_READ) write-protects the PTE; a later write is SIGSEGV", async () => {
    expect(
      await single(
        "  X = mmap anon private rw",
        "  store X 7\n  mprotect X r\n  w = store X 1\n  r = load X",
        "T1:w == segv && T1:r == 7 && !pte(X).writable",
      ),
    ).toBe("always");
  });

  it("madvise(DONTNEED) on anonymous memory: the page goes, a later read sees zero", async () => {
    expect(
      await single(
        "  X = mmap anon private rw",
        "  store X 7\n  madvise X dontneed\n  r = load X",
        "T1:r == 0",
      ),
    ).toBe("always");
  });

  it("madvise(FREE) cleans the PTE and leaves it present", async () => {
    expect(
      await single(
        "  X = mmap anon private rw",
        "  store X 7\n  madvise X free",
        "pte(X).present && !pte(X).dirty && X == 7",
      ),
    ).toBe("always");
  });

  it("pwrite then pread through the page cache; writeback reaches the disk", async () => {
    expect(
      await single(
        "",
        "  pwrite F[1] 3\n  r = pread F[1]\n  writeback F",
        "T1:r == 3 && disk(F[1]) == 3 && !dirty(F[1])",
      ),
    ).toBe("always");
  });

  it("msync writes a mapped dirty page back", async () => {
    expect(
      await single("  X = mmap F[0] shared rw", "  store X 2\n  msync X", "disk(F[0]) == 2"),
    ).toBe("always");
  });

  it("ftruncate unmaps the page, drops it from the cache and frees its blocks", async () => {
    expect(
      await single(
        "  X = mmap F[1] shared rw",
        "  store X 2\n  ftruncate F 1\n  r = pread F[1]",
        "T1:r == 0 && pte(X).none && disk(F[1]) == 0 && F[0] == 5",
      ),
    ).toBe("always");
  });
});

describe("kernel threads", () => {
  const scenario = (body: string, cond: string): string => `tlb k
init {
  file F = [5]
  X = mmap F[0] shared rw
}
thread T1 on cpu1 {
  store X 4
}
kthread K on cpu0 {
${body}
}
forall (${cond})
`;

  it("reclaim after the writer: try_to_unmap, pageout, then the page leaves the cache", async () => {
    const t = `tlb r\ninit {\n  file F = [5]\n  X = mmap F[0] shared rw\n}\nthread T1 on cpu1 {\n  store X 4\n  reclaim F[0]\n  r = pread F[0]\n}\nforall (T1:r == 4 && disk(F[0]) == 4 && pte(X).none)\n`;
    expect(await verdict(t.replace("reclaim F[0]", "reclaim F[0]"), "4.13")).toBe("always");
  });

  it("migration keeps the data and remaps the page", async () => {
    expect(await verdict(scenario("  migrate X", "X == 4 && F[0] == 4"), "4.13")).toBe("always");
  });

  it("NUMA scanning makes the PTE PROT_NONE; a hinting fault migrates and restores it", async () => {
    const t = `tlb n\ninit {\n  X = mmap anon private rw\n}\nthread T1 on cpu1 {\n  store X 4\n  numa_scan X\n  r = load X\n}\nforall (T1:r == 4 && pte(X).present && !pte(X).protnone)\n`;
    expect(await verdict(t, "4.13")).toBe("always");
  });
});
