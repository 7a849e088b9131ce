import type { Verdict } from "../syntax/ast.js";

/** A verdict as herd7 prints it on its Observation line: `Sometimes`. */
export function capitalized(v: Verdict): string {
  return v[0]!.toUpperCase() + v.slice(1);
}
