import type { BinaryOp } from "./ast.js";

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
