import type { Node } from "../ir.js";
import { readsShared } from "./effects.js";
import type { Graph } from "./graph.js";

/**
 * A condition on shared state is evaluated with the next step, and so is a fault (the access
 * that faults and the handler's first step are one transition). A label reached silently after
 * one would be passed before anything was decided: a schedule could stop "at" it, and the
 * decision would be made later, in another state (`T1 until L` after `if ptep_get(a) != e {
 * return 0 }` counted L as passed even when the check then failed). So such a label gets an
 * implicit step of its own, with no ops, just before it: the condition is evaluated with that
 * step, and the label is passed only when the thread has really decided to pass it
 * (docs/language.md, "What is one step").
 *
 * Rewrites the thread's graph in place; the first label on each silent path gets the step (the
 * labels after it follow a step).
 */
export function withLabelSteps(graph: Graph): void {
  const nodes = graph.nodes;
  // Nodes a decision on shared state reaches before any step, and the labels among them.
  const behind = new Set<number>();
  const labels = new Set<number>();
  const walk = (id: number): void => {
    const n = nodes[id]!;
    if (n.k === "label") {
      labels.add(id);
      return;
    }
    if (behind.has(id)) return;
    behind.add(id);
    if (n.k === "silent") walk(n.next);
    else if (n.k === "branch") {
      walk(n.then);
      walk(n.else);
    }
  };
  const deciders: number[] = [];
  nodes.forEach((n, id) => {
    if (n.k === "branch" && readsShared(n.cond)) {
      deciders.push(id);
      walk(n.then);
      walk(n.else);
    } else if (n.k === "access") {
      deciders.push(id);
      walk(n.fault);
    }
  });
  if (labels.size === 0) return;
  const steps = new Map<number, number>();
  for (const id of labels) {
    const label = nodes[id] as Extract<Node, { k: "label" }>;
    steps.set(id, graph.step([], id, label.origin));
  }
  const to = (x: number): number => steps.get(x) ?? x;
  for (const id of new Set([...deciders, ...behind])) {
    const n = nodes[id]!;
    if (n.k === "silent") graph.set(id, { ...n, next: to(n.next) });
    else if (n.k === "branch") graph.set(id, { ...n, then: to(n.then), else: to(n.else) });
    else if (n.k === "access") graph.set(id, { ...n, fault: to(n.fault) });
  }
}
