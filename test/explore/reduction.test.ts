import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { checkText } from "../../src/cli/load.js";
import { search } from "../../src/explore/search.js";
import { buildMachine, type Machine } from "../../src/model/machine.js";
import { Symmetry } from "../../src/explore/symmetry.js";
import { fixesFor } from "../../src/semantics/kernel-versions.js";
import { readRepoFile, scenarioFiles } from "../helpers.js";

/**
 * Soundness of the reductions is tested, not argued: the reduced search must reach exactly the
 * final states (and deadlocks) of the plain search, so every verdict and outcome is the same.
 */
function finals(
  m: Machine,
  reduce: boolean,
): { finals: string[]; positive: number; negative: number; deadlocks: number } {
  const out: string[] = [];
  const r = search(m, { order: "bfs", reduce, onFinal: (s) => out.push(Array.from(s).join(",")) });
  return { finals: out.sort(), positive: r.positive, negative: r.negative, deadlocks: r.deadlocks };
}

function machine(text: string, release: string): Machine {
  const r = checkText(text, "gen.tlb");
  if (r.scenario === undefined)
    throw new Error(`${r.diagnostics.map((d) => d.message).join("; ")}\n${text}`);
  const s = r.scenario;
  const built = buildMachine(s, { release, fixes: fixesFor(release, s.fixes.values()) });
  if (built.machine === undefined)
    throw new Error(built.diagnostics.map((d) => d.message).join("; "));
  return built.machine;
}

describe("partial-order reduction", () => {
  for (const file of scenarioFiles().filter((f) => !f.includes("numa"))) {
    it(`${file}: the same final states with and without`, () => {
      const s = checkText(readRepoFile(file), file).scenario!;
      for (const e of s.expects) {
        const m = machine(readRepoFile(file), e.kernel.text);
        expect(finals(m, true)).toEqual(finals(m, false));
      }
    });
  }

  it("labels a condition orders do not commute (the reduced search kept one order: Never)", () => {
    // K holds the page lock across its label `held`; T1 runs wholly inside that window.
    const text = `tlb ranks
init {
  X = mmap anon private rw populate
}
kthread K on cpu0 {
  pte_lock(X)
  p = pte_pfn(ptep_get(X))
  pte_unlock(X)
  lock_page(p)
  label held
  unlock_page(p)
  label released
}
thread T1 on cpu1 {
  label start
  pte_lock(X)
  if trylock_page(pte_pfn(ptep_get(X))) {
    unlock_page(pte_pfn(ptep_get(X)))
  }
  pte_unlock(X)
  label freed
}
exists (K.held < T1.start && T1.freed < K.released)
`;
    const m = machine(text, "4.13");
    const reduced = finals(m, true);
    expect(reduced).toEqual(finals(m, false));
    expect(reduced.positive).toBeGreaterThan(0);
  });

  // Random scenarios: user threads doing accesses and syscalls, a kernel thread doing reclaim,
  // migration, NUMA scanning or writeback, on a shared file mapping and an anonymous one.
  const userStep = fc.constantFrom(
    "store X 1",
    "store X.1 2",
    "r = load X",
    "store Y 2",
    "s = load Y",
    "munmap X",
    "mprotect Y r",
    "mprotect X r",
    "fadvise F dontneed",
    "p = pread F[0]",
    "pwrite F[0] 2",
    "madvise Y dontneed",
    "madvise Y free",
    "msync X",
    "mremap Y -> Z",
  );
  const kernelStep = fc.constantFrom(
    "reclaim F[0]",
    "migrate Y",
    "migrate X",
    "numa_scan Y",
    "writeback F",
    "numa_scan X",
  );
  const scenario = fc.record({
    t1: fc.array(userStep, { minLength: 1, maxLength: 3 }),
    t2: fc.array(userStep, { minLength: 1, maxLength: 2 }),
    k: fc.option(fc.array(kernelStep, { minLength: 1, maxLength: 1 }), { nil: undefined }),
    release: fc.constantFrom("4.8", "4.12", "4.13", "6.18"),
    evict: fc.boolean(),
  });

  it("1,000 generated scenarios: the same final states and verdicts with and without", () => {
    let compared = 0;
    fc.assert(
      fc.property(scenario, ({ t1, t2, k, release, evict }) => {
        const unique = (steps: string[], prefix: string): string[] =>
          steps.map((st, i) =>
            st.replace(/^(\w+) = /, `${prefix}${i}$1 = `).replace(/^(\w)(\d)(\w) = /, "$3$1$2 = "),
          );
        const body = (steps: string[]): string => steps.map((st) => `  ${st}`).join("\n");
        const regs = [...t1, ...t2].some((st) => / = /.test(st));
        const text = [
          "tlb gen",
          "init {",
          "  file F = [0]",
          "  X = mmap F[0] shared rw",
          "  Y = mmap anon private rw",
          "  Z = unmapped",
          "}",
          "thread T1 on cpu1 {",
          body(unique(t1, "a")),
          "}",
          "thread T2 on cpu2 {",
          body(unique(t2, "b")),
          "}",
          k ? `kthread K on cpu0 {\n${body(k)}\n}` : "",
          regs ? "exists (F[0] == 2 || X == 1)" : "exists (F[0] == 2)",
          evict ? "option tlb_evict" : "",
        ].join("\n");
        const m = machine(text, release);
        const plain = finals(m, false);
        const reduced = finals(m, true);
        compared++;
        expect(reduced).toEqual(plain);
      }),
      { numRuns: 1000, seed: 20261122 },
    );
    expect(compared).toBeGreaterThanOrEqual(1000);
  }, 1_800_000);
});

describe("symmetry reduction", () => {
  /** Final states up to the symmetry: the orbits the reduced search must reach, all of them. */
  function orbits(
    m: Machine,
    opts: { reduce: boolean; symmetry: boolean },
  ): { orbits: string[]; holds: boolean[] } {
    const sym = Symmetry.of(m);
    const out = new Map<string, boolean>();
    search(m, {
      order: "bfs",
      ...opts,
      onFinal: (s, holds) => {
        const c = s.slice();
        sym?.canon(c);
        out.set(Array.from(c).join(","), holds);
      },
    });
    const keys = [...out.keys()].sort();
    return { orbits: keys, holds: keys.map((k) => out.get(k)!) };
  }

  // Small on purpose: the plain search must finish, and every writer's fault path is long.
  const writer = fc.constantFrom("store X.W 1", "w = store X.W 2", "r = load X.W");
  const other = fc.constantFrom(
    "fadvise F dontneed",
    "munmap X",
    "mprotect X r",
    "store X 1",
    "pwrite F[0] 2",
    "msync X",
  );
  const symmetric = fc.record({
    writers: fc.constant(2),
    steps: fc.array(writer, { minLength: 1, maxLength: 2 }),
    t1: fc.array(other, { minLength: 1, maxLength: 1 }),
    kernel: fc.option(fc.constantFrom("writeback F", "reclaim F[0]"), { nil: undefined }),
    release: fc.constantFrom("4.12", "4.13"),
  });

  it("generated scenarios with interchangeable writers: the same orbits of final states", () => {
    let withClasses = 0;
    fc.assert(
      fc.property(symmetric, ({ writers, steps, t1, kernel, release }) => {
        const lines = [
          "tlb sym",
          "init {",
          "  file F = [0]",
          "  X = mmap F[0] shared rw populate",
          "}",
          "thread T1 on cpu1 {",
          ...t1.map((s) => `  ${s}`),
          "}",
        ];
        const clauses: string[] = [];
        for (let e = 0; e < writers; e++) {
          lines.push(
            `thread E${e} on cpu${2 + e} {`,
            ...steps.map((s) => `  ${s.replace("W", String(e + 1))}`),
            "}",
          );
          if (steps.some((s) => s.startsWith("w =")))
            clauses.push(`E${e}:w == ok && F[0].${e + 1} == 1`);
        }
        if (kernel) lines.push("kthread K on cpu0 {", `  ${kernel}`, "}");
        lines.push(`exists (${clauses.length ? clauses.join(" || ") : "F[0] == 1"})`);
        const m = machine(lines.join("\n"), release);
        if (Symmetry.of(m)) withClasses++;
        const plain = orbits(m, { reduce: false, symmetry: false });
        expect(orbits(m, { reduce: false, symmetry: true })).toEqual(plain);
        expect(orbits(m, { reduce: true, symmetry: true })).toEqual(plain);
      }),
      { numRuns: 60, seed: 1122 },
    );
    expect(withClasses).toBeGreaterThan(50);
  }, 1_800_000);
});
