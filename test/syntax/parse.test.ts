import { describe, expect, it } from "vitest";
import type * as A from "../../src/syntax/ast.js";
import { parse } from "../../src/syntax/parse.js";
import { TlbParser } from "../../src/syntax/parser.js";
import { preludeFiles, readRepoFile } from "../helpers.js";

function parseOk(text: string): A.TestFile {
  const r = parse(text, "t.tlb");
  expect(r.diagnostics.map((d) => d.message)).toEqual([]);
  return r.ast!;
}

function threadBody(text: string): readonly A.Stmt[] {
  const f = parseOk(`tlb t\nthread T on cpu0 {\n${text}\n}\n`);
  return (f.decls[0] as A.ThreadDecl).body.stmts;
}

describe("parser", () => {
  it("the grammar passes chevrotain's own validation", () => {
    expect(() => new TlbParser(true)).not.toThrow();
  });

  it("parses every prelude file", () => {
    for (const f of preludeFiles()) expect(parse(readRepoFile(f), f).diagnostics).toEqual([]);
  });

  it("tells commands from expressions on the right of `=`", () => {
    const [a, b, c, d] = threadBody("w = store X 2\nx = y && z\nf = alloc_page\np = f(X)");
    expect((a as A.AssignStmt).value.kind).toBe("CommandExpr");
    expect((b as A.AssignStmt).value.kind).toBe("BinaryExpr");
    expect((c as A.AssignStmt).value.kind).toBe("NameExpr");
    expect((d as A.AssignStmt).value.kind).toBe("CallExpr");
  });

  it("a line ending with a binary operator goes on; one ending with an operand does not", () => {
    const [a, b] = threadBody("x = y ||\n  z && w\nv = 1");
    const or = (a as A.AssignStmt).value as A.BinaryExpr;
    expect(or.op).toBe("||");
    expect((or.right as A.BinaryExpr).op).toBe("&&");
    expect((b as A.AssignStmt).target.name).toBe("v");
    expect(parse("tlb t\nthread T on cpu0 {\nx = y\n|| z\n}\n", "t.tlb").diagnostics).not.toEqual(
      [],
    );
  });

  it("keeps arrows and spans of a command", () => {
    const [s] = threadBody("mremap X -> Y");
    const cmd = (s as A.ExprStmt).expr as A.CommandExpr;
    expect(cmd.args.map((a) => (a as A.NameExpr).name.name)).toEqual(["X", "Y"]);
    expect(cmd.arrows).toEqual([1]);
  });

  it("reads decimal and hex numbers, versions and commit ids", () => {
    const f = parseOk(
      "tlb t\nthread T on cpu0 { store X.1 0x10 }\nexpect kernel 4.9 with fix 5d1904204c99 off : never\n",
    );
    const store = ((f.decls[0] as A.ThreadDecl).body.stmts[0] as A.ExprStmt).expr as A.CommandExpr;
    expect(store.args[1]).toMatchObject({ kind: "IntLit", value: 16, text: "0x10" });
    expect(store.args[0]).toMatchObject({
      kind: "MemberExpr",
      member: { kind: "IntLit", value: 1 },
    });
    const e = f.decls[1] as A.ExpectDecl;
    expect(e.kernel.text).toBe("4.9");
    expect(e.fixes[0]).toMatchObject({ commit: { text: "5d1904204c99" }, enabled: false });
  });

  it("reads a slice `A[i..j]` as a command argument and in an expression", () => {
    const text =
      "tlb t\nthread T on cpu0 {\n  madvise A[3..4] free\n  for i in X[0..n - 1][1] { skip }\n}\n";
    const [a, b] = (parseOk(text).decls[0] as A.ThreadDecl).body.stmts;
    const slice = ((a as A.ExprStmt).expr as A.CommandExpr).args[0] as A.SliceExpr;
    expect(slice).toMatchObject({
      kind: "SliceExpr",
      target: { kind: "NameExpr", name: { name: "A" } },
      first: { kind: "IntLit", value: 3 },
      last: { kind: "IntLit", value: 4 },
    });
    expect(text.slice(slice.span.start, slice.span.end)).toBe("A[3..4]");
    const index = (b as A.ForStmt).iterable as A.IndexExpr;
    expect(index).toMatchObject({
      kind: "IndexExpr",
      target: { kind: "SliceExpr", last: { kind: "BinaryExpr", op: "-" } },
      index: { kind: "IntLit", value: 1 },
    });
  });

  it("gives every node a half-open span into the text", () => {
    const text = "tlb t\nexists (T1:r == 1)\n";
    const f = parseOk(text);
    const cond = f.decls[0] as A.ConditionDecl;
    expect(text.slice(cond.expr.span.start, cond.expr.span.end)).toBe("T1:r == 1");
    const reg = (cond.expr as A.BinaryExpr).left;
    expect(text.slice(reg.span.start, reg.span.end)).toBe("T1:r");
  });

  it("accepts newlines inside parentheses and `else` on its own line", () => {
    parseOk(
      "tlb t\nexists (T1:r == 1 &&\n  T2:r == 2)\nproc p(x: int) {\n  if x == 1 {\n    skip\n  }\n  else {\n    skip\n  }\n}\n",
    );
  });

  it("reads doc strings over several lines", () => {
    const f = parseOk('tlb t\n"line one\n line two"\n');
    expect(f.doc?.value).toBe("line one\n line two");
  });

  it("reports several syntax errors in one file", () => {
    const r = parse("tlb t\nthread T on cpu0 {\n  store X 1 +\n}\nexists (T1:r == )\n", "t.tlb");
    expect(r.ast).toBeUndefined();
    expect(r.diagnostics.length).toBeGreaterThanOrEqual(2);
    expect(r.diagnostics.every((d) => d.code === "E010")).toBe(true);
  });
});
