/**
 * The limits of `tlbl run` (--timeout, --max-memory, a signal) over building a machine: lowering,
 * liveness, layout and code generation run synchronously, so they check a Budget at each node
 * they make or visit (cooperative checkpoints, not timers) and stop with BuildStopped. The search
 * checks the same limits itself (explore/search.ts).
 */

import { getHeapStatistics, setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";

/** The stages of building a machine, in the words a stopped run prints. */
export type BuildStage = "lowering" | "liveness" | "layout" | "code generation";

export type BuildStopReason = "timeout" | "max-memory" | "interrupted";

export interface BuildLimits {
  /** `performance.now()` past which building stops. */
  readonly deadline?: number;
  /** The process's resident set size past which building stops. */
  readonly maxMemoryBytes?: number;
  readonly signal?: AbortSignal;
}

/** Building stopped at a limit: not an error of the scenario or of tlbl. */
export class BuildStopped extends Error {
  constructor(
    readonly reason: BuildStopReason,
    readonly stage: BuildStage,
  ) {
    super(`building the model stopped (${reason}) in ${stage}`);
  }
}

/** Ticks between two looks at the clock; the RSS is read every 16th look (a system call). */
const ticksPerLook = 1024;
const looksPerRss = 16;

export class Budget {
  private ticks = 0;
  private looks = 0;
  /** What is being built now, for the message when a limit stops it. */
  stage: BuildStage = "lowering";

  private readonly memory: MemoryWatch;

  constructor(private readonly limits: BuildLimits) {
    this.memory = new MemoryWatch(limits.maxMemoryBytes, 1);
  }

  /** One unit of work (a node made or visited): cheap, and now and then a look at the limits. */
  tick(): void {
    if (++this.ticks % ticksPerLook === 0) this.look();
  }

  /** Starts a stage, with a look at the limits. */
  enter(stage: BuildStage): void {
    this.stage = stage;
    this.look(true);
  }

  private look(rss = ++this.looks % looksPerRss === 0): void {
    const l = this.limits;
    if (l.signal?.aborted) throw new BuildStopped("interrupted", this.stage);
    if (l.deadline !== undefined && performance.now() > l.deadline)
      throw new BuildStopped("timeout", this.stage);
    if (rss && this.memory.over()) throw new BuildStopped("max-memory", this.stage);
  }
}

/**
 * Past a memory limit: --max-memory against the process's resident set (the heap, the visited
 * set, generated code, every worker), or V8's heap nearly at its limit. There V8 aborts the
 * process (no exception to catch), so building and the search stop first, whatever --max-memory
 * says: a memory limit always applies, --max-old-space-size included. One per thread (each has
 * its own heap).
 */
export class MemoryWatch {
  /** When this watch last made V8 collect. */
  private lastCollect = -Infinity;
  /** The heap in use when the watch began: what the run holds apart from what it collects. */
  private readonly baseline: number;

  /**
   * `share`: of the heap's room past the baseline, what the run may take. What a search collects
   * (outcomes, final states, witnesses) may take a third: the answer's JSON objects, made from
   * it once the search stops, took up to 1.4 times as much again (measured: a shard of 77,000
   * final states). Building keeps only the machine, so it may take it all.
   */
  constructor(
    private readonly maxBytes: number | undefined,
    private readonly share = 1 / 3,
  ) {
    // Garbage in the baseline would move where the run stops: on a heap already a quarter full,
    // collect it first (a small heap; a default one rarely starts so full, and is spared the
    // pause).
    if (getHeapStatistics().used_heap_size > usableHeap() / 4) collectGarbage();
    this.baseline = getHeapStatistics().used_heap_size;
  }

  over(): boolean {
    if (this.maxBytes !== undefined && process.memoryUsage.rss() > this.maxBytes) return true;
    if (!this.heapFull()) return false;
    // The heap's use counts garbage until V8 collects it: collect, then look again, so where a
    // run stops does not depend on when V8 last collected (it stopped anywhere from 9,000 to
    // 90,000 states). Collecting again within a second means memory fills as fast as it is
    // freed: a real limit.
    const now = performance.now();
    if (now - this.lastCollect < 1000) return true;
    this.lastCollect = now;
    collectGarbage();
    return this.heapFull();
  }

  private heapFull(): boolean {
    const room = usableHeap() - this.baseline;
    return getHeapStatistics().used_heap_size - this.baseline > room * this.share;
  }
}

/**
 * What heap_size_limit counts beyond --max-old-space-size: the young generation's reservation
 * (measured on Node 20, 64-bit: 60 MiB of old space gives a limit of 113 MB).
 */
const youngReserve = 64 * 2 ** 20;

/** V8's old generation less a tenth of slack (V8 aborts when it cannot grow it). */
function usableHeap(): number {
  const limit = getHeapStatistics().heap_size_limit;
  return 0.9 * Math.max(limit - youngReserve, limit / 2);
}

/** The bytes this thread's heap can still take before V8's limit, less its slack. */
export function heapRoom(): number {
  return usableHeap() - getHeapStatistics().used_heap_size;
}

/** A full collection, as `--expose-gc` offers it, without requiring the flag on the command. */
function collectGarbage(): void {
  setFlagsFromString("--expose-gc");
  (runInNewContext("gc") as () => void)();
}

/**
 * A failed allocation that V8 reports as an exception rather than an abort: a typed array or
 * array buffer too large (the visited set growing), an array or string past V8's maximum.
 */
export function isOutOfMemory(e: unknown): boolean {
  return (
    e instanceof RangeError &&
    /allocation failed|Invalid typed array length|Invalid array (buffer )?length|Invalid string length/.test(
      e.message,
    )
  );
}
