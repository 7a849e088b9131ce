import { describe, expect, it } from "vitest";
import { scheduleOption } from "../../src/explore/schedule-option.js";
import { runScenario } from "../../src/judge/run.js";
import { judge, scenarioOf } from "../model/helpers.js";

/**
 * migrate_vma_setup()'s failure paths (mm/migrate.c before 5.18, mm/migrate_device.c after; read
 * in 4.19-, 5.15-, 5.19-, 6.2- and 6.11-or-later-era copies): a page someone else holds a
 * reference on fails migrate_vma_check_page() and its migration entry is pointed back at it;
 * before ab09243aa95a (5.16) a page collect could not lock is locked by migrate_vma_prepare() and
 * unmapped by try_to_unmap(). The model migrated every collected page and gave up on every page
 * it could not lock at once: both tests failed before.
 */
const pin = `proc pin(a: page): frame {
  pte_lock(a)
  page = pte_pfn(ptep_get(a))
  get_page(page)
  pte_unlock(a)
  return page
}`;

const pinned = `tlb migrate_vma_pinned
init {
  X = mmap anon private rw populate
}
${pin}
kthread dev on cpu1 {
  page = pin(X)
  migrate_vma X
  page_write_word(page, 0, 7) // the device's DMA through its pin, after migrate_vma() returned
  put_page(page)
}
forall (X == 7)
`;

const unlocked = `tlb migrate_vma_collect_unlocked
init {
  X = mmap anon private rw populate
}
${pin}
kthread L on cpu1 {
  page = pin(X)
  lock_page(page)
  put_page(page)
  label held
  unlock_page(page)
}
kthread D on cpu2 {
  migrate_vma X
}
exists (!pte(X).dirty) // the PTE was made again: the page was migrated (old and clean)
// D's collect finds the page locked by L; L unlocks it before D's next step.
schedule collect_fails { L until held; D step 6; L end; D end }
`;

describe("migrate_vma", () => {
  it("leaves a pinned page where it is: the device's write through the pin is seen", async () => {
    const kernels = ["4.19", "5.15", "5.16", "5.19", "6.0", "6.18"];
    const results = await judge(pinned, kernels);
    expect(results.map((r) => `${r.kernel} ${r.verdict}`)).toEqual(
      kernels.map((k) => `${k} always`),
    );
  });

  it("before 5.16 retries the lock of a page collect could not lock, and migrates it", async () => {
    const s = scenarioOf(unlocked);
    const schedule = scheduleOption(s, "collect_fails");
    if (!("items" in schedule)) throw new Error("no schedule collect_fails");
    const migrated = async (kernel: string): Promise<boolean> => {
      const out = await runScenario(s, {
        kernels: [kernel],
        fixes: [],
        schedule: schedule.items,
        order: "bfs",
      });
      expect(out.diagnostics).toEqual([]);
      return out.results[0]!.verdict === "sometimes";
    };
    expect(await migrated("4.19")).toBe(true);
    expect(await migrated("5.15")).toBe(true);
    expect(await migrated("5.16")).toBe(false);
    expect(await migrated("6.18")).toBe(false);
  });
});
