import { FINISHED, blockedAt, isBlocked } from "../model/codegen.js";
import type { Machine } from "../model/machine.js";
import { evicted } from "./search.js";

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
export function replay(m: Machine, path: readonly number[]): TraceStep[] {
  const out: TraceStep[] = [];
  let s = m.initial.slice();
  for (const move of path) {
    const thread = move % evicted;
    const t = new Uint32Array(s.length);
    const labels: number[] = [];
    const node = m.fire[thread]!(s, t, labels, move >= evicted ? 1 : 0);
    if (isBlocked(node) || node === FINISHED)
      throw new Error(`replay: thread ${thread} cannot move`);
    out.push({ thread, evicted: move >= evicted, node, before: s, after: t, labels });
    s = t;
  }
  return out;
}
