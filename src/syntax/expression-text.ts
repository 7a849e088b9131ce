import { unreachable, type Expr } from "./ast.js";
import {
  endsWithNumber,
  isArgumentAtom,
  operandPrecedence,
  postfixPrecedence as postfix,
  precedence,
  unaryPrecedence as unary,
} from "./precedence.js";

/**
 * An expression on one line, as the formatter prints it when it fits (`tlbl fmt`, the prettier
 * plugin): the fewest parentheses that keep its tree. The reports and the outcome lines print conditions with it
 * without loading the formatter; test/syntax/expression-text.test.ts keeps the two alike.
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
    case "MemberExpr": {
      const target = expressionText(e.target, postfix);
      const glued = e.member.kind === "IntLit" && endsWithNumber(e.target);
      return `${glued ? `(${target})` : target}.${e.member.kind === "IntLit" ? e.member.text : e.member.name}`;
    }
    case "CallExpr":
      return `${e.callee.name}(${e.args.map((a) => expressionText(a)).join(", ")})`;
    case "CommandExpr":
      return [
        e.callee.name,
        ...e.args.map(
          (a, i) =>
            `${e.arrows.includes(i) ? " -> " : " "}${isArgumentAtom(a) ? expressionText(a, postfix) : `(${expressionText(a)})`}`,
        ),
      ].join("");
    case "UnaryExpr": {
      const text = `${e.op}${expressionText(e.operand, unary)}`;
      return unary < outer ? `(${text})` : text;
    }
    case "BinaryExpr": {
      const operands = operandPrecedence(e.op);
      const text = `${expressionText(e.left, operands.left)} ${e.op} ${expressionText(e.right, operands.right)}`;
      return precedence[e.op] < outer ? `(${text})` : text;
    }
    default:
      return unreachable(e);
  }
}
