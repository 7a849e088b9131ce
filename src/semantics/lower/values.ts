import type { Span } from "../../diagnostics/span.js";
import type * as A from "../../syntax/ast.js";
import type { Op, Value } from "../ir.js";
import type { Type } from "../../primitives/types.js";
import { lowerCall } from "./calls.js";
import { newVar, typeOf, varFor, type ThreadLowering } from "./context.js";
import {
  containsAction,
  isAction,
  isReadAsName,
  isValuePrimitive,
  readsShared,
} from "./effects.js";
import type { Arg, Env } from "./env.js";
import { fieldName, foldBin } from "./ir-values.js";
import { originAt } from "./origin.js";
import { paramTypesOf } from "./signatures.js";
import { staticOf, staticValue } from "./static.js";

/**
 * Values and branches into the control-flow graph, in continuation-passing style: the actions
 * inside an expression (proc calls, writes) are hoisted into steps of their own before the node
 * that uses its value, which the continuation `k` makes.
 */

/** `dest = v`: silent when v reads only thread-local state, a step when it reads shared state. */
export function assign(dest: number, v: Value, next: number, env: Env, span: Span): number {
  const op: Op = { k: "set", v: dest, value: v };
  return readsShared(v)
    ? env.graph.step([op], next, originAt(env, span))
    : env.graph.silent([op], next);
}

/** The arguments of a call, left to right; the actions among them become steps before `k`. */
export function lowerArgs(
  cx: ThreadLowering,
  types: readonly Type[],
  args: readonly A.Expr[],
  env: Env,
  k: (args: Arg[]) => number,
): number {
  const out: Arg[] = [];
  const go = (i: number): number => {
    if (i === args.length) return k(out);
    const a = args[i]!;
    const st = staticOf(cx, a, env.bindings, types[i]);
    if (st !== undefined) {
      out[i] = { value: staticValue(st), static: st };
      return go(i + 1);
    }
    return lowerValue(cx, a, env, (value) => {
      out[i] = { value, static: undefined };
      return go(i + 1);
    });
  };
  return go(0);
}

/** The value of an expression, for `k`; its actions are hoisted into steps before. */
export function lowerValue(
  cx: ThreadLowering,
  e: A.Expr,
  env: Env,
  k: (v: Value) => number,
): number {
  const st = staticOf(cx, e, env.bindings, cx.s.types.get(e));
  if (st !== undefined) return k(staticValue(st));
  switch (e.kind) {
    case "NameExpr": {
      const b = env.bindings.get(e.name.name);
      if (b?.k === "var") return k({ k: "var", v: b.id });
      const r = cx.s.resolved.get(e);
      if (r?.kind === "builtin" && isReadAsName(r.name))
        return k({ k: "call", name: r.name, args: [] }); // folds into its user, like any read
      if (r?.kind === "builtin" || r?.kind === "proc") return hoistCall(cx, e, env, k);
      // A local read before any assignment: it holds its initial value, 0.
      if (r?.kind === "local")
        return k({ k: "var", v: varFor(cx, e.name.name, env, typeOf(cx, e)) });
      cx.bag.error("E102", e.span, `\`${e.name.name}\` has no value here`);
      return k({ k: "const", v: 0 });
    }
    case "CallExpr":
    case "CommandExpr": {
      const r = cx.s.resolved.get(e);
      if (r?.kind === "builtin" && isValuePrimitive(r.name)) {
        const name = r.name;
        return lowerArgs(cx, paramTypesOf(name), e.args, env, (args) =>
          k({ k: "call", name, args: args.map((a) => a.value) }),
        );
      }
      return hoistCall(cx, e, env, k);
    }
    case "UnaryExpr":
      return lowerValue(cx, e.operand, env, (a) =>
        k(e.op === "!" ? { k: "not", a } : { k: "neg", a }),
      );
    case "BinaryExpr": {
      if ((e.op === "&&" || e.op === "||") && containsAction(e.right, cx.s.resolved)) {
        // The right side runs only when the left does not decide: branch, then join on a flag.
        const flag = newVar(cx, "cond", "bool");
        const after = k({ k: "var", v: flag });
        const set = (v: number): number =>
          env.graph.silent([{ k: "set", v: flag, value: { k: "const", v } }], after);
        const yes = set(1);
        const no = set(0);
        return lowerBranch(cx, e, env, yes, no);
      }
      return lowerValue(cx, e.left, env, (a) =>
        lowerValue(cx, e.right, env, (b) => k(foldBin(e.op, a, b))),
      );
    }
    case "MemberExpr":
      return lowerValue(cx, e.target, env, (a) =>
        k({ k: "field", field: fieldName(typeOf(cx, e.target), e.member), a }),
      );
    default:
      cx.bag.error("E201", e.span, "this expression has no run-time value");
      return k({ k: "const", v: 0 });
  }
}

/**
 * An expression evaluated for its actions only, its value dropped: an action is lowered as a call
 * statement is; of anything else only the actions inside remain (a read with no user is no step).
 */
export function lowerDiscarded(cx: ThreadLowering, e: A.Expr, env: Env, next: number): number {
  if (isAction(e, cx.s.resolved)) return lowerCall(cx, e, env, undefined, next, e.span);
  return containsAction(e, cx.s.resolved) ? lowerValue(cx, e, env, () => next) : next;
}

/** An action in a value: its result goes to a fresh variable, which `k` reads. */
function hoistCall(
  cx: ThreadLowering,
  e: A.CommandExpr | A.CallExpr | A.NameExpr,
  env: Env,
  k: (v: Value) => number,
): number {
  const callee = e.kind === "NameExpr" ? e.name.name : e.callee.name;
  const tmp = newVar(cx, `${callee}()`, typeOf(cx, e));
  const after = k({ k: "var", v: tmp });
  return lowerCall(cx, e, env, tmp, after, e.span);
}

/** Goes to `t` or `f` on a condition; `&&`, `||` and `!` become control flow around actions. */
export function lowerBranch(cx: ThreadLowering, e: A.Expr, env: Env, t: number, f: number): number {
  const st = staticOf(cx, e, env.bindings, "bool");
  if (st?.t === "int") return st.v !== 0 ? t : f;
  if (containsAction(e, cx.s.resolved)) {
    if (e.kind === "UnaryExpr" && e.op === "!") return lowerBranch(cx, e.operand, env, f, t);
    if (e.kind === "BinaryExpr" && e.op === "&&")
      return lowerBranch(cx, e.left, env, lowerBranch(cx, e.right, env, t, f), f);
    if (e.kind === "BinaryExpr" && e.op === "||")
      return lowerBranch(cx, e.left, env, t, lowerBranch(cx, e.right, env, t, f));
  }
  return lowerValue(cx, e, env, (v) =>
    v.k === "const"
      ? v.v !== 0
        ? t
        : f
      : env.graph.add({ k: "branch", cond: v, then: t, else: f }),
  );
}
