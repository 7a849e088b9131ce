import { describe, expect, it } from "vitest";
import { judge, machineOf } from "./helpers.js";

/**
 * Per-VMA locks (CONFIG_PER_VMA_LOCK, 0bff0aaea03e in 6.4): the x86 fault first read-locks the
 * VMA it faults in (lock_vma_under_rcu()) and takes no mmap_lock; an mmap_lock writer
 * write-locks each VMA it changes (vma_start_write()) until mmap_write_unlock(). T1 below is
 * such a writer, written with the primitives: it reads A's PTE twice while it holds mmap_lock
 * for write, so `a0 == false && a1 == true` says a fault on A ran inside its critical section.
 */
const writer = (locked: string, t2: string, more = ""): string => `tlb vma_lock
init {
  A = mmap anon private rw populate
  B = mmap anon private rw populate
}
thread T1 on cpu1 {
  mmap_write_lock
  vma_start_write(${locked})
  a0 = pte_present(ptep_get(A))
  a1 = pte_present(ptep_get(A))
  mmap_write_unlock
}
thread T2 on cpu2 {
${t2}
}
${more}
exists (T1:a0 == false && T1:a1 == true)
`;

const verdicts = async (text: string, kernels: string[]): Promise<string[]> =>
  (await judge(text, kernels)).map((r) => `${r.kernel} ${r.verdict}`);

// A was faulted before (populate), so it has an anon_vma, which 6.4's lock_vma_under_rcu()
// requires; MADV_DONTNEED empties its PTE and keeps the anon_vma.
const refault = "  madvise A dontneed\n  store A 1";

describe("per-VMA locks (0bff0aaea03e, 6.4)", () => {
  // Before this change the fault always took mmap_lock, and this was Never at 6.4 and 6.15 too.
  it("a fault on A runs while another thread holds mmap_lock for write changing B", async () => {
    expect(await verdicts(writer("B", refault), ["6.3", "6.4", "6.15"])).toEqual([
      "6.3 never",
      "6.4 sometimes",
      "6.15 sometimes",
    ]);
  });

  it("a fault on the VMA being changed fails its lock and waits for mmap_lock", async () => {
    expect(await verdicts(writer("A", refault), ["6.3", "6.4", "6.15"])).toEqual([
      "6.3 never",
      "6.4 never",
      "6.15 never",
    ]);
  });

  it("6.4 retries a swap fault under mmap_lock; 1235ccd05b6d (6.5) handles it under the VMA lock", async () => {
    const text = writer("B", "  r = load A", "kthread R on cpu0 {\n  reclaim_anon A\n}");
    expect(await verdicts(text, ["6.4", "6.5"])).toEqual(["6.4 never", "6.5 sometimes"]);
  });

  // mprotect(PROT_READ) racing a write fault on the same VMA: without mprotect_fixup()'s
  // vma_start_write(), the fault could check the old VM_WRITE under the VMA lock and map a
  // writable PTE after change_protection() ran, so the PTE outlives the mprotect().
  const mprotect = (proc: string): string => `tlb mprotect_vs_fault
init {
  A = mmap anon private rw populate
}
thread T1 on cpu1 {
  mprotect A r
}
thread T2 on cpu2 {
${refault}
}
${proc}
exists (pte(A).writable)
`;

  it("mprotect() write-locks the VMA: no writable PTE survives it", async () => {
    expect(await verdicts(mprotect(""), ["6.3", "6.4", "6.15"])).toEqual([
      "6.3 never",
      "6.4 never",
      "6.15 never",
    ]);
  });

  it("without that vma_start_write() the fault maps a writable PTE behind mprotect()", async () => {
    const unlocked = `proc mprotect(r: range, prot: prot) {
  mmap_write_lock
  vma_set_prot(r, prot)
  change_protection_range(r, false)
  mmap_write_unlock
  syscall_returned(r)
}`;
    expect(await verdicts(mprotect(unlocked), ["6.3", "6.4"])).toEqual([
      "6.3 never",
      "6.4 sometimes",
    ]);
  });

  it("costs state only where one thread write-locks a VMA another may fault in, and never before 6.4", () => {
    const lockSlots = (text: string, release: string): string[] =>
      machineOf(text, release)
        .layout.slots.filter((s) => s.kind === "vma_lock")
        .map((s) => s.name);
    expect(lockSlots(writer("A", refault), "6.3")).toEqual([]);
    expect(lockSlots(writer("A", refault), "6.4")).toEqual(["VMA lock A"]);
    // T2 faults only in A, T1 write-locks only B: nobody can wait, nothing is kept.
    expect(lockSlots(writer("B", refault), "6.4")).toEqual([]);
  });
});
