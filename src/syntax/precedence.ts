import type { BinaryOp, Expr } from "./ast.js";

/**
 * How tightly the operators bind, for printing an expression with the fewest parentheses that
 * keep its tree (the formatter, the reports): unary operators and postfix forms (`X[1]`, `p.dirty`)
 * bind tighter than any binary operator. Binary operators associate to the left; comparisons do
 * not chain at all. The parser's grammar (parser.ts) is the reference.
 */
export const precedence: Readonly<Record<BinaryOp, number>> = {
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
export const comparisonPrecedence = 3;
export const unaryPrecedence = 5;
export const postfixPrecedence = 6;

/** The least precedence each operand of a binary operator needs to print without parentheses. */
export function operandPrecedence(op: BinaryOp): { readonly left: number; readonly right: number } {
  const p = precedence[op];
  return { left: p === comparisonPrecedence ? p + 1 : p, right: p + 1 };
}

/**
 * Can `e` be a command argument without parentheses? The grammar's `argument` is a name,
 * number, version, commit or `true`/`false`, with postfixes (`X[1]`, `pte.dirty`); anything
 * else needs them: `foo X (bar(1))`, `foo X (-1)`, `foo ("s")`.
 */
export function isArgumentAtom(e: Expr): boolean {
  switch (e.kind) {
    case "NameExpr":
    case "IntLit":
    case "CommitLit":
    case "VersionLit":
    case "BoolLit":
      return true;
    case "IndexExpr":
    case "SliceExpr":
    case "MemberExpr":
      return isArgumentAtom(e.target);
    default:
      return false;
  }
}

/**
 * Does `e` print ending in digits that a following `.1` would join into a version token? Then
 * a numeric member needs parentheses around its target: `(X.1).2`, `(4.8).1`.
 */
export function endsWithNumber(e: Expr): boolean {
  switch (e.kind) {
    case "IntLit":
    case "VersionLit":
    case "CommitLit":
      return true;
    case "MemberExpr":
      return e.member.kind === "IntLit";
    default:
      return false;
  }
}
