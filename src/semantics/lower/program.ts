import { DiagnosticBag, type Diagnostic } from "../../diagnostics/diagnostic.js";
import type { Budget } from "../budget.js";
import type * as A from "../../syntax/ast.js";
import type { Program, ThreadProgram } from "../ir.js";
import { anyMonitorFired, monitorsOn } from "../monitors.js";
import type { Scenario } from "../scenario.js";
import type { Universe } from "../universe.js";
import { lowerCondition, observedOf, rankedLabels } from "./condition.js";
import type { ThreadLowering } from "./context.js";
import { threadEnv, type Binding } from "./env.js";
import { withExitStep } from "./exit-step.js";
import { Graph, GraphTooLarge, maxNodes } from "./graph.js";
import { withLabelSteps } from "./label-step.js";
import { sourceLine } from "./origin.js";
import { lowerStmt } from "./statements.js";
import { dropIdleDrains } from "./idle-drains.js";
import { dropUncontendedLocks } from "./uncontended.js";

/** Which modelled fixes are applied: a release, then any per-commit toggles. */
export interface KernelConfig {
  readonly release: string;
  readonly fixes: ReadonlyMap<string, boolean>;
}

export interface LowerResult {
  readonly program: Program | undefined;
  readonly diagnostics: readonly Diagnostic[];
}

/**
 * Lowers a checked scenario to step programs for one kernel configuration: procs inlined at
 * every call, `for` unrolled, `fixed(…)` and other static tests folded away.
 */
export function lower(
  s: Scenario,
  u: Universe,
  config: KernelConfig,
  budget?: Budget,
): LowerResult {
  const bag = new DiagnosticBag(s.file);
  const ranks = rankedLabels(s);
  const monitors = monitorsOn(s);
  const threads: ThreadProgram[] = [];
  const reached = new Set<string>();
  const context = (cpu: number, isKernel: boolean): ThreadLowering => ({
    s,
    u,
    fixes: config.fixes,
    bag,
    ranks,
    monitors,
    thread: threads.length,
    cpu,
    isKernel,
    vars: [],
    reached,
    budget,
  });
  try {
    for (const t of s.threads) {
      const cx = context(t.isKernel ? -1 : t.cpu, t.isKernel);
      threads.push(lowerThread(cx, t.name, false, t.decl.body));
    }
    // The after block is kernel code, on no CPU.
    if (s.after !== undefined)
      threads.push(lowerThread(context(-1, true), "after", true, s.after.body));
  } catch (e) {
    if (!(e instanceof GraphTooLarge)) throw e;
    return { program: undefined, diagnostics: bag.items };
  }
  const scope = { s, u, threads, ranks, bag };
  const condition = s.condition ? lowerCondition(scope, s.condition.expr) : anyMonitorFired();
  if (bag.hasErrors) return { program: undefined, diagnostics: bag.items };
  const observed = observedOf(scope, monitors);
  return {
    program: {
      threads: dropUncontendedLocks(dropIdleDrains(threads)),
      condition,
      observed,
      ranks,
      monitors,
      procs: [...reached].sort(),
    },
    diagnostics: [],
  };
}

/** One thread (or the after block): its statements, back to front, into one graph. */
function lowerThread(
  cx: ThreadLowering,
  name: string,
  isAfter: boolean,
  body: A.Block,
): ThreadProgram {
  const graph = new Graph([], cx.budget);
  const end = graph.add({ k: "end" });
  const statements = body.stmts.map((st) => sourceLine(cx.s.text, st.span));
  const registers = new Map<string, Binding>();
  let next = end;
  for (let i = body.stmts.length - 1; i >= 0; i--) {
    try {
      next = lowerStmt(cx, body.stmts[i]!, threadEnv(cx.s, graph, i, registers), next);
    } catch (e) {
      if (!(e instanceof GraphTooLarge)) throw e;
      cx.bag.error(
        "E202",
        body.stmts[i]!.span,
        `${isAfter ? "the after block" : `thread \`${name}\``} is too large for the model: this statement and those after it need more than ${maxNodes.toLocaleString("en-US")} program points (procs inlined, loops unrolled: a load or a store is ~870)`,
      );
      // Nothing after this thread is lowered: the rest would report what is only missing.
      throw e;
    }
  }
  const exit = {
    file: cx.s.file,
    span: { start: 0, end: 0 },
    procs: [],
    statement: statements.length,
    text: "exit",
  };
  withLabelSteps(graph);
  const entry = withExitStep(graph, next, end, exit);
  return {
    name,
    cpu: cx.cpu,
    isKernel: cx.isKernel,
    isAfter,
    entry,
    nodes: graph.nodes,
    procsAt: graph.procsAt,
    vars: cx.vars,
    statements,
  };
}
