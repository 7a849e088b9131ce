import { FINISHED, blockedAt, isBlocked, type FireFn } from "../model/codegen.js";
import type { Machine } from "../model/machine.js";
import { resultCodes } from "../primitives/registry.js";

/**
 * The transition system every search, schedule and replay walks, in the style of stateright's
 * Model: the initial state, the moves enabled in a state, and the state a move leads to. This
 * module is the one place that knows how a Move is encoded, what a compiled transition
 * function's result means (codegen's FINISHED and blocked codes) and when the after block may
 * run; the rest of explore/ sees only Moves, Transitions and Successors.
 */

declare const moveBrand: unique symbol;

/**
 * One thread's next transition: the ordinary one, or its alternative: (with the `tlb_evict`
 * option) the same access after its TLB entry was evicted, or the step whose choice answers
 * otherwise. A small integer that fits a byte, so the state store keeps one per state; made and
 * read only through the functions below.
 */
export type Move = number & { readonly [moveBrand]: true };

/** The bit of an alternative ("evicted") move; the bits below it are the thread. */
const evictedBit = 128;

/** Threads a Move can name. */
export const maxThreads = evictedBit;

export function moveOf(thread: number, evicted: boolean): Move {
  return (evicted ? thread | evictedBit : thread) as Move;
}

export function threadOf(move: Move): number {
  return move & (evictedBit - 1);
}

export function isEvicted(move: Move): boolean {
  return (move & evictedBit) !== 0;
}

/** A move read back from where it was kept as a plain number (a state store, a worker's batch). */
export function storedMove(n: number): Move {
  return n as Move;
}

/** How a state's expansion ended: it has successors, or it is final, or it is a deadlock. */
export const EXPANDED = 0;
export const FINAL = 1;
export const DEADLOCK = 2;
export type Expansion = typeof EXPANDED | typeof FINAL | typeof DEADLOCK;

/** What one move does from a state. */
export type Transition =
  /** The thread took the step at this node of its program. */
  | { readonly kind: "step"; readonly node: number }
  /** The thread waits at this step (a lock it needs is held). */
  | { readonly kind: "blocked"; readonly node: number }
  | { readonly kind: "finished" }
  /** The after block, while some thread has not finished. */
  | { readonly kind: "waiting" }
  /** An alternative move whose thread's next step has none (no entry to evict, no choice). */
  | { readonly kind: "unavailable" };

const finished: Transition = { kind: "finished" };
const waiting: Transition = { kind: "waiting" };
const unavailable: Transition = { kind: "unavailable" };

/**
 * A state's enabled moves with the state each leads to, kept per thread; `Model.expand` fills it.
 * The buffers are reused from one state to the next: copy or store a successor before the next
 * expansion.
 */
export class Successors {
  /** Per thread, 1 when some move of the thread is enabled. */
  readonly enabled: Uint8Array;
  /** Per thread, 1 when the thread has finished. */
  readonly finished: Uint8Array;
  /** Per thread, 1 when its ordinary move is enabled; `ordinaryNext` then holds the successor. */
  readonly ordinary: Uint8Array;
  readonly ordinaryNext: readonly Uint32Array[];
  /** Per thread, 1 when its evicted move is enabled; `evictedNext` then holds the successor. */
  readonly evicted: Uint8Array;
  readonly evictedNext: readonly Uint32Array[];
  /** Threads with some move enabled. */
  enabledCount = 0;

  constructor(threads: number, words: number) {
    this.enabled = new Uint8Array(threads);
    this.finished = new Uint8Array(threads);
    this.ordinary = new Uint8Array(threads);
    this.evicted = new Uint8Array(threads);
    this.ordinaryNext = Array.from({ length: threads }, () => new Uint32Array(words));
    this.evictedNext = Array.from({ length: threads }, () => new Uint32Array(words));
  }
}

/** A compiled machine as a transition system over packed states. */
export class Model {
  /** Threads, the after block's pseudo-thread included. */
  readonly threads: number;
  /** Words of a packed state. */
  readonly words: number;
  private readonly fire: readonly FireFn[];
  /** The after block's pseudo-thread, or -1. */
  private readonly after: number;
  /** Accesses (tlb_evict) or choices have an alternative move too. */
  private readonly alternatives: boolean;
  /** Per thread, per node: can the thread resting there take an alternative move? */
  private readonly alternativeAt: readonly Uint8Array[];
  /**
   * Per thread, 1 at each step node some expanded state could take and at each node the thread
   * could rest at after it: where the explored executions went (model/procs-run.ts), whichever
   * moves a reduction then follows.
   */
  readonly visited: readonly Uint8Array[];
  private readonly pcSlot: readonly number[];

  constructor(readonly machine: Machine) {
    this.fire = machine.fire;
    this.threads = machine.fire.length;
    this.words = machine.layout.words;
    this.after = machine.afterThread;
    this.alternatives = machine.alternatives;
    this.alternativeAt = machine.alternativeAt;
    this.visited = machine.program.threads.map((t) => new Uint8Array(t.nodes.length));
    this.pcSlot = machine.layout.pc;
    if (this.threads > maxThreads) throw new Error(`more than ${maxThreads} threads`);
  }

  /** The after block: it moves only once every other thread has finished. */
  waitsForTheOthers(thread: number): boolean {
    return thread === this.after;
  }

  /**
   * A state's identity independent of how wide its slots are: the value of every slot. Shards
   * of one search may widen their sizing apart (judge/run.ts), so their final states meet here.
   */
  valuesKey(s: Uint32Array): string {
    const R = this.machine.runtime;
    return this.machine.layout.slots
      .map((slot, i) => {
        const raw = R.rd(s, i);
        if (slot.kind === "data" || slot.kind === "disk") return R.wordValue(raw);
        // The bits 0 of an int are `unset`, or a cleared variable (layout.ts): one key for both.
        return slot.bias !== 0 && raw === 0 ? resultCodes.unset : raw - slot.bias;
      })
      .join(",");
  }

  /** The state a {@link valuesKey} names (a cleared variable comes back as `unset`). */
  stateOfValuesKey(key: string): Uint32Array {
    const R = this.machine.runtime;
    const t = new Uint32Array(this.words);
    key.split(",").forEach((v, i) => {
      const slot = this.machine.layout.slots[i]!;
      if (slot.frozen !== undefined) return;
      const value = Number(v);
      R.wr(
        t,
        i,
        slot.kind === "data" || slot.kind === "disk" ? R.wordRaw(value) : value + slot.bias,
      );
    });
    return t;
  }

  /** The initial state, a fresh copy. */
  initial(): Uint32Array {
    return this.machine.initial.slice();
  }

  /** Does the condition hold in this final state? (Without a condition, no.) */
  holds(s: Uint32Array): boolean {
    return this.machine.condition !== undefined && this.machine.condition(s);
  }

  successorBuffers(): Successors {
    return new Successors(this.threads, this.words);
  }

  /**
   * Every enabled move of s with its successor, into `out`. A state with none is final when
   * every thread has finished and a deadlock otherwise. The search's inner loop: no allocation.
   */
  expand(s: Uint32Array, out: Successors): Expansion {
    let running = false;
    let blocked = false;
    out.enabledCount = 0;
    for (let th = 0; th < this.threads; th++) {
      out.enabled[th] = out.ordinary[th] = out.evicted[th] = out.finished[th] = 0;
      if (th === this.after) continue;
      const r = this.expandThread(s, th, out);
      if (r !== FINISHED) running = true;
      if (isBlocked(r)) blocked = true;
    }
    // The after block runs once every thread has finished (none is enabled or blocked).
    if (this.after >= 0 && !running && isBlocked(this.expandThread(s, this.after, out)))
      blocked = true;
    if (out.enabledCount > 0) return EXPANDED;
    return blocked ? DEADLOCK : FINAL;
  }

  /** One thread's moves into `out`; returns its ordinary transition function's result. */
  private expandThread(s: Uint32Array, th: number, out: Successors): number {
    const r = this.fire[th]!(s, out.ordinaryNext[th]!, null, 0);
    if (r >= 0) {
      out.enabled[th] = out.ordinary[th] = 1;
      this.visit(th, r, out.ordinaryNext[th]!);
    } else if (r === FINISHED) out.finished[th] = 1;
    else if (!isBlocked(r)) throw new Error(`bad transition result ${r}`);
    // Only where the thread's next step can choose: elsewhere alt 1 returns -2 at once.
    if (
      this.alternatives &&
      this.alternativeAt[th]![this.machine.runtime.rd(s, this.pcSlot[th]!)] === 1
    ) {
      const e = this.fire[th]!(s, out.evictedNext[th]!, null, 1);
      if (e >= 0) {
        out.enabled[th] = out.evicted[th] = 1;
        this.visit(th, e, out.evictedNext[th]!);
      }
    }
    if (out.enabled[th]) out.enabledCount++;
    return r;
  }

  /**
   * The state one move leads to from s, written into `into` (which is left undefined unless the
   * transition is a step), and what the thread did. `labels` collects the label nodes passed:
   * id when the thread reaches the label before the step through its own bookkeeping alone (it
   * will pass it whatever the others do), ~id when it passes the label only by taking the step:
   * after the step, or after a condition on shared state (evaluated with the step) or a fault.
   */
  step(s: Uint32Array, move: Move, into: Uint32Array, labels: number[] | null = null): Transition {
    const th = threadOf(move);
    if (th === this.after && this.someoneRunning(s)) return waiting;
    if (isEvicted(move)) {
      // A step without an alternative (no entry to evict, no choice) has no such move; the fire
      // function says so with a negative result, which in this case means nothing else.
      if (!this.alternatives) return unavailable;
      const r = this.fire[th]!(s, into, labels, 1);
      return r >= 0 ? { kind: "step", node: r } : unavailable;
    }
    const r = this.fire[th]!(s, into, labels, 0);
    if (r >= 0) return { kind: "step", node: r };
    if (r === FINISHED) return finished;
    if (isBlocked(r)) return { kind: "blocked", node: blockedAt(r) };
    throw new Error(`bad transition result ${r}`);
  }

  /** Thread th took the step at `node` and rests in `next` where its pc says. */
  private visit(th: number, node: number, next: Uint32Array): void {
    const marks = this.visited[th]!;
    marks[node] = 1;
    marks[this.machine.runtime.rd(next, this.pcSlot[th]!)] = 1;
  }

  /** Has some thread other than the after block not finished? */
  private someoneRunning(s: Uint32Array): boolean {
    const scratch = new Uint32Array(this.words);
    return this.fire.some((f, th) => th !== this.after && f(s, scratch, null, 0) !== FINISHED);
  }
}
