import { PersistentSets } from "./persistent-sets.js";
import { Symmetry } from "./symmetry.js";
import {
  EXPANDED,
  isEvicted,
  moveOf,
  threadOf,
  type Expansion,
  type Model,
  type Move,
  type Successors,
} from "./model.js";

/**
 * The model's graph with the reductions applied: of a state's enabled moves, a persistent set
 * picks the threads to follow, and each successor is put in canonical form under the symmetry.
 * Shared by the search, the workers and the shard splitter, so all see the same graph.
 */
export class Expander {
  private readonly successors: Successors;
  private readonly pick: Int32Array;
  private readonly por: PersistentSets | undefined;
  private readonly sym: Symmetry | undefined;

  constructor(
    readonly model: Model,
    opts: { readonly reduce?: boolean; readonly symmetry?: boolean },
  ) {
    this.successors = model.successorBuffers();
    this.pick = new Int32Array(model.threads);
    this.por = opts.reduce ? new PersistentSets(model) : undefined;
    this.sym = opts.symmetry ? Symmetry.of(model.machine) : undefined;
  }

  /** The initial state, in canonical form. */
  initial(): Uint32Array {
    const s = this.model.initial();
    this.sym?.canon(s);
    return s;
  }

  /**
   * Calls `emit` for each successor to explore (the buffer is reused: copy or store it at once).
   * Returns EXPANDED, or FINAL or DEADLOCK for a state with no successor.
   */
  expand(s: Uint32Array, emit: (succ: Uint32Array, move: Move) => void): Expansion {
    const out = this.successors;
    const kind = this.model.expand(s, out);
    if (kind !== EXPANDED) return kind;
    const chosen =
      this.por !== undefined && out.enabledCount > 1
        ? this.por.choose(s, out.enabled, out.finished, this.pick)
        : allOf(out.enabled, this.pick);
    for (let c = 0; c < chosen; c++) {
      const th = this.pick[c]!;
      if (out.ordinary[th]) this.emitOne(out.ordinaryNext[th]!, moveOf(th, false), emit);
      if (out.evicted[th]) this.emitOne(out.evictedNext[th]!, moveOf(th, true), emit);
    }
    return EXPANDED;
  }

  private emitOne(
    succ: Uint32Array,
    move: Move,
    emit: (succ: Uint32Array, move: Move) => void,
  ): void {
    this.sym?.canon(succ);
    emit(succ, move);
  }

  /**
   * A path of the quotient graph (moves from the canonical initial state, each naming a thread
   * of the canonical state it leaves) as the moves of real threads from the real initial state.
   */
  realPath(moves: readonly Move[]): Move[] {
    const sym = this.sym;
    if (sym === undefined) return [...moves];
    const from = new Int32Array(this.model.threads);
    let state = this.model.initial();
    sym.canon(state, from);
    // real[th]: the real thread whose view thread th of the canonical state holds.
    let real = Array.from(from);
    const next = new Uint32Array(state.length);
    return moves.map((move) => {
      if (this.model.step(state, move, next).kind !== "step")
        throw new Error("symmetry: a witness path does not replay");
      const realMove = moveOf(real[threadOf(move)]!, isEvicted(move));
      sym.canon(next, from);
      real = Array.from(from, (src) => real[src]!);
      state = next.slice();
      return realMove;
    });
  }
}

/** Every enabled thread, in order. */
function allOf(enabled: Uint8Array, out: Int32Array): number {
  let k = 0;
  for (let t = 0; t < enabled.length; t++) if (enabled[t]) out[k++] = t;
  return k;
}
