import { FINISHED, isBlocked } from "../model/codegen.js";
import type { Machine } from "../model/machine.js";
import { PersistentSets } from "../model/persistent-sets.js";
import { Symmetry } from "../model/symmetry.js";

/** A move of a path: the thread, plus this when it took its alternative (an evicted entry). */
export const evicted = 128;

export const EXPANDED = 0;
export const FINAL = 1;
export const DEADLOCK = 2;

/**
 * One state's successors, with the reductions applied: every thread's transition (and, with
 * tlb_evict, its alternative) is computed into its own buffer; a persistent set picks the ones to
 * follow; each successor is put in canonical form under the symmetry. Shared by the search and the
 * shard splitter, so both see the same graph.
 */
export class Expander {
  private readonly n: number;
  private readonly next0: Uint32Array[];
  private readonly next1: Uint32Array[];
  private readonly enabled: Uint8Array;
  private readonly ordinary: Uint8Array;
  private readonly alternative: Uint8Array;
  private readonly finished: Uint8Array;
  private readonly pick: Int32Array;
  private readonly por: PersistentSets | undefined;
  readonly sym: Symmetry | undefined;

  constructor(
    private readonly m: Machine,
    opts: { readonly reduce?: boolean; readonly symmetry?: boolean },
  ) {
    const W = m.layout.words;
    this.n = m.fire.length;
    this.next0 = Array.from({ length: this.n }, () => new Uint32Array(W));
    this.next1 = Array.from({ length: this.n }, () => new Uint32Array(W));
    this.enabled = new Uint8Array(this.n);
    this.ordinary = new Uint8Array(this.n);
    this.alternative = new Uint8Array(this.n);
    this.finished = new Uint8Array(this.n);
    this.pick = new Int32Array(this.n);
    this.por = opts.reduce ? new PersistentSets(m) : undefined;
    this.sym = opts.symmetry ? Symmetry.of(m) : undefined;
  }

  /** The initial state, in canonical form. */
  initial(): Uint32Array {
    const s = this.m.initial.slice();
    this.sym?.canon(s);
    return s;
  }

  /**
   * Calls `emit` for each successor to explore (the buffer is reused: copy or store it at once).
   * Returns EXPANDED, or FINAL or DEADLOCK for a state with no successor.
   */
  expand(s: Uint32Array, emit: (succ: Uint32Array, move: number) => void): number {
    const m = this.m;
    const after = m.afterThread;
    let allFinished = true;
    // The after block runs once every thread has finished: none is enabled or blocked.
    let othersRunning = false;
    let enabledCount = 0;
    for (let th = 0; th < this.n; th++) {
      this.enabled[th] = 0;
      this.ordinary[th] = 0;
      this.alternative[th] = 0;
      this.finished[th] = 0;
      if (th === after && othersRunning) continue;
      const r = m.fire[th]!(s, this.next0[th]!, null, 0);
      if (r !== FINISHED) othersRunning = true;
      if (r >= 0) this.enabled[th] = this.ordinary[th] = 1;
      else if (isBlocked(r)) allFinished = false;
      else if (r === FINISHED) this.finished[th] = 1;
      else throw new Error(`bad transition result ${r}`);
      if (m.evict && m.fire[th]!(s, this.next1[th]!, null, 1) >= 0) {
        this.alternative[th] = 1;
        this.enabled[th] = 1;
      }
      if (this.enabled[th]) enabledCount++;
    }
    if (enabledCount === 0) return allFinished ? FINAL : DEADLOCK;
    const chosen =
      this.por !== undefined && enabledCount > 1
        ? this.por.choose(s, this.enabled, this.finished, this.pick)
        : allOf(this.enabled, this.pick);
    for (let c = 0; c < chosen; c++) {
      const th = this.pick[c]!;
      if (this.ordinary[th]) this.emitOne(this.next0[th]!, th, emit);
      if (this.alternative[th]) this.emitOne(this.next1[th]!, th + evicted, emit);
    }
    return EXPANDED;
  }

  private emitOne(
    succ: Uint32Array,
    move: number,
    emit: (succ: Uint32Array, move: number) => void,
  ): void {
    this.sym?.canon(succ);
    emit(succ, move);
  }

  /** A path of the quotient graph (moves from the canonical initial state) as real moves. */
  realPath(moves: readonly number[]): number[] {
    return this.sym ? this.sym.realPath(moves, evicted) : [...moves];
  }
}

/** Every enabled thread, in order. */
function allOf(enabled: Uint8Array, out: Int32Array): number {
  let k = 0;
  for (let t = 0; t < enabled.length; t++) if (enabled[t]) out[k++] = t;
  return k;
}
