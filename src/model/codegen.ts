import type { Budget } from "../semantics/budget.js";
import type { Node, Op, Program, ThreadProgram, Value } from "../semantics/ir.js";
import { emitAccess, type SlotCode } from "./mmu.js";
import type { Layout } from "./layout.js";

import type { Arg, EmitCtx } from "../primitives/primitive.js";
import { fieldNamed } from "../primitives/fields.js";
import { primitiveNamed } from "../primitives/registry.js";
import type { Runtime } from "./runtime.js";
import { readsShared } from "../semantics/lower.js";
import { restingPoints } from "./resting.js";

/**
 * Compiles each thread's step program to one JavaScript function over packed states:
 *
 *   fire(s, t, labels) → the step fired (its node id, ≥ 0), FINISHED (-1), or blocked at
 *                        step n (-2 - n; see blockedAt)
 *
 * It copies s into t, runs the silent nodes from the thread's pc (conditions, local
 * bookkeeping) up to one visible step, and executes that step in t. Nothing is allocated and
 * nothing is interpreted at run time: slot positions are constants in the generated code.
 */
/**
 * `alt` picks an alternative transition: 0 the ordinary one; 1, with the `tlb_evict` option, the
 * access whose TLB entry was evicted just before (a miss where the entry would hit), or the step
 * whose choice (a primitive with `alternative`) answers otherwise. A thread with no such
 * alternative returns -2.
 */
export type FireFn = (
  s: Uint32Array,
  t: Uint32Array,
  labels: number[] | null,
  alt: number,
) => number;
export type ConditionFn = (s: Uint32Array) => boolean;

export const FINISHED = -1;

/** Is a fire result "blocked", and at which step? */
export const isBlocked = (r: number): boolean => r <= -2;
export const blockedAt = (r: number): number => -2 - r;

/**
 * Path and tail expansions per resting point before code generation shares continuations:
 * copying every path is fastest, but grows exponentially with branches between two steps.
 */
export const copyBudget = 20_000;

/** Thrown inside ThreadGen when copying paths would pass the budget. */
class TooBigToCopy extends Error {}

export function compileThread(
  L: Layout,
  R: Runtime,
  p: Program,
  tid: number,
  live: readonly Set<number>[],
  evict: boolean,
  budget = copyBudget,
  limits?: Budget,
): FireFn {
  const alternatives = evict || hasChoices(p);
  const src = new ThreadGen(L, p.threads[tid]!, tid, live, evict, alternatives, budget, limits);
  return compiled(src.source(), tid, R);
}

function compiled(src: string, tid: number, R: Runtime): FireFn {
  const fn = `"use strict"; return function fire_${tid}(s, t, labels, alt) {\n${src}\n};`;
  return new Function("R", fn)(R) as FireFn;
}

/** Does some step of the program make a choice (a primitive with `alternative`)? */
export function hasChoices(p: Program): boolean {
  return p.threads.some((t) => t.nodes.some(makesChoice));
}

/**
 * Per node of a thread: can fire(…, alt 1) from here take a transition? Only if the step it runs
 * to (through silent nodes, labels and branches, as fire does) makes a choice, or is an access
 * when tlb_evict gives accesses an alternative. Elsewhere fire returns -2 at once for alt 1, so
 * the explorer need not call it (it did, for every thread of every state).
 */
export function alternativeAt(t: ThreadProgram, evict: boolean): Uint8Array {
  const can = new Uint8Array(t.nodes.length);
  // Lowering numbers a node after its successors, so one pass in id order settles straight code;
  // loops (each round takes a step, which decides on its own) need the fixpoint.
  for (let changed = true; changed; ) {
    changed = false;
    t.nodes.forEach((n, id) => {
      if (can[id]) return;
      const yes =
        n.k === "step"
          ? choosesIn(n.ops)
          : n.k === "access"
            ? evict
            : n.k === "silent" || n.k === "label"
              ? can[n.next] === 1
              : n.k === "branch"
                ? can[n.then] === 1 || can[n.else] === 1
                : false;
      if (yes) {
        can[id] = 1;
        changed = true;
      }
    });
  }
  return can;
}

/** Is this node a step that makes a choice? (Else its alternative is an access's eviction.) */
export function makesChoice(n: Node): boolean {
  return n.k === "step" && choosesIn(n.ops);
}

function choosesIn(ops: readonly Op[]): boolean {
  return ops.some((o) =>
    o.k === "call"
      ? primitiveNamed(o.name)?.alternative === true
      : o.k === "if" && (choosesIn(o.then) || choosesIn(o.else)),
  );
}

export function compileCondition(L: Layout, R: Runtime, p: Program): ConditionFn | undefined {
  if (p.condition === undefined) return undefined;
  const g = new ValueGen(L, 0);
  const body = g.value(p.condition);
  return new Function(
    "R",
    `"use strict"; return function condition(t) { return (${body}) !== 0; };`,
  )(R) as ConditionFn;
}

/** The values an outcome line shows (Program.observed), read from a final state. */
export type ObserveFn = (t: Uint32Array) => number[];

export function compileObserve(L: Layout, R: Runtime, p: Program): ObserveFn {
  const g = new ValueGen(L, 0);
  const values = p.observed.map((o) => g.value(o.value));
  return new Function(
    "R",
    `"use strict"; return function observe(t) { return [${values.join(", ")}]; };`,
  )(R) as ObserveFn;
}

/** What one primitive call did to a state: its result (undefined for void), or it blocked. */
export type CallOutcome = { readonly blocked: true } | { readonly blocked: false; value?: number };

/**
 * One primitive call on its own, compiled as the threads' code compiles it, for the registry's
 * honesty test (test/primitives/honesty.test.ts): it runs the call in `t`.
 */
export function compileCall(
  L: Layout,
  R: Runtime,
  tid: number,
  name: string,
  args: readonly Value[],
): (t: Uint32Array) => CallOutcome {
  const g = new ValueGen(L, tid);
  const emit = primitiveNamed(name)?.emit;
  if (emit === undefined) throw new Error(`no primitive ${name}`);
  const a = g.args(args);
  const body =
    "stmt" in emit
      ? `let value, alt = 0; ${emit.stmt(g, a, (v) => `value = ${v};`)} return { blocked: false, value };`
      : `return { blocked: false, value: ${emit.expr(g, a)} };`;
  const run = new Function("R", `"use strict"; return function call(t) { ${body} };`)(R) as (
    t: Uint32Array,
  ) => CallOutcome | number;
  return (t) => {
    const out = run(t);
    return typeof out === "number" ? { blocked: true } : out;
  };
}

/** Slot access and expressions: the part shared by thread code and condition code. */
class ValueGen implements EmitCtx {
  private counter = 0;
  /** The step being emitted, so a blocking primitive can say where the thread waits. */
  protected stepId = 0;

  get block(): string {
    return `return ${-2 - this.stepId};`;
  }

  constructor(
    readonly L: Layout,
    readonly tid: number,
  ) {}

  fresh(): string {
    return `v${this.counter++}`;
  }

  slot(i: number): string {
    const s = this.L.slots[i]!;
    if (s.frozen !== undefined) return String(s.frozen - s.bias);
    const raw = `((t[${s.word}] >>> ${s.shift}) & ${mask(s.width)})`;
    return s.bias ? `(${raw} - ${s.bias})` : raw;
  }

  /**
   * Writes a slot. The value is computed first: it may call the runtime, which may change the
   * same word (alloc_page() writes a refcount next to the variable that receives the frame).
   */
  put(i: number, v: string): string {
    const s = this.L.slots[i]!;
    if (s.frozen !== undefined) throw new Error(`internal: a step writes the constant ${s.name}`);
    const m = mask(s.width);
    const write = (x: string): string =>
      `t[${s.word}] = (t[${s.word}] & ${~(m << s.shift)}) | (((${x}) & ${m}) << ${s.shift});`;
    // An int (biased) may be a sum past the sizing: the run widens it (judge/run.ts).
    if (s.bias)
      return `{ const x = (${v}) + ${s.bias}; if (x < 0 || x > ${m}) R.outside(x - ${s.bias}, ${JSON.stringify(s.name)}); ${write("x")} }`;
    const simple = /^[\w.() >&|+-]*$/.test(v) && !v.includes("R.");
    return simple ? write(v) : `{ const x = ${v}; ${write("x")} }`;
  }

  putRaw(i: number, v: number): string {
    const s = this.L.slots[i]!;
    if (s.frozen !== undefined) return "";
    const m = mask(s.width);
    return `t[${s.word}] = (t[${s.word}] & ${~(m << s.shift)}) | ${(v & m) << s.shift};`;
  }

  rd(base: number, index: string): string {
    return `R.rd(t, ${base - 1} + ${this.checked(base, index)})`;
  }

  wr(base: number, index: string, v: string): string {
    return `R.wr(t, ${base - 1} + ${this.checked(base, index)}, ${v});`;
  }

  private checked(base: number, index: string): string {
    return base === this.L.cache || base === this.L.disk ? `R.pi(${index})` : `R.fi(${index})`;
  }

  value(v: Value): string {
    switch (v.k) {
      case "const":
        return String(v.v);
      case "var":
        return this.readVar(v.v);
      case "pages":
        return String(v.ids[0] ?? 0);
      case "call": {
        const emit = primitiveNamed(v.name)?.emit;
        if (emit === undefined || !("expr" in emit))
          throw new Error(`no expression emitter for ${v.name}`);
        return emit.expr(this, this.args(v.args));
      }
      case "not":
        return `(+((${this.value(v.a)}) === 0))`;
      case "neg":
        return `(-(${this.value(v.a)}))`;
      case "field": {
        const field = fieldNamed(v.field);
        if (field === undefined) throw new Error(`no field ${v.field}`);
        return field.emit(this.value(v.a));
      }
      case "bin": {
        const a = this.value(v.a);
        const b = this.value(v.b);
        switch (v.op) {
          case "&&":
            return `(+((${a}) !== 0 && (${b}) !== 0))`;
          case "||":
            return `(+((${a}) !== 0 || (${b}) !== 0))`;
          case "==":
            return `(+((${a}) === (${b})))`;
          case "!=":
            return `(+((${a}) !== (${b})))`;
          case "+":
          case "-":
            return `((${a}) ${v.op} (${b}))`;
          default:
            return `(+((${a}) ${v.op} (${b})))`;
        }
      }
      case "reg":
        return this.slot(this.L.vars[v.thread]![v.v]!);
      case "rank":
        return this.slot(this.L.ranks[v.id]!);
    }
  }

  args(values: readonly Value[]): Arg[] {
    return values.map((value) => ({ code: this.value(value), value }));
  }

  /** A variable lives in its slot, or (never live between transitions) in a JavaScript local. */
  protected readVar(v: number): string {
    const slot = this.L.vars[this.tid]![v]!;
    return slot < 0 ? `l${v}` : this.slot(slot);
  }

  protected writeVar(v: number, value: string): string {
    const slot = this.L.vars[this.tid]![v]!;
    return slot < 0 ? `l${v} = ${value};` : this.put(slot, value);
  }
}

/** The fire function of one thread: a switch on the pc, one case per resting point. */
class ThreadGen extends ValueGen {
  constructor(
    L: Layout,
    private readonly p: ThreadProgram,
    tid: number,
    private readonly live: readonly Set<number>[],
    /** The `tlb_evict` option: an access may find its entry evicted (alternative 1). */
    private readonly evict: boolean,
    /** Some thread has alternative transitions: a step or access without one says so (-2). */
    private readonly alternatives: boolean,
    /** Expansions before sharing continuations ({@link copyBudget}; 0 always shares). */
    private readonly budget: number,
    /** The run's limits, ticked at each continuation and silent node generated. */
    private readonly limits: Budget | undefined,
  ) {
    super(L, tid);
  }

  source(): string {
    const cases = [...restingPoints(this.p)]
      .sort((a, b) => a - b)
      .map((pc) => `case ${pc}: {\n${this.caseBody(pc)}\n}`);
    const locals = this.p.vars
      .filter((v) => this.L.vars[this.tid]![v.id]! < 0)
      .map((v) => `l${v.id} = 0`);
    const declare = locals.length ? `let ${locals.join(", ")};\n` : "";
    const pcSlot = this.L.pc[this.tid]!;
    return `${declare}t.set(s);\nswitch (${this.slot(pcSlot)}) {\n${cases.join("\n")}\n}\nthrow new Error("bad pc");`;
  }

  /** Continuations emitted once, as closures, when a case is too big to copy paths (or undefined). */
  private shared: { names: Map<string, string>; closures: string[] } | undefined;
  /** Path and tail expansions in the case being generated. */
  private expansions = 0;
  /** The nodes on the path being generated: meeting one again is a loop with no step. */
  private readonly onPath = new Set<string>();

  /**
   * The code of one resting point. Each path from it is copied whole (no calls in the hot
   * code); past {@link copyBudget} expansions, every continuation is emitted once as a closure
   * the paths call instead, so the code grows with the thread, not with its paths. A closure
   * cannot know which variables its callers wrote, so its `finish` clears every variable not
   * live next: the same state, since a slot no live variable uses is already 0.
   */
  private caseBody(pc: number): string {
    this.shared = undefined;
    this.expansions = 0;
    try {
      return this.path(pc, pc, new Set());
    } catch (e) {
      if (!(e instanceof TooBigToCopy)) throw e;
    }
    this.onPath.clear();
    this.shared = { names: new Map(), closures: [] };
    const every = new Set(this.p.vars.map((v) => v.id));
    const body = this.path(pc, pc, every);
    return `${this.shared.closures.join("\n")}\n${body}`;
  }

  /** Generates one continuation: copied in place, or (shared) once, as a closure to call. */
  private continuation(key: string, gen: () => string): string {
    this.limits?.tick();
    if (this.onPath.has(key)) throw new Error(`thread ${this.p.name}: a loop with no step in it`);
    if (this.shared === undefined && ++this.expansions > this.budget) throw new TooBigToCopy();
    const known = this.shared?.names.get(key);
    if (known !== undefined) return `return ${known}();`;
    this.onPath.add(key);
    try {
      if (this.shared === undefined) return gen();
      const name = `k${this.shared.names.size}`;
      this.shared.names.set(key, name);
      this.shared.closures.push(`const ${name} = () => {\n${gen()}\n};`);
      return `return ${name}();`;
    } finally {
      this.onPath.delete(key);
    }
  }

  /** Code for the path from node `id`: silent nodes, then one step (or the end). */
  private path(id: number, rest: number, wrote: Set<number>): string {
    return this.continuation(`p${id}`, () => this.pathFrom(id, rest, wrote));
  }

  private pathFrom(id: number, rest: number, wrote: Set<number>): string {
    const n: Node = this.p.nodes[id]!;
    switch (n.k) {
      case "end":
        return "return -1;";
      case "label":
      case "silent": {
        const run = this.straight(id, wrote, (l) => l);
        return `${run.code}\n${this.path(run.next, rest, run.wrote)}`;
      }
      case "branch":
        return `${this.walk(id)}if ((${this.value(n.cond)}) !== 0) {\n${this.path(n.then, rest, wrote)}\n} else {\n${this.path(n.else, rest, wrote)}\n}`;
      case "step": {
        this.stepId = id;
        const w = new Set(wrote);
        const noAlternative =
          this.alternatives && !choosesIn(n.ops) ? "if (alt !== 0) return -2;\n" : "";
        return `${noAlternative}${this.ops(n.ops, w)}\n${this.walk(id)}${this.tail(n.next, rest, w, id)}`;
      }
      case "access":
        return this.access(id, n, rest, wrote);
    }
  }

  /**
   * A run of silent nodes and labels, walked in a loop (a thread may have thousands in a row:
   * one call per node would overflow the stack). `reported` is how a label is pushed: its id on
   * the way to a step, ~id when passed after one.
   */
  private straight(
    id: number,
    wrote: Set<number>,
    reported: (label: number) => number,
  ): { code: string; next: number; wrote: Set<number> } {
    const code: string[] = [];
    const w = new Set(wrote);
    const seen = new Set<number>();
    let at = id;
    for (let n = this.p.nodes[at]!; n.k === "silent" || n.k === "label"; n = this.p.nodes[at]!) {
      if (seen.has(at)) throw new Error(`thread ${this.p.name}: a loop with no step in it`);
      this.limits?.tick();
      seen.add(at);
      if (n.k === "silent") code.push(this.ops(n.ops, w));
      else {
        const rank = n.rank === undefined ? "" : this.rank(n.rank);
        code.push(`if (labels !== null) labels.push(${reported(at)});${rank}`);
      }
      at = n.next;
    }
    return { code: code.join("\n"), next: at, wrote: w };
  }

  private rank(id: number): string {
    const slot = this.L.ranks[id]!;
    const counter = this.L.rankCounter;
    return ` if (${this.slot(slot)} === 0) { ${this.put(counter, `${this.slot(counter)} + 1`)} ${this.put(slot, this.slot(counter))} }`;
  }

  /**
   * After a step, the thread goes on eagerly through its own bookkeeping: silent nodes, labels
   * (reported as ~id: passed after the step) and branches on thread-local values, up to the next
   * step, a branch that reads shared state, or the end. Nothing another thread can see happens
   * there, so doing it now changes no behaviour and leaves fewer distinct states.
   */
  private tail(id: number, rest: number, wrote: Set<number>, step: number): string {
    return this.continuation(`t${id}/${step}`, () => this.tailFrom(id, rest, wrote, step));
  }

  private tailFrom(id: number, rest: number, wrote: Set<number>, step: number): string {
    const n: Node = this.p.nodes[id]!;
    switch (n.k) {
      case "silent":
      case "label": {
        const run = this.straight(id, wrote, (l) => ~l);
        return `${run.code}\n${this.tail(run.next, rest, run.wrote, step)}`;
      }
      case "branch":
        if (!readsShared(n.cond)) {
          return `if ((${this.value(n.cond)}) !== 0) {\n${this.tail(n.then, rest, wrote, step)}\n} else {\n${this.tail(n.else, rest, wrote, step)}\n}`;
        }
        return `${this.finish(id, rest, wrote)}\nreturn ${step};`;
      default:
        return `${this.finish(id, rest, wrote)}\nreturn ${step};`;
    }
  }

  /**
   * Set the pc, and clear the slots of variables no later step reads, so equal futures are equal
   * states. A slot shared with a variable live at `next` is left alone.
   */
  private finish(next: number, rest: number, wrote: Set<number>): string {
    const slots = this.L.vars[this.tid]!;
    const kept = new Set([...this.live[next]!].map((v) => slots[v]!));
    const dead = new Set<number>();
    for (const v of [...this.live[rest]!, ...wrote]) {
      const slot = slots[v]!;
      if (slot >= 0 && !this.p.vars[v]!.isRegister && !kept.has(slot)) dead.add(slot);
    }
    const clears = [...dead].sort((a, b) => a - b).map((slot) => this.putRaw(slot, 0));
    return `${this.put(this.L.pc[this.tid]!, String(next))} ${clears.join(" ")}`;
  }

  private ops(list: readonly Op[], wrote: Set<number>): string {
    const out: string[] = [];
    for (const o of list) {
      switch (o.k) {
        case "set":
          out.push(this.writeVar(o.v, this.value(o.value)));
          wrote.add(o.v);
          break;
        case "call": {
          // Without a destination the call still runs, for its effect.
          const dest = (v: string): string =>
            o.dest === undefined ? `${v};` : this.writeVar(o.dest, v);
          const emit = primitiveNamed(o.name)?.emit;
          if (emit === undefined) throw new Error(`no emitter for ${o.name}`);
          out.push(
            "stmt" in emit
              ? emit.stmt(this, this.args(o.args), dest)
              : dest(emit.expr(this, this.args(o.args))),
          );
          if (o.dest !== undefined) wrote.add(o.dest);
          break;
        }
        case "if":
          out.push(
            `if ((${this.value(o.cond)}) !== 0) {\n${this.ops(o.then, wrote)}\n} else {\n${this.ops(o.else, wrote)}\n}`,
          );
          break;
      }
    }
    return out.join("\n");
  }

  /** A syscall's walk passing pages at node id marks their TLB entries walked (stale_tlb). */
  private walk(id: number): string {
    const pages = this.L.walks[this.tid]!.get(id) ?? [];
    return pages.map((page) => `R.walk(t, ${this.tid}, ${page});\n`).join("");
  }

  /**
   * A load or store through the MMU (mmu.ts, docs/model.md's x86 rules): a hit, a walk, or a
   * fault that enters the fault handler in the same transition. The monitors look at each access
   * before its data moves (docs/model.md, Monitors).
   */
  private access(
    id: number,
    n: Extract<Node, { k: "access" }>,
    rest: number,
    wrote: Set<number>,
  ): string {
    const L = this.L;
    const slotCode = (i: number): SlotCode => ({
      read: this.slot(i),
      write: (v) => this.put(i, v),
      writeConst: (v) => this.putRaw(i, v),
    });
    const w = new Set(wrote);
    if (n.dest !== undefined) w.add(n.dest);
    const done = this.tail(n.next, rest, w, id);
    const dest = (v: string): string => (n.dest === undefined ? "" : this.writeVar(n.dest, v));
    const watch = (found: string): string =>
      L.monitor < 0 ? "" : this.put(L.monitor, `${this.slot(L.monitor)} | ${found}`);
    const value = n.write ? this.value(n.value!) : "";
    const covered = L.covered[n.cpu]![n.page]!;
    const uncover = [L.covered, ...L.walked]
      .map((rows) => rows[n.cpu]![n.page]!)
      .filter((slot) => slot >= 0)
      .map((slot) => this.putRaw(slot, 0))
      .join(" ");
    const data = (frame: string): string =>
      n.write
        ? `R.setData(t, ${frame}, ${n.word}, ${value}); ${dest("-1")}`
        : dest(`R.data(t, ${frame}, ${n.word})`);
    // Without tlb_evict an access has no alternative (nor has the fault handler's first step).
    const noAlternative = this.alternatives && !this.evict ? "if (alt !== 0) return -2;\n" : "";
    return (
      noAlternative +
      emitAccess({
        kind: n.write ? "store" : "load",
        opts: { trackAccessed: L.trackAccessed },
        entry: slotCode(L.tlb[n.cpu]![n.page]!),
        pte: slotCode(L.pte[n.page]!),
        evict: this.evict ? { alt: "alt", none: "return -2;" } : undefined,
        fresh: () => this.fresh(),
        hit: (e, frame) =>
          `${watch(`R.monitorHit(t, ${e}, ${covered < 0 ? "0" : this.slot(covered)}, ${n.page}, ${n.write})`)} ${data(frame)} ${done}`,
        // A fill, or a fault dropping the entry, leaves it uncovered.
        walked: (frame) =>
          `${uncover} ${watch(`R.monitorFrame(t, ${frame}, ${n.write})`)} ${data(frame)} ${done}`,
        fault: () => `${uncover} ${this.path(n.fault, rest, wrote)}`,
      })
    );
  }
}

function mask(width: number): number {
  return width >= 32 ? -1 : (1 << width) - 1;
}
