import fc from "fast-check";
import * as doc from "prettier/doc";
import { describe, expect, it } from "vitest";
import { expr } from "../../src/format/prettier-plugin.js";
import { expressionText } from "../../src/syntax/expression-text.js";
import type * as A from "../../src/syntax/ast.js";
import { parse } from "../../src/syntax/parse.js";
import { preludeFiles, readRepoFile, scenarioFiles } from "../helpers.js";

/** The formatter's expression printer on one line: what reports printed before they had their own. */
function formatted(e: A.Expr): string {
  return doc.printer.printDocToString(expr(e), { printWidth: 1000, tabWidth: 2 } as never)
    .formatted;
}

const exprKinds = new Set<string>([
  "IntLit",
  "BoolLit",
  "StringLit",
  "VersionLit",
  "CommitLit",
  "NameExpr",
  "RegisterExpr",
  "IndexExpr",
  "SliceExpr",
  "MemberExpr",
  "CallExpr",
  "CommandExpr",
  "UnaryExpr",
  "BinaryExpr",
]);

/** Every expression node of a tree, nested ones included. */
function expressions(node: unknown, out: A.Expr[] = []): A.Expr[] {
  if (Array.isArray(node)) for (const x of node) expressions(x, out);
  else if (node !== null && typeof node === "object") {
    const kind = (node as { kind?: unknown }).kind;
    if (typeof kind === "string" && exprKinds.has(kind)) out.push(node as A.Expr);
    for (const v of Object.values(node)) expressions(v, out);
  }
  return out;
}

const ident = (name: string): A.Ident => ({ name }) as A.Ident;
const span = { start: 0, end: 0 };

/** Random expression trees over every operator, with the shapes whose parentheses matter. */
const randomExpr: fc.Arbitrary<A.Expr> = fc.letrec<{ e: A.Expr }>((tie) => ({
  e: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    fc.nat(20).map((v): A.Expr => ({ kind: "IntLit", value: v, text: String(v), span })),
    fc
      .constantFrom("X", "pte", "ok")
      .map((n): A.Expr => ({ kind: "NameExpr", name: ident(n), span })),
    fc.constant<A.Expr>({ kind: "RegisterExpr", thread: ident("T1"), register: ident("r"), span }),
    fc
      .tuple(
        fc.constantFrom<A.BinaryOp>("||", "&&", "==", "!=", "<", "<=", ">", ">=", "+", "-"),
        tie("e"),
        tie("e"),
      )
      .map(([op, left, right]): A.Expr => ({ kind: "BinaryExpr", op, left, right, span })),
    fc
      .tuple(fc.constantFrom<A.UnaryOp>("!", "-"), tie("e"))
      .map(([op, operand]): A.Expr => ({ kind: "UnaryExpr", op, operand, span })),
    fc
      .array(tie("e"), { maxLength: 3 })
      .map((args): A.Expr => ({ kind: "CallExpr", callee: ident("f"), args, span })),
    tie("e").map(
      (target): A.Expr => ({ kind: "MemberExpr", target, member: ident("dirty"), span }),
    ),
    fc
      .tuple(tie("e"), tie("e"))
      .map(([target, index]): A.Expr => ({ kind: "IndexExpr", target, index, span })),
  ),
})).e;

describe("the reports' expression printer", () => {
  it("prints every expression of the scenarios and the kernel prelude as the formatter does", () => {
    let count = 0;
    for (const file of [...scenarioFiles(), ...preludeFiles(), "test/grammar/fixture.tlb"]) {
      const ast = parse(readRepoFile(file), file).ast;
      expect(ast, file).toBeDefined();
      for (const e of expressions(ast)) {
        expect(expressionText(e), file).toBe(formatted(e));
        count++;
      }
    }
    expect(count).toBeGreaterThan(1000);
  });

  it("prints random expression trees as the formatter does", () => {
    fc.assert(
      fc.property(randomExpr, (e) => expressionText(e) === formatted(e)),
      { numRuns: 2000, seed: 20260110 },
    );
  });
});
