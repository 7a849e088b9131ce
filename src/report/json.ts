import type { Judgement } from "../judge/judge.js";
import type { RunResult } from "../judge/run.js";
import { fidelityJson } from "./fidelity.js";
import { traceOf } from "./trace.js";

/** The judge's answer as `run --json` and `merge --json` both print it. */
export function judgementJson(j: Judgement): Record<string, unknown> {
  return {
    verdict: j.verdict ?? null,
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
    outcomes: r.outcomes,
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
          deviations: r.deviations,
          finalStates: r.shardStates!.finals,
          deadlockStates: r.shardStates!.deadlocks,
        }),
  };
}
