import type { ThreadProgram } from "../semantics/ir.js";
import { readsShared } from "../semantics/lower.js";

/**
 * Where a thread can rest between transitions: its entry, and wherever the eager tail of a step
 * stops — the next step or access, a branch that reads shared state, or the end. Only what is
 * live at one of these points needs to be in the state vector.
 */
export function restingPoints(p: ThreadProgram): Set<number> {
  const out = new Set([p.entry]);
  // Each node once (branches on locals rejoin: walking paths would be exponential).
  const seen = new Set<number>();
  const onPath = new Set<number>();
  const visit = (from: number): void => {
    // A run of silent nodes and labels is walked in a loop: a thread may have thousands.
    const run: number[] = [];
    let id = from;
    for (;;) {
      if (onPath.has(id)) throw new Error(`thread ${p.name}: a loop with no step in it`);
      if (seen.has(id)) break;
      seen.add(id);
      onPath.add(id);
      run.push(id);
      const n = p.nodes[id]!;
      if (n.k === "silent" || n.k === "label") {
        id = n.next;
        continue;
      }
      if (n.k === "branch" && !readsShared(n.cond)) {
        visit(n.then);
        visit(n.else);
      } else out.add(id);
      break;
    }
    for (const r of run) onPath.delete(r);
  };
  for (const n of p.nodes) if (n.k === "step" || n.k === "access") visit(n.next);
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
