import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { checkText } from "../../src/cli/load.js";
import { renderDiagnostic } from "../../src/diagnostics/render.js";
import { formatTlb } from "../../src/format/format.js";
import { reservedWords, stepNames } from "../../src/syntax/keywords.js";
import { parse } from "../../src/syntax/parse.js";
import { readRepoFile, scenarioFiles, withoutSpans } from "../helpers.js";

const tokens = [
  ...reservedWords,
  ...stepNames,
  "X",
  "Y",
  "F",
  "T1",
  "T2",
  "cpu1",
  "cpu2",
  "r",
  "w",
  "ok",
  "null",
  "pte",
  "dirty",
  "0",
  "1",
  "0x1f",
  "4.8",
  "5d1904204c99",
  '"doc"',
  '"',
  "//",
  "/*",
  "*/",
  "{",
  "}",
  "(",
  ")",
  "[",
  "]",
  "=",
  "==",
  "!=",
  "<",
  "&&",
  "||",
  "!",
  "~",
  "->",
  "..",
  ".",
  ":",
  ",",
  ";",
  "+",
  "-",
  "\n",
  "\r",
  " ",
  "\t",
  "\u0000",
  "é",
  "#",
];

/**
 * Whatever the input: check answers with diagnostics that point into the text and render,
 * never an exception; and when the input parses, the formatter's output parses to the same
 * tree and formats to itself. (test/fuzz runs the same oracle on 10,000 larger inputs.)
 */
async function holds(text: string): Promise<void> {
  const r = checkText(text, "p.tlb");
  for (const d of r.diagnostics) {
    if (d.file !== "p.tlb") continue;
    expect(d.span.start).toBeLessThanOrEqual(d.span.end);
    expect(d.span.end).toBeLessThanOrEqual(text.length);
    expect(renderDiagnostic(d, text, { color: false })).toMatch(/^p\.tlb:\d+:\d+: error: /);
  }
  const parsed = parse(text, "p.tlb");
  expect(parsed.ast === undefined).toBe(parsed.diagnostics.length > 0);
  if (parsed.ast === undefined) return;
  const once = await formatTlb(text, "p.tlb");
  expect(withoutSpans(parse(once, "p.tlb").ast)).toEqual(withoutSpans(parsed.ast));
  expect(await formatTlb(once, "p.tlb")).toBe(once);
}

describe("check answers and fmt keeps the tree, whatever the input", () => {
  it("on arbitrary strings, up to 2,000 characters", async () => {
    // `;` parses to an empty file, which printed "\n" and then "" (found by this property).
    await fc.assert(fc.asyncProperty(fc.string({ maxLength: 2000 }), holds), {
      numRuns: 200,
      examples: [[";"], [";;\n"]],
    });
  });

  it("on token soups", async () => {
    const soup = fc.array(fc.constantFrom(...tokens), { maxLength: 60 }).map((ts) => ts.join(" "));
    await fc.assert(
      fc.asyncProperty(soup, (s) => holds(`tlb t\n${s}`)),
      { numRuns: 1000 },
    );
  });

  it("on mutated scenarios, of which some still parse and are formatted", async () => {
    const sources = scenarioFiles().map(readRepoFile);
    const mutation = fc.record({
      source: fc.constantFrom(...sources),
      at: fc.nat(),
      cut: fc.nat({ max: 20 }),
      insert: fc.array(fc.constantFrom(...tokens), { maxLength: 4 }).map((ts) => ts.join(" ")),
    });
    let formatted = 0;
    await fc.assert(
      fc.asyncProperty(mutation, async ({ source, at, cut, insert }) => {
        const i = at % (source.length + 1);
        const text = source.slice(0, i) + insert + source.slice(i + cut);
        if (parse(text, "m.tlb").ast !== undefined) formatted++;
        await holds(text);
      }),
      { numRuns: 200 },
    );
    expect(formatted).toBeGreaterThan(0);
  });
});
