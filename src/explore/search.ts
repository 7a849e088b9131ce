import { FINISHED, blockedAt, isBlocked } from "../model/codegen.js";
import type { Machine } from "../model/machine.js";
import { PersistentSets } from "../model/persistent-sets.js";
import { Symmetry } from "../model/symmetry.js";
import { StateStore } from "./state-store.js";

/** A move of a path: the thread, plus this when it took its alternative (an evicted entry). */
export const evicted = 128;

export interface SearchOptions {
  readonly order: "bfs" | "dfs";
  /** Partial-order reduction (persistent sets): fewer states, the same final states. */
  readonly reduce?: boolean;
  /** Symmetry reduction over interchangeable threads: one state per orbit. */
  readonly symmetry?: boolean;
  readonly maxStates?: number;
  readonly timeoutMs?: number;
  readonly maxMemoryBytes?: number;
  /** Called now and then with progress figures (for a TTY progress line). */
  readonly progress?: (p: Progress) => void;
  /** Called once for each distinct final state, with the condition's value there. */
  readonly onFinal?: (s: Uint32Array, holds: boolean) => void;
}

export interface Progress {
  readonly states: number;
  readonly statesPerSecond: number;
  readonly depth: number;
  readonly bytes: number;
}

export type StopReason = "max-states" | "timeout" | "max-memory";

export interface SearchResult {
  readonly states: number;
  readonly transitions: number;
  /** Distinct final states: every thread finished. */
  readonly finals: number;
  /** Final states where the condition holds / does not hold. */
  readonly positive: number;
  readonly negative: number;
  /** States where some thread is unfinished and none can move. */
  readonly deadlocks: number;
  readonly complete: boolean;
  readonly stopReason: StopReason | undefined;
  /** Paths (the thread of each transition) to the first such states found. */
  readonly positivePath: readonly number[] | undefined;
  readonly negativePath: readonly number[] | undefined;
  readonly deadlockPath: readonly number[] | undefined;
  readonly timeMs: number;
  readonly bytes: number;
}

/**
 * Explores every interleaving of the machine's threads from its initial state, storing each
 * distinct state once. Breadth-first by default, so the first witness of each kind is a shortest
 * one. A limit ends the search cleanly with what it found so far.
 */
export function search(m: Machine, opts: SearchOptions): SearchResult {
  const start = performance.now();
  const W = m.layout.words;
  const store = new StateStore(W);
  const nThreads = m.fire.length;
  const after = m.afterThread;
  const s = new Uint32Array(W);
  // Per thread: its successor (and its evicted alternative), and what the state allows it.
  const next0 = Array.from({ length: nThreads }, () => new Uint32Array(W));
  const next1 = Array.from({ length: nThreads }, () => new Uint32Array(W));
  const enabled = new Uint8Array(nThreads);
  const ordinary = new Uint8Array(nThreads);
  const alternative = new Uint8Array(nThreads);
  const finished = new Uint8Array(nThreads);
  const pick = new Int32Array(nThreads);
  const por = opts.reduce ? new PersistentSets(m) : undefined;
  const sym = opts.symmetry ? Symmetry.of(m) : undefined;
  /** A path of the quotient as a path of real threads. */
  const realPath = (i: number): number[] =>
    sym ? sym.realPath(store.path(i), evicted) : store.path(i);
  const initial = m.initial.slice();
  sym?.canon(initial);
  store.insert(initial, -1, 0);
  let transitions = 0;
  let finals = 0;
  let positive = 0;
  let negative = 0;
  let deadlocks = 0;
  let positivePath: number[] | undefined;
  let negativePath: number[] | undefined;
  let deadlockPath: number[] | undefined;
  let stopReason: StopReason | undefined;
  const stack: number[] = opts.order === "dfs" ? [0] : [];
  let next = 0;
  // Breadth first, the depth is the level: it grows when the queue passes the level's end.
  let maxDepth = 0;
  let levelEnd = 1;
  let lastProgress = start;
  let processed = 0;

  for (;;) {
    let i: number;
    if (opts.order === "dfs") {
      const top = stack.pop();
      if (top === undefined) break;
      i = top;
    } else {
      if (next >= store.count) break;
      if (next === levelEnd) {
        maxDepth++;
        levelEnd = store.count;
      }
      i = next++;
    }
    store.load(i, s);
    // Every thread's transition (and, with tlb_evict, its alternative) into its own buffer.
    let allFinished = true;
    let enabledCount = 0;
    for (let th = 0; th < nThreads; th++) {
      enabled[th] = 0;
      ordinary[th] = 0;
      alternative[th] = 0;
      finished[th] = 0;
      if (th === after && !allFinished) continue;
      const r = m.fire[th]!(s, next0[th]!, null, 0);
      if (r >= 0) enabled[th] = ordinary[th] = 1;
      else if (isBlocked(r)) allFinished = false;
      else if (r === FINISHED) finished[th] = 1;
      else throw new Error(`bad transition result ${r}`);
      if (m.evict && m.fire[th]!(s, next1[th]!, null, 1) >= 0) {
        alternative[th] = 1;
        enabled[th] = 1;
      }
      if (enabled[th]) enabledCount++;
    }
    const fired = enabledCount > 0;
    const chosen =
      por !== undefined && enabledCount > 1
        ? por.choose(s, enabled, finished, pick)
        : allOf(enabled, pick);
    for (let c = 0; c < chosen; c++) {
      const th = pick[c]!;
      for (let alt = 0; alt < 2; alt++) {
        if (!(alt === 0 ? ordinary[th] : alternative[th])) continue;
        transitions++;
        const succ = alt === 0 ? next0[th]! : next1[th]!;
        sym?.canon(succ);
        const j = store.insert(succ, i, th + alt * evicted);
        if (j >= 0 && opts.order === "dfs") stack.push(j);
      }
    }
    if (!fired) {
      if (allFinished) {
        finals++;
        const holds = m.condition === undefined ? false : m.condition(s);
        opts.onFinal?.(s, holds);
        if (holds) {
          positive++;
          positivePath ??= realPath(i);
        } else {
          negative++;
          negativePath ??= realPath(i);
        }
      } else {
        deadlocks++;
        deadlockPath ??= realPath(i);
      }
    }
    if ((++processed & 0xfff) === 0) {
      const now = performance.now();
      maxDepth = opts.order === "dfs" ? Math.max(maxDepth, stack.length) : maxDepth;
      if (opts.maxStates !== undefined && store.count >= opts.maxStates) stopReason = "max-states";
      else if (opts.timeoutMs !== undefined && now - start > opts.timeoutMs) stopReason = "timeout";
      else if (opts.maxMemoryBytes !== undefined && store.bytes > opts.maxMemoryBytes)
        stopReason = "max-memory";
      if (opts.progress && now - lastProgress > 500) {
        lastProgress = now;
        opts.progress({
          states: store.count,
          statesPerSecond: store.count / ((now - start) / 1000),
          depth: maxDepth,
          bytes: store.bytes,
        });
      }
      if (stopReason !== undefined) break;
    }
  }
  return {
    states: store.count,
    transitions,
    finals,
    positive,
    negative,
    deadlocks,
    complete: stopReason === undefined,
    stopReason,
    positivePath,
    negativePath,
    deadlockPath,
    timeMs: performance.now() - start,
    bytes: store.bytes,
  };
}

/** Every enabled thread, in order. */
function allOf(enabled: Uint8Array, out: Int32Array): number {
  let k = 0;
  for (let t = 0; t < enabled.length; t++) if (enabled[t]) out[k++] = t;
  return k;
}
