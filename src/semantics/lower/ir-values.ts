import type * as A from "../../syntax/ast.js";
import { resultCodes } from "../../primitives/registry.js";
import type { Value } from "../ir.js";
import { enumValues, type Type } from "../../primitives/types.js";

/** IR values built from source words and operators: codes of words, folded constants, fields. */

/** The numeric code of an enum word: its position in the enum. */
export function enumCode(type: Type, word: string): number {
  return enumValues[type]!.indexOf(word);
}

/** The value of a named constant: `null`, or a result code (`ok`, `segv`, `sigbus`, `unset`). */
export function constantCode(name: string): number {
  return name === "null" ? 0 : (resultCodes as Record<string, number>)[name]!;
}

/** Fields are named with their value's type: `pte.dirty`, `tlbe.valid`. */
export function fieldName(type: Type, member: A.Ident | A.IntLit): string {
  return `${type}.${member.kind === "Ident" ? member.name : member.text}`;
}

/** `a op b`, folded when both sides are constants, or when a constant left side decides it. */
export function foldBin(op: A.BinaryOp, a: Value, b: Value): Value {
  if (a.k === "const" && b.k === "const") {
    const x = a.v;
    const y = b.v;
    const r = {
      "||": x || y ? 1 : 0,
      "&&": x && y ? 1 : 0,
      "==": x === y ? 1 : 0,
      "!=": x !== y ? 1 : 0,
      "<": x < y ? 1 : 0,
      "<=": x <= y ? 1 : 0,
      ">": x > y ? 1 : 0,
      ">=": x >= y ? 1 : 0,
      "+": x + y,
      "-": x - y,
    }[op];
    return { k: "const", v: r };
  }
  if (op === "&&" && a.k === "const") return a.v ? b : a;
  if (op === "||" && a.k === "const") return a.v ? { k: "const", v: 1 } : b;
  return { k: "bin", op, a, b };
}
