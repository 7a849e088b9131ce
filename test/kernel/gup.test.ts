import { describe, expect, it } from "vitest";
import { judge } from "../model/helpers.js";

/**
 * get_user_pages() on a page that is not mapped yet: follow_page_pte() finds no page, and
 * faultin_page() read-faults it in before the walk retries (mm/gup.c, __get_user_pages(), read
 * in a 5.9–5.18 copy). The model used to take no reference then: a false Never below.
 */
const scenario = `tlb gup_faults_in
init {
  X = mmap anon private rw
}
kthread gup on cpu1 {
  get_user_page X
}
exists (pte(X).present)
expect kernel 5.12 : always
`;

describe("get_user_page", () => {
  it("faults an unmapped page in (a false Never before)", async () => {
    const [r] = await judge(scenario);
    expect(r!.verdict).toBe("always");
  });

  it("takes no reference where no VMA maps the address (-EFAULT)", async () => {
    const unmapped = scenario.replace("mmap anon private rw", "unmapped");
    const [r] = await judge(unmapped.replace(": always", ": never"));
    expect(r!.verdict).toBe("never");
  });
});
