/**
 * How model values are encoded as integers. A page table entry and a TLB entry are bit sets
 * with the frame number above the flags; frame 0 means "no frame" (null).
 */

/** x86 PTE bits the model keeps. PROTNONE is _PAGE_PROTNONE: not present to the MMU, but
 * pte_present() to the kernel. MIGRATION marks a non-present migration entry. A swap entry is
 * what is left: not none, none of P, PROTNONE and MIGRATION, its swap slot in the frame field
 * (as the kernel's swp_entry_t reuses the PFN bits). */
export const PTE = {
  P: 1,
  W: 2,
  D: 4,
  A: 8,
  PROTNONE: 16,
  MIGRATION: 32,
  /** In a swap entry, the bit W holds in a present one: _PAGE_SWP_EXCLUSIVE (1493a1913e34, 5.19),
   * "the page was mapped exclusively" (PG_anon_exclusive), remembered across swap-out. */
  SWP_EXCLUSIVE: 2,
  PFN_SHIFT: 6,
} as const;

/** is_swap_pte() && !non_swap_entry(): a PTE holding a swap slot. */
export function isSwapPte(v: number): boolean {
  return v !== 0 && (v & (PTE.P | PTE.PROTNONE | PTE.MIGRATION)) === 0;
}

/** A TLB entry: valid, writable (the AND of R/W over the walk), dirty, and the frame. */
export const TLBE = { V: 1, W: 2, D: 4, PFN_SHIFT: 3 } as const;

/**
 * A VMA, as seen from one page of it: flags and the file page it maps (0 for anonymous). 0 is
 * no VMA. VALID: the VMA is in the mm's tree (find_vma() finds it). munmap() detaches a VMA
 * from the mm before it zaps (detach_vmas_to_be_unmapped()), and the VMA stays in the rmap
 * trees until free_pgtables() unlinks it: such a VMA keeps its other bits, ANON or a file page
 * among them, so it is never 0.
 */
export const VMA = {
  VALID: 1,
  READ: 2,
  WRITE: 4,
  SHARED: 8,
  ANON: 16,
  /** VM_UFFD_WP: registered with userfaultfd in write-protect mode. */
  UFFD_WP: 32,
  FPAGE_SHIFT: 6,
} as const;

/**
 * Page flags kept in one slot per frame. COPIED (monitors only) marks a frame whose contents
 * migration or an anonymous COW has copied to another frame: a later store to it is lost.
 * LAZYFREE is an anonymous page without PG_swapbacked: MADV_FREE'd, reclaim may discard it.
 * WRITEBACK (monitors only) marks a page whose PG_dirty clear_page_dirty_for_io() cleared for a
 * ->writepage() still to come: a store now reaches the disk with it.
 * The LRU bits exist once MADV_FREE or anonymous reclaim runs (mm/swap.c): ISOLATED is a page
 * reclaim took off the LRU (!PG_lru); BATCH_LRU a page whose lru_lazyfree batch cleared PG_lru
 * when it took it (33dfe9204f29, 6.11 to 6.16); LAZYFREE_BATCH << k, the page sits in the
 * lru_lazyfree batch of the k-th CPU that fills one (SlotMap.lruBatchBit), holding a reference.
 */
export const PAGE = {
  DIRTY: 1,
  ANON: 2,
  COPIED: 4,
  LAZYFREE: 8,
  WRITEBACK: 16,
  ISOLATED: 32,
  BATCH_LRU: 64,
  LAZYFREE_BATCH: 128,
} as const;

/** The findings of the built-in monitors: bit 1 << (code of the `monitor` enum word). */
export const MONITOR = { LOST_WRITE: 1, STALE_TLB: 2, FREED_FRAME: 4 } as const;

export function bitsFor(maxValue: number): number {
  let bits = 1;
  while (2 ** bits <= maxValue) bits++;
  return bits;
}

export function describePte(
  v: number,
  frameName: (f: number) => string,
  slotName: (fp: number) => string = (fp) => `slot ${fp}`,
): string {
  if (v === 0) return "none";
  const f = v >>> PTE.PFN_SHIFT;
  if (isSwapPte(v))
    return `swap entry ${slotName(f)}${v & PTE.SWP_EXCLUSIVE ? " (exclusive)" : ""}`;
  if (v & PTE.MIGRATION) return `migration entry for ${frameName(f)}${v & PTE.W ? " (write)" : ""}`;
  const flags = [
    v & PTE.P ? "P" : "",
    v & PTE.PROTNONE ? "PROTNONE" : "",
    v & PTE.W ? "W" : "",
    v & PTE.D ? "D" : "",
    v & PTE.A ? "A" : "",
  ].filter(Boolean);
  return `${flags.join("|")} ${frameName(f)}`;
}

export function describeTlbEntry(v: number, frameName: (f: number) => string): string {
  if ((v & TLBE.V) === 0) return "empty";
  const flags = [v & TLBE.W ? "W" : "R", v & TLBE.D ? "D" : ""].filter(Boolean);
  return `${flags.join("|")} ${frameName(v >>> TLBE.PFN_SHIFT)}`;
}
