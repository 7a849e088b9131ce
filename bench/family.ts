/**
 * The benchmark family of ../shared/bench/spin (gen.py N K FIX) as a .tlb scenario: N pages moved
 * by mremap, K extra writer CPUs, buggy or fixed. Its procs have exactly the atomic steps of
 * RESULTS.md's "shared semantics", one `atomic` block per Promela d_step, so with reductions off
 * tlbl and Spin store the same number of states.
 */
export interface Member {
  readonly n: number;
  readonly k: number;
  readonly fixed: boolean;
}

export function memberName(m: Member): string {
  return `mremap_n${m.n}_k${m.k}_${m.fixed ? "fix" : "bug"}`;
}

export function familyScenario(m: Member): string {
  const { n, k } = m;
  const pages = Array.from({ length: n }, (_, i) => i);
  const lines: string[] = [];
  const o = (s: string): void => void lines.push(s);
  o(`tlb ${memberName(m)}`);
  o(
    `"gen.py ${n} ${k} ${m.fixed ? 1 : 0}: mremap vs page_mkclean, ${n} page(s), ${k} extra writer(s)."`,
  );
  o("");
  o("init {");
  o(`  file F = [${pages.map(() => "0").join(", ")}]`);
  o(`  X = mmap F shared rw populate // present, read-only, clean: write-notify`);
  o(n === 1 ? "  Y = unmapped" : `  Y = unmapped[${n}]`);
  o("}");
  o("");
  o("thread T1 on cpu0 {");
  for (const i of pages) o(`  store X[${i}] 1`);
  o("  fadvise_model F");
  for (const i of pages) o(`  w${i} = store X[${i}] 2`);
  o("  munmap_model Y");
  o("  fadvise_model F");
  o("}");
  o("");
  o("thread T2 on cpu1 {");
  o("  mremap_model X -> Y");
  o("}");
  for (let e = 0; e < k; e++) {
    o("");
    o(`thread E${e} on cpu${2 + e} {`);
    o(`  store X.${e + 1} 1`);
    o(`  w = store X.${e + 1} 2`);
    o("}");
  }
  o("");
  const lost = [
    ...pages.map((i) => `T1:w${i} == ok && F[${i}] == 1`),
    ...Array.from({ length: k }, (_, e) => `E${e}:w == ok && F[0].${e + 1} == 1`),
  ];
  o(`exists (${lost.join(" || ")})`);
  o("");
  o(m.fixed ? "fix 5d1904204c99 on" : "fix 5d1904204c99 off");
  o("");
  o(procs);
  return lines.join("\n");
}

/** RESULTS.md's steps, one `atomic` block per d_step. */
const procs = `// The store's fault path: SIGSEGV when the PTE is gone; otherwise the write-protect fault
// (mkwrite, dirty) in one step, when neither the PTL nor mmap_sem is held; then the store retries.
proc __do_page_fault(addr: page, write: bool): int {
  if !pte_present(ptep_get(addr)) {
    skip
    return segv
  }
  atomic {
    mmap_read_lock
    pte_lock(addr)
    set_pte_at(addr, pte_mkdirty(pte_mkwrite(ptep_get(addr))))
    set_page_dirty(pte_pfn(ptep_get(addr)))
    pte_unlock(addr)
    mmap_read_unlock
  }
  return ok
}

// fadvise(DONTNEED), per page: if dirty, page_mkclean visits X then Y under the PTL, then
// writeback, then invalidate; if clean, invalidate alone.
proc fadvise_model(f: file) {
  for i in f {
    if page_dirty(page_cache_page(f[i])) {
      atomic {
        pte_lock(X[i])
        if pte_write(ptep_get(X[i])) || pte_dirty(ptep_get(X[i])) {
          set_pte_at(X[i], pte_mkclean(pte_wrprotect(ptep_get(X[i]))))
          flush_tlb_page(X[i])
        }
        pte_unlock(X[i])
      }
      atomic {
        pte_lock(Y[i])
        if pte_write(ptep_get(Y[i])) || pte_dirty(ptep_get(Y[i])) {
          set_pte_at(Y[i], pte_mkclean(pte_wrprotect(ptep_get(Y[i]))))
        }
        pte_unlock(Y[i])
      }
      atomic {
        clear_page_dirty(page_cache_page(f[i]))
        writepage(page_cache_page(f[i]))
      }
    }
    atomic {
      if page_cache_page(f[i]) != null && !page_dirty(page_cache_page(f[i])) && !page_mapped(page_cache_page(f[i])) {
        delete_from_page_cache(page_cache_page(f[i]))
      }
    }
  }
}

// munmap(Y): down_write; lock the PTL; zap each page; flush and unlock; up_write.
proc munmap_model(r: range) {
  mmap_write_lock
  pte_lock(r[0])
  for i in r {
    atomic {
      if pte_present(ptep_get(r[i])) {
        if pte_dirty(ptep_get(r[i])) {
          set_page_dirty(pte_pfn(ptep_get(r[i])))
        }
        page_remove_rmap(pte_pfn(ptep_get(r[i])))
        pte_clear(r[i])
      }
    }
  }
  atomic {
    flush_tlb_range(r)
    pte_unlock(r[0])
  }
  mmap_write_unlock
}

// mremap(X -> Y): move_ptes with the flush after the unlock (buggy), or before it when a moved
// PTE was dirty (5d1904204c99).
proc mremap_model(old: range, new: range) {
  mmap_write_lock
  pte_lock(old[0])
  force = false
  for i in old {
    pte = ptep_get_and_clear(old[i])
    if fixed(5d1904204c99) && pte_dirty(pte) {
      force = true
    }
    set_pte_at(new[i], pte)
  }
  if force {
    flush_tlb_range(old)
    pte_unlock(old[0])
  } else {
    pte_unlock(old[0])
    flush_tlb_range(old)
  }
  mmap_write_unlock
}
`;
