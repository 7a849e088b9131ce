import type { Budget } from "../budget.js";
import type { Node, Op, Origin } from "../ir.js";

/**
 * A control-flow graph under construction: a thread's, or an `atomic` region's. Code is lowered
 * back to front (each node is made knowing its successor), so a node's id is its index here.
 */
export class Graph {
  private readonly list: Node[] = [];

  /** Each node made is a unit of the run's budget (lowering is where a program grows). */
  constructor(readonly budget?: Budget) {}

  get nodes(): readonly Node[] {
    return this.list;
  }

  add(n: Node): number {
    this.budget?.tick();
    this.list.push(n);
    return this.list.length - 1;
  }

  /** A node made before its successors, which lead back to it: a loop head, a retried access. */
  reserve(): number {
    return this.add({ k: "end" });
  }

  /** Fills a reserved node, or rewrites one (the final exit step redirects edges to itself). */
  set(id: number, n: Node): void {
    this.list[id] = n;
  }

  step(ops: readonly Op[], next: number, origin: Origin): number {
    return this.add({ k: "step", ops, next, origin });
  }

  silent(ops: readonly Op[], next: number): number {
    return this.add({ k: "silent", ops, next });
  }
}
