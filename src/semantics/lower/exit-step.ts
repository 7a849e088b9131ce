import type { Node, Origin } from "../ir.js";
import { readsShared } from "./effects.js";
import type { Graph } from "./graph.js";

/**
 * A condition on shared state is evaluated with the next step. When a thread could end right
 * after such a condition, there is no next step: an implicit final `exit` step takes its place,
 * so "finished" is a stable property of a state (docs/language.md, "What is one step"). Local
 * bookkeeping needs no such step: it runs eagerly after the step before it.
 *
 * Adds that step to the thread's graph when needed, and returns the thread's entry.
 */
export function withExitStep(graph: Graph, entry: number, end: number, origin: Origin): number {
  const nodes = graph.nodes;
  const needed = nodes.some(
    (n, id) => n.k === "branch" && readsShared(n.cond) && reachesSilently(nodes, id, end),
  );
  if (!needed) return entry;
  const exit = graph.step([], end, origin);
  for (let id = 0; id < nodes.length; id++)
    if (id !== exit) graph.set(id, retarget(nodes[id]!, end, exit));
  return entry === end ? exit : entry;
}

/** Can the thread go from `from` to `end` without taking a step? */
function reachesSilently(nodes: readonly Node[], from: number, end: number): boolean {
  const seen = new Set<number>();
  const walk = (id: number): boolean => {
    if (id === end) return true;
    if (seen.has(id)) return false;
    seen.add(id);
    const n = nodes[id]!;
    switch (n.k) {
      case "silent":
      case "label":
        return walk(n.next);
      case "branch":
        return walk(n.then) || walk(n.else);
      default:
        return false;
    }
  };
  return walk(from);
}

function retarget(n: Node, from: number, to: number): Node {
  const r = (x: number): number => (x === from ? to : x);
  switch (n.k) {
    case "step":
    case "silent":
    case "label":
    case "access":
      return { ...n, next: r(n.next) };
    case "branch":
      return { ...n, then: r(n.then), else: r(n.else) };
    default:
      return n;
  }
}
