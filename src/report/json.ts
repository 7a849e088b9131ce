import type { Judgement } from "../judge/judge.js";
import { Model } from "../explore/model.js";
import type { Outcome } from "../judge/outcomes.js";
import { conditionText, herdCondition, scenarioHash } from "./herd-log.js";
import type { RunResult } from "../judge/run.js";
import { fidelityJson } from "./fidelity.js";
import { traceOf } from "./trace.js";

/** The judge's answer as `run --json` and `merge --json` both print it. */
export function judgementJson(j: Judgement): Record<string, unknown> {
  return {
    verdict: j.verdict ?? null,
    alwaysNotExcluded: j.alwaysNotExcluded,
    condition: j.conditionOk ?? null,
    expected: j.expected ?? null,
    ok: j.ok ?? null,
    complete: j.complete,
  };
}

/** The JSON of one run: the schema documented in the README ("JSON output"). */
export function toJson(r: RunResult): Record<string, unknown> {
  return {
    file: r.scenario.file,
    test: r.scenario.name,
    kernel: r.kernel,
    fixes: r.fixOverrides,
    mode: r.mode,
    ...judgementJson(r),
    ...fidelityJson(r),
    stopReason: r.stopReason ?? null,
    states: r.states,
    transitions: r.transitions,
    executions: r.finals,
    witnesses: { positive: r.positive, negative: r.negative },
    deadlocks: r.deadlocks,
    outcomes: outcomesJson(r.locations, r.outcomes),
    monitors: r.monitors ?? null,
    timeMs: Math.round(r.timeMs * 100) / 100,
    schedule: r.schedule ?? null,
    scheduleError: r.scheduleError ?? null,
    trace: r.witness ? traceOf(r.machine, r.witness.path) : null,
    ...(r.shard === undefined
      ? {}
      : {
          shard: `${r.shard.index + 1}/${r.shard.count}`,
          quantifier: r.quantifier ?? null,
          ...shardLog(r),
          deviations: r.deviations,
          finalStates: shardFinals(r),
          deadlockStates: r.shardStates!.deadlocks,
        }),
  };
}

/** What `tlbl merge` needs to print a shard set's log block without the scenario. */
function shardLog(r: RunResult): Record<string, unknown> {
  const s = r.scenario;
  return {
    locations: r.locations,
    outcomeLines: r.outcomes,
    conditionText: r.quantifier === undefined ? null : conditionText(s),
    herdCondition:
      r.quantifier === undefined ? null : (herdCondition(s, r.machine.program.observed) ?? null),
    hash: scenarioHash(s),
  };
}

/** A shard's final states: key, the condition there, and the index of its outcome line. */
function shardFinals(r: RunResult): [string, boolean, number][] {
  const line = new Map(r.outcomes.map((o, i) => [o.raw.join(","), i]));
  // Shards key final states by value (search.ts), whatever sizing each one reached.
  const model = new Model(r.machine);
  return r.shardStates!.finals.map(([key, holds]) => [
    key,
    holds,
    line.get(r.machine.observe(model.stateOfValuesKey(key)).join(","))!,
  ]);
}

/** Outcome lines as JSON: each location's value by the name the condition gives it. */
export function outcomesJson(
  locations: readonly string[],
  outcomes: readonly Outcome[],
): { values: Record<string, string>; count: number; holds: boolean }[] {
  return outcomes.map((o) => ({
    values: Object.fromEntries(locations.map((l, i) => [l, o.values[i]!])),
    count: o.count,
    holds: o.holds,
  }));
}
