import { elidableLocks, type ObjectKind } from "../../primitives/primitive.js";
import { primitiveNamed } from "../../primitives/registry.js";
import type { Node, Op, ThreadProgram } from "../ir.js";

/**
 * Drops the calls on a lock (the kinds in `elidableLocks`: their operations only take and
 * release the lock) that only one thread's program touches, or that no thread takes
 * exclusively. Taking such a lock never waits and never makes anyone wait: the calls change
 * nothing a verdict sees, and without them the lock costs neither a step nor a slot. A step
 * left with nothing to do becomes silent.
 */
export function dropUncontendedLocks(threads: readonly ThreadProgram[]): ThreadProgram[] {
  const users = new Map<ObjectKind, Set<number>>();
  const exclusive = new Set<ObjectKind>();
  threads.forEach((t, tid) => {
    for (const n of reachable(t))
      if (n.k === "step" || n.k === "silent")
        for (const { kind, shared } of lockKinds(n.ops)) {
          if (!users.has(kind)) users.set(kind, new Set());
          users.get(kind)!.add(tid);
          if (!shared) exclusive.add(kind);
        }
  });
  const dropped = new Set(
    [...users].filter(([kind, tids]) => tids.size <= 1 || !exclusive.has(kind)).map(([k]) => k),
  );
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

/** The nodes a thread can reach from its entry (a static test leaves the other arm behind). */
export function reachable(t: ThreadProgram): Node[] {
  return [...reachableIds(t)].map((i) => t.nodes[i]!);
}

/** The ids of the nodes a thread can reach from its entry. */
export function reachableIds(t: ThreadProgram): Set<number> {
  const seen = new Set<number>([t.entry]);
  const todo = [t.entry];
  while (todo.length > 0) {
    const n = t.nodes[todo.pop()!]!;
    const next =
      n.k === "branch"
        ? [n.then, n.else]
        : n.k === "access"
          ? [n.next, n.fault]
          : n.k === "end"
            ? []
            : [n.next];
    for (const x of next)
      if (!seen.has(x)) {
        seen.add(x);
        todo.push(x);
      }
  }
  return seen;
}

/** The elidable lock kinds a list of ops touches, and whether on the shared side only. */
function lockKinds(ops: readonly Op[]): { kind: ObjectKind; shared: boolean }[] {
  return ops.flatMap((o) => {
    if (o.k === "if") return [...lockKinds(o.then), ...lockKinds(o.else)];
    if (o.k !== "call") return [];
    const prim = primitiveNamed(o.name);
    return (prim?.touches ?? [])
      .filter((a) => elidableLocks.has(a.object))
      .map((a) => ({ kind: a.object, shared: prim!.sharedLock }));
  });
}
