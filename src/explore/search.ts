import type { Machine } from "../model/machine.js";
import { isOutOfMemory, MemoryWatch } from "../semantics/budget.js";
import { Expander } from "./expander.js";
import { DEADLOCK, EXPANDED, FINAL, Model, type Expansion, type Move } from "./model.js";
import { StateStore } from "./state-store.js";

export interface SearchOptions {
  readonly order: "bfs" | "dfs";
  /** Partial-order reduction (persistent sets): fewer states, the same final states. */
  readonly reduce?: boolean;
  /** Symmetry reduction over interchangeable threads: one state per orbit. */
  readonly symmetry?: boolean;
  /** Explore one shard of a deterministic split of the search (see splitFrontier). */
  readonly shard?: { readonly index: number; readonly count: number };
  /** Keep every final state and deadlock as a key, to merge shards exactly. */
  readonly collect?: boolean;
  readonly maxStates?: number;
  readonly timeoutMs?: number;
  readonly maxMemoryBytes?: number;
  /** Called now and then with progress figures (for a TTY progress line). */
  readonly progress?: (p: Progress) => void;
  /** Keep paths to this many positive final states (`--show positive:N`); 1 by default. */
  readonly keepPositive?: number;
  /** Called once for each distinct final state, with the condition's value there. */
  readonly onFinal?: (s: Uint32Array, holds: boolean) => void;
  /** Aborted (Ctrl-C, SIGTERM): the search ends as at a limit, "interrupted". */
  readonly signal?: AbortSignal;
}

export interface Progress {
  readonly states: number;
  readonly statesPerSecond: number;
  /** The breadth-first level (undefined with --jobs: the workers keep no common level). */
  readonly depth: number | undefined;
  readonly bytes: number;
}

export type StopReason = "max-states" | "timeout" | "max-memory" | "interrupted";

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
  /** Paths (the move of each transition) to the first such states found. */
  readonly positivePath: readonly Move[] | undefined;
  readonly negativePath: readonly Move[] | undefined;
  readonly deadlockPath: readonly Move[] | undefined;
  /** The paths to the first `keepPositive` positive final states, positivePath first. */
  readonly positivePaths?: readonly (readonly Move[])[];
  /** With `collect`: every final state (key → condition) and deadlock found. */
  readonly finalStates?: ReadonlyMap<string, boolean>;
  readonly deadlockStates?: ReadonlySet<string>;
  readonly timeMs: number;
  readonly bytes: number;
  /** Per thread, the steps taken and nodes rested at in the search (Model.visited). */
  readonly visited: readonly Uint8Array[];
}

/** States where a shard split happens: every shard gets about this many roots. */
const rootsPerShard = 8;

/**
 * Explores every interleaving of the machine's threads from its initial state, storing each
 * distinct state once. Breadth-first by default, so the first witness of each kind is a shortest
 * one. A limit ends the search cleanly with what it found so far.
 */
export function search(m: Machine, opts: SearchOptions): SearchResult {
  const run = searching(m, opts);
  for (;;) {
    const r = run.next();
    if (r.done) return r.value;
  }
}

/** Turns the search gives the event loop, at most this far apart: a signal is seen this soon. */
const turnEveryMs = 50;

/**
 * The same search, giving the event loop a turn now and then, so that a signal handler (Ctrl-C,
 * SIGTERM) can abort `opts.signal` and end it with the answer so far.
 */
export async function searchYielding(m: Machine, opts: SearchOptions): Promise<SearchResult> {
  const run = searching(m, opts);
  let last = performance.now();
  for (;;) {
    const r = run.next();
    if (r.done) return r.value;
    if (performance.now() - last > turnEveryMs) {
      await new Promise((resolve) => setImmediate(resolve));
      last = performance.now();
    }
  }
}

/** The search, pausing (yield) at each of its periodic checks. */
function* searching(m: Machine, opts: SearchOptions): Generator<void, SearchResult> {
  const start = performance.now();
  const model = new Model(m);
  const ex = new Expander(model, opts);
  const store = new StateStore(model.words);
  const s = new Uint32Array(model.words);
  const counts = { transitions: 0, finals: 0, positive: 0, negative: 0, deadlocks: 0 };
  const paths: { positive?: Move[]; negative?: Move[]; deadlock?: Move[] } = {};
  const positives: Move[][] = [];
  const finalStates = opts.collect ? new Map<string, boolean>() : undefined;
  const deadlockStates = opts.collect ? new Set<string>() : undefined;

  // The roots: the initial state, or this shard's share of a frontier every shard computes alike.
  const roots: { state: Uint32Array; prefix: Move[] }[] = [];
  let splitStates = 0;
  if (opts.shard === undefined) roots.push({ state: ex.initial(), prefix: [] });
  else {
    const split = splitFrontier(ex, opts.shard.count * rootsPerShard);
    split.frontier.forEach((r, k) => {
      if (k % opts.shard!.count === opts.shard!.index) roots.push(r);
    });
    // States before the frontier are explored by the split; the first shard reports them.
    if (opts.shard.index === 0) {
      splitStates = split.expanded;
      counts.transitions += split.transitions;
      for (const t of split.terminals) record(t.kind, t.state, () => t.path);
    }
  }
  const rootPrefix = new Map<number, Move[]>();
  for (const r of roots) {
    const i = store.insertRoot(r.state);
    if (i >= 0) rootPrefix.set(i, r.prefix);
  }
  const realPath = (i: number): Move[] => {
    const p = store.path(i);
    return ex.realPath([...rootPrefix.get(p.root)!, ...p.moves]);
  };

  function record(kind: Expansion, state: Uint32Array, path: () => Move[]): void {
    if (kind === FINAL) {
      counts.finals++;
      const holds = model.holds(state);
      opts.onFinal?.(state, holds);
      finalStates?.set(model.valuesKey(state), holds);
      if (holds) {
        counts.positive++;
        paths.positive ??= path();
        if (positives.length < (opts.keepPositive ?? 1))
          positives.push(positives.length ? path() : paths.positive);
      } else {
        counts.negative++;
        paths.negative ??= path();
      }
    } else if (kind === DEADLOCK) {
      counts.deadlocks++;
      deadlockStates?.add(model.valuesKey(state));
      paths.deadlock ??= path();
    }
  }

  let stopReason: StopReason | undefined;
  const memory = new MemoryWatch(opts.maxMemoryBytes);
  const stack: number[] = opts.order === "dfs" ? [...rootPrefix.keys()].reverse() : [];
  let next = 0;
  // Breadth first, the depth is the level: it grows when the queue passes the level's end.
  let depth = 0;
  let levelEnd = store.count;
  let lastProgress = start;
  let processed = 0;
  let current = 0;
  const emit = (succ: Uint32Array, move: Move): void => {
    counts.transitions++;
    const j = store.insert(succ, current, move);
    if (j >= 0 && opts.order === "dfs") stack.push(j);
  };

  // Memory that runs out between two looks fails an allocation: the search stops there, with
  // what it found, as at --max-memory.
  try {
    for (;;) {
      if (opts.order === "dfs") {
        const top = stack.pop();
        if (top === undefined) break;
        current = top;
        depth = Math.max(depth, stack.length);
      } else {
        if (next >= store.count) break;
        if (next === levelEnd) {
          depth++;
          levelEnd = store.count;
        }
        current = next++;
      }
      store.load(current, s);
      const i = current;
      const kind = ex.expand(s, emit);
      if (kind !== EXPANDED) record(kind, s, () => realPath(i));
      // States are counted after each expansion: the search stops within one state's successors.
      if (opts.maxStates !== undefined && store.count >= opts.maxStates) {
        stopReason = "max-states";
        break;
      }
      // The limits every 256 expansions (an expansion of a large machine can take a
      // millisecond); a pause for the event loop (signals, progress) every 4,096.
      if ((++processed & 0xff) === 0) {
        const now = performance.now();
        if (opts.timeoutMs !== undefined && now - start > opts.timeoutMs) stopReason = "timeout";
        // The process's memory (RSS): the store, the heap and what code generation made; and
        // V8's heap, which aborts the process when full.
        else if (memory.over()) stopReason = "max-memory";
        else if (opts.signal?.aborted) stopReason = "interrupted";
        if (opts.progress && now - lastProgress > 500) {
          lastProgress = now;
          opts.progress({
            states: store.count,
            statesPerSecond: store.count / ((now - start) / 1000),
            depth,
            bytes: store.bytes,
          });
        }
        if (stopReason !== undefined) break;
        if ((processed & 0xfff) === 0) yield;
      }
    }
  } catch (e) {
    if (!isOutOfMemory(e)) throw e;
    stopReason = "max-memory";
  }
  return {
    states: store.count + splitStates,
    ...counts,
    complete: stopReason === undefined,
    stopReason,
    positivePath: paths.positive,
    negativePath: paths.negative,
    deadlockPath: paths.deadlock,
    positivePaths: positives,
    finalStates,
    deadlockStates,
    timeMs: performance.now() - start,
    bytes: store.bytes,
    visited: model.visited,
  };
}

/**
 * The deterministic split behind `--shard i/n` and `--jobs`: a breadth-first search until one
 * level holds at least `size` states. That level is the frontier: shard i explores from the
 * frontier states whose position is i modulo n. Every state is before the frontier (the split
 * explored it) or reachable from a frontier state, so the shards together reach every final state
 * of the whole search. Shards may meet the same states; their union is exact, their sum is not.
 */
export function splitFrontier(
  ex: Expander,
  size: number,
): {
  /** How many states the split expanded itself (those before the frontier). */
  expanded: number;
  transitions: number;
  frontier: { state: Uint32Array; prefix: Move[] }[];
  terminals: { kind: Expansion; state: Uint32Array; path: Move[] }[];
} {
  const words = ex.model.words;
  const store = new StateStore(words);
  store.insertRoot(ex.initial());
  const terminals: { kind: Expansion; state: Uint32Array; path: Move[] }[] = [];
  let levelStart = 0;
  let levelEnd = 1;
  let transitions = 0;
  const s = new Uint32Array(words);
  while (levelEnd > levelStart && levelEnd - levelStart < size) {
    for (let i = levelStart; i < levelEnd; i++) {
      store.load(i, s);
      const kind = ex.expand(s, (succ, move) => {
        transitions++;
        store.insert(succ, i, move);
      });
      if (kind !== EXPANDED) {
        terminals.push({ kind, state: s.slice(), path: ex.realPath(store.path(i).moves) });
      }
    }
    levelStart = levelEnd;
    levelEnd = store.count;
  }
  const frontier: { state: Uint32Array; prefix: Move[] }[] = [];
  for (let i = levelStart; i < levelEnd; i++) {
    const state = new Uint32Array(words);
    store.load(i, state);
    frontier.push({ state, prefix: store.path(i).moves });
  }
  return { expanded: levelStart, transitions, frontier, terminals };
}
