import type * as A from "../../syntax/ast.js";
import type { Node, Op } from "../ir.js";
import { forEachStmt } from "../typecheck.js";

/**
 * `atomic` regions. An `atomic` block is lowered like any other code, into a graph of its own;
 * that graph is then collapsed into the ops of one step (docs/language.md, "What is one step").
 */

/**
 * Why proc `decl` cannot be called inside `atomic`, if it cannot: an op list has no jumps, so
 * neither a `return` before the end nor a loop fits in one. (The checker refuses both written
 * directly in an `atomic` block; this is the same rule through a call.)
 */
export function atomicRefusal(decl: A.ProcDecl): string | undefined {
  const last = decl.body.stmts[decl.body.stmts.length - 1];
  let reason: string | undefined;
  forEachStmt(decl.body, (st) => {
    if (st.kind === "ReturnStmt" && st !== last) reason ??= "returns early";
    if (st.kind === "WhileStmt") reason ??= "loops";
  });
  return reason && `\`${decl.name.name}\` ${reason}, so it cannot be called inside \`atomic\``;
}

/**
 * The ops of a region's graph from `entry` to `exit`: steps and silent nodes give their ops in
 * order, labels vanish, and a branch becomes an `if` op whose arms end where they meet again, the
 * code from there following the `if`.
 */
export function regionOps(nodes: readonly Node[], entry: number, exit: number): Op[] {
  const joinOf = joins(nodes, exit);
  const ops = (from: number, to: number): Op[] => {
    const out: Op[] = [];
    for (let id = from; id !== to; ) {
      const n = nodes[id]!;
      switch (n.k) {
        case "step":
        case "silent":
          out.push(...n.ops);
          id = n.next;
          break;
        case "label":
          id = n.next;
          break;
        case "branch": {
          const join = joinOf(id);
          out.push({ k: "if", cond: n.cond, then: ops(n.then, join), else: ops(n.else, join) });
          id = join;
          break;
        }
        default:
          throw new Error(`an atomic region holds a node of kind ${n.k}`);
      }
    }
    return out;
  };
  return ops(entry, exit);
}

/**
 * Where the arms of each branch meet again: the first node that every path from the branch to
 * `exit` passes (its nearest post-dominator). A region is acyclic: the checker and
 * `atomicRefusal` keep loops out of it.
 */
function joins(nodes: readonly Node[], exit: number): (branch: number) => number {
  // The nodes every path from a node to `exit` passes, in path order: itself first, `exit` last.
  const memo = new Map<number, readonly number[]>();
  const visiting = new Set<number>();
  const join = (branch: Extract<Node, { k: "branch" }>): number => {
    const elseSide = new Set(mustPass(branch.else));
    return mustPass(branch.then).find((id) => elseSide.has(id))!;
  };
  const mustPass = (id: number): readonly number[] => {
    if (id === exit) return [exit];
    const known = memo.get(id);
    if (known !== undefined) return known;
    if (visiting.has(id)) throw new Error("an atomic region holds a loop");
    visiting.add(id);
    const n = nodes[id]!;
    let next: number;
    switch (n.k) {
      case "step":
      case "silent":
      case "label":
        next = n.next;
        break;
      case "branch":
        next = join(n);
        break;
      default:
        throw new Error(`an atomic region holds a node of kind ${n.k}`);
    }
    const chain = [id, ...mustPass(next)];
    visiting.delete(id);
    memo.set(id, chain);
    return chain;
  };
  return (branch) => mustPass(branch)[1]!;
}
