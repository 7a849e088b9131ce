import fc from "fast-check";
import { describe, it } from "vitest";
import { checkText } from "../../src/cli/load.js";
import { reservedWords, stepNames } from "../../src/syntax/keywords.js";
import { readRepoFile, scenarioFiles } from "../helpers.js";

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
  " ",
  "\t",
  "\u0000",
  "é",
  "#",
];

/** parse + check must never throw, whatever the input: every problem is a diagnostic. */
describe("parse and check never throw", () => {
  it("on arbitrary strings", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (s) => void checkText(s, "p.tlb")),
      { numRuns: 300 },
    );
  });

  it("on token soups", () => {
    const soup = fc.array(fc.constantFrom(...tokens), { maxLength: 60 }).map((ts) => ts.join(" "));
    fc.assert(
      fc.property(soup, (s) => void checkText(`tlb t\n${s}`, "p.tlb")),
      { numRuns: 1000 },
    );
  });

  it("on mutated scenarios", () => {
    const sources = scenarioFiles().map(readRepoFile);
    const mutation = fc.record({
      source: fc.constantFrom(...sources),
      at: fc.nat(),
      cut: fc.nat({ max: 20 }),
      insert: fc.array(fc.constantFrom(...tokens), { maxLength: 4 }).map((ts) => ts.join(" ")),
    });
    fc.assert(
      fc.property(mutation, ({ source, at, cut, insert }) => {
        const i = at % (source.length + 1);
        void checkText(source.slice(0, i) + insert + source.slice(i + cut), "m.tlb");
      }),
      { numRuns: 1000 },
    );
  });
});
