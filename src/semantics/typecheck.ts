import type { DiagnosticBag } from "../diagnostics/diagnostic.js";
import { didYouMean } from "../diagnostics/suggest.js";
import type * as A from "../syntax/ast.js";
import { unreachable } from "../syntax/ast.js";
import { stepNames } from "../syntax/keywords.js";
import type { Primitive } from "../primitives/primitive.js";
import { builtins, constants } from "../primitives/registry.js";
import { fixIdForm, isFixId } from "./kernel-versions.js";
import { checkAnnotations } from "./fidelity.js";
import type { FileDef, FixDef, ProcDef, RegionDef, Resolved, ThreadDef } from "./scenario.js";
import {
  assignable,
  enumValues,
  fields,
  isEnum,
  paramTypes,
  type Type,
} from "../primitives/types.js";

/** The kernel prelude, checked: procs and the fixes they can test with `fixed(…)`. */
export interface Prelude {
  readonly procs: ReadonlyMap<string, ProcDef>;
  readonly fixes: ReadonlyMap<string, FixDef>;
  /** Types and resolutions inside the prelude's procs. */
  readonly types: ReadonlyMap<A.Expr, Type>;
  readonly resolved: ReadonlyMap<A.Expr, Resolved>;
}

export interface Declarations {
  readonly files: readonly FileDef[];
  readonly regions: readonly RegionDef[];
  readonly threads: readonly ThreadDef[];
  readonly procs: ReadonlyMap<string, ProcDef>;
  readonly fixes: ReadonlyMap<string, FixDef>;
  readonly types: Map<A.Expr, Type>;
  readonly resolved: Map<A.Expr, Resolved>;
}

/** Where an expression or statement is checked. */
interface Env {
  readonly context: "proc" | "thread" | "after" | "condition" | "init";
  /** Proc parameters and locals, or a thread's registers. */
  readonly locals: Map<string, Type>;
  /** Loop variables: static page indices. */
  readonly loopVars: Set<string>;
  readonly result: Type | undefined;
  readonly labels: Set<string>;
  inAtomic: boolean;
}

/**
 * Types whose values are known when the scenario is compiled, never held in the state: procs
 * are inlined with them, and the model's primitives take pages by number (an address is a page
 * and a word). A local cannot hold one, and no call computes one.
 */
const compileTime: readonly Type[] = ["range", "file", "label", "cpu", "source", "page", "addr"];

const article = (t: Type): string => (/^[aeiou]/.test(t) ? "an" : "a");

/** The name of the range of every virtual page of the scenario, for rmap walks. */
export const allPagesName = "mm_pages";
/** Every page too, in the order rmap walks visit their VMAs (semantics/universe.ts, rmapOrder). */
export const rmapPagesName = "rmap_pages";
/** Every page of every file of the scenario, in order, for readahead's walk of a file. */
export const allFpagesName = "all_fpages";

/** Type-checks procs, thread bodies, conditions and schedules, recording types and resolutions. */
export class TypeChecker {
  wordsPerPage = 1;
  private readonly threadRegisters = new Map<string, Map<string, Type>>();
  private readonly afterRegisters = new Map<string, Type>();

  constructor(
    private readonly bag: DiagnosticBag,
    private readonly d: Declarations,
  ) {}

  // ---- declarations ------------------------------------------------------------------------

  checkProc(p: A.ProcDecl): void {
    const locals = new Map<string, Type>();
    for (const param of p.params) {
      const t = this.typeName(param.type);
      if (locals.has(param.name.name))
        this.bag.error(
          "E100",
          param.name.span,
          `parameter \`${param.name.name}\` is already declared`,
        );
      if (t !== undefined) locals.set(param.name.name, t);
    }
    const result = p.result ? this.typeName(p.result) : undefined;
    if (p.result !== undefined && result !== undefined && compileTime.includes(result))
      this.bag.error(
        "E201",
        p.result.span,
        `a proc returns a value computed as the scenario runs; ${article(result)} ${result} is known at compile time`,
      );
    const env: Env = {
      context: "proc",
      locals,
      loopVars: new Set(),
      result,
      labels: new Set(),
      inAtomic: false,
    };
    this.block(p.body, env);
    checkAnnotations(p, (code, span, message) => this.bag.error(code, span, message));
  }

  checkThread(t: ThreadDef): void {
    const locals = new Map<string, Type>();
    this.threadRegisters.set(t.name, locals);
    this.block(t.decl.body, {
      context: "thread",
      locals,
      loopVars: new Set(),
      result: undefined,
      labels: new Set(),
      inAtomic: false,
    });
  }

  checkAfter(body: A.Block): void {
    this.block(body, {
      context: "after",
      locals: this.afterRegisters,
      loopVars: new Set(),
      result: undefined,
      labels: new Set(),
      inAtomic: false,
    });
  }

  checkTlbInit(item: A.TlbInit): void {
    const env = this.staticEnv("init");
    const m = /^cpu(\d+)$/.exec(item.cpu.name);
    const cpu = m ? Number(m[1]) : -1;
    if (!this.d.threads.some((t) => t.cpu === cpu && !t.isKernel)) {
      this.bag.error(
        "E301",
        item.cpu.span,
        `no user thread runs on \`${item.cpu.name}\`, so it has no TLB for this mm`,
      );
    }
    this.expect(item.address, env, "page");
    for (const f of item.flags) {
      if (!["r", "rw", "dirty"].includes(f.name)) {
        this.bag.error(
          "E110",
          f.span,
          `unknown TLB entry flag \`${f.name}\`; write r or rw, and dirty${didYouMean(f.name, ["r", "rw", "dirty"])}`,
        );
      }
    }
  }

  checkMemInit(item: A.MemInit): void {
    this.expect(item.address, this.staticEnv("init"), "addr");
  }

  checkCondition(e: A.Expr): void {
    this.expect(e, this.staticEnv("condition"), "bool");
  }

  checkScheduleItem(item: A.ScheduleItem): void {
    const thread = this.d.threads.find((t) => t.name === item.thread.name);
    if (thread === undefined) {
      this.unknownThread(item.thread);
      return;
    }
    const a = item.amount;
    if (a.kind === "UntilLabel") {
      const labels = this.labelsOfThread(thread);
      if (!labels.has(a.label.name)) {
        this.bag.error(
          "E104",
          a.label.span,
          `thread \`${thread.name}\` never passes a label \`${a.label.name}\`${didYouMean(a.label.name, labels)}`,
        );
      }
    } else if ((a.kind === "Statements" || a.kind === "Steps") && a.count.value < 1) {
      this.bag.error("E202", a.count.span, "a schedule item runs at least one step");
    }
  }

  /** A proc that calls itself, directly or not, cannot be inlined. */
  checkRecursion(procs: ReadonlyMap<string, ProcDef>, own: ReadonlySet<string>): void {
    const state = new Map<string, "active" | "done">();
    const visit = (name: string, path: string[]): void => {
      if (state.get(name) === "done") return;
      if (state.get(name) === "active") {
        const def = procs.get(path[0]!)!;
        if (own.has(path[0]!)) {
          this.bag.error(
            "E302",
            def.decl.name.span,
            `proc \`${path[0]}\` is recursive (${[...path, name].join(" → ")}); procs are inlined`,
          );
        }
        return;
      }
      state.set(name, "active");
      const def = procs.get(name);
      if (def) for (const callee of calleesOf(def.decl.body, procs)) visit(callee, [...path, name]);
      state.set(name, "done");
    };
    for (const name of own) visit(name, []);
  }

  /** Labels a thread passes: its own and those of every proc it calls, transitively. */
  labelsOfThread(t: ThreadDef): Set<string> {
    const out = new Set<string>();
    const seen = new Set<string>();
    const walk = (b: A.Block): void => {
      forEachStmt(b, (s) => {
        if (s.kind === "LabelStmt") out.add(s.name.name);
      });
      for (const callee of calleesOf(b, this.d.procs)) {
        if (seen.has(callee)) continue;
        seen.add(callee);
        const def = this.d.procs.get(callee);
        if (def) walk(def.decl.body);
      }
    };
    walk(t.decl.body);
    // A user thread's loads and stores may fault: the fault handler's labels count too.
    const fault = this.d.procs.get("__do_page_fault");
    if (!t.isKernel && fault && !seen.has("__do_page_fault")) walk(fault.decl.body);
    return out;
  }

  // ---- statements --------------------------------------------------------------------------

  private block(b: A.Block, env: Env): void {
    for (const s of b.stmts) this.stmt(s, env);
  }

  private stmt(s: A.Stmt, env: Env): void {
    switch (s.kind) {
      case "ExprStmt": {
        const e = s.expr;
        const callee = e.kind === "NameExpr" ? e.name : e.callee;
        if (
          e.kind === "NameExpr" &&
          (env.locals.has(callee.name) || env.loopVars.has(callee.name))
        ) {
          this.bag.error("E203", e.span, `\`${callee.name}\` is a value, not a step`);
          return;
        }
        this.call(e, env, true);
        return;
      }
      case "AssignStmt":
        return this.assign(s, env);
      case "IfStmt":
        this.expect(s.cond, env, "bool");
        this.block(s.then, env);
        if (s.else?.kind === "Block") this.block(s.else, env);
        else if (s.else) this.stmt(s.else, env);
        return;
      case "WhileStmt":
        if (env.inAtomic)
          this.bag.error(
            "E203",
            s.span,
            "a loop cannot stand inside `atomic`: an atomic step ends",
          );
        this.expect(s.cond, env, "bool");
        this.block(s.body, env);
        return;
      case "ForStmt": {
        const t = this.expr(s.iterable, env, undefined);
        if (t !== undefined && t !== "range" && t !== "file" && t !== "page") {
          this.bag.error(
            "E201",
            s.iterable.span,
            `\`for\` runs over the pages of a range or a file, not a ${t}`,
          );
        }
        if (env.locals.has(s.variable.name))
          this.bag.error(
            "E100",
            s.variable.span,
            `\`${s.variable.name}\` is already a variable here`,
          );
        env.loopVars.add(s.variable.name);
        this.block(s.body, env);
        env.loopVars.delete(s.variable.name);
        return;
      }
      case "AtomicStmt": {
        const outer = env.inAtomic;
        env.inAtomic = true;
        this.block(s.body, env);
        env.inAtomic = outer;
        return;
      }
      case "LabelStmt":
        if (env.inAtomic)
          this.bag.error(
            "E203",
            s.span,
            "a label marks a point between steps; it cannot stand inside `atomic`",
          );
        if (env.labels.has(s.name.name))
          this.bag.error("E100", s.name.span, `label \`${s.name.name}\` is already declared here`);
        env.labels.add(s.name.name);
        return;
      case "ReturnStmt":
        if (env.context !== "proc") {
          this.bag.error("E203", s.span, "`return` belongs in a proc");
          return;
        }
        if (env.inAtomic) this.bag.error("E203", s.span, "`return` cannot leave an `atomic` block");
        if (s.value === undefined) {
          if (env.result !== undefined)
            this.bag.error("E201", s.span, `this proc returns a ${env.result}`);
        } else if (env.result === undefined) {
          this.bag.error("E201", s.value.span, "this proc returns no value");
        } else this.expect(s.value, env, env.result);
        return;
      case "SkipStmt":
        return;
      default:
        unreachable(s);
    }
  }

  private assign(s: A.AssignStmt, env: Env): void {
    const name = s.target.name;
    if (env.context === "condition" || env.context === "init") return;
    const isCall =
      s.value.kind === "CommandExpr" ||
      (s.value.kind === "CallExpr" && s.value.callee.name !== "fixed");
    let t: Type | undefined;
    if (isCall || (s.value.kind === "NameExpr" && this.isCallable(s.value.name.name, env))) {
      t = this.call(s.value as A.CommandExpr | A.CallExpr | A.NameExpr, env, false);
      if (t === "void") {
        this.bag.error("E201", s.value.span, `\`${calleeName(s.value)}\` returns no value`);
        return;
      }
    } else {
      t = this.expr(s.value, env, env.locals.get(name));
    }
    if (this.globalKind(name) !== undefined || env.loopVars.has(name)) {
      this.bag.error(
        "E100",
        s.target.span,
        `\`${name}\` is already the name of a ${this.globalKind(name) ?? "loop variable"}`,
      );
      return;
    }
    if (t === undefined) return;
    if (compileTime.includes(t)) {
      this.bag.error(
        "E201",
        s.value.span,
        `${article(t)} ${t} is known at compile time and cannot be stored in \`${name}\``,
      );
      return;
    }
    const prev = env.locals.get(name);
    if (prev !== undefined && !assignable(t, prev)) {
      this.bag.error("E201", s.value.span, `\`${name}\` holds a ${prev}, not a ${t}`);
      return;
    }
    if (prev === undefined) env.locals.set(name, t);
  }

  // ---- calls ---------------------------------------------------------------------------------

  private isCallable(name: string, env: Env): boolean {
    if (env.locals.has(name) || env.loopVars.has(name)) return false;
    return name in builtins || this.d.procs.has(name) || name === "store" || name === "load";
  }

  /** Checks a call (any of the three syntaxes); returns its result type. */
  private call(
    e: A.CommandExpr | A.CallExpr | A.NameExpr,
    env: Env,
    asStatement: boolean,
  ): Type | undefined {
    const callee = e.kind === "NameExpr" ? e.name : e.callee;
    const args = e.kind === "NameExpr" ? [] : e.args;
    const name = callee.name;
    let params: readonly { name: string; type: Type }[];
    let result: Type;
    if (name === "store" || name === "load") {
      if (env.context === "condition") return this.notInCondition(e, name);
      if (env.context === "after") {
        this.bag.error(
          "E203",
          e.span,
          `\`${name}\` needs a user thread: the after block runs in the kernel`,
        );
      }
      this.resolve(e, { kind: "instruction", name });
      params =
        name === "store"
          ? [
              { name: "addr", type: "addr" },
              { name: "value", type: "int" },
            ]
          : [{ name: "addr", type: "addr" }];
      result = "int";
    } else if (name in builtins) {
      const b: Primitive = builtins[name]!;
      if (env.context === "condition" && !b.inConditions && b.effect !== "pure")
        return this.notInCondition(e, name);
      if (
        env.context !== "condition" &&
        b.inConditions &&
        b.effect === "read" &&
        ["pte", "tlb_entry", "disk", "cached", "dirty", "fired"].includes(name)
      ) {
        this.bag.error(
          "E203",
          e.span,
          `\`${name}\` observes the final state; it belongs in a condition`,
        );
      }
      if (compileTime.includes(b.result) && !b.folded) {
        this.bag.error(
          "E201",
          e.span,
          `\`${name}\` computes ${article(b.result)} ${b.result} as the scenario runs, but ${article(b.result)} ${b.result} is known at compile time: name it (\`X[1]\`, \`X[1].2\`)`,
        );
        return undefined;
      }
      this.resolve(e, { kind: "builtin", name });
      params = b.params;
      result = b.result;
    } else if (this.d.procs.has(name)) {
      if (env.context === "condition") return this.notInCondition(e, name);
      const p = this.d.procs.get(name)!.decl;
      this.resolve(e, { kind: "proc", name });
      params = p.params.map((x) => ({
        name: x.name.name,
        type: (paramTypes as string[]).includes(x.type.name) ? (x.type.name as Type) : "void",
      }));
      result = p.result ? (p.result.name as Type) : "void";
    } else {
      const candidates = [...stepNames, ...Object.keys(builtins), ...this.d.procs.keys()];
      const what = asStatement ? "step" : "step or function";
      this.bag.error(
        "E101",
        callee.span,
        `unknown ${what} \`${name}\`${didYouMean(name, candidates)}`,
      );
      return undefined;
    }
    if (args.length !== params.length) {
      const sig = params.map((x) => `${x.name}: ${x.type}`).join(", ");
      this.bag.error(
        "E200",
        e.span,
        `\`${name}\` takes ${params.length} argument${params.length === 1 ? "" : "s"} (${sig}), not ${args.length}`,
      );
    }
    args.forEach((a, i) => {
      const param = params[i];
      if (param !== undefined) this.argument(a, env, param.type, name, param.name);
    });
    this.types.set(e, result);
    return result;
  }

  private notInCondition(e: A.Expr, name: string): undefined {
    this.bag.error(
      "E203",
      e.span,
      `\`${name}\` changes or depends on the machine mid-run; a condition can only observe the final state`,
    );
    return undefined;
  }

  private argument(a: A.Expr, env: Env, type: Type, callee: string, param: string): void {
    if (isEnum(type)) {
      const values = enumValues[type]!;
      const word = a.kind === "NameExpr" ? a.name.name : undefined;
      if (word !== undefined && values.includes(word)) {
        this.resolve(a, { kind: "enum", value: word });
        this.types.set(a, type);
        return;
      }
      if (
        word !== undefined &&
        !env.locals.has(word) &&
        !(word in builtins) &&
        !this.d.procs.has(word)
      ) {
        this.bag.error(
          "E201",
          a.span,
          `\`${callee}\` expects ${values.join(", ")} for ${param}${didYouMean(word, values)}`,
        );
        return;
      }
    }
    if (type === "source" && a.kind === "NameExpr" && a.name.name === "anon") {
      this.resolve(a, { kind: "enum", value: "anon" });
      this.types.set(a, "source");
      return;
    }
    const t = this.expr(a, env, type);
    if (t !== undefined && !assignable(t, type)) {
      this.bag.error("E201", a.span, `\`${callee}\` expects a ${type} for ${param}, not a ${t}`);
    }
  }

  // ---- expressions ---------------------------------------------------------------------------

  private get types(): Map<A.Expr, Type> {
    return this.d.types;
  }

  private resolve(e: A.Expr, r: Resolved): void {
    this.d.resolved.set(e, r);
  }

  private expect(e: A.Expr, env: Env, type: Type): void {
    const t = this.expr(e, env, type);
    if (
      t !== undefined &&
      !assignable(t, type) &&
      !(env.context === "condition" && type === "int" && isLocation(t))
    ) {
      this.bag.error("E201", e.span, `expected a ${type}, found a ${t}`);
    }
  }

  /** Types an expression; `hint` only guides enum words and `null`. */
  private expr(e: A.Expr, env: Env, hint: Type | undefined): Type | undefined {
    const t = this.exprInner(e, env, hint);
    if (t !== undefined) this.types.set(e, t);
    return t;
  }

  private exprInner(e: A.Expr, env: Env, hint: Type | undefined): Type | undefined {
    switch (e.kind) {
      case "IntLit":
        return "int";
      case "BoolLit":
        return "bool";
      case "StringLit":
      case "VersionLit":
        this.bag.error("E201", e.span, "a string or version cannot be used as a value here");
        return undefined;
      case "CommitLit":
        this.bag.error("E201", e.span, "a commit id is only a value inside `fixed(…)`");
        return undefined;
      case "NameExpr":
        return this.name(e, env, hint);
      case "RegisterExpr":
        return this.register(e, env);
      case "IndexExpr":
        return this.index(e, env);
      case "SliceExpr":
        return this.slice(e, env);
      case "MemberExpr":
        return this.member(e, env);
      case "CallExpr":
        if (e.callee.name === "fixed") return this.fixed(e);
        return this.call(e, env, false);
      case "CommandExpr":
        this.bag.error(
          "E203",
          e.span,
          `write a call inside an expression as \`${e.callee.name}(…)\``,
        );
        return undefined;
      case "UnaryExpr": {
        const want: Type = e.op === "!" ? "bool" : "int";
        this.expect(e.operand, env, want);
        return want;
      }
      case "BinaryExpr":
        return this.binary(e, env);
      default:
        return unreachable(e);
    }
  }

  private name(e: A.NameExpr, env: Env, hint: Type | undefined): Type | undefined {
    const n = e.name.name;
    const local = env.locals.get(n);
    if (local !== undefined) {
      this.resolve(e, { kind: "local", name: n });
      return local;
    }
    if (env.loopVars.has(n)) {
      this.resolve(e, { kind: "local", name: n });
      return "int";
    }
    if (this.d.regions.some((r) => r.name === n) || n === allPagesName || n === rmapPagesName) {
      this.resolve(e, { kind: "region", name: n });
      return "range";
    }
    if (this.d.files.some((f) => f.name === n) || n === allFpagesName) {
      this.resolve(e, { kind: "file", name: n });
      return "file";
    }
    if (n in constants) {
      this.resolve(e, { kind: "const", name: n });
      return constants[n]!.type;
    }
    if (hint !== undefined && isEnum(hint) && enumValues[hint]!.includes(n)) {
      this.resolve(e, { kind: "enum", value: n });
      return hint;
    }
    if (/^cpu\d+$/.test(n) && env.context === "condition") {
      this.resolve(e, { kind: "cpu", index: Number(n.slice(3)) });
      return "cpu";
    }
    if (n in builtins || this.d.procs.has(n)) return this.call(e, env, false);
    const candidates = [
      ...env.locals.keys(),
      ...env.loopVars,
      ...this.d.regions.map((r) => r.name),
      ...this.d.files.map((f) => f.name),
      ...Object.keys(constants),
    ];
    this.bag.error("E102", e.span, `unknown name \`${n}\`${didYouMean(n, candidates)}`);
    return undefined;
  }

  private register(e: A.RegisterExpr, env: Env): Type | undefined {
    if (env.context !== "condition") {
      this.bag.error(
        "E203",
        e.span,
        "`T:r` names a register in a condition; inside a thread, write the register's name",
      );
      return undefined;
    }
    const thread = e.thread.name;
    const regs = thread === "after" ? this.afterRegisters : this.threadRegisters.get(thread);
    if (regs === undefined) {
      this.unknownThread(e.thread);
      return undefined;
    }
    const t = regs.get(e.register.name);
    if (t === undefined) {
      this.bag.error(
        "E105",
        e.register.span,
        `${thread === "after" ? "the after block" : `thread \`${thread}\``} has no register \`${e.register.name}\`${didYouMean(e.register.name, regs.keys())}`,
      );
      return undefined;
    }
    this.resolve(e, { kind: "register", thread, name: e.register.name });
    return t;
  }

  private index(e: A.IndexExpr, env: Env): Type | undefined {
    const t = this.expr(e.target, env, undefined);
    this.pageIndex(e.index, e.target, env);
    if (t === undefined) return undefined;
    if (t === "range" || t === "page") return "page";
    if (t === "file") return "fpage";
    this.bag.error("E201", e.target.span, `a ${t} cannot be indexed`);
    return undefined;
  }

  /** `A[i..j]`: a range of the target's pages, known at compile time like the target. */
  private slice(e: A.SliceExpr, env: Env): Type | undefined {
    // The model sets up init and evaluates conditions by page, from region names and indices.
    if (env.context === "init" || env.context === "condition") {
      this.bag.error(
        "E203",
        e.span,
        `a slice names a range for steps and procs; ${env.context === "init" ? "init" : "a condition"} names one page, as in \`A[1]\``,
      );
      return undefined;
    }
    const t = this.expr(e.target, env, undefined);
    this.pageIndex(e.first, e.target, env);
    this.pageIndex(e.last, e.target, env);
    if (e.first.kind === "IntLit" && e.last.kind === "IntLit" && e.last.value < e.first.value) {
      this.bag.error(
        "E202",
        { start: e.first.span.start, end: e.last.span.end },
        `a slice's last page (${e.last.value}) is before its first (${e.first.value})`,
      );
    }
    if (t === undefined) return undefined;
    if (t === "range") return "range";
    this.bag.error(
      "E201",
      e.target.span,
      `a ${t} cannot be sliced; a slice takes pages of a region or of a range parameter`,
    );
    return undefined;
  }

  /** A page index (of `A[i]` or either end of `A[i..j]`): a static int within the target. */
  private pageIndex(index: A.Expr, target: A.Expr, env: Env): void {
    this.expect(index, env, "int");
    if (!isStatic(index, env)) {
      this.bag.error(
        "E201",
        index.span,
        "a page index must be known at compile time (a number or a `for` variable)",
      );
    }
    const bound = this.staticLength(target);
    if (bound !== undefined && index.kind === "IntLit" && index.value >= bound) {
      this.bag.error(
        "E202",
        index.span,
        `index ${index.value} is past the last page (${bound - 1})`,
      );
    }
  }

  private staticLength(e: A.Expr): number | undefined {
    if (e.kind !== "NameExpr") return undefined;
    const r = this.d.regions.find((x) => x.name === e.name.name);
    if (r) return r.pages;
    const f = this.d.files.find((x) => x.name === e.name.name);
    return f?.pages.length;
  }

  private member(e: A.MemberExpr, env: Env): Type | undefined {
    // `T0.cleared`: a label, in conditions.
    if (env.context === "condition" && e.target.kind === "NameExpr" && e.member.kind === "Ident") {
      const thread = this.d.threads.find((t) => t.name === (e.target as A.NameExpr).name.name);
      if (thread !== undefined) {
        const labels = this.labelsOfThread(thread);
        if (!labels.has(e.member.name)) {
          this.bag.error(
            "E104",
            e.member.span,
            `thread \`${thread.name}\` never passes a label \`${e.member.name}\`${didYouMean(e.member.name, labels)}`,
          );
          return undefined;
        }
        this.resolve(e, { kind: "label", thread: thread.name, label: e.member.name });
        return "label";
      }
    }
    const t = this.expr(e.target, env, undefined);
    if (t === undefined) return undefined;
    if (e.member.kind === "IntLit") {
      const word = e.member.value;
      this.wordsPerPage = Math.max(this.wordsPerPage, word + 1);
      const maxWords = 8;
      if (word >= maxWords)
        this.bag.error("E202", e.member.span, `a page has at most ${maxWords} words in the model`);
      if (t === "range" || t === "page") return "addr";
      if (t === "fpage") return "faddr";
      this.bag.error("E201", e.member.span, `a ${t} has no words`);
      return undefined;
    }
    const table = fields[t];
    const f = table?.[e.member.name];
    if (f === undefined) {
      const names = table ? Object.keys(table) : [];
      this.bag.error(
        "E110",
        e.member.span,
        table
          ? `a ${t} has no field \`${e.member.name}\`${didYouMean(e.member.name, names)}`
          : `a ${t} has no fields`,
      );
      return undefined;
    }
    return f;
  }

  private fixed(e: A.CallExpr): Type | undefined {
    const [arg] = e.args;
    const text =
      arg?.kind === "CommitLit"
        ? arg.id
        : arg?.kind === "StringLit"
          ? arg.value
          : arg?.kind === "NameExpr"
            ? arg.name.name
            : arg?.kind === "IntLit"
              ? arg.text
              : undefined;
    if (e.args.length !== 1 || text === undefined) {
      this.bag.error("E200", e.span, "`fixed` takes one fix, as in `fixed(5d1904204c99)`");
      return undefined;
    }
    if (!isFixId(text)) {
      this.bag.error("E303", arg!.span, `\`${text}\` is not ${fixIdForm}`);
      return undefined;
    }
    if (!this.d.fixes.has(text)) {
      this.bag.error("E108", arg!.span, unknownFix(text, this.d.fixes));
      return undefined;
    }
    this.resolve(e, { kind: "fixed", commit: text });
    return "bool";
  }

  private binary(e: A.BinaryExpr, env: Env): Type | undefined {
    switch (e.op) {
      case "&&":
      case "||":
        this.expect(e.left, env, "bool");
        this.expect(e.right, env, "bool");
        return "bool";
      case "+":
      case "-":
        this.expect(e.left, env, "int");
        this.expect(e.right, env, "int");
        return "int";
      default: {
        const l = this.expr(e.left, env, undefined);
        const r = this.expr(e.right, env, l);
        if (l === undefined || r === undefined) return "bool";
        if (l === "label" || r === "label") {
          if (l !== r || !["<", ">"].includes(e.op)) {
            this.bag.error("E201", e.span, "labels are compared by order: `T0.a < T1.b`");
          }
          return "bool";
        }
        const loc = env.context === "condition";
        const lv: Type = loc && isLocation(l) ? "int" : l;
        const rv: Type = loc && isLocation(r) ? "int" : r;
        const ordered = ["<", "<=", ">", ">="].includes(e.op);
        if (ordered ? lv !== "int" || rv !== "int" : !(assignable(lv, rv) || assignable(rv, lv))) {
          this.bag.error("E201", e.span, `cannot compare a ${l} with a ${r} using \`${e.op}\``);
        }
        return "bool";
      }
    }
  }

  // ---- helpers -------------------------------------------------------------------------------

  private staticEnv(context: "condition" | "init"): Env {
    return {
      context,
      locals: new Map(),
      loopVars: new Set(),
      result: undefined,
      labels: new Set(),
      inAtomic: false,
    };
  }

  private typeName(id: A.Ident): Type | undefined {
    if ((paramTypes as string[]).includes(id.name)) return id.name as Type;
    this.bag.error(
      "E201",
      id.span,
      `unknown type \`${id.name}\`${didYouMean(id.name, paramTypes)}`,
    );
    return undefined;
  }

  /** Names a local may not take. A local may shadow a primitive: kernel code calls its PTEs `pte`. */
  private globalKind(name: string): string | undefined {
    if (this.d.regions.some((r) => r.name === name)) return "region";
    if (this.d.files.some((f) => f.name === name)) return "file";
    if (name in constants) return "constant";
    if (this.d.procs.has(name)) return "proc";
    return undefined;
  }

  private unknownThread(id: A.Ident): void {
    this.bag.error(
      "E103",
      id.span,
      `unknown thread \`${id.name}\`${didYouMean(
        id.name,
        this.d.threads.map((t) => t.name),
      )}`,
    );
  }
}

/** E108's message, shared by the file's `fix` settings, `fixed(…)` and the CLI's `--fix`. */
export function unknownFix(id: string, known: ReadonlyMap<string, FixDef>): string {
  return `no modelled fix is named \`${id}\`${didYouMean(id, known.keys())}`;
}

/** Addresses compare as the value stored there, in conditions. */
function isLocation(t: Type): boolean {
  return t === "addr" || t === "page" || t === "range" || t === "faddr" || t === "fpage";
}

function isStatic(e: A.Expr, env: Env): boolean {
  switch (e.kind) {
    case "IntLit":
      return true;
    case "NameExpr":
      return env.loopVars.has(e.name.name);
    case "BinaryExpr":
      return isStatic(e.left, env) && isStatic(e.right, env);
    default:
      return false;
  }
}

function calleeName(e: A.Expr): string {
  return e.kind === "CommandExpr" || e.kind === "CallExpr"
    ? e.callee.name
    : e.kind === "NameExpr"
      ? e.name.name
      : "?";
}

/** Every statement of a block, nested ones included. */
export function forEachStmt(b: A.Block, f: (s: A.Stmt) => void): void {
  for (const s of b.stmts) {
    f(s);
    if (s.kind === "IfStmt") {
      forEachStmt(s.then, f);
      let e: A.Block | A.IfStmt | undefined = s.else;
      while (e !== undefined) {
        if (e.kind === "Block") {
          forEachStmt(e, f);
          break;
        }
        f(e);
        forEachStmt(e.then, f);
        e = e.else;
      }
    } else if (s.kind === "ForStmt" || s.kind === "WhileStmt" || s.kind === "AtomicStmt")
      forEachStmt(s.body, f);
  }
}

/** Every expression of a statement tree, nested ones included. */
export function forEachExpr(e: A.Expr, f: (e: A.Expr) => void): void {
  f(e);
  switch (e.kind) {
    case "IndexExpr":
      forEachExpr(e.target, f);
      forEachExpr(e.index, f);
      return;
    case "SliceExpr":
      forEachExpr(e.target, f);
      forEachExpr(e.first, f);
      forEachExpr(e.last, f);
      return;
    case "MemberExpr":
      forEachExpr(e.target, f);
      return;
    case "CallExpr":
    case "CommandExpr":
      e.args.forEach((a) => forEachExpr(a, f));
      return;
    case "UnaryExpr":
      forEachExpr(e.operand, f);
      return;
    case "BinaryExpr":
      forEachExpr(e.left, f);
      forEachExpr(e.right, f);
      return;
    default:
      return;
  }
}

/** The expressions a statement holds itself (not those of its nested blocks). */
export function stmtExprs(s: A.Stmt): A.Expr[] {
  switch (s.kind) {
    case "ExprStmt":
      return [s.expr];
    case "AssignStmt":
      return [s.value];
    case "IfStmt":
      return [s.cond];
    case "ForStmt":
      return [s.iterable];
    case "WhileStmt":
      return [s.cond];
    case "ReturnStmt":
      return s.value ? [s.value] : [];
    default:
      return [];
  }
}

/** Names of the procs a block calls. */
export function calleesOf(b: A.Block, procs: ReadonlyMap<string, ProcDef>): Set<string> {
  const out = new Set<string>();
  forEachStmt(b, (s) => {
    for (const root of stmtExprs(s)) {
      forEachExpr(root, (e) => {
        const name =
          e.kind === "CallExpr" || e.kind === "CommandExpr"
            ? e.callee.name
            : e.kind === "NameExpr"
              ? e.name.name
              : undefined;
        if (name !== undefined && procs.has(name)) out.add(name);
      });
    }
  });
  return out;
}
