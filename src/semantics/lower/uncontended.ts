import { elidableLocks, type ObjectKind } from "../../primitives/primitive.js";
import { primitiveNamed } from "../../primitives/registry.js";
import type { Node, Op, ThreadProgram } from "../ir.js";

/**
 * Drops the calls on a lock that only one thread's program touches (the kinds in
 * `elidableLocks`: their operations only take and release the lock). Nobody else can hold such
 * a lock, so taking it never waits and never makes anyone wait: the calls change nothing a
 * verdict sees, and without them the lock costs neither a step nor a slot. A step left with
 * nothing to do becomes silent.
 */
export function dropUncontendedLocks(threads: readonly ThreadProgram[]): ThreadProgram[] {
  const users = new Map<ObjectKind, Set<number>>();
  threads.forEach((t, tid) => {
    for (const n of t.nodes)
      if (n.k === "step" || n.k === "silent")
        for (const kind of lockKinds(n.ops)) {
          if (!users.has(kind)) users.set(kind, new Set());
          users.get(kind)!.add(tid);
        }
  });
  const dropped = new Set([...users].filter(([, tids]) => tids.size <= 1).map(([kind]) => kind));
  if (dropped.size === 0) return [...threads];
  const drops = (name: string): boolean => {
    const touches = primitiveNamed(name)?.touches ?? [];
    return touches.length > 0 && touches.every((a) => dropped.has(a.object));
  };
  const prune = (ops: readonly Op[]): Op[] =>
    ops.flatMap((o): Op[] => {
      if (o.k === "call") return drops(o.name) ? [] : [o];
      if (o.k === "if") return [{ ...o, then: prune(o.then), else: prune(o.else) }];
      return [o];
    });
  return threads.map((t) => ({
    ...t,
    nodes: t.nodes.map((n): Node => {
      if (n.k !== "step" && n.k !== "silent") return n;
      const ops = prune(n.ops);
      if (ops.length === n.ops.length && ops.every((o, i) => o === n.ops[i])) return n;
      return n.k === "step" && ops.length > 0 ? { ...n, ops } : { k: "silent", ops, next: n.next };
    }),
  }));
}

/** The elidable lock kinds a list of ops touches. */
function lockKinds(ops: readonly Op[]): ObjectKind[] {
  return ops.flatMap((o) => {
    if (o.k === "if") return [...lockKinds(o.then), ...lockKinds(o.else)];
    if (o.k !== "call") return [];
    return (primitiveNamed(o.name)?.touches ?? [])
      .map((a) => a.object)
      .filter((kind) => elidableLocks.has(kind));
  });
}
