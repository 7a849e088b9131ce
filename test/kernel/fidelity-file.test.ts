import { describe, expect, it } from "vitest";
import { readRepoFile } from "../helpers.js";
import { judge } from "../model/helpers.js";

/**
 * The page-cache, reclaim and MADV_FREE paths beside the C (issue 11, items 2, 8, 9, 10): each
 * file states what the C does and fails on the model before the fix (the failing verdict is
 * named).
 */
const cases: [file: string, before: string][] = [
  // msync() held mmap_lock across the writeback, so mremap() could not run inside it: Never.
  ["msync-drops-mmap-lock.tlb", "4.8 Never"],
  // The populated private mapping mapped the page cache page itself and read the pwrite().
  ["populate-private-cow.tlb", "Never"],
  // A truncated page read zero instead of SIGBUS.
  ["truncate-sigbus.tlb", "Never"],
  // ftruncate() and pwrite() grow it again: the hole reads zero, beyond the end is SIGBUS.
  ["truncate-then-grow.tlb", "Never"],
  // truncate_inode_pages() waited for a locked page before dropping the ones after it.
  ["truncate-first-pass.tlb", "Never"],
  // MADV_FREE cleaned the PTE of a dirty page it could not lock.
  ["madvise-free-trylock.tlb", "4.13 Sometimes"],
  // MADV_FREE on a file mapping cleaned the dirty PTE (the C: -EINVAL).
  ["madvise-free-file.tlb", "Never"],
  // pageout() wrote a page someone else held a reference on (no is_page_cache_freeable()).
  ["pageout-extra-reference.tlb", "Sometimes"],
];

describe("fidelity: filemap, vmscan and madvise paths follow the C", () => {
  for (const [file, before] of cases)
    it(`${file} holds on every kernel it expects (before the fix: ${before})`, async () => {
      const text = readRepoFile(`test/kernel/fidelity/${file}`);
      const results = await judge(text);
      expect(results.length).toBeGreaterThan(0);
      for (const r of results)
        expect({ kernel: r.kernel, ok: r.ok }).toEqual({ kernel: r.kernel, ok: true });
    });
});
