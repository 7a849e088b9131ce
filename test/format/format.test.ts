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

/** Formats, then asserts what the README promises: same AST, a fixed point, comments kept. */
async function sound(text: string): Promise<string> {
  const before = parse(text, "s.tlb");
  expect(before.diagnostics).toEqual([]);
  const out = await formatTlb(text, "s.tlb");
  expect(withoutSpans(parse(out, "s.tlb").ast)).toEqual(withoutSpans(before.ast));
  expect(await formatTlb(out, "s.tlb")).toBe(out);
  for (const c of before.comments) expect(out).toContain(c.image.trimEnd());
  return out;
}

/** The formatter's defects of issue 13; each test failed before its fix. */
describe("tlbl fmt is sound", () => {
  // Each crashed with "reading 'trim'" (exit 4) before: prettier found no place to print them.
  it("keeps a comment after a header with nothing else", async () => {
    expect(await sound("tlb t // draft\n")).toBe("tlb t // draft\n");
  });

  // Found by the fuzz harness on the prelude's `follows` lines: a comment inside an annotation
  // was printed after it, and the next pass moved it into the body.
  it("keeps a comment inside or after a proc's annotation on that annotation's line", async () => {
    const out = "proc p()\n  follows 3.10..6.16 /* c */\n  models f in mm/x.c // d\n{\n  skip\n}\n";
    expect(
      await sound(
        "proc p()\n  follows /* c */ 3.10..6.16\n  models f in mm/x.c // d\n{\n  skip\n}\n",
      ),
    ).toBe(out);
    expect(
      await sound(
        "proc p()\n  follows 3.10..6.16 /* c */\n  models f in mm/x.c // d\n{ /* e */\n  skip\n}\n",
      ),
    ).toBe(out.replace("{\n", "{\n  /* e */\n"));
  });

  it("keeps comments inside one line, printed at its end", async () => {
    expect(await sound("tlb t\nexpect kernel 6.18 /* fixed */ : never\n")).toBe(
      "tlb t\n\nexpect kernel 6.18 : never /* fixed */\n",
    );
    expect(await sound("tlb t\nthread T on cpu1 {\n  munmap /* the page */ X\n}\n")).toBe(
      "tlb t\n\nthread T on cpu1 {\n  munmap X /* the page */\n}\n",
    );
    expect(await sound("tlb t\nexists (true // c\n)\n")).toBe("tlb t\n\nexists (true) // c\n");
  });

  it("keeps a schedule item's word: `evicted` (an access) and `otherwise` (a choice)", async () => {
    expect(await sound("tlb t\nschedule s { T1 evicted; T2 otherwise }\n")).toBe(
      "tlb t\n\nschedule s {\n  T1 evicted; T2 otherwise\n}\n",
    );
  });

  it("keeps a comment in an empty schedule block", async () => {
    expect(await sound("tlb t\nschedule s {\n  // c\n}\n")).toBe(
      "tlb t\n\nschedule s {\n  // c\n}\n",
    );
  });

  it("keeps comments before a body and before `else if` inside the body", async () => {
    const out = await sound(
      '// licence\ntlb t "doc" // x\nthread T on cpu1 // on cpu1\n{\n  if a {\n    skip\n  }\n  // c\n  else if b {\n    skip\n  }\n}\n',
    );
    expect(out).toBe(
      '// licence\ntlb t\n"doc" // x\n\nthread T on cpu1 {\n  // on cpu1\n  if a {\n    skip\n  } else if b {\n    // c\n    skip\n  }\n}\n',
    );
  });

  it("keeps the blank line after a statement with a multi-line block comment", async () => {
    await sound("tlb t\nthread T on cpu1 {\n  label/* two\n lines */ x\n\n  skip\n}\n");
  });

  it("keeps the parentheses a command argument needs", async () => {
    // `foo X bar(1)` is three arguments; `foo X -1` does not parse.
    const out = await sound(
      'tlb t\nthread T on cpu1 {\n  foo X (bar(1))\n  foo X (-1)\n  r = foo -> ("s") (T1:r) ((a))\n}\n',
    );
    expect(out).toBe(
      'tlb t\n\nthread T on cpu1 {\n  foo X (bar(1))\n  foo X (-1)\n  r = foo -> ("s") (T1:r) a\n}\n',
    );
  });

  it("keeps the parentheses of init addresses, unary operands and numeric members", async () => {
    const out = await sound(
      "tlb t\ninit {\n  tlb cpu1 (-X) rw\n  (X.1).2 = 3\n  (a + b)[1] = 2\n}\nexists ((-X)[1] == (4.8).1)\n",
    );
    expect(out).toBe(
      "tlb t\n\ninit {\n  tlb cpu1 (-X) rw\n  (X.1).2 = 3\n  (a + b)[1] = 2\n}\n\nexists ((-X)[1] == (4.8).1)\n",
    );
  });

  it("reads a lone CR as prettier does: `skip // a\\rb c` is two statements, kept", async () => {
    const out = await sound("tlb t\nthread T on cpu1 {\n  skip // a\rb c\n}\n");
    expect(out).toBe("tlb t\n\nthread T on cpu1 {\n  skip // a\n  b c\n}\n");
  });
});
