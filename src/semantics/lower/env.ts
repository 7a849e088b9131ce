import type * as A from "../../syntax/ast.js";
import type { Op, Value } from "../ir.js";
import type { ProcDef, Scenario } from "../scenario.js";
import type { Type } from "../../primitives/types.js";
import type { Graph } from "./graph.js";
import type { Static } from "./static.js";

/** What a name stands for at one call site: a compile-time value, or a thread variable. */
export type Binding =
  | { readonly k: "static"; readonly s: Static }
  | { readonly k: "var"; readonly id: number };

/** Where `return` goes: the node after the call, and the variable that receives the value. */
export interface Return {
  readonly next: number;
  readonly dest: number | undefined;
}

/** Where the lowering stands: one statement of a thread, inlined through some procs. */
export interface Env {
  /** The names of this thread's own code (its registers), or of one inlined proc's locals. */
  readonly bindings: Map<string, Binding>;
  /** The file the code is written in, and its text, for the origins of steps. */
  readonly file: string;
  readonly text: string;
  /** Outermost first: the procs inlined to reach this code. */
  readonly procs: readonly string[];
  /** Index of the thread's top-level statement being lowered. */
  readonly statement: number;
  /** Undefined in a thread's own code: `return` belongs in a proc. */
  readonly ret: Return | undefined;
  readonly depth: number;
  /** Where nodes go: the thread's graph, or an `atomic` region's. */
  readonly graph: Graph;
  /** Inside an `atomic` region: the code becomes the ops of one step. */
  readonly atomic: boolean;
}

/** A top-level statement of a thread (or the after block): registers are its names. */
export function threadEnv(
  s: Scenario,
  graph: Graph,
  statement: number,
  registers: Map<string, Binding>,
): Env {
  return {
    bindings: registers,
    file: s.file,
    text: s.text,
    procs: [],
    statement,
    ret: undefined,
    depth: 0,
    graph,
    atomic: false,
  };
}

/** The body of proc `name` inlined at a call in `outer`, its parameters bound. */
export function procEnv(
  outer: Env,
  name: string,
  def: ProcDef,
  bindings: Map<string, Binding>,
  ret: Return,
): Env {
  return {
    ...outer,
    bindings,
    file: def.file,
    text: def.text,
    procs: [...outer.procs, name],
    ret,
    depth: outer.depth + 1,
  };
}

/** The body of an `atomic` block: same names, nodes into the region's own graph. */
export function regionEnv(outer: Env, graph: Graph): Env {
  return { ...outer, graph, atomic: true };
}

/** An argument of a call, lowered: its value, and its compile-time value if it has one. */
export interface Arg {
  readonly value: Value;
  readonly static: Static | undefined;
}

/**
 * Binds a proc's parameters at one call site: a static argument binds its parameter as a
 * constant (so `for` over it unrolls and `X[i]` folds); any other gets a fresh variable and an
 * op that sets it.
 */
export function bindParams(
  params: readonly A.Param[],
  args: readonly Arg[],
  newVar: (name: string, type: Type) => number,
): { bindings: Map<string, Binding>; setups: Op[] } {
  const bindings = new Map<string, Binding>();
  const setups: Op[] = [];
  params.forEach((param, i) => {
    const arg = args[i];
    if (arg === undefined) return;
    if (arg.static !== undefined) bindings.set(param.name.name, { k: "static", s: arg.static });
    else {
      const id = newVar(param.name.name, param.type.name as Type);
      bindings.set(param.name.name, { k: "var", id });
      setups.push({ k: "set", v: id, value: arg.value });
    }
  });
  return { bindings, setups };
}

/** Locals live across iterations, so the loop variable is bound in place, then unbound. */
export function withLoopVar<T>(env: Env, name: string, round: number, f: () => T): T {
  const before = env.bindings.get(name);
  env.bindings.set(name, { k: "static", s: { t: "int", v: round } });
  try {
    return f();
  } finally {
    if (before === undefined) env.bindings.delete(name);
    else env.bindings.set(name, before);
  }
}
