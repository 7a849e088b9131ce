/**
 * The limits of `tlbl run` (--timeout, --max-memory, a signal) over building a machine: lowering,
 * liveness, layout and code generation run synchronously, so they check a Budget at each node
 * they make or visit (cooperative checkpoints, not timers) and stop with BuildStopped. The search
 * checks the same limits itself (explore/search.ts).
 */

import { getHeapStatistics } from "node:v8";

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

  constructor(private readonly limits: BuildLimits) {}

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
    if (rss && (overMemory(l.maxMemoryBytes) || heapNearlyFull()))
      throw new BuildStopped("max-memory", this.stage);
  }
}

/** Past --max-memory: the process's resident set (the heap, the visited set, generated code). */
export function overMemory(maxBytes: number | undefined): boolean {
  return maxBytes !== undefined && process.memoryUsage.rss() > maxBytes;
}

/** The share of V8's heap limit past which a run stops as at --max-memory. */
const heapCeiling = 0.85;

/**
 * Is V8's heap nearly at its limit? There V8 aborts the process (no exception to catch), so
 * building and the search stop first, whatever --max-memory says: a memory limit always applies.
 */
export function heapNearlyFull(): boolean {
  const h = getHeapStatistics();
  return h.used_heap_size > heapCeiling * h.heap_size_limit;
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
