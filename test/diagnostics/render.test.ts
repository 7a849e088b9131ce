import { describe, expect, it } from "vitest";
import { renderDiagnostic } from "../../src/diagnostics/render.js";
import { LineMap } from "../../src/diagnostics/span.js";
import { didYouMean, editDistance, nearest } from "../../src/diagnostics/suggest.js";
import type { Diagnostic } from "../../src/diagnostics/diagnostic.js";

const at = (start: number, end: number): Diagnostic => ({
  code: "E003",
  severity: "error",
  message: "unexpected character",
  file: "j.tlb",
  span: { start, end },
});

describe("rendering", () => {
  it("shows the line and a caret under the span", () => {
    expect(renderDiagnostic(at(6, 9), "tlb t\nfoo bar\n", { color: false })).toBe(
      "j.tlb:2:1: error: unexpected character [E003]\n2 | foo bar\n    ^^^",
    );
  });

  it("cuts a long line to a window around the error (5 MB of junk on one line printed it whole per error)", () => {
    const line = "x".repeat(100_000);
    const out = renderDiagnostic(at(50_000, 50_001), line, { color: false });
    const [, source, caret] = out.split("\n");
    expect(source!.length).toBeLessThan(200);
    expect(out.length).toBeLessThan(400);
    expect(caret!.indexOf("^") - "1 | ".length).toBe(source!.slice(4).indexOf("x") + 40);
    expect(out).toMatch(/^j\.tlb:1:50001: /);
  });

  it("takes a LineMap built once, so that many diagnostics cost linear time", () => {
    const text = "@\n".repeat(20_000);
    const lines = new LineMap(text);
    const rendered = Array.from({ length: 20_000 }, (_, i) =>
      renderDiagnostic(at(2 * i, 2 * i + 1), lines, { color: false }),
    );
    expect(rendered[19_999]).toBe(
      "j.tlb:20000:1: error: unexpected character [E003]\n20000 | @\n        ^",
    );
  });

  it("counts a lone CR and a CRLF as one line break each", () => {
    const lines = new LineMap("a\rb\r\nc\nd");
    expect([2, 5, 7].map((o) => lines.position(o))).toEqual([
      { line: 2, column: 1 },
      { line: 3, column: 1 },
      { line: 4, column: 1 },
    ]);
    expect([1, 2, 3].map((l) => lines.lineText(l))).toEqual(["a", "b", "c"]);
  });
});

describe("did you mean", () => {
  it("suggests a near name and nothing for a far one", () => {
    expect(didYouMean("munmpa", ["mmap", "munmap", "mremap"])).toBe("; did you mean `munmap`?");
    expect(nearest("zzzzzz", ["mmap", "munmap"])).toBeUndefined();
    expect(editDistance("ab", "ba")).toBe(1);
    expect(editDistance("kitten", "sitting")).toBe(3);
  });

  it("answers at once for a 100,000-character name (the full table took 28 s)", () => {
    const started = performance.now();
    expect(nearest("q".repeat(100_000), ["munmap", "q".repeat(99_999)])).toBeUndefined();
    expect(performance.now() - started).toBeLessThan(1000);
  });
});
