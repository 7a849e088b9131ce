import type { Quantifier, Verdict } from "../syntax/ast.js";

/**
 * herd7's vocabulary. The verdict is about the condition's proposition over the final states:
 * Sometimes (some satisfy it, some not), Always, Never. `ok` is herd's Ok/No line: whether the
 * condition as quantified holds.
 */
export function verdictOf(positive: number, negative: number): Verdict {
  if (positive === 0) return "never";
  return negative === 0 ? "always" : "sometimes";
}

export function conditionHolds(q: Quantifier, positive: number, negative: number): boolean {
  switch (q) {
    case "exists":
      return positive > 0;
    case "~exists":
      return positive === 0;
    case "forall":
      return negative === 0;
  }
}

export function capitalized(v: Verdict): string {
  return v[0]!.toUpperCase() + v.slice(1);
}
