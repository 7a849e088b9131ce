import type * as A from "../../syntax/ast.js";
import type { Budget } from "../budget.js";
import type { Var } from "../ir.js";
import type { Type } from "../../primitives/types.js";
import type { RankedLabel } from "./condition.js";
import type { Env } from "./env.js";
import type { StaticScope } from "./static.js";

/** What holds for the whole of one thread's lowering, and the variables it makes. */
export interface ThreadLowering extends StaticScope {
  /** The index of the thread being lowered, and the labels a condition orders. */
  readonly thread: number;
  readonly ranks: readonly RankedLabel[];
  /** The CPU whose MMU loads and stores go through; -1 for a kthread and the after block. */
  readonly cpu: number;
  readonly isKernel: boolean;
  /** The built-in monitors run: their bookkeeping is lowered, else dropped. */
  readonly monitors: boolean;
  /** The thread's variables, by id: registers, proc locals and parameters, temporaries. */
  readonly vars: Var[];
  /** Every proc inlined so far, by any thread: the procs the scenario reaches on this kernel. */
  readonly reached: Set<string>;
  /** The run's limits, ticked at each node made (graph.ts). */
  readonly budget: Budget | undefined;
}

export function newVar(cx: ThreadLowering, name: string, type: Type, isRegister = false): number {
  const id = cx.vars.length;
  cx.vars.push({ id, name, type, isRegister });
  return id;
}

/**
 * The variable a name assigns, made at its first assignment (or first read: it holds 0 until
 * written). A name of a thread's own code is a register, one of a proc a local.
 */
export function varFor(cx: ThreadLowering, name: string, env: Env, type: Type): number {
  const b = env.bindings.get(name);
  if (b?.k === "var") return b.id;
  const id = newVar(cx, name, type, env.procs.length === 0);
  env.bindings.set(name, { k: "var", id });
  return id;
}

/** The checker's type of an expression. */
export function typeOf(cx: ThreadLowering, e: A.Expr): Type {
  return cx.s.types.get(e) ?? "int";
}
