import { describe, expect, it } from "vitest";
import { shapeOf } from "../../src/hunt/hunt.js";
import { scenarioText } from "../../src/hunt/text.js";
import { candidate, defaultVocabulary, ops, regionKinds } from "../../src/hunt/vocabulary.js";
import { checkText } from "../../src/kernel/load.js";

describe("hunt candidates", () => {
  it("are a function of their index", () => {
    for (const i of [0, 1, 17, 4096])
      expect(candidate(i, defaultVocabulary)).toEqual(candidate(i, defaultVocabulary));
    expect(candidate(1, defaultVocabulary)).not.toEqual(candidate(2, defaultVocabulary));
  });

  it("stay within the vocabulary, and each one checks", () => {
    const v = defaultVocabulary;
    for (let i = 0; i < 60; i++) {
      const c = candidate(i, v);
      expect(c.threads.length).toBeGreaterThanOrEqual(v.threads[0]);
      expect(c.threads.length).toBeLessThanOrEqual(v.threads[1]);
      expect(c.pages).toBeLessThanOrEqual(v.pages[1]);
      expect(c.threads[0]![0]!.op).toBe("store");
      for (const t of c.threads)
        for (const s of t) {
          expect(ops.find((o) => o.name === s.op)!.on).toContain(c.kind);
          expect(s.page).toBeLessThan(c.pages);
        }
      const loaded = checkText(scenarioText(c, `c${i}`), `c${i}.tlb`);
      expect(loaded.diagnostics, scenarioText(c, `c${i}`)).toEqual([]);
    }
  });

  it("a narrower vocabulary gives only its own steps and kinds", () => {
    const v = {
      ...defaultVocabulary,
      kinds: ["anon" as const],
      ops: ops.filter((o) => ["store", "load", "migrate"].includes(o.name)),
    };
    for (let i = 0; i < 30; i++) {
      const c = candidate(i, v);
      expect(c.kind).toBe("anon");
      for (const t of c.threads)
        for (const s of t) expect(["store", "load", "migrate"]).toContain(s.op);
    }
  });

  it("a shape ignores the threads' order, not their steps", () => {
    const c = candidate(3, defaultVocabulary);
    const swapped = { ...c, threads: [...c.threads].reverse() };
    expect(shapeOf(swapped, "lost_write", undefined)).toBe(shapeOf(c, "lost_write", undefined));
    const fewer = { ...c, threads: c.threads.slice(1) };
    expect(shapeOf(fewer, "lost_write", undefined)).not.toBe(shapeOf(c, "lost_write", undefined));
  });
});

describe("hunt corpus order: small shapes of every step first", () => {
  const v = defaultVocabulary;
  const steps = (c: ReturnType<typeof candidate>): string[] =>
    c.threads
      .slice(1)
      .flat()
      .map((s) => s.op);

  it("tier 1: each step other than an access, on each kind it applies to, beside the first thread", () => {
    const wanted = new Set(
      regionKinds.flatMap((k) =>
        ops
          .filter((o) => o.on.includes(k) && !["store", "load"].includes(o.name))
          .map((o) => `${k} ${o.name}`),
      ),
    );
    const seen = new Set<string>();
    for (let i = 0; i < wanted.size; i++) {
      const c = candidate(i, v);
      expect(c.threads).toHaveLength(2);
      expect(c.threads[1]).toHaveLength(1);
      seen.add(`${c.kind} ${c.threads[1]![0]!.op}`);
    }
    expect(seen).toEqual(wanted);
    // KSM and userfaultfd and migrate_vma are in the vocabulary, and reached early.
    for (const op of ["ksm", "uffd_unprotect", "migrate_vma", "gup", "free"])
      expect(seen).toContain(`anon ${op}`);
  });

  it("the tiers' first thread stores twice: a store hits wherever a load would, and lost_write judges stores", () => {
    for (let i = 0; i < 3000; i += 7) {
      const t1 = candidate(i, v).threads[0]!;
      expect(t1[0]!.op).toBe("store");
      expect(t1.at(-1)!.op).toBe("store");
    }
  });

  it("tiers 3 and 4: pairs with an access alternate with the others", () => {
    // The first tier-3 candidates of each kind: one beside an access, one not, and so on.
    let i = 0;
    while (candidate(i, v).threads.length === 2) i++;
    const withAccess = (c: ReturnType<typeof candidate>): boolean =>
      steps(c).some((op) => op === "store" || op === "load");
    const firsts = [...Array(12).keys()].map((k) => withAccess(candidate(i + k, v)));
    // Kinds go round-robin: three of each, then three of the other.
    expect(firsts).toEqual([
      true,
      true,
      true,
      false,
      false,
      false,
      true,
      true,
      true,
      false,
      false,
      false,
    ]);
  });

  it("an un-protect registers the range for uffd-wp first, as the C requires (-ENOENT otherwise)", () => {
    const c = {
      index: 0,
      kind: "anon" as const,
      populated: false,
      pages: 1,
      threads: [[{ op: "store", page: 0 }], [{ op: "uffd_unprotect", page: 0 }]],
    };
    const text = scenarioText(c, "u");
    expect(text).toContain("  uffd_register_wp X\n  uffd_unprotect X\n");
    expect(checkText(text, "u.tlb").diagnostics).toEqual([]);
  });

  it("tier 2: each step between the first thread's accesses meets each step of a second thread", () => {
    const pairs = new Set<string>();
    for (let i = 0; i < 2000; i++) {
      const c = candidate(i, v);
      if (c.threads.length === 2 && c.threads[0]!.length === 3)
        pairs.add(`${c.kind} ${c.threads[0]![1]!.op} ${c.threads[1]![0]!.op}`);
    }
    for (const k of regionKinds) {
      const on = ops.filter((o) => o.on.includes(k));
      for (const a of on.filter((o) => !o.kernel && !["store", "load"].includes(o.name)))
        for (const b of on) expect(pairs).toContain(`${k} ${a.name} ${b.name}`);
    }
  });

  it("tier 3: every pair of steps on each kind, each in its own thread; then tier 4 with a step between", () => {
    const pairs = new Set<string>();
    let i = 0;
    for (; ; i++) {
      const c = candidate(i, v);
      if (c.threads.length === 2) continue;
      if (c.threads[0]!.length === 3) break;
      expect(c.threads.slice(1).map((t) => t.length)).toEqual([1, 1]);
      pairs.add(`${c.kind} ${steps(c).sort().join(",")}`);
    }
    for (const k of regionKinds) {
      const on = ops.filter((o) => o.on.includes(k)).map((o) => o.name);
      for (const a of on)
        for (const b of on) expect(pairs).toContain(`${k} ${[a, b].sort().join(",")}`);
    }
    // Tier 4: the same pairs, the first thread taking a step between its accesses.
    const c = candidate(i, v);
    expect(c.threads.map((t) => t.length)).toEqual([3, 1, 1]);
  });

  it("a step that needs two pages gets a region of two", () => {
    for (let i = 0; i < 700; i++) {
      const c = candidate(i, v);
      if (c.threads.some((t) => t.some((s) => s.op === "ksm"))) {
        expect(c.kind).toBe("anon");
        expect(c.pages).toBe(2);
      }
    }
    const one = { ...v, pages: [1, 1] as const };
    for (let i = 0; i < 200; i++)
      expect(
        candidate(i, one)
          .threads.flat()
          .map((s) => s.op),
      ).not.toContain("ksm");
  });

  it("every candidate of the tiers and after them checks", () => {
    for (const i of [...Array(20).keys()].flatMap((k) => [k * 31, 560 + k * 7])) {
      const c = candidate(i, v);
      const text = scenarioText(c, `c${i}`);
      expect(checkText(text, `c${i}.tlb`).diagnostics, text).toEqual([]);
    }
  });
});
