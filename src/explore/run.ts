import type { Machine } from "../model/machine.js";
import { fixesFor } from "../semantics/kernel-versions.js";
import { fixesOn, judgedConfigs, type Judged, type Scenario } from "../semantics/scenario.js";
import type * as A from "../syntax/ast.js";
import { Model, type Move } from "./model.js";
import { searchParallel } from "./parallel.js";
import { resolveSchedule, runSchedule } from "./schedule.js";
import { search, searchYielding, type Progress, type SearchResult } from "./search.js";
import { StateStore } from "./state-store.js";

export interface RunRequest {
  /** Releases to run; empty means the file's expectations, or the newest release. */
  readonly kernels: readonly string[];
  /** Fix toggles from the command line, applied last. */
  readonly fixes: readonly { readonly commit: string; readonly enabled: boolean }[];
  /** Hardware options from the command line (`tlb_evict`). */
  readonly options?: readonly string[];
  /** A schedule (parsed items) to run instead of the search. */
  readonly schedule: readonly A.ScheduleItem[] | undefined;
  readonly order: "bfs" | "dfs";
  /** Split the search over this many worker threads (see splitFrontier). */
  readonly jobs?: number;
  /** Explore only this shard of the split (0-based index); merge the shards with `tlbl merge`. */
  readonly shard?: Shard;
  /** Partial-order reduction and symmetry reduction (both on by default in the CLI). */
  readonly reduce?: boolean;
  readonly symmetry?: boolean;
  readonly maxStates?: number;
  readonly timeoutMs?: number;
  readonly maxMemoryBytes?: number;
  /** Keep paths to this many positive final states (one with --jobs). */
  readonly keepPositive?: number;
  readonly progress?: (p: Progress) => void;
  /** Aborted by a signal: the search stops as at a limit ("interrupted"), nothing more runs. */
  readonly signal?: AbortSignal;
}

export interface Shard {
  readonly index: number;
  readonly count: number;
}

/** One kernel configuration a scenario runs on, and what the file expects there. */
export interface Configuration {
  readonly kernel: string;
  /** Every fix of the scenario's kernel model, on or off. */
  readonly fixes: ReadonlyMap<string, boolean>;
  /** Fixes that differ from the release's own set, as `commit=on|off`. */
  readonly fixOverrides: readonly string[];
  readonly expected: A.Verdict | undefined;
}

/**
 * What exploring one configuration found, before any judgement: the search's counts and first
 * paths, or the one execution of a schedule.
 */
export interface Exploration extends Pick<
  SearchResult,
  | "states"
  | "transitions"
  | "finals"
  | "positive"
  | "negative"
  | "deadlocks"
  | "complete"
  | "stopReason"
  | "timeMs"
  | "bytes"
> {
  /** Per thread, the steps taken and nodes rested at (Model.visited); not for a schedule. */
  readonly visited: readonly Uint8Array[] | undefined;
  readonly machine: Machine;
  readonly configuration: Configuration;
  readonly mode: "search" | "schedule";
  /**
   * The first paths found to a final state where the condition holds, to one where it does not,
   * and to a deadlock. A schedule run's execution is under `positive` or `negative`.
   */
  readonly paths: {
    readonly positive: readonly Move[] | undefined;
    readonly negative: readonly Move[] | undefined;
    readonly deadlock: readonly Move[] | undefined;
    /** Up to `keepPositive` paths to positive final states, shortest first (breadth first). */
    readonly positives: readonly (readonly Move[])[];
  };
  /** Why a schedule could not be run to its end. */
  readonly scheduleError: string | undefined;
  /** With `--shard`: which one, and every final state and deadlock it found, for `tlbl merge`. */
  readonly shard: Shard | undefined;
  readonly shardStates:
    | { readonly finals: [string, boolean][]; readonly deadlocks: string[] }
    | undefined;
}

/** Called once for each distinct final state found, with the condition's value there. */
export type FinalObserver = (s: Uint32Array, holds: boolean) => void;

/**
 * `tlbl run FILE` with no option: every interleaving, on the configurations the file's
 * expectations name, both reductions on. Callers add limits or options to it.
 */
export const searchAll: RunRequest = {
  kernels: [],
  fixes: [],
  schedule: undefined,
  order: "bfs",
  reduce: true,
  symmetry: true,
};

/** The configurations a request names: its kernels, else the file's expectations, else the newest release. */
export function configurationsOf(s: Scenario, req: RunRequest): Configuration[] {
  const wanted: Judged[] = req.kernels.length
    ? req.kernels.map((kernel) => ({
        kernel,
        settings: [],
        expected: s.expects.find((e) => e.kernel.text === kernel && e.fixes.length === 0)?.verdict,
      }))
    : judgedConfigs(s);
  return wanted.map((c) => {
    const fixes = fixesOn(s, c, req.fixes);
    const base = fixesFor(c.kernel, s.fixes.values());
    const fixOverrides = [...fixes]
      .filter(([k, v]) => base.get(k) !== v)
      .map(([k, v]) => `${k}=${v ? "on" : "off"}`);
    return { kernel: c.kernel, fixes, fixOverrides, expected: c.expected };
  });
}

/** Explores a machine built for one configuration: every interleaving, or the request's schedule. */
export async function explore(
  m: Machine,
  c: Configuration,
  req: RunRequest,
  onFinal: FinalObserver,
): Promise<Exploration> {
  return req.schedule
    ? exploreSchedule(m, c, req.schedule, onFinal)
    : await exploreAll(m, c, req, onFinal);
}

async function exploreAll(
  m: Machine,
  c: Configuration,
  req: RunRequest,
  onFinal: FinalObserver,
): Promise<Exploration> {
  const options = {
    order: req.order,
    reduce: req.reduce ?? false,
    symmetry: req.symmetry ?? false,
    maxStates: req.maxStates,
    timeoutMs: req.timeoutMs,
    maxMemoryBytes: req.maxMemoryBytes,
  };
  const jobs = req.jobs ?? 1;
  const r =
    jobs > 1
      ? await searchParallel(
          m,
          {
            file: m.scenario.file,
            text: m.scenario.text,
            release: c.kernel,
            fixes: [...c.fixes],
            options: req.options ?? [],
            sizing: m.layout.sizing,
            search: options,
          },
          jobs,
          req.progress,
          req.signal,
        )
      : await searchYielding(m, {
          ...options,
          shard: req.shard,
          collect: req.shard !== undefined,
          keepPositive: req.keepPositive,
          progress: req.progress,
          onFinal,
          signal: req.signal,
        });
  // The workers hand their final states over as keys.
  if (jobs > 1)
    for (const [key, holds] of r.finalStates ?? []) onFinal(StateStore.stateOfKey(key), holds);
  return {
    machine: m,
    configuration: c,
    mode: "search",
    states: r.states,
    transitions: r.transitions,
    finals: r.finals,
    positive: r.positive,
    negative: r.negative,
    deadlocks: r.deadlocks,
    complete: r.complete,
    stopReason: r.stopReason,
    paths: {
      positive: r.positivePath,
      negative: r.negativePath,
      deadlock: r.deadlockPath,
      positives: r.positivePaths ?? (r.positivePath ? [r.positivePath] : []),
    },
    scheduleError: undefined,
    timeMs: r.timeMs,
    bytes: r.bytes,
    visited: r.visited,
    shard: req.shard,
    shardStates: req.shard
      ? { finals: [...(r.finalStates ?? [])], deadlocks: [...(r.deadlockStates ?? [])] }
      : undefined,
  };
}

function exploreSchedule(
  m: Machine,
  c: Configuration,
  items: readonly A.ScheduleItem[],
  onFinal: FinalObserver,
): Exploration {
  const start = performance.now();
  const out = runSchedule(m, resolveSchedule(m, items));
  const holds = out.ok && new Model(m).holds(out.final);
  if (out.ok) onFinal(out.final, holds);
  return {
    machine: m,
    configuration: c,
    mode: "schedule",
    states: out.path.length + 1,
    transitions: out.path.length,
    finals: out.ok ? 1 : 0,
    positive: out.ok && holds ? 1 : 0,
    negative: out.ok && !holds ? 1 : 0,
    deadlocks: 0,
    complete: true,
    stopReason: undefined,
    paths: {
      positive: holds ? out.path : undefined,
      negative: holds ? undefined : out.path,
      deadlock: undefined,
      positives: holds ? [out.path] : [],
    },
    scheduleError: out.ok ? undefined : out.message,
    shard: undefined,
    shardStates: undefined,
    timeMs: performance.now() - start,
    bytes: 0,
    visited: undefined,
  };
}
