import { describe, expect, it } from "vitest";
import { shapeOf } from "../../src/hunt/hunt.js";
import { scenarioText } from "../../src/hunt/text.js";
import { candidate, defaultVocabulary, ops } from "../../src/hunt/vocabulary.js";
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
