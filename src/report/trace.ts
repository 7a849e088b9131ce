import type { Move } from "../explore/model.js";
import { replay } from "../explore/replay.js";
import type { Machine } from "../model/machine.js";
import { primitiveNamed } from "../primitives/registry.js";
import { someValue, type Op, type Value } from "../semantics/ir.js";
import { changesBetween, type Change } from "./changes.js";

/** One transition of a witness, ready to print or serialize. */
export interface TraceEntry {
  readonly step: number;
  readonly thread: string;
  /** `cpu1`, or null for a kernel thread. */
  readonly cpu: string | null;
  /** The thread's statement this step belongs to, as written. */
  readonly statement: string;
  /** The procs the step was inlined through, outermost first. */
  readonly procs: readonly string[];
  /** The step itself, as its source reads: `ptep_get_and_clear(old[i])`. */
  readonly primitive: string;
  /**
   * Worth drawing even when it changed nothing a report shows: an access, a thread's exit, or a
   * step calling a primitive its registry entry marks `shown` (locks, flushes).
   */
  readonly shown: boolean;
  readonly changes: readonly Change[];
}

export function traceOf(m: Machine, path: readonly Move[], all = false): TraceEntry[] {
  return replay(m, path).map((st, i) => {
    const t = m.program.threads[st.thread]!;
    const n = t.nodes[st.node]!;
    const origin = n.k === "step" || n.k === "access" ? n.origin : undefined;
    const changes = changesBetween(m, st.before, st.after, all);
    return {
      step: i + 1,
      thread: t.name,
      cpu: t.cpu >= 0 ? `cpu${t.cpu}` : null,
      statement: origin ? (t.statements[origin.statement] ?? "exit") : "",
      procs: origin?.procs ?? [],
      primitive:
        n.k === "access" ? accessKind(n.write, changes, st.evicted) : (origin?.text ?? n.k),
      shown: n.k === "access" || (n.k === "step" && (n.ops.length === 0 || callsShown(n.ops))),
      changes,
    };
  });
}

function callsShown(ops: readonly Op[]): boolean {
  return ops.some((o) => {
    switch (o.k) {
      case "call":
        return primitiveNamed(o.name)?.shown === true || o.args.some(readsShown);
      case "set":
        return readsShown(o.value);
      case "if":
        return readsShown(o.cond) || callsShown(o.then) || callsShown(o.else);
    }
  });
}

function readsShown(v: Value): boolean {
  return someValue(v, (x) => x.k === "call" && primitiveNamed(x.name)?.shown === true);
}

/** What the MMU did: a hit uses the TLB alone; a walk reads (and for a store, dirties) the PTE. */
function accessKind(write: boolean, changes: readonly Change[], evicted: boolean): string {
  const walked = changes.some((c) => c.kind === "tlb" || c.kind === "pte");
  const what = write ? "store" : "load";
  if (evicted) return `MMU: the TLB entry was evicted; ${what} after a page walk`;
  return walked ? `MMU: ${what} after a page walk` : `MMU: ${what} hits the TLB (no page walk)`;
}
