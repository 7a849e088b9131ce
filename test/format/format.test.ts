import * as prettier from "prettier";
import { describe, expect, it } from "vitest";
import { formatTlb } from "../../src/format/format.js";
import { parse } from "../../src/syntax/parse.js";
import { preludeFiles, readRepoFile, root, scenarioFiles, withoutSpans } from "../helpers.js";

const files = [...scenarioFiles(), ...preludeFiles()];

/** The same program laid out badly: indentation lost, blank lines doubled, tabs; strings kept. */
function scramble(text: string): string {
  let inString = false;
  return text
    .split("\n")
    .map((l, i) => {
      const keep = inString;
      inString = (l.replace(/\\./g, "").split('"').length - 1) % 2 === 1 ? !inString : inString;
      if (keep || inString) return l;
      return i % 2 ? `\t${l.trim()}   ` : l.trim();
    })
    .join("\n")
    .replace(/\n\n/g, "\n\n\n");
}

describe("tlbl fmt (prettier with the tlb plugin)", () => {
  for (const file of files) {
    it(`${file}: formatted, idempotent, same AST`, async () => {
      const text = readRepoFile(file);
      const once = await formatTlb(text, file);
      expect(once).toBe(text);
      const messy = scramble(text);
      const fixed = await formatTlb(messy, file);
      expect(fixed).toBe(text);
      expect(await formatTlb(fixed, file)).toBe(fixed);
      expect(withoutSpans(parse(fixed, file).ast)).toEqual(withoutSpans(parse(messy, file).ast));
    });
  }

  it("prints a proc's annotations one a line between its signature and its body", async () => {
    const text =
      'proc p(a: page): int "doc" models f, g in mm/rmap.c follows 3.10..6.16, ..3.2, 4.9 // why\n deviation removes "no lock" { return 1 }\n';
    const out = await formatTlb(text, "p.tlb");
    expect(out).toBe(
      'proc p(a: page): int\n  "doc"\n  models f, g in mm/rmap.c\n  follows 3.10..6.16, ..3.2, 4.9 // why\n  deviation removes "no lock"\n{\n  return 1\n}\n',
    );
    expect(await formatTlb(out, "p.tlb")).toBe(out);
    expect(withoutSpans(parse(out, "p.tlb").ast)).toEqual(withoutSpans(parse(text, "p.tlb").ast));
  });

  it("keeps every comment", async () => {
    const text =
      "tlb t // name\n/* before init */\ninit {\n  // nothing yet\n}\nthread T on cpu0 {\n  store X 1 // trailing\n  /* block */\n  skip\n}\n";
    const out = await formatTlb(text, "c.tlb");
    for (const c of [
      "// name",
      "/* before init */",
      "// nothing yet",
      "// trailing",
      "/* block */",
    ])
      expect(out).toContain(c);
    expect(await formatTlb(out, "c.tlb")).toBe(out);
  });

  it("prints the fewest parentheses that keep the tree", async () => {
    const out = await formatTlb(
      "tlb t\nexists ((a == 1) && ((b || c)) && !(d == e) && x - (y - z) == 0)\n",
      "p.tlb",
    );
    expect(out).toBe("tlb t\n\nexists (a == 1 && (b || c) && !(d == e) && x - (y - z) == 0)\n");
  });

  it("prints a slice `A[i..j]` without spaces, and reads back the same tree", async () => {
    const messy =
      "tlb t\nthread T on cpu0 {\n  madvise A[ 3 .. 4 ] free\n  for i in X[0..n-1] {\n    munmap X[i .. i]\n  }\n}\n";
    const out = await formatTlb(messy, "s.tlb");
    expect(out).toBe(
      "tlb t\n\nthread T on cpu0 {\n  madvise A[3..4] free\n  for i in X[0..n - 1] {\n    munmap X[i..i]\n  }\n}\n",
    );
    expect(await formatTlb(out, "s.tlb")).toBe(out);
    expect(withoutSpans(parse(out, "s.tlb").ast)).toEqual(withoutSpans(parse(messy, "s.tlb").ast));
  });

  it("works as a plugin named in a prettier config", async () => {
    const text = readRepoFile(scenarioFiles()[0]!);
    const out = await prettier.format(text, {
      filepath: "x.tlb",
      plugins: [`${root}/dist/src/format/prettier-plugin.js`],
      printWidth: 100,
    });
    expect(out).toBe(text);
  });

  it("refuses a file that does not parse, with the diagnostic", async () => {
    await expect(formatTlb("tlb t\nthread {\n", "bad.tlb")).rejects.toThrow(
      /bad.tlb:2:8: error: expected a name/,
    );
  });
});
