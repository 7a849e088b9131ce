import type { Diagnostic } from "../diagnostics/diagnostic.js";
import {
  configurationsOf,
  explore,
  type Configuration,
  type Exploration,
  type RunRequest,
  type Shard,
} from "../explore/run.js";
import type { Progress } from "../explore/search.js";
import type { Move } from "../explore/model.js";
import { scheduleString } from "../explore/schedule.js";
import { initialSizing, maxRefcountBits, widened, type ValueSizing } from "../model/layout.js";
import { buildMachine } from "../model/machine.js";
import { ModelError, OutsideSizing } from "../model/runtime.js";
import { maxValue } from "../primitives/types.js";
import {
  Budget,
  BuildStopped,
  isOutOfMemory,
  type BuildStage,
  type BuildStopReason,
} from "../semantics/budget.js";
import type { Scenario } from "../semantics/scenario.js";
import type { Quantifier } from "../syntax/ast.js";
import { fidelityOf, type Fidelity } from "./fidelity.js";
import { judge, quantifierOf, type Judgement } from "./judge.js";
import { OutcomeTally, type Outcome } from "./outcomes.js";

/** The answer for one scenario on one kernel configuration: what was explored, and its judgement. */
export interface RunResult
  extends Omit<Exploration, "configuration" | "paths">, Judgement, Fidelity {
  readonly scenario: Scenario;
  readonly kernel: string;
  /** Fixes that differ from the release's own set, as `commit=on|off`. */
  readonly fixOverrides: readonly string[];
  /** `--shard i/n`: this run explored one shard, a partial view judged as an incomplete search. */
  readonly shard: Shard | undefined;
  readonly quantifier: Quantifier | undefined;
  /** The execution that shows the answer: a witness, a counterexample, a deadlock, or the schedule's run. */
  readonly witness:
    | { readonly kind: "positive" | "negative" | "deadlock"; readonly path: readonly Move[] }
    | undefined;
  /** What `--show` can draw: paths to positive final states (shortest first), and to a negative one. */
  readonly executions: {
    readonly positives: readonly (readonly Move[])[];
    readonly negative: readonly Move[] | undefined;
  };
  /** The witness as a schedule `--schedule` accepts. */
  readonly schedule: string | undefined;
  /** With monitors on: in how many final states each monitor fired (by name). */
  readonly monitors: Readonly<Record<string, number>> | undefined;
  /**
   * What each outcome line shows, as the condition writes it (`T1:w`, `X`, `pte(X).dirty`): the
   * locations it names, then the other registers and monitors (Program.observed).
   */
  readonly locations: readonly string[];
  /** Distinct final values of the locations, with how many final states show each. */
  readonly outcomes: readonly Outcome[];
}

/** A configuration whose machine a limit stopped building: nothing explored, nothing settled. */
export interface BuildStop {
  readonly kernel: string;
  readonly fixOverrides: readonly string[];
  readonly reason: BuildStopReason;
  readonly stage: BuildStage;
  readonly timeMs: number;
}

export type RunOutcome = {
  readonly results: RunResult[];
  readonly diagnostics: readonly Diagnostic[];
  readonly modelError?: string;
  /** Configurations a limit stopped while their machine was being built. */
  readonly stopped?: readonly BuildStop[];
};

/**
 * `tlbl run` on one scenario: each configuration built, explored, then judged. `progress` hears
 * how each configuration's search goes.
 */
export async function runScenario(
  s: Scenario,
  req: RunRequest,
  progress?: (p: Progress, c: Configuration) => void,
): Promise<RunOutcome> {
  const results: RunResult[] = [];
  const stopped: BuildStop[] = [];
  for (const c of configurationsOf(s, req)) {
    if (req.signal?.aborted) break;
    // --timeout and --max-memory cover each configuration's building and search together.
    const start = performance.now();
    const deadline = req.timeoutMs === undefined ? undefined : start + req.timeoutMs;
    const budget = new Budget({ deadline, maxMemoryBytes: req.maxMemoryBytes, signal: req.signal });
    // A value outside the sizing (a sum, a fault code stored, a refcount) widens it: start again.
    for (let sizing: ValueSizing = initialSizing(s); ; ) {
      // Building the machine can hit a model limit too (the initial state's values, say).
      try {
        const built = buildMachine(
          s,
          { release: c.kernel, fixes: c.fixes },
          { options: req.options ?? [], sizing, budget },
        );
        if (built.machine === undefined)
          return { results, diagnostics: built.diagnostics, stopped };
        const tally = new OutcomeTally(built.machine);
        const request = {
          ...req,
          timeoutMs: deadline === undefined ? undefined : Math.max(0, deadline - performance.now()),
          progress: progress && ((p: Progress) => progress(p, c)),
        };
        results.push(judged(await explore(built.machine, c, request, tally.add), tally, req.shard));
        break;
      } catch (e) {
        // A limit met while building: this configuration is undecided, the others still run.
        const limit =
          e instanceof BuildStopped
            ? e
            : isOutOfMemory(e)
              ? new BuildStopped("max-memory", budget.stage)
              : undefined;
        if (limit !== undefined) {
          const { reason, stage } = limit;
          const timeMs = performance.now() - start;
          stopped.push({ kernel: c.kernel, fixOverrides: c.fixOverrides, reason, stage, timeMs });
          break;
        }
        if (!(e instanceof ModelError)) throw e;
        const wider = e instanceof OutsideSizing ? widened(sizing, e.what) : undefined;
        if (wider !== undefined) {
          sizing = wider;
          continue;
        }
        const why =
          e instanceof OutsideSizing
            ? `${e.message}, past tlbl's limit (${limitOf(e)})`
            : e.message;
        return {
          results,
          diagnostics: [],
          modelError: `${s.file}: kernel ${c.kernel}: ${why}`,
          stopped,
        };
      }
    }
  }
  return { results, diagnostics: [], stopped };
}

function limitOf(e: OutsideSizing): string {
  return e.what === "refcount"
    ? `refcounts up to ${(1 << maxRefcountBits) - 1}`
    : `values up to ±${maxValue}`;
}

function judged(e: Exploration, tally: OutcomeTally, shard: Shard | undefined): RunResult {
  const { configuration: c, paths, ...found } = e;
  const quantifier = quantifierOf(e.machine);
  // A schedule run is one execution: it settles no expectation, and it is judged as a search
  // that stopped after one final state (a positive one earns Sometimes, a negative one nothing).
  const schedule = e.mode === "schedule";
  const expected = schedule ? undefined : c.expected;
  const witness = witnessOf(e, quantifier);
  // One shard is a partial view, as a search that stopped: it claims only what it found.
  const partial = schedule || shard !== undefined;
  const judgement = judge(quantifier, expected, partial ? { ...e, complete: false } : e);
  return {
    ...found,
    ...judgement,
    complete: e.complete,
    ...fidelityOf(e.machine, judgement.verdict, schedule, e.visited),
    scenario: e.machine.scenario,
    kernel: c.kernel,
    fixOverrides: c.fixOverrides,
    shard,
    quantifier,
    witness,
    executions: { positives: paths.positives, negative: paths.negative },
    schedule: witness ? scheduleString(e.machine, witness.path) : undefined,
    monitors: tally.monitors(),
    locations: e.machine.program.observed.map((o) => o.text),
    outcomes: tally.outcomes(),
  };
}

/**
 * The execution to show: a schedule run's own; else a counterexample to a `forall`, a witness
 * of an `exists` or `~exists`, or failing those a deadlock.
 */
function witnessOf(e: Exploration, q: Quantifier | undefined): RunResult["witness"] {
  const p = e.paths;
  if (e.mode === "schedule")
    return p.positive
      ? { kind: "positive", path: p.positive }
      : { kind: "negative", path: p.negative! };
  if (q === "forall" && p.negative) return { kind: "negative", path: p.negative };
  if (q !== "forall" && p.positive) return { kind: "positive", path: p.positive };
  return p.deadlock ? { kind: "deadlock", path: p.deadlock } : undefined;
}
