import {
  MessageChannel,
  type MessagePort,
  Worker,
  isMainThread,
  parentPort,
  receiveMessageOnPort,
  workerData,
} from "node:worker_threads";
import { checkText } from "../kernel/load.js";
import type { ValueSizing } from "../model/layout.js";
import { buildMachine, type Machine } from "../model/machine.js";
import { ModelError, OutsideSizing } from "../model/runtime.js";
import { heapRoom, isOutOfMemory, MemoryWatch } from "../semantics/budget.js";
import { Expander } from "./expander.js";
import { DEADLOCK, EXPANDED, FINAL, Model, storedMove, type Move } from "./model.js";
import type { Progress, SearchOptions, SearchResult, StopReason } from "./search.js";
import { StateStore, chunkBits, chunkMask, hash } from "./state-store.js";

/**
 * `--jobs N`: one search shared by N worker threads. Each state has an owner, its hash modulo N;
 * the owner alone stores it and expands it, so the workers' visited sets are disjoint and their
 * state counts add up to exactly the sequential search's. A successor owned by another worker is
 * sent to it in batches over a MessagePort, which it polls between expansions.
 *
 * Termination (no worker has work, no batch is in flight) is one shared counter, `work`: each
 * active worker counts 1 and each state in flight counts 1. A sender adds a batch's size before
 * posting it; a receiver counts itself active before it takes the batch's size off. So `work` is 0
 * only when everything is done, and one atomic read says so.
 *
 * Each worker compiles the scenario itself: only plain data crosses threads. Witness paths cross
 * workers (a state's parent may live elsewhere), so parents are kept as global references,
 * index × N + worker, and the main thread follows them once the workers hand their arrays over.
 * Each worker searches breadth first, but together they do not keep one global level order, so a
 * witness is a real execution, not always a shortest one.
 */

export interface ParallelJob {
  readonly file: string;
  readonly text: string;
  readonly release: string;
  readonly fixes: readonly (readonly [string, boolean])[];
  readonly options: readonly string[];
  /** The machine's sizing: every worker must encode states alike. */
  readonly sizing: ValueSizing;
  readonly search: Pick<
    SearchOptions,
    "reduce" | "symmetry" | "maxStates" | "timeoutMs" | "maxMemoryBytes"
  >;
}

interface WorkerInput {
  readonly kind: "tlbl-parallel";
  readonly job: ParallelJob;
  readonly index: number;
  readonly count: number;
  readonly control: SharedArrayBuffer;
  /**
   * The heap the main thread has left: the workers' final states may take a third of it (they
   * arrive there as keys, twice: the array handed over and the map merged from it, then the
   * answer made from them); past it the workers stop as at --max-memory.
   */
  readonly heapRoom: number;
  /** inbound[j]: batches from worker j (none from itself); outbound[j]: batches to worker j. */
  readonly inbound: (MessagePort | null)[];
  readonly outbound: (MessagePort | null)[];
}

/** What a worker hands back when the search is over. */
interface WorkerOutput {
  readonly states: number;
  readonly transitions: number;
  readonly finalStates: [string, boolean][];
  readonly deadlockStates: string[];
  /** Global references of the first state of each kind this worker found. */
  readonly firstPositive: number;
  readonly firstNegative: number;
  readonly firstDeadlock: number;
  readonly parents: Int32Array[];
  readonly via: Uint8Array[];
  readonly bytes: number;
  readonly visited: readonly Uint8Array[];
}

// The shared control words.
const WORK = 0;
const STOP = 1; // 0, or 1 + the index of the StopReason
const STATES = 2;
const WAKE = 3; // WAKE + i: bumped to wake worker i
const KBYTES = (n: number): number => WAKE + n; // KBYTES + i: worker i's store, in KiB
// FINALKB + i: what worker i's final states will take in this thread's heap, in KiB.
const FINALKB = (n: number): number => WAKE + 2 * n;
/** What a final state handed over costs this thread beyond its key: the array, the map entry. */
const finalOverhead = 64;
const stopReasons: readonly StopReason[] = ["max-states", "timeout", "max-memory", "interrupted"];

/** States per batch sent to another worker. */
const batchStates = 512;
/** Expansions between polls of the inbound ports. */
const pollEvery = 256;

/** Runs the search over `jobs` worker threads (this module is the workers' code too). */
export async function searchParallel(
  m: Machine,
  job: ParallelJob,
  jobs: number,
  progress?: (p: Progress) => void,
  signal?: AbortSignal,
): Promise<SearchResult> {
  const start = performance.now();
  const control = new SharedArrayBuffer(4 * (WAKE + 3 * jobs));
  const ctl = new Int32Array(control);
  ctl[WORK] = jobs;
  const channels = Array.from({ length: jobs }, (_, i) =>
    Array.from({ length: jobs }, (_, j) => (i === j ? null : new MessageChannel())),
  );
  const workers: Worker[] = [];
  const outputs = Array.from({ length: jobs }, (_, index) => {
    const input: WorkerInput = {
      kind: "tlbl-parallel",
      job,
      index,
      count: jobs,
      control,
      heapRoom: heapRoom(),
      inbound: channels.map((row) => row[index]?.port2 ?? null),
      outbound: channels[index]!.map((c) => c?.port1 ?? null),
    };
    const ports = [...input.inbound, ...input.outbound].filter((p): p is MessagePort => p !== null);
    const w = new Worker(new URL(import.meta.url), { workerData: input, transferList: ports });
    workers.push(w);
    // undefined: the worker's heap ran out (Node ends the worker, not the process).
    return new Promise<WorkerOutput | undefined>((resolve, reject) => {
      w.once("message", (out: WorkerOutput | WorkerFailure) =>
        "failure" in out ? reject(failureError(out)) : resolve(out),
      );
      w.once("error", (e: Error & { code?: string }) => {
        if (e.code !== "ERR_WORKER_OUT_OF_MEMORY") return reject(e);
        stopAll("max-memory");
        resolve(undefined);
      });
    });
  });
  // The workers poll STOP; this thread is free to see the signal.
  const stopAll = (reason: StopReason): void => {
    Atomics.compareExchange(ctl, STOP, 0, 1 + stopReasons.indexOf(reason));
    for (let i = 0; i < jobs; i++) {
      Atomics.add(ctl, WAKE + i, 1);
      Atomics.notify(ctl, WAKE + i);
    }
  };
  const interrupt = (): void => stopAll("interrupted");
  signal?.addEventListener("abort", interrupt);
  const ticker =
    progress &&
    setInterval(() => {
      const states = Atomics.load(ctl, STATES);
      let kbytes = 0;
      for (let i = 0; i < jobs; i++) kbytes += Atomics.load(ctl, KBYTES(jobs) + i);
      const seconds = (performance.now() - start) / 1000;
      progress({
        states,
        statesPerSecond: states / seconds,
        depth: undefined,
        bytes: kbytes * 1024,
      });
    }, 500);
  try {
    const outs = await Promise.all(outputs);
    const stop = Atomics.load(ctl, STOP);
    if (outs.every((o) => o !== undefined)) return merge(m, job, jobs, outs, stop, start);
    return lost(m, outs, Atomics.load(ctl, STATES), start);
  } finally {
    if (ticker) clearInterval(ticker);
    signal?.removeEventListener("abort", interrupt);
    // A worker that failed leaves the others waiting for its work: stop them all.
    await Promise.all(workers.map((w) => w.terminate()));
  }
}

function merge(
  m: Machine,
  job: ParallelJob,
  jobs: number,
  outs: readonly WorkerOutput[],
  stop: number,
  start: number,
): SearchResult {
  const finalStates = new Map<string, boolean>();
  const deadlockStates = new Set<string>();
  for (const o of outs) {
    for (const [k, v] of o.finalStates) finalStates.set(k, v);
    for (const k of o.deadlockStates) deadlockStates.add(k);
  }
  const ex = new Expander(new Model(m), job.search);
  /** The moves from the initial state to a state, following parents across workers. */
  const pathOf = (ref: number): Move[] => {
    const moves: Move[] = [];
    for (let r = ref; ; ) {
      const o = outs[r % jobs]!;
      const i = Math.floor(r / jobs);
      const parent = o.parents[i >>> chunkBits]![i & chunkMask]!;
      if (parent < 0) break;
      moves.push(storedMove(o.via[i >>> chunkBits]![i & chunkMask]!));
      r = parent;
    }
    return ex.realPath(moves.reverse());
  };
  const shortest = (pick: (o: WorkerOutput) => number): Move[] | undefined =>
    outs
      .map(pick)
      .filter((r) => r >= 0)
      .map(pathOf)
      .sort((a, b) => a.length - b.length)[0];
  const positive = [...finalStates.values()].filter(Boolean).length;
  const stopReason = stop === 0 ? undefined : stopReasons[stop - 1];
  return {
    states: outs.reduce((a, o) => a + o.states, 0),
    transitions: outs.reduce((a, o) => a + o.transitions, 0),
    finals: finalStates.size,
    positive,
    negative: finalStates.size - positive,
    deadlocks: deadlockStates.size,
    complete: stopReason === undefined,
    stopReason,
    positivePath: shortest((o) => o.firstPositive),
    negativePath: shortest((o) => o.firstNegative),
    deadlockPath: shortest((o) => o.firstDeadlock),
    finalStates,
    deadlockStates,
    timeMs: performance.now() - start,
    bytes: outs.reduce((a, o) => a + o.bytes, 0),
    visited: m.program.threads.map((t, th) =>
      Uint8Array.from(t.nodes, (_, node) => (outs.some((o) => o.visited[th]![node]) ? 1 : 0)),
    ),
  };
}

/**
 * A worker's heap ran out between two of its looks: its states, and the witness paths that pass
 * through them, are lost. What is left proves nothing about the condition (a final state found
 * elsewhere may have its path through the lost worker), so the answer is the counts alone:
 * Undecided, stopped at the memory limit.
 */
function lost(
  m: Machine,
  outs: readonly (WorkerOutput | undefined)[],
  states: number,
  start: number,
): SearchResult {
  const kept = outs.filter((o): o is WorkerOutput => o !== undefined);
  return {
    states,
    transitions: kept.reduce((a, o) => a + o.transitions, 0),
    finals: 0,
    positive: 0,
    negative: 0,
    deadlocks: 0,
    complete: false,
    stopReason: "max-memory",
    positivePath: undefined,
    negativePath: undefined,
    deadlockPath: undefined,
    finalStates: new Map(),
    deadlockStates: new Set(),
    timeMs: performance.now() - start,
    bytes: kept.reduce((a, o) => a + o.bytes, 0),
    visited: m.program.threads.map((t, th) =>
      Uint8Array.from(t.nodes, (_, node) => (kept.some((o) => o.visited[th]![node]) ? 1 : 0)),
    ),
  };
}

/**
 * Which worker owns a state: a hash of one thread's program counter. Only that thread's moves
 * then send a successor to another worker; the others stay local. (A hash of the whole state
 * sends half of all successors away on two workers, and measured no faster than one.) The thread
 * is the one with the most program points, to spread the states evenly.
 */
function ownerOf(m: Machine, n: number): (s: Uint32Array) => number {
  const threads = m.program.threads;
  let t = 0;
  for (let i = 1; i < threads.length; i++)
    if (threads[i]!.nodes.length > threads[t]!.nodes.length) t = i;
  const slot = m.layout.pc[t]!;
  const key = new Uint32Array(1);
  return (s) => {
    key[0] = m.runtime.rd(s, slot);
    return hash(key, 0, 1) % n;
  };
}

/** A model error in a worker, as plain data (classes do not cross threads). */
interface WorkerFailure {
  readonly failure: string;
  readonly outside?: OutsideSizing["what"];
}

function attempt(input: WorkerInput): WorkerOutput | WorkerFailure {
  try {
    return work(input);
  } catch (e) {
    if (e instanceof OutsideSizing) return { failure: e.message, outside: e.what };
    if (e instanceof ModelError) return { failure: e.message };
    throw e;
  }
}

function failureError(f: WorkerFailure): ModelError {
  return f.outside === undefined
    ? new ModelError(f.failure)
    : new OutsideSizing(f.outside, f.failure);
}

/** One worker's share of the search. */
function work(input: WorkerInput): WorkerOutput {
  const start = performance.now();
  const { job, index: me, count: n } = input;
  const loaded = checkText(job.text, job.file);
  if (loaded.scenario === undefined) throw new Error(`worker: ${job.file} does not check`);
  const built = buildMachine(
    loaded.scenario,
    { release: job.release, fixes: new Map(job.fixes) },
    { options: job.options, sizing: job.sizing },
  );
  if (built.machine === undefined) throw new Error(`worker: ${job.file} does not build`);
  const m = built.machine;
  const model = new Model(m);
  const W = model.words;
  const ctl = new Int32Array(input.control);
  const ex = new Expander(model, job.search);
  const store = new StateStore(W);
  const record = W + 2; // a state in a batch: its words, its parent's reference, the move
  const outbox = Array.from({ length: n }, () => new Uint32Array(batchStates * record));
  const outCount = new Int32Array(n);
  const finals = new Map<string, boolean>();
  const deadlocks = new Set<string>();
  const first = { positive: -1, negative: -1, deadlock: -1 };
  let transitions = 0;
  let reported = 0;
  /** What this worker's final states and deadlocks will take in the main thread's heap. */
  let finalBytes = 0;

  const owner = ownerOf(m, n);
  const ref = (i: number): number => i * n + me;
  const flush = (j: number): void => {
    const k = outCount[j]!;
    if (k === 0) return;
    const batch = outbox[j]!.slice(0, k * record);
    outCount[j] = 0;
    Atomics.add(ctl, WORK, k);
    input.outbound[j]!.postMessage(batch, [batch.buffer]);
    Atomics.add(ctl, WAKE + j, 1);
    Atomics.notify(ctl, WAKE + j);
  };
  let parent = -1; // the global reference of the state being expanded
  const emit = (succ: Uint32Array, move: Move): void => {
    transitions++;
    const j = owner(succ);
    if (j === me) {
      store.insert(succ, parent, move);
      return;
    }
    const box = outbox[j]!;
    const at = outCount[j]! * record;
    box.set(succ.subarray(0, W), at);
    box[at + W] = parent;
    box[at + W + 1] = move;
    if (++outCount[j]! === batchStates) flush(j);
  };
  /**
   * Takes every batch waiting on the inbound ports; returns how many states arrived. An idle
   * worker counts itself active again before it takes a batch off the count.
   */
  const receive = (idle: boolean): number => {
    let got = 0;
    for (const port of input.inbound) {
      if (port === null) continue;
      for (let msg = receiveMessageOnPort(port); msg; msg = receiveMessageOnPort(port)) {
        if (idle) Atomics.add(ctl, WORK, 1);
        idle = false;
        const batch = msg.message as Uint32Array;
        const k = batch.length / record;
        for (let r = 0; r < k; r++) {
          const at = r * record;
          store.insert(
            batch.subarray(at, at + W),
            batch[at + W]! | 0,
            storedMove(batch[at + W + 1]!),
          );
          // The rest of a batch is dropped at the limit: the search is over.
          if (atMaxStates()) return got + r + 1;
        }
        got += k;
        Atomics.sub(ctl, WORK, k);
      }
    }
    return got;
  };
  const maxStates = job.search.maxStates;
  const memory = new MemoryWatch(job.search.maxMemoryBytes);
  /** Adds this worker's new states to the shared count; true once it reaches --max-states. */
  const countStates = (): boolean => {
    const total = Atomics.add(ctl, STATES, store.count - reported) + store.count - reported;
    reported = store.count;
    return maxStates !== undefined && total >= maxStates;
  };
  /**
   * With --max-states, each new state is counted into the shared count at once, so the workers
   * together stop within one expansion's successors each of the limit (it stopped 50 % past it
   * when they counted every 4,096 expansions).
   */
  const atMaxStates = (): boolean => {
    if (maxStates === undefined || store.count === reported || !countStates()) return false;
    Atomics.compareExchange(ctl, STOP, 0, 1 + stopReasons.indexOf("max-states"));
    return true;
  };
  const checkLimits = (): void => {
    const full = countStates();
    Atomics.store(ctl, KBYTES(n) + me, Math.ceil(store.bytes / 1024));
    Atomics.store(ctl, FINALKB(n) + me, Math.ceil(finalBytes / 1024));
    const o = job.search;
    let reason = 0;
    let handed = 0;
    for (let j = 0; j < n; j++) handed += Atomics.load(ctl, FINALKB(n) + j) * 1024;
    if (full) reason = 1;
    else if (o.timeoutMs !== undefined && performance.now() - start > o.timeoutMs) reason = 2;
    // The whole process's memory, every worker's heap and store included; and this worker's
    // own V8 heap, which aborts the process when full.
    else if (memory.over() || 3 * handed > input.heapRoom) reason = 3;
    if (reason !== 0) Atomics.compareExchange(ctl, STOP, 0, reason);
  };

  const init = ex.initial();
  if (owner(init) === me) store.insertRoot(init);
  const s = new Uint32Array(W);
  let next = 0;
  let expanded = 0;
  // An allocation that fails between two looks stops every worker as at --max-memory.
  try {
    for (;;) {
      while (next < store.count) {
        const i = next++;
        store.load(i, s);
        parent = ref(i);
        const kind = ex.expand(s, emit);
        if (kind !== EXPANDED) {
          const holds = kind === FINAL && model.holds(s);
          if (kind === FINAL) {
            const key = store.key(i);
            if (!finals.has(key)) finalBytes += key.length + finalOverhead;
            finals.set(key, holds);
            if (holds && first.positive < 0) first.positive = ref(i);
            if (!holds && first.negative < 0) first.negative = ref(i);
          } else if (kind === DEADLOCK) {
            const key = store.key(i);
            if (!deadlocks.has(key)) finalBytes += key.length + finalOverhead;
            deadlocks.add(key);
            if (first.deadlock < 0) first.deadlock = ref(i);
          }
        }
        atMaxStates();
        if (++expanded % pollEvery === 0) {
          receive(false);
          if ((expanded & 0x3ff) === 0) checkLimits();
        }
        if (Atomics.load(ctl, STOP) !== 0) break;
      }
      if (Atomics.load(ctl, STOP) !== 0) break;
      for (let j = 0; j < n; j++) flush(j);
      if (receive(false) > 0) continue;
      // Idle: stop counting as active, then wait for a batch or for the end.
      Atomics.sub(ctl, WORK, 1);
      let woke = false;
      for (;;) {
        const bell = Atomics.load(ctl, WAKE + me);
        if (receive(true) > 0) {
          woke = true;
          break;
        }
        if (Atomics.load(ctl, WORK) === 0 || Atomics.load(ctl, STOP) !== 0) break;
        Atomics.wait(ctl, WAKE + me, bell, 50);
      }
      if (!woke) break;
    }
  } catch (e) {
    if (!isOutOfMemory(e)) throw e;
    Atomics.compareExchange(ctl, STOP, 0, 1 + stopReasons.indexOf("max-memory"));
  }
  checkLimits();
  // Whoever sees the end wakes the others, so none waits out its timeout.
  for (let j = 0; j < n; j++) Atomics.notify(ctl, WAKE + j);
  return {
    states: store.count,
    transitions,
    finalStates: [...finals],
    deadlockStates: [...deadlocks],
    firstPositive: first.positive,
    firstNegative: first.negative,
    firstDeadlock: first.deadlock,
    ...store.links(),
    bytes: store.bytes,
    visited: model.visited,
  };
}

// In a worker started by searchParallel: do its share and hand the result back.
if (!isMainThread && (workerData as { kind?: string } | null)?.kind === "tlbl-parallel") {
  const input = workerData as WorkerInput;
  parentPort!.postMessage(attempt(input));
  for (const p of [...input.inbound, ...input.outbound]) p?.close();
}
