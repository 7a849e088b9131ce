import type { Span } from "../diagnostics/span.js";
import type { Type } from "../primitives/types.js";

/**
 * The step programs: one control-flow graph per thread, with every proc inlined and every `for`
 * unrolled. Static things (pages, files, enum words, `fixed(…)`) are constants here. A transition
 * of the model runs the silent nodes from the thread's pc up to one `step` or `access`, and
 * executes it: silent control is folded into the next visible action (docs/language.md, "What is
 * one step").
 */

/** A thread-local variable: a proc local or parameter at one call site, or a register. */
export interface Var {
  readonly id: number;
  readonly name: string;
  readonly type: Type;
  /** Registers are observable in conditions and never cleared. */
  readonly isRegister: boolean;
}

export type Value =
  | { readonly k: "const"; readonly v: number }
  | { readonly k: "var"; readonly v: number }
  /** A static run of pages (a range argument), by page id. */
  | { readonly k: "pages"; readonly ids: readonly number[] }
  | { readonly k: "call"; readonly name: string; readonly args: readonly Value[] }
  | { readonly k: "not"; readonly a: Value }
  | { readonly k: "neg"; readonly a: Value }
  | { readonly k: "bin"; readonly op: BinOp; readonly a: Value; readonly b: Value }
  /** `pte.dirty`, `tlbe.valid`: the type of the value, then the field. */
  | { readonly k: "field"; readonly field: string; readonly a: Value }
  /** Conditions only: a register of a thread, and the order in which a label was first passed. */
  | { readonly k: "reg"; readonly thread: number; readonly v: number }
  | { readonly k: "rank"; readonly id: number };

/** Does the value, or a value inside it, pass the test? */
export function someValue(v: Value, test: (x: Value) => boolean): boolean {
  if (test(v)) return true;
  switch (v.k) {
    case "call":
      return v.args.some((a) => someValue(a, test));
    case "not":
    case "neg":
    case "field":
      return someValue(v.a, test);
    case "bin":
      return someValue(v.a, test) || someValue(v.b, test);
    default:
      return false;
  }
}

export type BinOp = "||" | "&&" | "==" | "!=" | "<" | "<=" | ">" | ">=" | "+" | "-";

/** An effect inside a step. */
export type Op =
  | { readonly k: "set"; readonly v: number; readonly value: Value }
  | {
      readonly k: "call";
      readonly name: string;
      readonly args: readonly Value[];
      readonly dest: number | undefined;
    }
  /** A branch inside one step: what the conditions of an `atomic` block become. */
  | {
      readonly k: "if";
      readonly cond: Value;
      readonly then: readonly Op[];
      readonly else: readonly Op[];
    };

/** Where a node comes from: the source text, and the procs it was inlined through. */
export interface Origin {
  readonly file: string;
  readonly span: Span;
  /** Outermost first: the thread statement's step name, then each proc called. */
  readonly procs: readonly string[];
  /** Index of the thread's top-level statement this node belongs to. */
  readonly statement: number;
  /** What the step does, in kernel words, e.g. `ptep_get_and_clear(X)`. */
  readonly text: string;
}

export type Node =
  /** A visible atomic step: its ops run as one transition; a blocking op disables it. */
  | {
      readonly k: "step";
      readonly ops: readonly Op[];
      readonly next: number;
      readonly origin: Origin;
    }
  /** Local bookkeeping, folded into the next visible action. */
  | { readonly k: "silent"; readonly ops: readonly Op[]; readonly next: number }
  | { readonly k: "branch"; readonly cond: Value; readonly then: number; readonly else: number }
  /** A point a schedule can run to; `rank` when a condition orders it against other labels. */
  | {
      readonly k: "label";
      readonly name: string;
      readonly next: number;
      readonly rank: number | undefined;
      /** For the implicit step a label behind a condition gets (lower/label-step.ts). */
      readonly origin: Origin;
    }
  /**
   * A load or store through the MMU of `cpu`. A TLB hit or a successful walk is a step; a fault
   * drops the CPU's entry and enters the fault handler (`fault`, silently), which sets
   * `faultResult`: `ok` retries this node, anything else becomes the result.
   */
  | {
      readonly k: "access";
      readonly write: boolean;
      readonly cpu: number;
      readonly page: number;
      readonly word: number;
      readonly value: Value | undefined;
      readonly dest: number | undefined;
      readonly next: number;
      readonly fault: number;
      readonly faultResult: number;
      readonly origin: Origin;
    }
  | { readonly k: "end" };

export interface ThreadProgram {
  readonly name: string;
  /** -1 for a kernel thread and for the after block. */
  readonly cpu: number;
  readonly isKernel: boolean;
  /** The after block: runs once every thread has finished. */
  readonly isAfter: boolean;
  readonly entry: number;
  readonly nodes: readonly Node[];
  /** Per node, the procs inlined to reach its code, outermost first ([] for the thread's own). */
  readonly procsAt: readonly (readonly string[])[];
  readonly vars: readonly Var[];
  /** Source text of each top-level statement, for traces. */
  readonly statements: readonly string[];
}

/**
 * A value the outcome lines show (herd7's "locations"): each location the condition names
 * (a register, a memory or file word, a PTE or TLB field, a label's rank, a monitor), then the
 * registers and monitors it does not name.
 */
export interface Observed {
  /** As the condition writes it: `T1:w`, `X`, `disk(F[0])`, `pte(X).dirty`, `fired(stale_tlb)`. */
  readonly text: string;
  /** How its values print (`int`: step results by name; `bool`: 0 or 1; enums by word). */
  readonly type: Type;
  /** Its value over the final state. */
  readonly value: Value;
}

/** A scenario lowered for one kernel configuration: what the model runs. */
export interface Program {
  readonly threads: readonly ThreadProgram[];
  /** The condition over the final state, if the scenario has one. */
  readonly condition: Value | undefined;
  /** What each outcome line shows, in order (see {@link Observed}). */
  readonly observed: readonly Observed[];
  /** Labels a condition orders, as (thread, label) pairs, by rank id. */
  readonly ranks: readonly { readonly thread: number; readonly label: string }[];
  /**
   * The built-in monitors run: the scenario has no condition (then `condition` is "some monitor
   * fired") or its condition names one with `fired(…)`.
   */
  readonly monitors: boolean;
  /**
   * The procs inlined, by name: those the threads and the after block reach on this kernel, past
   * the `fixed(…)` and other static tests folded away.
   */
  readonly procs: readonly string[];
}
