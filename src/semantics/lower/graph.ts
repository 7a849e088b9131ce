import type { Node, Op, Origin } from "../ir.js";

/**
 * A control-flow graph under construction: a thread's, or an `atomic` region's. Code is lowered
 * back to front (each node is made knowing its successor), so a node's id is its index here.
 * Each node is tagged with the procs whose code it is part of, so that a run can tell which
 * procs it really entered (judge/fidelity.ts).
 */
export class Graph {
  private readonly list: Node[] = [];
  private readonly tags: (readonly string[])[] = [];
  /** The procs being inlined while nodes are added, outermost first. */
  private current: readonly string[];

  constructor(procs: readonly string[] = []) {
    this.current = procs;
  }

  get nodes(): readonly Node[] {
    return this.list;
  }

  /** Per node, the procs inlined to reach its code, outermost first ([] for a thread's own). */
  get procsAt(): readonly (readonly string[])[] {
    return this.tags;
  }

  add(n: Node): number {
    this.list.push(n);
    this.tags.push(this.current);
    return this.list.length - 1;
  }

  /** `lower` adds the code of an inlined proc's body: its nodes are tagged with `procs`. */
  within<T>(procs: readonly string[], lower: () => T): T {
    const outer = this.current;
    this.current = procs;
    try {
      return lower();
    } finally {
      this.current = outer;
    }
  }

  /** Node `id` also runs the code of `procs` (an `atomic` region folded into one step). */
  tagAlso(id: number, procs: Iterable<string>): void {
    const all = new Set([...this.tags[id]!, ...procs]);
    this.tags[id] = [...all];
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
