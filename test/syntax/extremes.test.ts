import { describe, expect, it } from "vitest";
import { checkText } from "../../src/kernel/load.js";
import { formatTlb } from "../../src/format/format.js";
import { LineMap } from "../../src/diagnostics/span.js";
import type * as A from "../../src/syntax/ast.js";
import { maxNesting, maxOperators } from "../../src/syntax/nesting.js";
import { parse } from "../../src/syntax/parse.js";
import { maxSyntaxErrors } from "../../src/syntax/parser.js";

/** Size and nesting extremes (issue 13): each overflowed the parser's stack (exit 4) before. */
describe("parser extremes", () => {
  const messages = (text: string): string[] =>
    checkText(text, "x.tlb").diagnostics.map((d) => `${d.code} ${d.message}`);

  it("200 nested parentheses are E010 `nesting too deep`, not a stack overflow", () => {
    const text = `tlb t\nexists (${"(".repeat(200)}1${")".repeat(200)})\n`;
    expect(messages(text)).toEqual([`E010 nesting too deep: more than ${maxNesting} levels`]);
  });

  it("so are 2,000 unary operators, 200 nested blocks and 1,000 `else if`s", () => {
    const unary = `tlb t\nexists (${"!".repeat(2000)}true)\n`;
    const blocks = `tlb t\nthread T on cpu1 {\n${"if a {\n".repeat(200)}${"}\n".repeat(200)}}\n`;
    const elseIfs = `tlb t\nthread T on cpu1 {\n  if a {}${" else if a {}".repeat(1000)}\n}\n`;
    for (const text of [unary, blocks, elseIfs])
      expect(messages(text)).toEqual([`E010 nesting too deep: more than ${maxNesting} levels`]);
  });

  it("a condition of 3,000 terms is E010 `expression too long` (the checker recursed)", () => {
    const text = `tlb t\nexists (${Array(3000).fill("T1:r").join(" + ")} == 1)\n`;
    expect(messages(text)).toEqual([
      `E010 expression too long: more than ${maxOperators} operators`,
    ]);
  });

  it("the deepest nesting allowed parses, checks (no diagnostic) and formats", async () => {
    const depth = maxNesting - 2;
    const thread = "thread T1 on cpu1 {\n  r = 1\n}\n";
    const text = `tlb t\n\n${thread}\nexists (${"(".repeat(depth)}T1:r == 1${")".repeat(depth)})\n`;
    expect(parse(text, "x.tlb").diagnostics).toEqual([]);
    expect(messages(text)).toEqual([]);
    expect(await formatTlb(text, "x.tlb")).toBe(`tlb t\n\n${thread}\nexists (T1:r == 1)\n`);
    const chain = `tlb t\n\n${thread}\nexists (${Array(maxOperators - 1)
      .fill("1")
      .join(" + ")} == T1:r)\n`;
    expect(parse(chain, "x.tlb").diagnostics).toEqual([]);
    expect(messages(chain)).toEqual([]);
  });

  it("1,400 bad top-level lines give the first errors and say where reading stopped", () => {
    const r = parse(`tlb t\n${"x y z\n".repeat(1400)}`, "x.tlb");
    expect(r.diagnostics.length).toBeGreaterThan(50);
    expect(r.diagnostics.length).toBeLessThanOrEqual(maxSyntaxErrors + 1);
    expect(r.diagnostics.at(-1)!.message).toBe(
      "too many syntax errors: the rest of the file is not read",
    );
  });

  it("a stray statement at the top level says a declaration was expected", () => {
    expect(parse("tlb t\nstore X 1\n", "x.tlb").diagnostics[0]!.message).toBe(
      "expected a declaration (`init`, `thread`, `proc`, `exists`, `expect`, `schedule`, …), found `store`",
    );
  });
});

/** LF, CRLF and a lone CR are line breaks, for the lexer, the positions and the formatter. */
describe("line breaks", () => {
  const body = (text: string): readonly A.Stmt[] =>
    (parse(text, "x.tlb").ast!.decls[0] as A.ThreadDecl).body.stmts;

  it("a lone CR ends a statement and a `//` comment, as prettier reads it", () => {
    const stmts = body("tlb t\rthread T on cpu1 {\r  skip // a\rb c\r}\r");
    expect(stmts.map((s) => s.kind)).toEqual(["SkipStmt", "ExprStmt"]);
    expect(body("tlb t\r\nthread T on cpu1 {\r\n  skip // a\r\nb c\r\n}\r\n")).toHaveLength(2);
  });

  it("a CR-only file has one line per CR in its diagnostics", () => {
    const r = parse("tlb t\r\rthread {\r", "x.tlb");
    const at = new LineMap("tlb t\r\rthread {\r").position(r.diagnostics[0]!.span.start);
    expect(at).toEqual({ line: 3, column: 8 });
    const crlf = "tlb t\r\n\r\nthread {\r\n";
    expect(new LineMap(crlf).position(parse(crlf, "x.tlb").diagnostics[0]!.span.start)).toEqual({
      line: 3,
      column: 8,
    });
  });

  it("a line break inside a string reads as LF whatever the file uses", () => {
    const doc = (t: string): string | undefined => parse(t, "x.tlb").ast!.doc?.value;
    expect(doc('tlb t\r"a\rb"\r')).toBe("a\nb");
    expect(doc('tlb t\r\n"a\r\nb"\r\n')).toBe("a\nb");
  });
});
