import { unreachable, type BinaryOp, type Expr } from "../syntax/ast.js";

/**
 * An expression on one line, as the formatter prints it when it fits (`tlbl fmt`, the prettier
 * plugin): the fewest parentheses that keep its tree. The reports print conditions with it
 * without loading the formatter; test/report/expression.test.ts keeps the two alike.
 */
export function expressionText(e: Expr, outer = 0): string {
  switch (e.kind) {
    case "IntLit":
    case "StringLit":
    case "VersionLit":
    case "CommitLit":
      return e.text;
    case "BoolLit":
      return e.value ? "true" : "false";
    case "NameExpr":
      return e.name.name;
    case "RegisterExpr":
      return `${e.thread.name}:${e.register.name}`;
    case "IndexExpr":
      return `${expressionText(e.target, postfix)}[${expressionText(e.index)}]`;
    case "SliceExpr":
      return `${expressionText(e.target, postfix)}[${expressionText(e.first)}..${expressionText(e.last)}]`;
    case "MemberExpr":
      return `${expressionText(e.target, postfix)}.${e.member.kind === "IntLit" ? e.member.text : e.member.name}`;
    case "CallExpr":
      return `${e.callee.name}(${e.args.map((a) => expressionText(a)).join(", ")})`;
    case "CommandExpr":
      return [
        e.callee.name,
        ...e.args.map(
          (a, i) => `${e.arrows.includes(i) ? " -> " : " "}${expressionText(a, postfix)}`,
        ),
      ].join("");
    case "UnaryExpr":
      return `${e.op}${expressionText(e.operand, unary)}`;
    case "BinaryExpr": {
      const p = precedence[e.op];
      // Operators associate to the left; comparisons do not chain at all.
      const leftMin = p === comparison ? p + 1 : p;
      const text = `${expressionText(e.left, leftMin)} ${e.op} ${expressionText(e.right, p + 1)}`;
      return p < outer ? `(${text})` : text;
    }
    default:
      return unreachable(e);
  }
}

/** How tightly each binary operator binds; unary operators and postfix forms bind tighter. */
const precedence: Record<BinaryOp, number> = {
  "||": 1,
  "&&": 2,
  "==": 3,
  "!=": 3,
  "<": 3,
  "<=": 3,
  ">": 3,
  ">=": 3,
  "+": 4,
  "-": 4,
};
const comparison = 3;
const unary = 5;
const postfix = 6;
