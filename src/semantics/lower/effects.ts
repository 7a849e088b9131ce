import type * as A from "../../syntax/ast.js";
import type { Effect } from "../../primitives/primitive.js";
import { primitiveNamed } from "../../primitives/registry.js";
import { someValue, type Value } from "../ir.js";
import type { Resolved } from "../scenario.js";

/**
 * The effect classifier: the lowering's one answer to "is this effectful?" and "does this read
 * shared state?", from the registry's effects (src/primitives/primitive.ts, `Effect`).
 */

/** A primitive's effect, or undefined for a name that is no primitive. */
export function effectOf(name: string): Effect | undefined {
  return primitiveNamed(name)?.effect;
}

/**
 * A primitive whose call is a value: a function of its arguments, or a read folded into the step
 * that evaluates it (docs/language.md, "What is one step"). Its call changes nothing, so with its
 * result unused it lowers to nothing.
 */
export function isValuePrimitive(name: string): boolean {
  const effect = effectOf(name);
  return effect === "pure" || effect === "read";
}

/**
 * A primitive named without parentheses in a value (`if tlb_range_pending`) is read in place
 * unless it changes shared state: a zero-argument `local` primitive reads the thread's own
 * kernel state.
 */
export function isReadAsName(name: string): boolean {
  return effectOf(name) !== "write";
}

/** A primitive that acts on the calling thread's private state only: its op runs silently. */
export function isPrivateAction(name: string): boolean {
  return effectOf(name) === "local";
}

/**
 * Does evaluating this value read shared model state (so it must happen in a step)? A name that
 * is no primitive is a condition's accessor of the final state (`mem_word`, `file_word`): shared.
 */
export function readsShared(v: Value): boolean {
  return someValue(v, (x) => {
    const effect = x.k === "call" ? effectOf(x.name) : undefined;
    return effect === "read" || effect === "write";
  });
}

type Resolution = ReadonlyMap<A.Expr, Resolved>;

/**
 * A call that lowers to ops of its own rather than to a value: a proc, a load or store, or a
 * primitive that changes state (shared, or the thread's own).
 */
export function isAction(
  e: A.Expr,
  resolved: Resolution,
): e is A.CallExpr | A.CommandExpr | A.NameExpr {
  if (e.kind !== "CallExpr" && e.kind !== "CommandExpr" && e.kind !== "NameExpr") return false;
  const r = resolved.get(e);
  return (
    r?.kind === "proc" ||
    r?.kind === "instruction" ||
    (r?.kind === "builtin" && !isValuePrimitive(r.name))
  );
}

/** Does evaluating e take an action (so that it needs steps, or control flow, of its own)? */
export function containsAction(e: A.Expr, resolved: Resolution): boolean {
  switch (e.kind) {
    case "CallExpr":
    case "CommandExpr":
      return e.args.some((a) => containsAction(a, resolved)) || isAction(e, resolved);
    case "NameExpr":
      return isAction(e, resolved);
    case "UnaryExpr":
      return containsAction(e.operand, resolved);
    case "BinaryExpr":
      return containsAction(e.left, resolved) || containsAction(e.right, resolved);
    case "MemberExpr":
      return containsAction(e.target, resolved);
    case "IndexExpr":
      return containsAction(e.target, resolved) || containsAction(e.index, resolved);
    default:
      return false;
  }
}
