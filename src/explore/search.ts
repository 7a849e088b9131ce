import { FINISHED, blockedAt, isBlocked } from "../model/codegen.js";
import type { Machine } from "../model/machine.js";
import { StateStore } from "./state-store.js";

/** A move of a path: the thread, plus this when it took its alternative (an evicted entry). */
export const evicted = 128;

export interface SearchOptions {
  readonly order: "bfs" | "dfs";
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
  const t = new Uint32Array(W);
  store.insert(m.initial, -1, 0);
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
  let maxDepth = 0;
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
      i = next++;
    }
    store.load(i, s);
    let fired = false;
    let allFinished = true;
    for (let th = 0; th < nThreads; th++) {
      if (th === after && !allFinished) continue;
      const r = m.fire[th]!(s, t, null, 0);
      if (r >= 0) {
        fired = true;
        transitions++;
        const j = store.insert(t, i, th);
        if (j >= 0 && opts.order === "dfs") stack.push(j);
      } else if (isBlocked(r)) allFinished = false;
      else if (r !== FINISHED) throw new Error(`bad transition result ${r}`);
      // With tlb_evict, the same thread's access may also find its entry evicted.
      if (m.evict && m.fire[th]!(s, t, null, 1) >= 0) {
        transitions++;
        const j = store.insert(t, i, th + evicted);
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
          positivePath ??= store.path(i);
        } else {
          negative++;
          negativePath ??= store.path(i);
        }
      } else {
        deadlocks++;
        deadlockPath ??= store.path(i);
      }
    }
    if ((++processed & 0xfff) === 0) {
      const now = performance.now();
      maxDepth = Math.max(maxDepth, store.depth(i));
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
