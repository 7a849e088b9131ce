import type { Budget } from "../budget.js";
import type { Node, Op, Origin } from "../ir.js";

/**
 * The program points a thread may lower to. Procs are inlined at every call and loops unrolled:
 * a load or store inlines the fault path, ~870 points; the library's largest thread has ~3,700.
 * A thread of thousands of accesses took minutes to check and aborted V8 in code generation;
 * past this, lowering reports it instead (issue 13).
 */
export const maxNodes = 200_000;

/** Thrown by Graph.add past {@link maxNodes}; lowering turns it into a diagnostic. */
export class GraphTooLarge extends Error {
  constructor() {
    super(`more than ${maxNodes} program points`);
  }
}

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

  /** Each node made is a unit of the run's budget (lowering is where a program grows). */
  constructor(
    procs: readonly string[] = [],
    readonly budget?: Budget,
  ) {
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
    this.budget?.tick();
    if (this.list.length >= maxNodes) throw new GraphTooLarge();
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
