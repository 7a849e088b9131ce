import { unreachable, type Block, type Stmt } from "../../syntax/ast.js";
import { regionOps } from "./atomic-region.js";
import { lowerCall } from "./calls.js";
import { rankOf } from "./condition.js";
import { typeOf, varFor, type ThreadLowering } from "./context.js";
import { isAction } from "./effects.js";
import { regionEnv, withLoopVar, type Env } from "./env.js";
import { Graph } from "./graph.js";
import { originAt } from "./origin.js";
import { roundsOver, staticOf } from "./static.js";
import { assign, lowerBranch, lowerDiscarded, lowerValue } from "./values.js";

/**
 * Statements into the control-flow graph. Code is lowered back to front: each statement is given
 * the node that follows it and returns its own entry node.
 */

export function lowerBlock(cx: ThreadLowering, b: Block, env: Env, next: number): number {
  let cur = next;
  for (let i = b.stmts.length - 1; i >= 0; i--) cur = lowerStmt(cx, b.stmts[i]!, env, cur);
  return cur;
}

export function lowerStmt(cx: ThreadLowering, st: Stmt, env: Env, next: number): number {
  switch (st.kind) {
    case "ExprStmt":
      return lowerCall(cx, st.expr, env, undefined, next, st.span);
    case "AssignStmt": {
      const dest = varFor(cx, st.target.name, env, typeOf(cx, st.value));
      if (isAction(st.value, cx.s.resolved))
        return lowerCall(cx, st.value, env, dest, next, st.span);
      return lowerValue(cx, st.value, env, (v) => assign(dest, v, next, env, st.span));
    }
    case "IfStmt": {
      // Both branches are lowered (a mistake in either is reported on every kernel), but the
      // procs of one a static test (`fixed(…)`) leaves dead are not reached on this kernel.
      const cond = staticOf(cx, st.cond, env.bindings, "bool");
      const taken = cond?.t === "int" ? cond.v !== 0 : undefined;
      const dead = { ...cx, reached: new Set<string>() };
      const elseCx = taken === true ? dead : cx;
      const elseEntry =
        st.else === undefined
          ? next
          : st.else.kind === "Block"
            ? lowerBlock(elseCx, st.else, env, next)
            : lowerStmt(elseCx, st.else, env, next);
      const thenEntry = lowerBlock(taken === false ? dead : cx, st.then, env, next);
      return lowerBranch(cx, st.cond, env, thenEntry, elseEntry);
    }
    case "WhileStmt": {
      // The head is a branch whose body leads back to it; a round with no step is rejected
      // when the code is generated ("a loop with no step in it").
      const head = env.graph.reserve();
      const body = lowerBlock(cx, st.body, env, head);
      const test = lowerBranch(cx, st.cond, env, body, next);
      env.graph.set(head, { k: "silent", ops: [], next: test });
      return head;
    }
    case "ForStmt": {
      let cur = next;
      const rounds = roundsOver(staticOf(cx, st.iterable, env.bindings));
      for (let i = rounds - 1; i >= 0; i--)
        cur = withLoopVar(env, st.variable.name, i, () => lowerBlock(cx, st.body, env, cur));
      return cur;
    }
    case "AtomicStmt": {
      const region = new Graph(env.procs, env.graph.budget);
      const exit = region.add({ k: "end" });
      const entry = lowerBlock(cx, st.body, regionEnv(env, region), exit);
      const ops = regionOps(region.nodes, entry, exit);
      const step = env.graph.step(ops, next, originAt(env, st.span));
      env.graph.tagAlso(step, region.procsAt.flat());
      return step;
    }
    case "LabelStmt": {
      const rank = rankOf(cx.ranks, cx.thread, st.name.name);
      const origin = originAt(env, st.span);
      return env.graph.add({ k: "label", name: st.name.name, next, rank, origin });
    }
    case "ReturnStmt": {
      const ret = env.ret;
      if (ret === undefined) return next; // the checker keeps `return` to procs
      if (st.value === undefined) return ret.next;
      // The returned expression runs even when the caller drops the result, as in C: a proc
      // called as a bare statement that ends `return do_anonymous_page(addr, true)` faults in.
      if (ret.dest === undefined) return lowerDiscarded(cx, st.value, env, ret.next);
      const dest = ret.dest;
      return lowerValue(cx, st.value, env, (v) => assign(dest, v, ret.next, env, st.span));
    }
    case "SkipStmt":
      return env.graph.step([], next, originAt(env, st.span));
    default:
      return unreachable(st);
  }
}
