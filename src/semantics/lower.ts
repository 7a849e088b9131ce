import { DiagnosticBag, type Diagnostic } from "../diagnostics/diagnostic.js";
import type { Span } from "../diagnostics/span.js";
import type * as A from "../syntax/ast.js";
import { builtins, resultCodes } from "./builtins.js";
import type { Node, Op, Origin, Program, ThreadProgram, Value, Var } from "./ir.js";
import type { Resolved, Scenario } from "./scenario.js";
import { enumValues, type Type } from "./types.js";
import { faddrCode, type Universe } from "./universe.js";
import { anyMonitorFired, monitorsOn } from "./monitors.js";
import { forEachStmt } from "./typecheck.js";

/** Which modelled fixes are applied: a release, then any per-commit toggles. */
export interface KernelConfig {
  readonly release: string;
  readonly fixes: ReadonlyMap<string, boolean>;
}

export interface LowerResult {
  readonly program: Program | undefined;
  readonly diagnostics: readonly Diagnostic[];
}

/** A value known at compile time. */
type Static =
  | { readonly t: "page"; readonly id: number }
  | { readonly t: "range"; readonly ids: readonly number[] }
  | { readonly t: "file"; readonly ids: readonly number[] }
  | { readonly t: "fpage"; readonly id: number }
  | { readonly t: "addr"; readonly page: number; readonly word: number }
  | { readonly t: "faddr"; readonly fpage: number; readonly word: number }
  | { readonly t: "int"; readonly v: number }
  | { readonly t: "anon" };

type Binding =
  | { readonly k: "static"; readonly s: Static }
  | { readonly k: "var"; readonly id: number };

interface Env {
  readonly bindings: Map<string, Binding>;
  readonly file: string;
  /** The text of `file`, for the origins of steps. */
  readonly text: string;
  readonly procs: readonly string[];
  readonly statement: number;
  /** Where `return` goes: the node after the call, and the variable that receives the value. */
  readonly ret: { readonly next: number; readonly dest: number | undefined } | undefined;
  readonly depth: number;
}

/** The numeric codes of enum words: their position in the enum. */
export function enumCode(type: Type, word: string): number {
  return enumValues[type]!.indexOf(word);
}

const maxInlineDepth = 40;

/**
 * Lowers a checked scenario to step programs for one kernel configuration: procs inlined at
 * every call, `for` unrolled, `fixed(…)` and other static tests folded away.
 */
export function lower(s: Scenario, u: Universe, config: KernelConfig): LowerResult {
  const bag = new DiagnosticBag(s.file);
  const threads: ThreadProgram[] = [];
  const ranks: { thread: number; label: string }[] = [];
  collectRanks(s, ranks);
  const monitors = monitorsOn(s);
  for (const t of s.threads) {
    threads.push(
      new ThreadLowerer(s, u, config, bag, ranks, threads.length, monitors).thread(
        t.name,
        t.cpu,
        t.isKernel,
        false,
        t.decl.body,
      ),
    );
  }
  if (s.after !== undefined) {
    threads.push(
      new ThreadLowerer(s, u, config, bag, ranks, threads.length, monitors).thread(
        "after",
        -1,
        true,
        true,
        s.after.body,
      ),
    );
  }
  const condition = s.condition
    ? new ConditionLowerer(s, u, threads, ranks, bag).value(s.condition.expr)
    : anyMonitorFired();
  if (bag.hasErrors) return { program: undefined, diagnostics: bag.items };
  return { program: { threads, condition, ranks, monitors }, diagnostics: [] };
}

function collectRanks(s: Scenario, out: { thread: number; label: string }[]): void {
  for (const [, r] of s.resolved) {
    if (r.kind !== "label") continue;
    const thread = s.threads.findIndex((t) => t.name === r.thread);
    if (!out.some((x) => x.thread === thread && x.label === r.label))
      out.push({ thread, label: r.label });
  }
}

class ThreadLowerer {
  private readonly nodes: Node[] = [];
  private readonly vars: Var[] = [];
  private readonly statements: string[] = [];
  private cpu = -1;
  private isKernel = false;

  constructor(
    private readonly s: Scenario,
    private readonly u: Universe,
    private readonly config: KernelConfig,
    private readonly bag: DiagnosticBag,
    private readonly ranks: readonly { thread: number; label: string }[],
    private readonly threadIndex: number,
    private readonly monitors: boolean,
  ) {}

  thread(
    name: string,
    cpu: number,
    isKernel: boolean,
    isAfter: boolean,
    body: A.Block,
  ): ThreadProgram {
    this.cpu = isKernel ? -1 : cpu;
    this.isKernel = isKernel;
    const end = this.add({ k: "end" });
    const registers = new Map<string, Binding>();
    let next = end;
    const stmts = body.stmts;
    for (const st of stmts) this.statements.push(sourceLine(this.s.text, st.span));
    for (let i = stmts.length - 1; i >= 0; i--) {
      const env: Env = {
        bindings: registers,
        file: this.s.file,
        text: this.s.text,
        procs: [],
        statement: i,
        ret: undefined,
        depth: 0,
      };
      next = this.stmt(stmts[i]!, env, next, true);
    }
    const entry = this.finalStepIfNeeded(next, end);
    return {
      name,
      cpu: this.cpu,
      isKernel,
      isAfter,
      entry,
      nodes: this.nodes,
      vars: this.vars,
      statements: this.statements,
    };
  }

  // ---- nodes and variables ---------------------------------------------------------------

  private add(n: Node): number {
    this.nodes.push(n);
    return this.nodes.length - 1;
  }

  private newVar(name: string, type: Type, isRegister = false): number {
    const id = this.vars.length;
    this.vars.push({ id, name, type, isRegister });
    return id;
  }

  private origin(env: Env, span: Span): Origin {
    return {
      file: env.file,
      span,
      procs: env.procs,
      statement: env.statement,
      text: sourceLine(env.text, span),
    };
  }

  /**
   * A condition on shared state is evaluated with the next step. When a thread could end right
   * after such a condition, there is no next step: an implicit final `exit` step takes its place,
   * so "finished" is a stable property of a state. (Local bookkeeping needs no such step: it runs
   * eagerly after the step before it.)
   */
  private finalStepIfNeeded(entry: number, end: number): number {
    const needs = this.nodes.some((n, id) => {
      if (n.k === "branch") return readsShared(n.cond) && this.reachesSilently(id, end);
      return false;
    });
    if (!needs) return entry;
    const origin: Origin = {
      file: this.s.file,
      span: { start: 0, end: 0 },
      procs: [],
      statement: this.statements.length,
      text: "exit",
    };
    const exit = this.add({ k: "step", ops: [], next: end, origin });
    for (let i = 0; i < this.nodes.length; i++) {
      const n = this.nodes[i]!;
      if (i === exit) continue;
      this.nodes[i] = retarget(n, end, exit);
    }
    return entry === end ? exit : entry;
  }

  private reachesSilently(from: number, end: number): boolean {
    const seen = new Set<number>();
    const walk = (id: number): boolean => {
      if (id === end) return true;
      if (seen.has(id)) return false;
      seen.add(id);
      const n = this.nodes[id]!;
      switch (n.k) {
        case "silent":
        case "label":
          return walk(n.next);
        case "branch":
          return walk(n.then) || walk(n.else);
        default:
          return false;
      }
    };
    return walk(from);
  }

  // ---- statements ------------------------------------------------------------------------

  /** Lowers one statement before `next`; returns its entry node. */
  private stmt(st: A.Stmt, env: Env, next: number, topLevel = false): number {
    switch (st.kind) {
      case "ExprStmt":
        return this.call(st.expr, env, undefined, next, st.span);
      case "AssignStmt": {
        const dest = this.varFor(st.target.name, env, this.typeOf(st.value), topLevel);
        if (isCallExpr(st.value, this.s))
          return this.call(
            st.value as A.CommandExpr | A.CallExpr | A.NameExpr,
            env,
            dest,
            next,
            st.span,
          );
        return this.valueCps(st.value, env, (v) => this.assign(dest, v, next, env, st.span));
      }
      case "IfStmt": {
        const elseEntry =
          st.else === undefined
            ? next
            : st.else.kind === "Block"
              ? this.block(st.else, env, next)
              : this.stmt(st.else, env, next);
        const thenEntry = this.block(st.then, env, next);
        return this.cond(st.cond, env, thenEntry, elseEntry);
      }
      case "WhileStmt": {
        // The head is a branch whose body leads back to it; a round with no step is rejected
        // when the code is generated ("a loop with no step in it").
        const head = this.add({ k: "end" });
        const body = this.block(st.body, env, head);
        const test = this.cond(st.cond, env, body, next);
        this.nodes[head] = { k: "silent", ops: [], next: test };
        return head;
      }
      case "ForStmt": {
        const over = this.staticOf(st.iterable, env);
        const count =
          over?.t === "range"
            ? over.ids.length
            : over?.t === "file"
              ? over.ids.length
              : over?.t === "page"
                ? 1
                : 0;
        let cur = next;
        for (let i = count - 1; i >= 0; i--) {
          cur = this.withLoopVar(env, st.variable.name, i, () => this.block(st.body, env, cur));
        }
        return cur;
      }
      case "AtomicStmt": {
        const ops = this.atomicBlock(st.body, env);
        return this.add({ k: "step", ops, next, origin: this.origin(env, st.span) });
      }
      case "LabelStmt": {
        const rank = this.ranks.findIndex(
          (r) => r.thread === this.threadIndex && r.label === st.name.name,
        );
        return this.add({
          k: "label",
          name: st.name.name,
          next,
          rank: rank < 0 ? undefined : rank,
        });
      }
      case "ReturnStmt": {
        const ret = env.ret;
        if (ret === undefined) return next;
        if (st.value === undefined || ret.dest === undefined) return ret.next;
        return this.valueCps(st.value, env, (v) =>
          this.assign(ret.dest!, v, ret.next, env, st.span),
        );
      }
      case "SkipStmt":
        return this.add({ k: "step", ops: [], next, origin: this.origin(env, st.span) });
      default:
        return unreachable(st);
    }
  }

  /** Locals live across iterations, so the loop variable is bound in place, then unbound. */
  private withLoopVar<T>(env: Env, name: string, i: number, f: () => T): T {
    const before = env.bindings.get(name);
    env.bindings.set(name, { k: "static", s: { t: "int", v: i } });
    try {
      return f();
    } finally {
      if (before === undefined) env.bindings.delete(name);
      else env.bindings.set(name, before);
    }
  }

  private block(b: A.Block, env: Env, next: number): number {
    let cur = next;
    for (let i = b.stmts.length - 1; i >= 0; i--) cur = this.stmt(b.stmts[i]!, env, cur);
    return cur;
  }

  /** `dest = v`: silent when v reads only thread-local state, a step when it reads shared state. */
  private assign(dest: number, v: Value, next: number, env: Env, span: Span): number {
    const op: Op = { k: "set", v: dest, value: v };
    if (readsShared(v))
      return this.add({ k: "step", ops: [op], next, origin: this.origin(env, span) });
    return this.add({ k: "silent", ops: [op], next });
  }

  /** The variable a name assigns: a register at a thread's top level, else a local. */
  private varFor(name: string, env: Env, type: Type, register: boolean): number {
    const b = env.bindings.get(name);
    if (b?.k === "var") return b.id;
    const id = this.newVar(name, type, register || env.procs.length === 0);
    env.bindings.set(name, { k: "var", id });
    return id;
  }

  // ---- calls -----------------------------------------------------------------------------

  /** A call in statement or assignment position. */
  private call(
    e: A.CommandExpr | A.CallExpr | A.NameExpr,
    env: Env,
    dest: number | undefined,
    next: number,
    span: Span,
  ): number {
    const r = this.s.resolved.get(e);
    const args = e.kind === "NameExpr" ? [] : e.args;
    if (r?.kind === "instruction")
      return this.access(r.name === "store", args, env, dest, next, span);
    if (r?.kind === "proc") return this.inline(r.name, args, env, dest, next, span);
    if (r?.kind === "builtin") {
      const b = builtins[r.name]!;
      return this.argsCps(
        b.params.map((p) => p.type),
        args,
        env,
        (vals) => {
          if (b.effect === "pure" || (b.effect === "read" && dest === undefined)) {
            return dest === undefined
              ? next
              : this.assign(dest, { k: "call", name: r.name, args: vals }, next, env, span);
          }
          // Monitor bookkeeping costs nothing when no monitor runs.
          if (r.name === "syscall_returned" && !this.monitors) return next;
          const op: Op = { k: "call", name: r.name, args: vals, dest };
          if (b.effect === "local") return this.add({ k: "silent", ops: [op], next });
          return this.add({ k: "step", ops: [op], next, origin: this.origin(env, span) });
        },
      );
    }
    if (r?.kind === "local" && dest !== undefined) {
      return this.valueCps(e, env, (v) => this.assign(dest, v, next, env, span));
    }
    this.bag.error("E101", e.span, "cannot call this");
    return next;
  }

  private inline(
    name: string,
    args: readonly A.Expr[],
    env: Env,
    dest: number | undefined,
    next: number,
    span: Span,
  ): number {
    const def = this.s.procs.get(name)!;
    if (env.depth > maxInlineDepth) {
      this.bag.error("E302", span, `procs nest more than ${maxInlineDepth} deep here`);
      return next;
    }
    const p = def.decl;
    const types = p.params.map((x) => x.type.name as Type);
    return this.argsCps(types, args, env, (vals, statics) => {
      const bindings = new Map<string, Binding>();
      const setups: Op[] = [];
      p.params.forEach((param, i) => {
        const st = statics[i];
        if (st !== undefined) bindings.set(param.name.name, { k: "static", s: st });
        else {
          const id = this.newVar(param.name.name, types[i]!);
          bindings.set(param.name.name, { k: "var", id });
          setups.push({ k: "set", v: id, value: vals[i]! });
        }
      });
      const inner: Env = {
        bindings,
        file: def.file,
        text: def.text,
        procs: [...env.procs, name],
        statement: env.statement,
        ret: { next, dest },
        depth: env.depth + 1,
      };
      const body = this.block(p.body, inner, next);
      if (setups.length === 0) return body;
      const shared = setups.some((o) => o.k === "set" && readsShared(o.value));
      return shared
        ? this.add({ k: "step", ops: setups, next: body, origin: this.origin(env, span) })
        : this.add({ k: "silent", ops: setups, next: body });
    });
  }

  /** `store a v` / `load a` through the MMU, with the fault path and its retry. */
  private access(
    write: boolean,
    args: readonly A.Expr[],
    env: Env,
    dest: number | undefined,
    next: number,
    span: Span,
  ): number {
    if (this.isKernel || this.cpu < 0) {
      this.bag.error(
        "E203",
        span,
        `\`${write ? "store" : "load"}\` needs a user thread on a CPU; a kthread has no user address space`,
      );
      return next;
    }
    const at = this.staticOf(args[0]!, env);
    const addr =
      at?.t === "addr"
        ? at
        : at?.t === "page"
          ? { page: at.id, word: 0 }
          : at?.t === "range"
            ? { page: at.ids[0]!, word: 0 }
            : undefined;
    if (addr === undefined) {
      this.bag.error("E201", args[0]!.span, "an address must be known at compile time");
      return next;
    }
    const build = (value: Value | undefined): number => {
      const faultResult = this.newVar("fault", "int");
      const id = this.add({ k: "end" }); // placeholder, replaced below
      const giveUp = this.add({
        k: "silent",
        ops: dest === undefined ? [] : [{ k: "set", v: dest, value: { k: "var", v: faultResult } }],
        next,
      });
      const retry = this.add({
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
      const handler = this.s.procs.has("__do_page_fault")
        ? this.inlineFault(addr.page, write, env, faultResult, retry)
        : retry;
      this.nodes[id] = {
        k: "access",
        write,
        cpu: this.cpu,
        page: addr.page,
        word: addr.word,
        value,
        dest,
        next,
        fault: handler,
        faultResult,
        origin: this.origin(env, span),
      };
      return id;
    };
    if (!write) return build(undefined);
    return this.valueCps(args[1]!, env, (v) => build(v));
  }

  private inlineFault(page: number, write: boolean, env: Env, dest: number, next: number): number {
    const def = this.s.procs.get("__do_page_fault")!;
    const [pAddr, pWrite] = def.decl.params;
    const bindings = new Map<string, Binding>();
    if (pAddr) bindings.set(pAddr.name.name, { k: "static", s: { t: "page", id: page } });
    if (pWrite) bindings.set(pWrite.name.name, { k: "static", s: { t: "int", v: write ? 1 : 0 } });
    const inner: Env = {
      bindings,
      file: def.file,
      text: def.text,
      procs: [...env.procs, "__do_page_fault"],
      statement: env.statement,
      ret: { next, dest },
      depth: env.depth + 1,
    };
    return this.block(def.decl.body, inner, next);
  }

  // ---- values (continuation-passing, so effectful sub-expressions run first) -------------

  /** Lowers the arguments of a call; effectful ones become steps before the continuation. */
  private argsCps(
    types: readonly Type[],
    args: readonly A.Expr[],
    env: Env,
    k: (vals: Value[], statics: (Static | undefined)[]) => number,
  ): number {
    const vals: Value[] = [];
    const statics: (Static | undefined)[] = [];
    const go = (i: number): number => {
      if (i === args.length) return k(vals, statics);
      const a = args[i]!;
      const st = this.staticOf(a, env, types[i]);
      if (st !== undefined) {
        statics[i] = st;
        vals[i] = staticValue(st);
        return go(i + 1);
      }
      return this.valueCps(a, env, (v) => {
        statics[i] = undefined;
        vals[i] = v;
        return go(i + 1);
      });
    };
    return go(0);
  }

  /** The value of an expression; effectful parts (proc calls, writes) are hoisted into steps. */
  private valueCps(e: A.Expr, env: Env, k: (v: Value) => number): number {
    const st = this.staticOf(e, env, this.s.types.get(e));
    if (st !== undefined) return k(staticValue(st));
    switch (e.kind) {
      case "NameExpr": {
        const b = env.bindings.get(e.name.name);
        if (b?.k === "var") return k({ k: "var", v: b.id });
        const r = this.s.resolved.get(e);
        if (r?.kind === "builtin" && ["pure", "read", "local"].includes(builtins[r.name]!.effect)) {
          return k({ k: "call", name: r.name, args: [] }); // a zero-argument read folds, like any condition
        }
        if (r?.kind === "builtin" || r?.kind === "proc") return this.hoistCall(e, env, k);
        if (r?.kind === "local") {
          // A local read before any assignment: it holds its initial value, 0.
          return k({ k: "var", v: this.varFor(e.name.name, env, this.typeOf(e), false) });
        }
        this.bag.error("E102", e.span, `\`${e.name.name}\` has no value here`);
        return k({ k: "const", v: 0 });
      }
      case "CallExpr":
      case "CommandExpr": {
        const r = this.s.resolved.get(e);
        if (r?.kind === "builtin") {
          const b = builtins[r.name]!;
          if (b.effect === "pure" || b.effect === "read") {
            return this.argsCps(
              b.params.map((p) => p.type),
              e.args,
              env,
              (vals) => k({ k: "call", name: r.name, args: vals }),
            );
          }
        }
        return this.hoistCall(e, env, k);
      }
      case "UnaryExpr":
        return this.valueCps(e.operand, env, (a) =>
          k(e.op === "!" ? { k: "not", a } : { k: "neg", a }),
        );
      case "BinaryExpr": {
        if ((e.op === "&&" || e.op === "||") && isEffectful(e.right, this.s)) {
          const tmp = this.newVar("cond", "bool");
          const after = k({ k: "var", v: tmp });
          const yes = this.add({
            k: "silent",
            ops: [{ k: "set", v: tmp, value: { k: "const", v: 1 } }],
            next: after,
          });
          const no = this.add({
            k: "silent",
            ops: [{ k: "set", v: tmp, value: { k: "const", v: 0 } }],
            next: after,
          });
          return this.cond(e, env, yes, no);
        }
        return this.valueCps(e.left, env, (a) =>
          this.valueCps(e.right, env, (b) => k(foldBin(e.op, a, b))),
        );
      }
      case "MemberExpr":
        return this.valueCps(e.target, env, (a) =>
          k({ k: "field", field: fieldName(this.typeOf(e.target), e.member), a }),
        );
      default:
        this.bag.error("E201", e.span, "this expression has no run-time value");
        return k({ k: "const", v: 0 });
    }
  }

  private hoistCall(
    e: A.CommandExpr | A.CallExpr | A.NameExpr,
    env: Env,
    k: (v: Value) => number,
  ): number {
    const tmp = this.newVar(
      `${e.kind === "NameExpr" ? e.name.name : e.callee.name}()`,
      this.typeOf(e),
    );
    const after = k({ k: "var", v: tmp });
    return this.call(e, env, tmp, after, e.span);
  }

  /** Branches on a condition; `&&`, `||` and `!` become control flow when a side has effects. */
  private cond(e: A.Expr, env: Env, t: number, f: number): number {
    const st = this.staticOf(e, env, "bool");
    if (st?.t === "int") return st.v !== 0 ? t : f;
    if (isEffectful(e, this.s)) {
      if (e.kind === "UnaryExpr" && e.op === "!") return this.cond(e.operand, env, f, t);
      if (e.kind === "BinaryExpr" && e.op === "&&")
        return this.cond(e.left, env, this.cond(e.right, env, t, f), f);
      if (e.kind === "BinaryExpr" && e.op === "||")
        return this.cond(e.left, env, t, this.cond(e.right, env, t, f));
    }
    return this.valueCps(e, env, (v) =>
      v.k === "const" ? (v.v !== 0 ? t : f) : this.add({ k: "branch", cond: v, then: t, else: f }),
    );
  }

  // ---- atomic blocks: ops instead of nodes ----------------------------------------------------

  private atomicBlock(b: A.Block, env: Env): Op[] {
    const ops: Op[] = [];
    for (const st of b.stmts) this.atomicStmt(st, env, ops);
    return ops;
  }

  private atomicStmt(st: A.Stmt, env: Env, ops: Op[]): void {
    switch (st.kind) {
      case "ExprStmt":
        this.atomicCall(st.expr, env, undefined, ops);
        return;
      case "AssignStmt": {
        const dest = this.varFor(
          st.target.name,
          env,
          this.typeOf(st.value),
          env.procs.length === 0,
        );
        if (isCallExpr(st.value, this.s))
          this.atomicCall(st.value as A.CommandExpr | A.CallExpr | A.NameExpr, env, dest, ops);
        else ops.push({ k: "set", v: dest, value: this.atomicValue(st.value, env, ops) });
        return;
      }
      case "IfStmt": {
        const cond = this.atomicValue(st.cond, env, ops);
        const then = this.atomicBlock(st.then, env);
        const otherwise: Op[] = [];
        if (st.else?.kind === "Block") otherwise.push(...this.atomicBlock(st.else, env));
        else if (st.else) this.atomicStmt(st.else, env, otherwise);
        if (cond.k === "const") ops.push(...(cond.v ? then : otherwise));
        else ops.push({ k: "if", cond, then, else: otherwise });
        return;
      }
      case "ForStmt": {
        const over = this.staticOf(st.iterable, env);
        const count =
          over?.t === "range" || over?.t === "file" ? over.ids.length : over?.t === "page" ? 1 : 0;
        for (let i = 0; i < count; i++) {
          this.withLoopVar(env, st.variable.name, i, () => {
            for (const s2 of st.body.stmts) this.atomicStmt(s2, env, ops);
          });
        }
        return;
      }
      case "AtomicStmt":
        ops.push(...this.atomicBlock(st.body, env));
        return;
      case "SkipStmt":
      case "LabelStmt":
      case "WhileStmt": // rejected by the checker inside `atomic`
        return;
      case "ReturnStmt":
        if (st.value !== undefined && env.ret?.dest !== undefined) {
          ops.push({ k: "set", v: env.ret.dest, value: this.atomicValue(st.value, env, ops) });
        }
        return;
      default:
        unreachable(st);
    }
  }

  private atomicCall(
    e: A.CommandExpr | A.CallExpr | A.NameExpr,
    env: Env,
    dest: number | undefined,
    ops: Op[],
  ): void {
    const r = this.s.resolved.get(e);
    const args = e.kind === "NameExpr" ? [] : e.args;
    if (r?.kind === "instruction") {
      this.bag.error(
        "E203",
        e.span,
        "a load or store cannot stand inside `atomic`: the MMU is not part of a kernel step",
      );
      return;
    }
    if (r?.kind === "builtin") {
      const b = builtins[r.name]!;
      const vals = b.params.map((p, i) => {
        const st = this.staticOf(args[i]!, env, p.type);
        return st !== undefined ? staticValue(st) : this.atomicValue(args[i]!, env, ops);
      });
      if (b.effect === "pure" || b.effect === "read") {
        if (dest !== undefined)
          ops.push({ k: "set", v: dest, value: { k: "call", name: r.name, args: vals } });
      } else ops.push({ k: "call", name: r.name, args: vals, dest });
      return;
    }
    if (r?.kind === "proc") {
      const def = this.s.procs.get(r.name)!;
      const p = def.decl;
      const last = p.body.stmts[p.body.stmts.length - 1];
      let earlyReturn = false;
      forEachStmt(p.body, (st) => {
        if (st.kind === "ReturnStmt" && st !== last) earlyReturn = true;
      });
      if (earlyReturn) {
        this.bag.error(
          "E203",
          e.span,
          `\`${r.name}\` returns early, so it cannot be called inside \`atomic\``,
        );
        return;
      }
      const bindings = new Map<string, Binding>();
      p.params.forEach((param, i) => {
        const type = param.type.name as Type;
        const st = this.staticOf(args[i]!, env, type);
        if (st !== undefined) bindings.set(param.name.name, { k: "static", s: st });
        else {
          const id = this.newVar(param.name.name, type);
          ops.push({ k: "set", v: id, value: this.atomicValue(args[i]!, env, ops) });
          bindings.set(param.name.name, { k: "var", id });
        }
      });
      const inner: Env = {
        bindings,
        file: def.file,
        text: def.text,
        procs: [...env.procs, r.name],
        statement: env.statement,
        ret: { next: -1, dest },
        depth: env.depth + 1,
      };
      for (const s2 of p.body.stmts) this.atomicStmt(s2, inner, ops);
    }
  }

  private atomicValue(e: A.Expr, env: Env, ops: Op[]): Value {
    const st = this.staticOf(e, env, this.s.types.get(e));
    if (st !== undefined) return staticValue(st);
    switch (e.kind) {
      case "NameExpr": {
        const b = env.bindings.get(e.name.name);
        if (b?.k === "var") return { k: "var", v: b.id };
        const r = this.s.resolved.get(e);
        if (r?.kind === "builtin" || r?.kind === "proc") return this.atomicHoist(e, env, ops);
        return { k: "var", v: this.varFor(e.name.name, env, this.typeOf(e), false) };
      }
      case "CallExpr":
      case "CommandExpr": {
        const r = this.s.resolved.get(e);
        if (
          r?.kind === "builtin" &&
          (builtins[r.name]!.effect === "pure" || builtins[r.name]!.effect === "read")
        ) {
          const b = builtins[r.name]!;
          return {
            k: "call",
            name: r.name,
            args: b.params.map((p, i) => {
              const s2 = this.staticOf(e.args[i]!, env, p.type);
              return s2 !== undefined ? staticValue(s2) : this.atomicValue(e.args[i]!, env, ops);
            }),
          };
        }
        return this.atomicHoist(e, env, ops);
      }
      case "UnaryExpr": {
        const a = this.atomicValue(e.operand, env, ops);
        return e.op === "!" ? { k: "not", a } : { k: "neg", a };
      }
      case "BinaryExpr": {
        const a = this.atomicValue(e.left, env, ops);
        if ((e.op === "&&" || e.op === "||") && isEffectful(e.right, this.s)) {
          const tmp = this.newVar("cond", "bool");
          const rightOps: Op[] = [];
          const b = this.atomicValue(e.right, env, rightOps);
          rightOps.push({ k: "set", v: tmp, value: b });
          const shortCut: Op[] = [
            { k: "set", v: tmp, value: { k: "const", v: e.op === "&&" ? 0 : 1 } },
          ];
          ops.push({
            k: "if",
            cond: a,
            then: e.op === "&&" ? rightOps : shortCut,
            else: e.op === "&&" ? shortCut : rightOps,
          });
          return { k: "var", v: tmp };
        }
        return foldBin(e.op, a, this.atomicValue(e.right, env, ops));
      }
      case "MemberExpr":
        return {
          k: "field",
          field: fieldName(this.typeOf(e.target), e.member),
          a: this.atomicValue(e.target, env, ops),
        };
      default:
        return { k: "const", v: 0 };
    }
  }

  private atomicHoist(e: A.CommandExpr | A.CallExpr | A.NameExpr, env: Env, ops: Op[]): Value {
    const tmp = this.newVar("tmp", this.typeOf(e));
    this.atomicCall(e, env, tmp, ops);
    return { k: "var", v: tmp };
  }

  // ---- static evaluation -----------------------------------------------------------------------

  private typeOf(e: A.Expr): Type {
    return this.s.types.get(e) ?? "int";
  }

  /** The compile-time value of an expression, if it has one. */
  private staticOf(e: A.Expr, env: Env, want?: Type): Static | undefined {
    switch (e.kind) {
      case "IntLit":
        return { t: "int", v: e.value };
      case "BoolLit":
        return { t: "int", v: e.value ? 1 : 0 };
      case "NameExpr": {
        // The checker's resolution wins: an enum word or a region is never shadowed by a local.
        const r: Resolved | undefined = this.s.resolved.get(e);
        const b = env.bindings.get(e.name.name);
        if (b !== undefined && (r === undefined || r.kind === "local"))
          return b.k === "static" ? b.s : undefined;
        if (r === undefined) return undefined;
        switch (r.kind) {
          case "region":
            return { t: "range", ids: this.u.regions.get(r.name)! };
          case "file":
            return { t: "file", ids: this.u.files.get(r.name)! };
          case "const":
            return {
              t: "int",
              v: r.name === "null" ? 0 : (resultCodes as Record<string, number>)[r.name]!,
            };
          case "enum": {
            if (r.value === "anon") return { t: "anon" };
            const type = this.s.types.get(e) ?? want;
            return type !== undefined && enumValues[type]
              ? { t: "int", v: enumCode(type, r.value) }
              : undefined;
          }
          default:
            return undefined;
        }
      }
      case "IndexExpr": {
        const target = this.staticOf(e.target, env);
        const index = this.staticOf(e.index, env);
        if (target === undefined || index?.t !== "int") return undefined;
        const ids =
          target.t === "range" || target.t === "file"
            ? target.ids
            : target.t === "page"
              ? [target.id]
              : undefined;
        const id = ids?.[index.v];
        if (ids === undefined) return undefined;
        if (id === undefined) {
          this.bag.error(
            "E202",
            e.index.span,
            `index ${index.v} is past the last page (${ids.length - 1})`,
          );
          return { t: "int", v: 0 };
        }
        return target.t === "file" ? { t: "fpage", id } : { t: "page", id };
      }
      case "SliceExpr": {
        const target = this.staticOf(e.target, env);
        const first = this.staticOf(e.first, env);
        const last = this.staticOf(e.last, env);
        // A range parameter may hold a page: a call passed `X[1]`.
        const ids =
          target?.t === "range" ? target.ids : target?.t === "page" ? [target.id] : undefined;
        if (ids === undefined || first?.t !== "int" || last?.t !== "int") return undefined;
        const bad = (span: Span, message: string): Static => {
          this.bag.error("E202", span, message);
          return { t: "range", ids }; // the whole range, so that no error follows from this one
        };
        const end = ids.length - 1;
        if (first.v < 0) return bad(e.first.span, `index ${first.v} is before the first page (0)`);
        if (last.v > end) return bad(e.last.span, `index ${last.v} is past the last page (${end})`);
        if (last.v < first.v)
          return bad(
            { start: e.first.span.start, end: e.last.span.end },
            `a slice's last page (${last.v}) is before its first (${first.v})`,
          );
        return { t: "range", ids: ids.slice(first.v, last.v + 1) };
      }
      case "MemberExpr": {
        if (e.member.kind !== "IntLit") return undefined;
        const target = this.staticOf(e.target, env);
        const word = e.member.value;
        if (target?.t === "page") return { t: "addr", page: target.id, word };
        if (target?.t === "range") return { t: "addr", page: target.ids[0]!, word };
        if (target?.t === "fpage") return { t: "faddr", fpage: target.id, word };
        return undefined;
      }
      case "CallExpr": {
        const r = this.s.resolved.get(e);
        if (r?.kind === "fixed") return { t: "int", v: this.config.fixes.get(r.commit) ? 1 : 0 };
        if (r?.kind !== "builtin") return undefined;
        const args = e.args.map((a) => this.staticOf(a, env));
        if (r.name === "same_ptl" && args.every((a) => a?.t === "page" || a?.t === "range"))
          return { t: "int", v: 1 };
        if (r.name === "file_page") {
          const a = asFaddr(args[0]);
          return a ? { t: "fpage", id: a.fpage } : undefined;
        }
        if (r.name === "file_page_word") {
          const a = asFaddr(args[0]);
          return a ? { t: "int", v: a.word } : undefined;
        }
        return undefined;
      }
      case "UnaryExpr": {
        const a = this.staticOf(e.operand, env);
        if (a?.t !== "int") return undefined;
        return { t: "int", v: e.op === "!" ? (a.v ? 0 : 1) : -a.v };
      }
      case "BinaryExpr": {
        const a = this.staticOf(e.left, env);
        // Short-circuit at compile time: `fixed(X) && …` needs no value on the right when false.
        if (a?.t === "int" && ((e.op === "&&" && a.v === 0) || (e.op === "||" && a.v !== 0)))
          return { t: "int", v: a.v ? 1 : 0 };
        const b = this.staticOf(e.right, env, this.s.types.get(e.left));
        if (a?.t !== "int" || b?.t !== "int") return undefined;
        const v = foldBin(e.op, { k: "const", v: a.v }, { k: "const", v: b.v });
        return v.k === "const" ? { t: "int", v: v.v } : undefined;
      }
      default:
        return undefined;
    }
  }
}

/** Condition expressions: over the final state, registers by thread. */
class ConditionLowerer {
  constructor(
    private readonly s: Scenario,
    private readonly u: Universe,
    private readonly threads: readonly ThreadProgram[],
    private readonly ranks: readonly { thread: number; label: string }[],
    private readonly bag: DiagnosticBag,
  ) {}

  value(e: A.Expr): Value {
    const r = this.s.resolved.get(e);
    switch (e.kind) {
      case "IntLit":
        return { k: "const", v: e.value };
      case "BoolLit":
        return { k: "const", v: e.value ? 1 : 0 };
      case "RegisterExpr": {
        const thread =
          r?.kind === "register" ? this.threads.findIndex((t) => t.name === r.thread) : -1;
        const v = this.threads[thread]?.vars.find(
          (x) => x.isRegister && x.name === e.register.name,
        );
        if (v === undefined) {
          this.bag.error("E105", e.span, "this register is never written");
          return { k: "const", v: 0 };
        }
        return { k: "reg", thread, v: v.id };
      }
      case "NameExpr":
        if (r?.kind === "const")
          return {
            k: "const",
            v: r.name === "null" ? 0 : (resultCodes as Record<string, number>)[r.name]!,
          };
        if (r?.kind === "region") return this.location(e);
        if (r?.kind === "cpu") return { k: "const", v: r.index };
        if (r?.kind === "enum") {
          const type = this.s.types.get(e);
          if (type !== undefined && enumValues[type])
            return { k: "const", v: enumCode(type, r.value) };
        }
        return { k: "const", v: 0 };
      case "IndexExpr":
      case "MemberExpr": {
        if (r?.kind === "label") {
          const id = this.ranks.findIndex(
            (x) =>
              x.thread === this.threads.findIndex((t) => t.name === r.thread) &&
              x.label === r.label,
          );
          return { k: "rank", id };
        }
        const t = this.s.types.get(e);
        if (t === "addr" || t === "page" || t === "faddr" || t === "fpage") return this.location(e);
        const m = e as A.MemberExpr;
        return {
          k: "field",
          field: fieldName(this.s.types.get(m.target) ?? "pte", m.member),
          a: this.value(m.target),
        };
      }
      case "CallExpr": {
        const b = builtins[e.callee.name];
        return {
          k: "call",
          name: e.callee.name,
          args: e.args.map((a, i) => this.argument(a, b?.params[i]?.type)),
        };
      }
      case "UnaryExpr":
        return e.op === "!"
          ? { k: "not", a: this.value(e.operand) }
          : { k: "neg", a: this.value(e.operand) };
      case "BinaryExpr":
        return foldBin(e.op, this.value(e.left), this.value(e.right));
      default:
        return { k: "const", v: 0 };
    }
  }

  /** `X.1` or `F[0]` as a value: memory through the page table, or the file as pread sees it. */
  private location(e: A.Expr): Value {
    const a = this.address(e);
    if (a === undefined) return { k: "const", v: 0 };
    return a.file
      ? {
          k: "call",
          name: "file_word",
          args: [
            { k: "const", v: a.id },
            { k: "const", v: a.word },
          ],
        }
      : {
          k: "call",
          name: "mem_word",
          args: [
            { k: "const", v: a.id },
            { k: "const", v: a.word },
          ],
        };
  }

  private address(e: A.Expr): { file: boolean; id: number; word: number } | undefined {
    if (e.kind === "MemberExpr" && e.member.kind === "IntLit") {
      const base = this.address(e.target);
      return base ? { ...base, word: e.member.value } : undefined;
    }
    if (e.kind === "NameExpr") {
      const ids = this.u.regions.get(e.name.name);
      return ids ? { file: false, id: ids[0]!, word: 0 } : undefined;
    }
    if (e.kind === "IndexExpr" && e.target.kind === "NameExpr" && e.index.kind === "IntLit") {
      const pages = this.u.regions.get(e.target.name.name);
      if (pages) return { file: false, id: pages[e.index.value]!, word: 0 };
      const fps = this.u.files.get(e.target.name.name);
      if (fps) return { file: true, id: fps[e.index.value]!, word: 0 };
    }
    return undefined;
  }

  /** Arguments of the condition primitives: pages, file pages and CPUs are constants. */
  private argument(e: A.Expr, type: Type | undefined): Value {
    const r = this.s.resolved.get(e);
    if (type === "cpu" && r?.kind === "cpu") return { k: "const", v: r.index };
    const a = this.address(e);
    if (a !== undefined && (type === "page" || type === "fpage")) return { k: "const", v: a.id };
    if (a !== undefined && type === "faddr") return { k: "const", v: faddrCode(a.id, a.word) };
    return this.value(e);
  }
}

// ---- helpers -----------------------------------------------------------------------------------

/** Fields are named with their value's type: `pte.dirty`, `tlbe.valid`. */
function fieldName(type: Type, member: A.Ident | A.IntLit): string {
  return `${type}.${member.kind === "Ident" ? member.name : member.text}`;
}

function staticValue(s: Static): Value {
  switch (s.t) {
    case "page":
    case "fpage":
      return { k: "const", v: s.id };
    case "range":
    case "file":
      return { k: "pages", ids: s.ids };
    case "int":
      return { k: "const", v: s.v };
    case "addr":
      return { k: "const", v: s.page };
    case "faddr":
      return { k: "const", v: faddrCode(s.fpage, s.word) };
    case "anon":
      return { k: "const", v: 0 };
  }
}

function asFaddr(s: Static | undefined): { fpage: number; word: number } | undefined {
  if (s?.t === "faddr") return s;
  if (s?.t === "fpage") return { fpage: s.id, word: 0 };
  return undefined;
}

function foldBin(op: A.BinaryOp, a: Value, b: Value): Value {
  if (a.k === "const" && b.k === "const") {
    const x = a.v;
    const y = b.v;
    const r = {
      "||": x || y ? 1 : 0,
      "&&": x && y ? 1 : 0,
      "==": x === y ? 1 : 0,
      "!=": x !== y ? 1 : 0,
      "<": x < y ? 1 : 0,
      "<=": x <= y ? 1 : 0,
      ">": x > y ? 1 : 0,
      ">=": x >= y ? 1 : 0,
      "+": x + y,
      "-": x - y,
    }[op];
    return { k: "const", v: r };
  }
  if (op === "&&" && a.k === "const") return a.v ? b : a;
  if (op === "||" && a.k === "const") return a.v ? { k: "const", v: 1 } : b;
  return { k: "bin", op, a, b };
}

/** Does evaluating this value read shared model state (so it must happen in a step)? */
export function readsShared(v: Value): boolean {
  switch (v.k) {
    case "call": {
      const b = builtins[v.name];
      return (
        b === undefined || b.effect === "read" || b.effect === "write" || v.args.some(readsShared)
      );
    }
    case "not":
    case "neg":
    case "field":
      return readsShared(v.a);
    case "bin":
      return readsShared(v.a) || readsShared(v.b);
    default:
      return false;
  }
}

/** A call that must run as its own step(s): a proc, a write or blocking primitive, an access. */
function isEffectful(e: A.Expr, s: Scenario): boolean {
  switch (e.kind) {
    case "CallExpr":
    case "CommandExpr":
    case "NameExpr": {
      const r = s.resolved.get(e);
      const self =
        r?.kind === "proc" ||
        r?.kind === "instruction" ||
        (r?.kind === "builtin" &&
          (builtins[r.name]!.effect === "write" || builtins[r.name]!.effect === "local"));
      const args = e.kind === "NameExpr" ? [] : e.args;
      return self || args.some((a) => isEffectful(a, s));
    }
    case "UnaryExpr":
      return isEffectful(e.operand, s);
    case "BinaryExpr":
      return isEffectful(e.left, s) || isEffectful(e.right, s);
    case "MemberExpr":
      return isEffectful(e.target, s);
    case "IndexExpr":
      return isEffectful(e.target, s) || isEffectful(e.index, s);
    default:
      return false;
  }
}

function isCallExpr(e: A.Expr, s: Scenario): boolean {
  const r = s.resolved.get(e);
  return (
    (e.kind === "CommandExpr" || e.kind === "CallExpr" || e.kind === "NameExpr") &&
    (r?.kind === "proc" ||
      r?.kind === "instruction" ||
      (r?.kind === "builtin" &&
        builtins[r.name]!.effect !== "pure" &&
        builtins[r.name]!.effect !== "read"))
  );
}

function retarget(n: Node, from: number, to: number): Node {
  const r = (x: number): number => (x === from ? to : x);
  switch (n.k) {
    case "step":
    case "silent":
    case "label":
      return { ...n, next: r(n.next) };
    case "branch":
      return { ...n, then: r(n.then), else: r(n.else) };
    case "access":
      return { ...n, next: r(n.next) };
    default:
      return n;
  }
}

/** The source of a span on one line, whitespace collapsed. */
export function sourceLine(text: string, span: Span): string {
  const s = text
    .slice(span.start, span.end)
    .replace(/\/\/[^\n]*/g, "")
    .replace(/\s+/g, " ")
    .trim();
  return s.length > 72 ? `${s.slice(0, 69)}…` : s;
}

function unreachable(x: never): never {
  throw new Error(`unreachable: ${JSON.stringify(x)}`);
}
