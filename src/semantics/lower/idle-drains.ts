import type { Node, Op, ThreadProgram } from "../ir.js";
import { reachable } from "./uncontended.js";

/** The primitive that fills a CPU's lru_lazyfree batch (src/kernel/swap.tlb). */
const fill = "lru_lazyfree_add";

/**
 * Drops the drains of batches nobody fills: `lru_add_drain` in a thread that never fills its
 * CPU's lru_lazyfree batch (one thread per CPU: nobody else can), and `lru_add_drain_all` when
 * no thread fills one. Such a drain changes nothing, so it costs neither a step nor a slot; a
 * step left with nothing to do becomes silent.
 */
export function dropIdleDrains(threads: readonly ThreadProgram[]): ThreadProgram[] {
  const fills = threads.map((t) => reachable(t).some((n) => callsIn(n).includes(fill)));
  const anyFills = fills.some((f) => f);
  return threads.map((t, tid) => {
    const idle = (name: string): boolean =>
      (name === "lru_add_drain" && !fills[tid]) || (name === "lru_add_drain_all" && !anyFills);
    const prune = (ops: readonly Op[]): Op[] =>
      ops.flatMap((o): Op[] => {
        if (o.k === "call") return idle(o.name) ? [] : [o];
        if (o.k === "if") return [{ ...o, then: prune(o.then), else: prune(o.else) }];
        return [o];
      });
    return {
      ...t,
      nodes: t.nodes.map((n): Node => {
        if (n.k !== "step" && n.k !== "silent") return n;
        const ops = prune(n.ops);
        if (ops.length === n.ops.length && ops.every((o, i) => o === n.ops[i])) return n;
        return n.k === "step" && ops.length > 0
          ? { ...n, ops }
          : { k: "silent", ops, next: n.next };
      }),
    };
  });
}

function callsIn(n: Node): string[] {
  if (n.k !== "step" && n.k !== "silent") return [];
  const names = (ops: readonly Op[]): string[] =>
    ops.flatMap((o) =>
      o.k === "call" ? [o.name] : o.k === "if" ? [...names(o.then), ...names(o.else)] : [],
    );
  return names(n.ops);
}
