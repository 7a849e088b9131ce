import type { Budget } from "../semantics/budget.js";
import type { Node, Op, ThreadProgram, Value } from "../semantics/ir.js";

/**
 * Which variables of a thread are live (may still be read) at each node. A step clears the
 * variables that are dead after it, so equal futures give equal states (as Spin models do by
 * hand with `old = 0`).
 */
export function liveIn(p: ThreadProgram, budget?: Budget): Set<number>[] {
  const live = p.nodes.map(() => new Set<number>());
  let changed = true;
  while (changed) {
    changed = false;
    // Lowering numbers a node after its successors (graph.ts): in id order a pass sees each
    // successor first, so straight code settles in one pass, not one pass per node of a range.
    for (let id = 0; id < p.nodes.length; id++) {
      budget?.tick();
      const n = p.nodes[id]!;
      const out = new Set<number>();
      for (const succ of successors(n)) for (const v of live[succ]!) out.add(v);
      const { uses, defs } = useDef(n);
      for (const d of defs) out.delete(d);
      for (const u of uses) out.add(u);
      if (out.size !== live[id]!.size) {
        live[id] = out;
        changed = true;
      }
    }
  }
  return live;
}

export function successors(n: Node): number[] {
  switch (n.k) {
    case "step":
    case "silent":
    case "label":
      return [n.next];
    case "branch":
      return [n.then, n.else];
    case "access":
      return [n.next, n.fault];
    case "end":
      return [];
  }
}

/** A node's uses (read before it writes them), defs (written on every path) and every read. */
function useDef(n: Node): { uses: Set<number>; defs: Set<number>; reads: Set<number> } {
  const uses = new Set<number>();
  const defs = new Set<number>();
  const reads = new Set<number>();
  const value = (v: Value): void => {
    switch (v.k) {
      case "var":
        reads.add(v.v);
        if (!defs.has(v.v)) uses.add(v.v);
        return;
      case "call":
        v.args.forEach(value);
        return;
      case "not":
      case "neg":
      case "field":
        value(v.a);
        return;
      case "bin":
        value(v.a);
        value(v.b);
        return;
      default:
        return;
    }
  };
  // An op's reads come before its write; in an `if`, a write on one side only is not a kill.
  const ops = (list: readonly Op[], kills: boolean): void => {
    for (const o of list) {
      if (o.k === "set") {
        value(o.value);
        if (kills) defs.add(o.v);
      } else if (o.k === "call") {
        o.args.forEach(value);
        if (kills && o.dest !== undefined) defs.add(o.dest);
      } else {
        value(o.cond);
        ops(o.then, false);
        ops(o.else, false);
      }
    }
  };
  switch (n.k) {
    case "step":
    case "silent":
      ops(n.ops, true);
      break;
    case "branch":
      value(n.cond);
      break;
    case "access":
      if (n.value) value(n.value);
      break;
    default:
      break;
  }
  return { uses, defs, reads };
}

/** Variables an op list may write. */
export function written(list: readonly Op[], out: Set<number>): void {
  for (const o of list) {
    if (o.k === "set") out.add(o.v);
    else if (o.k === "call") {
      if (o.dest !== undefined) out.add(o.dest);
    } else {
      written(o.then, out);
      written(o.else, out);
    }
  }
}

/**
 * Which variables can never hold a value at the same time: pairs that are both live at some
 * node, or one written where the other is live after. Variables that do not interfere can share
 * a slot of the state vector; registers interfere with everything (they are observed at the end).
 */
export function interference(
  p: ThreadProgram,
  live: readonly Set<number>[],
  budget?: Budget,
): Set<number>[] {
  const edges = p.vars.map(() => new Set<number>());
  const link = (a: number, b: number): void => {
    if (a === b) return;
    edges[a]!.add(b);
    edges[b]!.add(a);
  };
  p.nodes.forEach((n, id) => {
    budget?.tick();
    const out = new Set<number>();
    for (const succ of successors(n)) for (const v of live[succ]!) out.add(v);
    const defs = new Set<number>();
    if (n.k === "step" || n.k === "silent") written(n.ops, defs);
    if (n.k === "access" && n.dest !== undefined) defs.add(n.dest);
    for (const d of defs) for (const l of out) link(d, l);
    // Variables written by one node interfere with each other too (an atomic step's temporaries),
    // and with those it reads: one op's write must not clobber what a later op of the node reads
    // (a call's parameter copies: `vma_locked = …` then `first = !tried`).
    for (const a of defs) for (const b of defs) link(a, b);
    for (const a of defs) for (const b of useDef(n).reads) link(a, b);
    const inn = [...live[id]!];
    for (let i = 0; i < inn.length; i++)
      for (let j = i + 1; j < inn.length; j++) link(inn[i]!, inn[j]!);
  });
  p.vars.forEach((v) => {
    if (v.isRegister) for (const w of p.vars) link(v.id, w.id);
  });
  return edges;
}
