import type { ThreadProgram } from "../semantics/ir.js";
import { readsShared } from "../semantics/lower.js";

const maxSilentDepth = 400;

/**
 * Where a thread can rest between transitions: its entry, and wherever the eager tail of a step
 * stops — the next step or access, a branch that reads shared state, or the end. Only what is
 * live at one of these points needs to be in the state vector.
 */
export function restingPoints(p: ThreadProgram): Set<number> {
  const out = new Set([p.entry]);
  const visit = (id: number, depth: number): void => {
    if (depth > maxSilentDepth) throw new Error(`thread ${p.name}: a loop with no step in it`);
    const n = p.nodes[id]!;
    if (n.k === "silent" || n.k === "label") visit(n.next, depth + 1);
    else if (n.k === "branch" && !readsShared(n.cond)) {
      visit(n.then, depth + 1);
      visit(n.else, depth + 1);
    } else out.add(id);
  };
  for (const n of p.nodes) if (n.k === "step" || n.k === "access") visit(n.next, 0);
  return out;
}

/**
 * Variables that must be stored: registers, and those live at a resting point. The others live
 * only inside one transition and are plain JavaScript locals of the generated code.
 */
export function storedVars(
  p: ThreadProgram,
  live: readonly Set<number>[],
  rest: ReadonlySet<number>,
): Set<number> {
  const out = new Set(p.vars.filter((v) => v.isRegister).map((v) => v.id));
  for (const r of rest) for (const v of live[r]!) out.add(v);
  return out;
}
