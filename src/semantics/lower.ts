/**
 * Lowering: a checked scenario to the step programs of src/semantics/ir.ts, for one kernel
 * configuration. The work is done in src/semantics/lower/, one job a module:
 *
 *   program.ts        the entry: each thread and the after block, then the condition
 *   statements.ts     statements into a control-flow graph (back to front)
 *   calls.ts          calls: primitives, procs inlined, loads and stores with their fault path
 *   values.ts         values and branches, actions hoisted into steps before their use
 *   atomic-region.ts  an `atomic` block: lowered as above into a region, collapsed into one step
 *   exit-step.ts      the implicit final step after a condition on shared state
 *   static.ts         static evaluation: pages, constants, `fixed(…)`, loop rounds
 *   env.ts            where the lowering stands: names bound at a call site, procs inlined
 *   context.ts        what holds for one thread's lowering, and its variables
 *   effects.ts        the effect classifier: is this an action, does this read shared state
 *   condition.ts      the scenario's condition over the final state, and the labels it orders
 *   uncontended.ts    drops the calls on locks nobody contends
 *   idle-drains.ts    drops the drains of LRU batches that are empty whenever they run
 *   graph.ts, origin.ts, ir-values.ts, signatures.ts  small helpers
 */
export { lower, type KernelConfig, type LowerResult } from "./lower/program.js";
export { readsShared } from "./lower/effects.js";
export { enumCode } from "./lower/ir-values.js";
export { sourceLine } from "./lower/origin.js";
