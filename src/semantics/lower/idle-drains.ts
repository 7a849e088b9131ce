import type { Node, Op, ThreadProgram } from "../ir.js";
import { reachableIds } from "./uncontended.js";

/** The primitive that fills a CPU's lru_lazyfree batch (src/kernel/swap.tlb). */
const fill = "lru_lazyfree_add";

/**
 * Drops the drains of batches that are empty whenever they run: `lru_add_drain` where its
 * thread cannot have filled its CPU's lru_lazyfree batch yet (one thread per CPU: nobody else
 * fills it), and `lru_add_drain_all` when no thread fills one. Such a drain changes nothing, so
 * it costs neither a step nor a slot; a step left with nothing to do becomes silent.
 */
export function dropIdleDrains(threads: readonly ThreadProgram[]): ThreadProgram[] {
  const afterFill = threads.map(nodesAfterFill);
  const anyFills = afterFill.some((ids) => ids.size > 0);
  return threads.map((t, tid) => {
    const idle = (name: string, id: number): boolean =>
      (name === "lru_add_drain" && !afterFill[tid]!.has(id)) ||
      (name === "lru_add_drain_all" && !anyFills);
    return {
      ...t,
      nodes: t.nodes.map((n, id): Node => {
        if (n.k !== "step" && n.k !== "silent") return n;
        const prune = (ops: readonly Op[]): Op[] =>
          ops.flatMap((o): Op[] => {
            if (o.k === "call") return idle(o.name, id) ? [] : [o];
            if (o.k === "if") return [{ ...o, then: prune(o.then), else: prune(o.else) }];
            return [o];
          });
        const ops = prune(n.ops);
        if (ops.length === n.ops.length && ops.every((o, i) => o === n.ops[i])) return n;
        return n.k === "step" && ops.length > 0
          ? { ...n, ops }
          : { k: "silent", ops, next: n.next };
      }),
    };
  });
}

/**
 * The reachable nodes that can run after one that fills the batch, and the filling nodes
 * themselves (a drain after the fill in the same node's ops is kept: conservative).
 */
function nodesAfterFill(t: ThreadProgram): Set<number> {
  const live = reachableIds(t);
  const out = new Set([...live].filter((id) => callsIn(t.nodes[id]!).includes(fill)));
  const todo = [...out];
  while (todo.length > 0) {
    for (const x of successors(t.nodes[todo.pop()!]!))
      if (!out.has(x)) {
        out.add(x);
        todo.push(x);
      }
  }
  return out;
}

function successors(n: Node): number[] {
  if (n.k === "branch") return [n.then, n.else];
  if (n.k === "access") return [n.next, n.fault];
  if (n.k === "end") return [];
  return [n.next];
}

function callsIn(n: Node): string[] {
  if (n.k !== "step" && n.k !== "silent") return [];
  const names = (ops: readonly Op[]): string[] =>
    ops.flatMap((o) =>
      o.k === "call" ? [o.name] : o.k === "if" ? [...names(o.then), ...names(o.else)] : [],
    );
  return names(n.ops);
}
