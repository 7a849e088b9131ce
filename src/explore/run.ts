import type { Diagnostic } from "../diagnostics/diagnostic.js";
import { buildMachine, type Machine } from "../model/machine.js";
import { ModelError } from "../model/runtime.js";
import { conditionHolds, verdictOf } from "../report/verdict.js";
import { fixesFor, knownReleases } from "../semantics/kernel-versions.js";
import type { Scenario } from "../semantics/scenario.js";
import type * as A from "../syntax/ast.js";
import { valueName } from "../report/changes.js";
import { monitorNames } from "../semantics/monitors.js";
import { resolveSchedule, runSchedule, scheduleString, type ScheduleStep } from "./schedule.js";
import type { Move } from "./model.js";
import { searchParallel } from "./parallel.js";
import { StateStore } from "./state-store.js";
import { search, type Progress, type SearchResult } from "./search.js";

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
  readonly shard?: { readonly index: number; readonly count: number };
  /** Partial-order reduction and symmetry reduction (both on by default in the CLI). */
  readonly reduce?: boolean;
  readonly symmetry?: boolean;
  readonly maxStates?: number;
  readonly timeoutMs?: number;
  readonly maxMemoryBytes?: number;
  readonly progress?: (p: Progress) => void;
}

/** The answer for one scenario on one kernel configuration: the search's counts, and more. */
export interface RunResult extends Pick<
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
  readonly scenario: Scenario;
  readonly machine: Machine;
  readonly kernel: string;
  /** Fixes that differ from the release's own set, as `commit=on|off`. */
  readonly fixOverrides: readonly string[];
  readonly mode: "search" | "schedule";
  /** The verdict on the condition's proposition, or undefined when no execution finished. */
  readonly verdict: A.Verdict | undefined;
  /** herd7's Ok/No: the quantified condition holds. */
  readonly conditionOk: boolean | undefined;
  readonly expected: A.Verdict | undefined;
  /** true or false when the answer settles the expectation; undefined when it cannot. */
  readonly ok: boolean | undefined;
  readonly witness:
    | { readonly kind: "positive" | "negative" | "deadlock"; readonly path: readonly Move[] }
    | undefined;
  readonly schedule: string | undefined;
  /** With monitors on: in how many final states each monitor fired (by name). */
  readonly monitors: Readonly<Record<string, number>> | undefined;
  /** Distinct final valuations of the registers, with how many final states show each. */
  readonly outcomes: readonly {
    readonly text: string;
    readonly count: number;
    readonly holds: boolean;
  }[];
  readonly scheduleError: string | undefined;
  /** For `--shard`: which one ("1/4"), and its final states and deadlocks, for `tlbl merge`. */
  readonly shard: string | undefined;
  readonly shardStates:
    | { readonly finals: [string, boolean][]; readonly deadlocks: string[] }
    | undefined;
}

export type RunOutcome = {
  readonly results: RunResult[];
  readonly diagnostics: readonly Diagnostic[];
  readonly modelError?: string;
};

interface Config {
  readonly kernel: string;
  readonly settings: readonly A.FixSetting[];
  readonly expected: A.Verdict | undefined;
}

export async function runScenario(s: Scenario, req: RunRequest): Promise<RunOutcome> {
  const configs: Config[] = req.kernels.length
    ? req.kernels.map((kernel) => ({
        kernel,
        settings: [],
        expected: s.expects.find((e) => e.kernel.text === kernel && e.fixes.length === 0)?.verdict,
      }))
    : s.expects.length
      ? s.expects.map((e) => ({ kernel: e.kernel.text, settings: e.fixes, expected: e.verdict }))
      : [{ kernel: knownReleases[knownReleases.length - 1]!, settings: [], expected: undefined }];
  const results: RunResult[] = [];
  for (const c of configs) {
    const toggles = [...s.fixToggles, ...c.settings].map((f) => ({
      commit: f.commit.id,
      enabled: f.enabled,
    }));
    const fixes = fixesFor(c.kernel, s.fixes.values(), [...toggles, ...req.fixes]);
    const base = fixesFor(c.kernel, s.fixes.values());
    const overrides = [...fixes]
      .filter(([k, v]) => base.get(k) !== v)
      .map(([k, v]) => `${k}=${v ? "on" : "off"}`);
    const built = buildMachine(s, { release: c.kernel, fixes }, { options: req.options ?? [] });
    if (built.machine === undefined) return { results, diagnostics: built.diagnostics };
    try {
      results.push(
        req.schedule
          ? runOne(built.machine, c, overrides, resolveSchedule(built.machine, req.schedule))
          : await searchOne(built.machine, c, overrides, req, fixes),
      );
    } catch (e) {
      if (e instanceof ModelError)
        return {
          results,
          diagnostics: [],
          modelError: `${s.file}: kernel ${c.kernel}: ${e.message}`,
        };
      throw e;
    }
  }
  return { results, diagnostics: [] };
}

async function searchOne(
  m: Machine,
  c: Config,
  overrides: string[],
  req: RunRequest,
  fixes: ReadonlyMap<string, boolean>,
): Promise<RunResult> {
  const outcomes = new Map<string, { count: number; holds: boolean }>();
  const monitors =
    m.layout.monitor < 0 ? undefined : Object.fromEntries(monitorNames.map((n) => [n, 0]));
  const onFinal = (s: Uint32Array, holds: boolean): void => {
    const text = outcomeText(m, s);
    if (monitors) for (const n of firedIn(m, s)) monitors[n]!++;
    const o = outcomes.get(text) ?? { count: 0, holds };
    o.count++;
    outcomes.set(text, o);
  };
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
            fixes: [...fixes],
            options: req.options ?? [],
            search: options,
          },
          jobs,
          req.progress,
        )
      : search(m, {
          ...options,
          shard: req.shard,
          collect: req.shard !== undefined,
          progress: req.progress,
          onFinal,
        });
  // Final states found by workers are decoded here for the outcome lines.
  if (jobs > 1)
    for (const [key, holds] of r.finalStates ?? []) onFinal(StateStore.stateOfKey(key), holds);
  const q = quantifierOf(m);
  const verdict = r.finals > 0 && q !== undefined ? verdictOf(r.positive, r.negative) : undefined;
  const witness =
    q === "forall" && r.negativePath
      ? { kind: "negative" as const, path: r.negativePath }
      : q !== "forall" && r.positivePath
        ? { kind: "positive" as const, path: r.positivePath }
        : r.deadlockPath
          ? { kind: "deadlock" as const, path: r.deadlockPath }
          : undefined;
  return {
    scenario: m.scenario,
    machine: m,
    kernel: c.kernel,
    fixOverrides: overrides,
    mode: "search",
    states: r.states,
    transitions: r.transitions,
    finals: r.finals,
    positive: r.positive,
    negative: r.negative,
    deadlocks: r.deadlocks,
    complete: r.complete,
    stopReason: r.stopReason,
    verdict,
    conditionOk:
      verdict === undefined || q === undefined
        ? undefined
        : conditionHolds(q, r.positive, r.negative),
    expected: c.expected,
    ok: settle(c.expected, verdict, r.complete, r.positive, r.negative),
    witness,
    monitors,
    schedule: witness ? scheduleString(m, witness.path) : undefined,
    outcomes: [...outcomes]
      .map(([text, o]) => ({ text, ...o }))
      .sort((a, b) => a.text.localeCompare(b.text)),
    scheduleError: undefined,
    timeMs: r.timeMs,
    bytes: r.bytes,
    shard: req.shard ? `${req.shard.index + 1}/${req.shard.count}` : undefined,
    shardStates: req.shard
      ? { finals: [...(r.finalStates ?? [])], deadlocks: [...(r.deadlockStates ?? [])] }
      : undefined,
  };
}

function runOne(m: Machine, c: Config, overrides: string[], steps: ScheduleStep[]): RunResult {
  const start = performance.now();
  const out = runSchedule(m, steps);
  const holds = out.ok && m.condition !== undefined ? m.condition(out.final) : false;
  const q = quantifierOf(m);
  const fired = out.ok ? firedIn(m, out.final) : [];
  return {
    scenario: m.scenario,
    machine: m,
    kernel: c.kernel,
    fixOverrides: overrides,
    mode: "schedule",
    states: out.path.length + 1,
    transitions: out.path.length,
    finals: out.ok ? 1 : 0,
    positive: out.ok && holds ? 1 : 0,
    negative: out.ok && !holds ? 1 : 0,
    deadlocks: 0,
    complete: true,
    stopReason: undefined,
    verdict: out.ok && q !== undefined ? (holds ? "always" : "never") : undefined,
    conditionOk:
      out.ok && q !== undefined ? conditionHolds(q, holds ? 1 : 0, holds ? 0 : 1) : undefined,
    expected: undefined,
    ok: undefined,
    witness: { kind: holds ? "positive" : "negative", path: out.path },
    monitors:
      m.layout.monitor < 0
        ? undefined
        : Object.fromEntries(monitorNames.map((n) => [n, fired.includes(n) ? 1 : 0])),
    schedule: scheduleString(m, out.path),
    outcomes: out.ok ? [{ text: outcomeText(m, out.final), count: 1, holds }] : [],
    scheduleError: out.ok ? undefined : out.message,
    shard: undefined,
    shardStates: undefined,
    timeMs: performance.now() - start,
    bytes: 0,
  };
}

/**
 * Does the answer settle the expectation? A complete search always does. A partial one does
 * when what it found already decides: a positive final state refutes `never`, a negative one
 * refutes `always`, and one of each proves `sometimes`.
 */
function settle(
  expected: A.Verdict | undefined,
  verdict: A.Verdict | undefined,
  complete: boolean,
  positive: number,
  negative: number,
): boolean | undefined {
  if (expected === undefined) return undefined;
  if (complete) return verdict === expected;
  if (expected === "never" && positive > 0) return false;
  if (expected === "always" && negative > 0) return false;
  if (expected === "sometimes" && positive > 0 && negative > 0) return true;
  return undefined;
}

/** The condition's quantifier; a scenario without one asks whether some monitor fired. */
export function quantifierOf(m: Machine): A.Quantifier | undefined {
  return m.scenario.condition?.quantifier ?? (m.program.monitors ? "exists" : undefined);
}

/** The monitors that fired on the way to a final state. */
function firedIn(m: Machine, s: Uint32Array): string[] {
  if (m.layout.monitor < 0) return [];
  const bits = m.runtime.rd(s, m.layout.monitor);
  return monitorNames.filter((_, code) => bits & (1 << code));
}

/** An outcome line: every register's final value, then the monitors that fired, if any. */
function outcomeText(m: Machine, s: Uint32Array): string {
  const regs = registersOf(m).map(
    (x) => `${x.name}=${valueName(m.runtime.rd(s, x.slot) - x.bias)};`,
  );
  const fired = firedIn(m, s);
  return [...regs, ...(fired.length ? [`fired: ${fired.join(", ")}`] : [])].join(" ");
}

/** Registers of every thread, for the outcome lines. */
function registersOf(m: Machine): { name: string; slot: number; bias: number }[] {
  return m.program.threads.flatMap((t, tid) =>
    t.vars
      .filter((v) => v.isRegister)
      .map((v) => {
        const slot = m.layout.vars[tid]![v.id]!;
        return { name: `${t.name}:${v.name}`, slot, bias: m.layout.slots[slot]!.bias };
      }),
  );
}
