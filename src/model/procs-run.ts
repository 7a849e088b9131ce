import type { Node, Program, ThreadProgram } from "../semantics/ir.js";
import { successors } from "./liveness.js";
import { restingPoints } from "./resting.js";

/**
 * The procs whose code the explored executions ran, from where they went (Model.visited: the
 * steps taken and the nodes threads rested at). A transition runs from a resting point through
 * bookkeeping and decisions on locals to its step, and on to the next resting point; so a node
 * between two resting points ran when a visited node leads to it and it leads to a visited node
 * without passing another resting point. A decision's arm that leads to no visited node did not
 * run: a fault handler's dispatch does not enter do_swap_page() unless a step in it was taken.
 */
export function procsRun(program: Program, visited: readonly Uint8Array[]): string[] {
  const out = new Set<string>();
  program.threads.forEach((t, th) => {
    const marks = visited[th];
    if (marks === undefined || !marks.includes(1)) return;
    for (const node of nodesRun(t, marks)) for (const p of t.procsAt[node]!) out.add(p);
  });
  return [...out].sort();
}

/** The nodes of `t` that ran, given the visited ones. */
function nodesRun(t: ThreadProgram, visited: Uint8Array): number[] {
  const rest = restingPoints(t);
  const succ = t.nodes.map(successors);
  const pred = t.nodes.map((): number[] => []);
  succ.forEach((ss, id) => ss.forEach((s) => pred[s]!.push(id)));
  // Visited: the steps and resting points reached, the entry, and the end a thread finishes at.
  const seen = (id: number): boolean =>
    visited[id] === 1 || id === t.entry || t.nodes[id]!.k === "end";
  const seeds = t.nodes.flatMap((_, id) => (seen(id) ? [id] : []));
  // Through nodes that are not resting points, as one transition goes.
  const spread = (edges: readonly number[][]): Set<number> => {
    const reached = new Set(seeds);
    const todo = [...seeds];
    while (todo.length > 0) {
      for (const n of edges[todo.pop()!]!) {
        if (reached.has(n) || rest.has(n)) continue;
        reached.add(n);
        todo.push(n);
      }
    }
    return reached;
  };
  const after = spread(succ);
  const before = spread(pred);
  return t.nodes.flatMap((_, id) => (seen(id) || (after.has(id) && before.has(id)) ? [id] : []));
}
