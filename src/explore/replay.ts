import type { Machine } from "../model/machine.js";
import { Model, isEvicted, threadOf, type Move } from "./model.js";

/** One transition of an execution, as replayed: which thread ran which step, and the states. */
export interface TraceStep {
  readonly thread: number;
  /** The access found its TLB entry evicted (the tlb_evict option). */
  readonly evicted: boolean;
  readonly node: number;
  readonly before: Uint32Array;
  readonly after: Uint32Array;
  /** Label nodes passed on the way to the step. */
  readonly labels: readonly number[];
}

/** Runs a path (the move of each transition) from the initial state, keeping every state. */
export function replay(m: Machine, path: readonly Move[]): TraceStep[] {
  const model = new Model(m);
  const out: TraceStep[] = [];
  let s = model.initial();
  for (const move of path) {
    const thread = threadOf(move);
    const t = new Uint32Array(s.length);
    const labels: number[] = [];
    const tr = model.step(s, move, t, labels);
    if (tr.kind !== "step") throw new Error(`replay: thread ${thread} cannot move`);
    out.push({ thread, evicted: isEvicted(move), node: tr.node, before: s, after: t, labels });
    s = t;
  }
  return out;
}
