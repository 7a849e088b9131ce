import type { Span } from "../../diagnostics/span.js";
import type * as A from "../../syntax/ast.js";
import { resultCodes } from "../../primitives/registry.js";
import type { Op, Value } from "../ir.js";
import type { Type } from "../../primitives/types.js";
import { atomicRefusal } from "./atomic-region.js";
import { newVar, type ThreadLowering } from "./context.js";
import { isPrivateAction, isValuePrimitive, readsShared } from "./effects.js";
import { bindParams, procEnv, type Arg, type Env, type Return } from "./env.js";
import { originAt } from "./origin.js";
import { paramTypesOf } from "./signatures.js";
import { addressOf, staticOf, staticValue, type Static } from "./static.js";
import { lowerBlock } from "./statements.js";
import { assign, lowerArgs, lowerValue } from "./values.js";

/** Calls into the control-flow graph: primitives, procs (inlined), loads and stores. */

/** Procs inline into each other at most this deep (recursion is refused by the checker). */
const maxInlineDepth = 40;

/** A call in statement or assignment position: its result, if any, goes to `dest`. */
export function lowerCall(
  cx: ThreadLowering,
  e: A.CommandExpr | A.CallExpr | A.NameExpr,
  env: Env,
  dest: number | undefined,
  next: number,
  span: Span,
): number {
  const r = cx.s.resolved.get(e);
  const args = e.kind === "NameExpr" ? [] : e.args;
  if (r?.kind === "instruction") {
    if (env.atomic) {
      cx.bag.error(
        "E203",
        e.span,
        "a load or store cannot stand inside `atomic`: the MMU is not part of a kernel step",
      );
      return next;
    }
    return lowerAccess(cx, r.name === "store", args, env, dest, next, span);
  }
  if (r?.kind === "proc") return lowerProcCall(cx, r.name, e, env, dest, next, span);
  if (r?.kind === "builtin") {
    const name = r.name;
    return lowerArgs(cx, paramTypesOf(name), args, env, (lowered) => {
      const values = lowered.map((a) => a.value);
      if (isValuePrimitive(name))
        return dest === undefined
          ? next
          : assign(dest, { k: "call", name, args: values }, next, env, span);
      // Monitor bookkeeping costs nothing when no monitor runs.
      if (name === "syscall_returned" && !cx.monitors) return next;
      const op: Op = { k: "call", name, args: values, dest };
      if (isPrivateAction(name)) return env.graph.silent([op], next);
      return env.graph.step([op], next, originAt(env, span));
    });
  }
  if (r?.kind === "local" && dest !== undefined)
    return lowerValue(cx, e, env, (v) => assign(dest, v, next, env, span));
  cx.bag.error("E101", e.span, "cannot call this");
  return next;
}

/** A proc call: its arguments evaluated, then its body inlined with its parameters bound. */
function lowerProcCall(
  cx: ThreadLowering,
  name: string,
  e: A.CommandExpr | A.CallExpr | A.NameExpr,
  env: Env,
  dest: number | undefined,
  next: number,
  span: Span,
): number {
  const def = cx.s.procs.get(name)!;
  if (env.atomic) {
    const refusal = atomicRefusal(def.decl);
    if (refusal !== undefined) {
      cx.bag.error("E203", e.span, refusal);
      return next;
    }
  }
  if (env.depth > maxInlineDepth) {
    cx.bag.error("E302", span, `procs nest more than ${maxInlineDepth} deep here`);
    return next;
  }
  const types = def.decl.params.map((p) => p.type.name as Type);
  const args = e.kind === "NameExpr" ? [] : e.args;
  return lowerArgs(cx, types, args, env, (lowered) =>
    inlineProc(cx, name, lowered, env, { next, dest }, span),
  );
}

/**
 * The body of proc `name` with its parameters bound to `args`. Parameters that are not static
 * are set first: in a step of their own when an argument reads shared state, else silently.
 */
function inlineProc(
  cx: ThreadLowering,
  name: string,
  args: readonly Arg[],
  env: Env,
  ret: Return,
  span: Span,
): number {
  const def = cx.s.procs.get(name)!;
  cx.reached.add(name);
  const { bindings, setups } = bindParams(def.decl.params, args, (param, type) =>
    newVar(cx, param, type),
  );
  const inner = procEnv(env, name, def, bindings, ret);
  const body = env.graph.within(inner.procs, () => lowerBlock(cx, def.decl.body, inner, ret.next));
  if (setups.length === 0) return body;
  const shared = setups.some((o) => o.k === "set" && readsShared(o.value));
  return shared
    ? env.graph.step(setups, body, originAt(env, span))
    : env.graph.silent(setups, body);
}

/**
 * `store a v` / `load a` through the MMU of the thread's CPU. A fault enters the kernel's fault
 * handler (the prelude's `__do_page_fault`, inlined), which sets the fault result: `ok` retries
 * the access, anything else becomes its result.
 */
function lowerAccess(
  cx: ThreadLowering,
  write: boolean,
  args: readonly A.Expr[],
  env: Env,
  dest: number | undefined,
  next: number,
  span: Span,
): number {
  if (cx.isKernel || cx.cpu < 0) {
    cx.bag.error(
      "E203",
      span,
      `\`${write ? "store" : "load"}\` needs a user thread on a CPU; a kthread has no user address space`,
    );
    return next;
  }
  const addr = addressOf(staticOf(cx, args[0]!, env.bindings));
  if (addr === undefined) {
    cx.bag.error("E201", args[0]!.span, "an address must be known at compile time");
    return next;
  }
  const build = (value: Value | undefined): number => {
    const faultResult = newVar(cx, "fault", "int");
    const id = env.graph.reserve();
    const giveUp = env.graph.silent(
      dest === undefined ? [] : [{ k: "set", v: dest, value: { k: "var", v: faultResult } }],
      next,
    );
    const retry = env.graph.add({
      k: "branch",
      cond: {
        k: "bin",
        op: "==",
        a: { k: "var", v: faultResult },
        b: { k: "const", v: resultCodes.ok },
      },
      then: id,
      else: giveUp,
    });
    const faultArgs = [
      staticArg({ t: "page", id: addr.page }),
      staticArg({ t: "int", v: write ? 1 : 0 }),
    ];
    const handler = cx.s.procs.has("__do_page_fault")
      ? inlineProc(cx, "__do_page_fault", faultArgs, env, { next: retry, dest: faultResult }, span)
      : retry;
    env.graph.set(id, {
      k: "access",
      write,
      cpu: cx.cpu,
      page: addr.page,
      word: addr.word,
      value,
      dest,
      next,
      fault: handler,
      faultResult,
      origin: originAt(env, span),
    });
    return id;
  };
  if (!write) return build(undefined);
  return lowerValue(cx, args[1]!, env, (v) => build(v));
}

function staticArg(s: Static): Arg {
  return { value: staticValue(s), static: s };
}
