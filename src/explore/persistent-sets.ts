import type { Machine } from "../model/machine.js";
import type { Runtime } from "../model/runtime.js";
import { threadFootprints, type ThreadFootprints } from "../model/footprint.js";
import { restingPoints } from "../model/resting.js";
import type { Model } from "./model.js";

/**
 * Partial-order reduction: at each state, explore only a persistent set of threads. Starting
 * from one enabled thread, the set takes in every thread whose future may touch what a member's
 * next transition touches; no sequence of transitions by the threads left out can then affect the
 * members, so every terminal state (every final state and every deadlock) stays reachable
 * through the members (Godefroid, "Partial-Order Methods for the Verification of Concurrent
 * Systems", 1996, ch. 4). The seed giving the fewest enabled threads wins.
 *
 * Final states and deadlocks are terminal, and they are all a verdict looks at, so no cycle
 * proviso is needed. Conflict answers are cached per pair of resting points.
 */
export class PersistentSets {
  private readonly prints: ThreadFootprints[];
  /** Dense index of each resting point, by node id (-1 elsewhere). */
  private readonly restIndex: Int32Array[];
  private readonly restCount: number[];
  private readonly pcs: Int32Array;
  private readonly cache: Uint8Array[][];
  private readonly n: number;
  private readonly inSet: Uint8Array;
  private readonly stack: Int32Array;

  private readonly runtime: Runtime;
  private readonly pcSlots: readonly number[];

  constructor(private readonly model: Model) {
    const m: Machine = model.machine;
    this.runtime = m.runtime;
    this.pcSlots = m.layout.pc;
    const threads = m.program.threads;
    this.n = threads.length;
    const rests = threads.map((t) => restingPoints(t));
    this.prints = threads.map((t, tid) =>
      threadFootprints(m.layout, t, tid, rests[tid]!, t.isAfter),
    );
    this.restIndex = threads.map((t, i) => {
      const index = new Int32Array(t.nodes.length).fill(-1);
      [...rests[i]!].sort((a, b) => a - b).forEach((pc, k) => (index[pc] = k));
      return index;
    });
    this.restCount = rests.map((r) => r.size);
    this.pcs = new Int32Array(this.n);
    this.cache = threads.map((_, i) =>
      threads.map((__, j) => new Uint8Array(rests[i]!.size * rests[j]!.size)),
    );
    this.inSet = new Uint8Array(this.n);
    this.stack = new Int32Array(this.n);
  }

  /**
   * The threads to explore from a state, given which can move and which have finished: a
   * persistent set's enabled members, in thread order.
   */
  choose(s: Uint32Array, enabled: Uint8Array, finished: Uint8Array, out: Int32Array): number {
    const pcs = this.pcs;
    for (let t = 0; t < this.n; t++) pcs[t] = this.runtime.rd(s, this.pcSlots[t]!);
    let bestCount = Infinity;
    let bestMask = 0;
    for (let seed = 0; seed < this.n; seed++) {
      if (!enabled[seed]) continue;
      const mask = this.closure(seed, pcs, finished, enabled, bestCount);
      if (mask < 0) continue;
      const count = popcount(mask & enabledMask(enabled, this.n));
      if (count < bestCount) {
        bestCount = count;
        bestMask = mask;
        if (count === 1) break;
      }
    }
    let k = 0;
    for (let t = 0; t < this.n; t++) if (bestMask & (1 << t) && enabled[t]) out[k++] = t;
    return k;
  }

  /** The closure from one seed, as a bit mask of threads; -1 once it is no better than `bound`. */
  private closure(
    seed: number,
    pcs: Int32Array,
    finished: Uint8Array,
    enabled: Uint8Array,
    bound: number,
  ): number {
    this.inSet.fill(0);
    this.inSet[seed] = 1;
    let mask = 1 << seed;
    let enabledCount = enabled[seed] ? 1 : 0;
    let top = 0;
    this.stack[top++] = seed;
    while (top > 0) {
      const x = this.stack[--top]!;
      for (let j = 0; j < this.n; j++) {
        // A finished thread has no future; the after block cannot run while a member has not finished.
        if (this.inSet[j] || finished[j] || (j !== seed && this.model.waitsForTheOthers(j)))
          continue;
        if (!this.conflict(x, pcs[x]!, j, pcs[j]!)) continue;
        this.inSet[j] = 1;
        mask |= 1 << j;
        if (enabled[j] && ++enabledCount >= bound) return -1;
        this.stack[top++] = j;
      }
    }
    return mask;
  }

  /** May thread x's next transition fail to commute with some future transition of thread j? */
  private conflict(x: number, pcx: number, j: number, pcj: number): boolean {
    const ix = this.restIndex[x]![pcx]!;
    const ij = this.restIndex[j]![pcj]!;
    if (ix < 0 || ij < 0) return true;
    const cache = this.cache[x]![j]!;
    const key = ix * this.restCount[j]! + ij;
    const known = cache[key]!;
    if (known !== 0) return known === 2;
    const result = this.prints[x]!.next.get(pcx)!.conflicts(this.prints[j]!.future.get(pcj)!);
    cache[key] = result ? 2 : 1;
    return result;
  }
}

function popcount(x: number): number {
  let c = 0;
  for (let v = x; v !== 0; v &= v - 1) c++;
  return c;
}

function enabledMask(enabled: Uint8Array, n: number): number {
  let m = 0;
  for (let t = 0; t < n; t++) if (enabled[t]) m |= 1 << t;
  return m;
}
