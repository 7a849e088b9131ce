import { describe, expect, it } from "vitest";
import { judge, verdict } from "../model/helpers.js";

/**
 * `return E` evaluates E for its effects even when the caller drops the result: a proc called as
 * a bare statement still runs the call it returns (C evaluates a returned expression whether or
 * not the caller uses the value).
 */
function scenario(procs: string, body: string, cond: string, init = "A = mmap anon private rw") {
  return `tlb t\ninit {\n  ${init}\n}\n${procs}\nthread T1 on cpu1 {\n${body}\n}\nforall (${cond})\n`;
}

describe("a returned expression is evaluated when the result is unused", () => {
  it("return do_anonymous_page(…) maps the page", async () => {
    const procs = "proc fault_in(a: page): int {\n  return do_anonymous_page(a, true)\n}";
    expect(await verdict(scenario(procs, "  fault_in(A)", "pte(A).present"))).toBe("always");
  });

  it("return trylock_page(…) takes the lock: a second trylock fails", async () => {
    const procs = "proc lock(a: page): bool {\n  return trylock_page(pte_pfn(ptep_get(a)))\n}";
    const body = "  lock(A)\n  r = trylock_page(pte_pfn(ptep_get(A)))";
    const text = scenario(procs, body, "T1:r == false", "A = mmap anon private rw populate");
    expect(await verdict(text)).toBe("always");
  });

  it("inside atomic too", async () => {
    const procs = "proc lock(a: page): bool {\n  return trylock_page(pte_pfn(ptep_get(a)))\n}";
    const body = "  atomic {\n    lock(A)\n  }\n  r = trylock_page(pte_pfn(ptep_get(A)))";
    const text = scenario(procs, body, "T1:r == false", "A = mmap anon private rw populate");
    expect(await verdict(text)).toBe("always");
  });

  it("an action inside the returned expression runs too", async () => {
    const procs =
      "proc lock(a: page): bool {\n  return pte_present(ptep_get(a)) && trylock_page(pte_pfn(ptep_get(a)))\n}";
    const body = "  lock(A)\n  r = trylock_page(pte_pfn(ptep_get(A)))";
    const text = scenario(procs, body, "T1:r == false", "A = mmap anon private rw populate");
    expect(await verdict(text)).toBe("always");
  });

  it("a returned read whose value nobody uses is no step, as a bare read is not", async () => {
    const procs = "proc peek(a: page): pte {\n  return ptep_get(a)\n}";
    const [peeked] = await judge(scenario(procs, "  peek(A)\n  skip", "!pte(A).present"));
    const [skipped] = await judge(scenario(procs, "  skip", "!pte(A).present"));
    expect(peeked!.verdict).toBe("always");
    expect(peeked!.states).toBe(skipped!.states);
  });
});
