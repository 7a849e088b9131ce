import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { analyze } from "../../src/lsp/analysis.js";
import { completion } from "../../src/lsp/completion.js";
import { definition } from "../../src/lsp/definition.js";
import { wordAt } from "../../src/lsp/find.js";
import { hover } from "../../src/lsp/hover.js";
import { root } from "../helpers.js";

/** The server's features in-process (the fast tier); server.test.ts drives them over JSON-RPC. */

const file = join(root, "scenarios/madvise/parallel-dontneed.tlb");
const text = readFileSync(file, "utf8");
const a = analyze(text, file);
const at = (needle: string, shift = 0): number => {
  const i = text.indexOf(needle);
  expect(i, needle).toBeGreaterThanOrEqual(0);
  return i + shift;
};
const lineOf = (path: string, line: number): string =>
  readFileSync(path, "utf8").split("\n")[line]!;

describe("wordAt", () => {
  it("splits a member access but keeps a version whole", () => {
    expect(wordAt("x = pte.dirty", 9)?.word).toBe("dirty");
    expect(wordAt("x = pte.dirty", 5)?.word).toBe("pte");
    expect(wordAt("kernel 4.13 :", 9)?.word).toBe("4.13");
  });
});

describe("definition", () => {
  it("of a fix id is its line in fixes.tlb", () => {
    const [p] = definition(a, at("99baac21e458", 3));
    expect(p!.path).toBe(join(root, "src/kernel/fixes.tlb"));
    expect(lineOf(p!.path, p!.range.start.line)).toMatch(/^fix 99baac21e458 in 4\.13 /);
  });

  it("of a primitive is its registry entry", () => {
    const t = "tlb p\nproc f(x: page) {\n  e = ptep_get(x)\n}\n";
    const [p] = definition(analyze(t, "/tmp/p.tlb"), t.indexOf("ptep_get") + 2);
    expect(p!.path).toBe(join(root, "src/primitives/pte.ts"));
    expect(lineOf(p!.path, p!.range.start.line).trim()).toBe("ptep_get: {");
  });

  it("of a scenario's own proc stays in the file", () => {
    const t = "tlb p\nproc mine(x: page) {\n  skip\n}\nproc g(x: page) {\n  mine(x)\n}\n";
    const [p] = definition(analyze(t, "/tmp/own.tlb"), t.lastIndexOf("mine") + 1);
    expect(p).toEqual({
      path: "/tmp/own.tlb",
      range: { start: { line: 1, character: 5 }, end: { line: 1, character: 9 } },
    });
  });
});

describe("hover", () => {
  it("on a release written as an integer after `kernel`", () => {
    const t = text.replace("expect kernel 4.13", "expect kernel 5");
    const h = hover(analyze(t, file), t.indexOf("kernel 5") + 7);
    expect(h?.contents.value).toContain("kernel 5");
    expect(h?.contents.value).toContain("99baac21e458");
  });

  it("on a primitive shows its registry doc", () => {
    const t = "tlb p\nproc f(x: page) {\n  e = ptep_get(x)\n}\n";
    const h = hover(analyze(t, "/tmp/p.tlb"), t.indexOf("ptep_get") + 1);
    expect(h?.contents.value).toContain("ptep_get(");
    expect(h?.contents.value).toContain("READ_ONCE(*ptep)");
  });

  it("on a plain name says nothing", () => {
    expect(hover(a, at("T2 on", 1))).toBeUndefined();
  });
});

describe("completion", () => {
  it("after `fixed(` offers the modelled fixes with their release", () => {
    const items = completion(a, "  if fixed(");
    const fix = items.find((i) => i.label === "99baac21e458");
    expect(fix?.detail).toMatch(/^4\.13: mm: fix MADV_/);
    expect(items.some((i) => i.label.startsWith('"<'))).toBe(true);
  });

  it("after `option` offers the hardware options", () => {
    expect(completion(a, "option ").map((i) => i.label)).toEqual(["tlb_evict"]);
  });
});
